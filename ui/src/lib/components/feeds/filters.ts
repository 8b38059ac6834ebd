// Filtering alert groups on the Alerts page (unit-tested).
import type { AlertGroup } from '$lib/ipc';

export type StateFilter = 'active' | 'silenced' | 'all';

export interface AlertFilter {
  severity: string; // '' = any
  state: StateFilter;
  text: string;
}

/** Groups with only the alerts that pass; empty groups dropped. */
export function filterGroups(groups: AlertGroup[], filter: AlertFilter): AlertGroup[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return groups
    .filter((g) => !filter.severity || g.severity === filter.severity)
    .map((g) => ({
      ...g,
      alerts: g.alerts.filter((a) => {
        const silenced = a.status.state === 'suppressed';
        if (filter.state === 'active' && silenced) return false;
        if (filter.state === 'silenced' && !silenced) return false;
        const haystack = [
          g.alertname,
          g.service,
          ...Object.entries(a.labels).map(([k, v]) => `${k}=${v}`),
          ...Object.values(a.annotations),
        ]
          .join(' ')
          .toLowerCase();
        return words.every((w) => haystack.includes(w));
      }),
    }))
    .filter((g) => g.alerts.length > 0);
}

/** The severities present, most severe first. */
export function severities(groups: AlertGroup[]): string[] {
  const order = ['critical', 'error', 'warning', 'info'];
  const seen = [...new Set(groups.map((g) => g.severity))];
  return seen.sort((a, b) => {
    const ia = order.indexOf(a) === -1 ? order.length : order.indexOf(a);
    const ib = order.indexOf(b) === -1 ? order.length : order.indexOf(b);
    return ia - ib || a.localeCompare(b);
  });
}
