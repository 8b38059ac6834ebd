// Pure geometry for the small SVG charts (unit-tested): points to path data with gaps.

export interface Point {
  /** Unix milliseconds. */
  t: number;
  /** The value, or null for a gap (e.g. a failed check has no response time). */
  v: number | null;
}

export interface Frame {
  width: number;
  height: number;
  t0: number;
  t1: number;
  vMax: number;
}

/** A "nice" upper bound for the y axis: 1, 2 or 5 times a power of ten, at least `max`. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= max) return step * power;
  }
  return 10 * power;
}

/** The frame that fits every point; the time range is never empty. */
export function frameFor(points: Point[], width: number, height: number): Frame {
  const times = points.map((p) => p.t);
  const values = points.flatMap((p) => (p.v === null ? [] : [p.v]));
  const t0 = times.length ? Math.min(...times) : 0;
  const t1 = times.length ? Math.max(...times) : 1;
  return { width, height, t0, t1: t1 > t0 ? t1 : t0 + 1, vMax: niceMax(Math.max(0, ...values)) };
}

/** SVG path data: one "M…L…" run per stretch of non-null points, so gaps stay visible. */
export function linePath(points: Point[], frame: Frame): string {
  const x = (t: number) => ((t - frame.t0) / (frame.t1 - frame.t0)) * frame.width;
  const y = (v: number) => frame.height - (v / frame.vMax) * frame.height;
  let d = '';
  let drawing = false;
  for (const p of points) {
    if (p.v === null) {
      drawing = false;
      continue;
    }
    d += `${drawing ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`;
    drawing = true;
  }
  return d;
}

/** Time spans (x ranges) of gaps, to shade them as "down". */
export function gapSpans(points: Point[], frame: Frame): { x: number; w: number }[] {
  const x = (t: number) => ((t - frame.t0) / (frame.t1 - frame.t0)) * frame.width;
  const spans: { x: number; w: number }[] = [];
  let start: number | null = null;
  points.forEach((p, i) => {
    if (p.v === null && start === null) start = i > 0 ? points[i - 1].t : p.t;
    if (p.v !== null && start !== null) {
      spans.push({ x: x(start), w: Math.max(1, x(p.t) - x(start)) });
      start = null;
    }
  });
  if (start !== null) {
    const end = points[points.length - 1].t;
    spans.push({ x: x(start), w: Math.max(1, x(end) - x(start)) });
  }
  return spans;
}
