import { describe, expect, it } from 'vitest';
import type { Alert, AlertGroup } from '$lib/ipc';
import { filterGroups, severities } from './filters';

function alert(fingerprint: string, labels: Record<string, string>, silenced = false): Alert {
  return {
    fingerprint,
    labels,
    annotations: { summary: `summary of ${fingerprint}` },
    startsAt: '2026-11-28T10:00:00Z',
    endsAt: null,
    generatorURL: null,
    status: {
      state: silenced ? 'suppressed' : 'active',
      silencedBy: silenced ? ['s1'] : [],
      inhibitedBy: [],
    },
    sources: ['am'],
  };
}

const GROUPS: AlertGroup[] = [
  {
    alertname: 'DatabaseDown',
    severity: 'critical',
    service: 'db',
    alerts: [alert('a1', { instance: 'db-1' }), alert('a2', { instance: 'db-2' }, true)],
  },
  {
    alertname: 'HighCPUUsage',
    severity: 'warning',
    service: 'api',
    alerts: [alert('b1', { instance: 'api-1' })],
  },
  { alertname: 'Odd', severity: 'page', service: '', alerts: [alert('c1', {})] },
];

describe('filterGroups', () => {
  it('keeps only active alerts by default and drops emptied groups', () => {
    const active = filterGroups(GROUPS, { severity: '', state: 'active', text: '' });
    expect(active.map((g) => g.alerts.map((a) => a.fingerprint))).toEqual([['a1'], ['b1'], ['c1']]);
    const silenced = filterGroups(GROUPS, { severity: '', state: 'silenced', text: '' });
    expect(silenced.map((g) => g.alertname)).toEqual(['DatabaseDown']);
  });

  it('filters by severity and by words across names, labels and annotations', () => {
    expect(
      filterGroups(GROUPS, { severity: 'warning', state: 'all', text: '' }).map((g) => g.alertname),
    ).toEqual(['HighCPUUsage']);
    expect(
      filterGroups(GROUPS, { severity: '', state: 'all', text: 'instance=db-2' })[0].alerts,
    ).toHaveLength(1);
    expect(filterGroups(GROUPS, { severity: '', state: 'all', text: 'nothing-like-this' })).toEqual([]);
  });

  it('orders severities most severe first, unknown labels last', () => {
    expect(severities(GROUPS)).toEqual(['critical', 'warning', 'page']);
  });
});
