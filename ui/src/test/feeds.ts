// Test fixtures for the feeds pages: an overview with one service down, one up, firing and
// silenced alerts, a Prometheus rule error and a Sentry issue.
import type { Alert, AlertGroup, FeedsOverview, MachineStats } from '$lib/ipc';

export function alert(fingerprint: string, labels: Record<string, string>, silenced = false): Alert {
  return {
    fingerprint,
    labels,
    annotations: { summary: `Summary of ${labels.alertname ?? fingerprint}` },
    startsAt: new Date(Date.now() - 10 * 60_000).toISOString(),
    endsAt: null,
    generatorURL: null,
    status: {
      state: silenced ? 'suppressed' : 'active',
      silencedBy: silenced ? ['s1'] : [],
      inhibitedBy: [],
    },
    sources: ['prod'],
  };
}

export const GROUPS: AlertGroup[] = [
  {
    alertname: 'DatabaseDown',
    severity: 'critical',
    service: 'db',
    alerts: [alert('fp-db', { alertname: 'DatabaseDown', severity: 'critical', service: 'db' })],
  },
  {
    alertname: 'HighCPUUsage',
    severity: 'warning',
    service: 'api',
    alerts: [alert('fp-cpu', { alertname: 'HighCPUUsage', severity: 'warning', service: 'api' }, true)],
  },
];

export function overview(partial: Partial<FeedsOverview> = {}): FeedsOverview {
  const now = Date.now();
  return {
    counts: {
      services: 2,
      servicesDown: 1,
      firing: { critical: 1, error: 0, warning: 0, info: 0 },
      firingTotal: 1,
      muted: 1,
      newSentryIssues: 1,
      sourceErrors: 1,
    },
    services: [
      {
        name: 'web',
        environment: 'production',
        url: 'https://web/health',
        status: 'up',
        lastCheckedMs: now - 5000,
        latencyMs: 42,
        reasons: [],
      },
      {
        name: 'api',
        environment: 'production',
        url: 'https://api/health',
        status: 'down',
        lastCheckedMs: now - 5000,
        latencyMs: 12,
        reasons: ['HTTP 503, expected 200'],
      },
    ],
    alerts: GROUPS,
    prometheus: [
      {
        name: 'prom',
        readiness: { ready: true, detail: 'ready' },
        alerts: [],
        ruleGroups: [
          {
            name: 'rampart',
            file: 'rules.yml',
            rules: [
              {
                name: 'SlowQueryResponse',
                type: 'alerting',
                query: 'x',
                health: 'err',
                lastError: 'vector cannot contain metrics with the same labelset',
                state: 'inactive',
              },
            ],
          },
        ],
      },
    ],
    sentry: [
      {
        project: 'acme/api',
        issues: [
          {
            id: '1',
            shortId: 'API-1',
            title: 'TypeError: x is undefined',
            culprit: 'handler',
            permalink: 'https://sentry.example/issues/1/',
            level: 'error',
            status: 'unresolved',
            count: 12,
            userCount: 3,
            firstSeen: new Date(now - 3_600_000).toISOString(),
            lastSeen: new Date(now - 60_000).toISOString(),
          },
        ],
      },
    ],
    errors: [
      { source: 'alertmanager staging', message: 'connection refused; retrying may help', retryable: true },
    ],
    alertsUpdatedMs: now - 2000,
    sentryUpdatedMs: now - 2000,
    ...partial,
  };
}

export const MACHINE: MachineStats = {
  hostname: 'laptop',
  cpuPercent: 12.5,
  cpuCount: 8,
  loadAverage: [0.5, 0.4, 0.3],
  memoryTotalBytes: 16 * 1024 ** 3,
  memoryUsedBytes: 8 * 1024 ** 3,
  swapTotalBytes: 0,
  swapUsedBytes: 0,
  uptimeSeconds: 7200,
  disks: [
    { mountPoint: '/', fileSystem: 'ext4', totalBytes: 100 * 1024 ** 3, availableBytes: 40 * 1024 ** 3 },
  ],
};
