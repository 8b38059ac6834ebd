// Retention and schedule helpers for the source form and the prune preview (unit-tested).
import type { KeepReason, RetentionSpec } from '$lib/ipc';

const UNIT: Record<string, number> = { h: 3600, d: 86_400, w: 7 * 86_400, m: 30 * 86_400, y: 365 * 86_400 };

/** "30d", "12h", "6w", "1y" to seconds; "" to null; anything else throws a readable Error. */
export function parseKeepWithin(text: string): number | null {
  const t = text.trim();
  if (!t) return null;
  const m = /^(\d+)\s*([hdwmy])$/i.exec(t);
  if (!m || Number(m[1]) === 0) throw new Error(`"${t}" is not a duration: write e.g. 30d, 12h, 6w or 1y.`);
  return Number(m[1]) * UNIT[m[2].toLowerCase()];
}

/** Seconds back to the shortest text ("2592000" → "30d"). */
export function formatKeepWithin(seconds: number | null): string {
  if (seconds === null) return '';
  for (const [unit, size] of [
    ['y', UNIT.y],
    ['w', UNIT.w],
    ['d', UNIT.d],
    ['h', UNIT.h],
  ] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${Math.ceil(seconds / 3600)}h`;
}

/** One line for a policy: "keep last 7, 30 daily, within 30d"; "keep everything" when empty. */
export function describeRetention(r: RetentionSpec): string {
  const parts = [
    r.keepLast && `last ${r.keepLast}`,
    r.keepDaily && `${r.keepDaily} daily`,
    r.keepWeekly && `${r.keepWeekly} weekly`,
    r.keepMonthly && `${r.keepMonthly} monthly`,
    r.keepWithinSecs && `everything within ${formatKeepWithin(r.keepWithinSecs)}`,
  ].filter(Boolean);
  return parts.length ? `keep ${parts.join(', ')}` : 'keep everything';
}

const REASONS: Record<KeepReason, string> = {
  last: 'one of the last N',
  daily: 'daily',
  weekly: 'weekly',
  monthly: 'monthly',
  within: 'within the keep-within window',
  onlyGoodBackup: 'the only good backup',
  noPolicy: 'no policy set',
};

export function describeReasons(reasons: KeepReason[]): string {
  return reasons.map((r) => REASONS[r] ?? r).join(', ');
}

/** Splits a command line on spaces, honouring simple quotes ("a b" or 'a b'). No shell. */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}
