// Pure helpers for the KPI dashboard (unit-tested): values in their unit, the threshold line's
// wording, and the chart's geometry with the threshold inside the frame.
import type { KpiThreshold, KpiValue } from '$lib/ipc';
import { frameFor, linePath, type Frame, type Point } from '../charts/chart';

/** A KPI value in its unit: 2.50%, 350 ms, 1.20 s, 0.35 cores, 4.0/h, 1.0/day. */
export function formatKpi(unit: string, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  switch (unit) {
    case 'ratio':
      return `${(v * 100).toFixed(2)}%`;
    case 'seconds':
      return v < 1 ? `${Math.round(v * 1000)} ms` : `${v.toFixed(2)} s`;
    case 'cores':
      return `${v.toFixed(2)} cores`;
    case 'perHour':
      return `${v.toFixed(1)}/h`;
    case 'perDay':
      return `${v.toFixed(1)}/day`;
    default:
      return String(v);
  }
}

/** "should stay ≤ 5.00% (alert HighErrorRate)" */
export function thresholdText(unit: string, t: KpiThreshold): string {
  return `should stay ${t.aboveIsBad ? '≤' : '≥'} ${formatKpi(unit, t.value)} (${t.from})`;
}

export interface KpiChart {
  frame: Frame;
  path: string;
  /** The threshold's y, when it is drawn. */
  thresholdY: number | null;
}

/** The chart of a KPI: its points (unix seconds) and its threshold, both inside the frame. */
export function kpiChart(k: KpiValue, width: number, height: number): KpiChart {
  const points: Point[] = k.points.map(([t, v]) => ({ t: t * 1000, v }));
  // Include the threshold in the frame so the line is always visible.
  const withLine = k.threshold ? [...points, { t: points[0]?.t ?? 0, v: k.threshold.value }] : points;
  const frame = frameFor(withLine, width, height);
  const thresholdY = k.threshold ? height - (k.threshold.value / frame.vMax) * height : null;
  return { frame, path: linePath(points, frame), thresholdY };
}
