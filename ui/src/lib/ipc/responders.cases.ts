// The command-wrapper cases of the checklist, KPI and incident commands (./responders.ts), run by
// index.test.ts with the others: each wrapper must invoke its command with camelCase args.
import { expect } from 'vitest';
import * as ipc from './index';
import type { EscalationPolicy } from './types';

/** A label, the call, the command it must invoke and the arguments it must send. */
export type Case = [string, () => Promise<unknown>, string, Record<string, unknown>];

const TARGET = {
  name: 'web',
  url: 'https://api.example.com',
  loginPath: null,
  paths: [],
  caFile: null,
  repo: null,
  databases: [],
  links: [],
  loginBurst: false,
  plainPort: null,
  reviewEveryDays: null,
};

const POLICY: EscalationPolicy = {
  levels: [{ name: 'On-call engineer', contacts: [{ name: 'ana', email: null, phone: null, slack: 'U1' }] }],
  waitMinutes: { p1: 15, p2: 60, p3: null, p4: null },
  rota: { contacts: [], start: 345600, overrides: [] },
};

export const RESPONDER_CASES: Case[] = [
  ['kpiReport', () => ipc.kpiReport('7d'), 'kpi_report', { range: '7d' }],
  [
    'kpiQuerySet',
    () => ipc.kpiQuerySet('cpu-usage', 'up'),
    'kpi_query_set',
    { id: 'cpu-usage', query: 'up' },
  ],
  [
    'kpiQuerySet reset',
    () => ipc.kpiQuerySet('cpu-usage', null),
    'kpi_query_set',
    { id: 'cpu-usage', query: null },
  ],
  ['kpiRunQuery', () => ipc.kpiRunQuery('up'), 'kpi_run_query', { expr: 'up' }],
  ['checkCatalog', () => ipc.checkCatalog(), 'check_catalog', {}],
  ['checkTargets', () => ipc.checkTargets(), 'check_targets', {}],
  ['checkTargetAdd', () => ipc.checkTargetAdd(TARGET), 'check_target_add', { target: TARGET }],
  ['checkTargetRemove', () => ipc.checkTargetRemove('web'), 'check_target_remove', { name: 'web' }],
  [
    'checkAttest',
    () => ipc.checkAttest('web', 'code.review', 'PR 42', 'ana', '90d'),
    'check_attest',
    { target: 'web', item: 'code.review', note: 'PR 42', by: 'ana', expires: '90d' },
  ],
  [
    'checkUnattest',
    () => ipc.checkUnattest('web', 'code.review'),
    'check_unattest',
    { target: 'web', item: 'code.review' },
  ],
  [
    'checkRun',
    () => ipc.checkRun('web'),
    'check_run',
    { name: 'web', only: [], onProgress: expect.objectContaining({ id: expect.any(Number) }) },
  ],
  [
    'checkRun only',
    () => ipc.checkRun('web', ['transport'], () => {}),
    'check_run',
    { name: 'web', only: ['transport'], onProgress: expect.objectContaining({ id: expect.any(Number) }) },
  ],
  ['checkLastRun', () => ipc.checkLastRun('web'), 'check_last_run', { name: 'web' }],
  ['checkHistory', () => ipc.checkHistory('web'), 'check_history', { name: 'web' }],
  ['checkExport', () => ipc.checkExport('web', 'md'), 'check_export', { name: 'web', format: 'md' }],
  ['incidentList', () => ipc.incidentList(true), 'incident_list', { openOnly: true }],
  ['incidentDetail', () => ipc.incidentDetail(3), 'incident_detail', { id: 3 }],
  [
    'incidentOpen',
    () => ipc.incidentOpen({ title: 'API down', severity: 'P1', origin: { type: 'manual' } }),
    'incident_open',
    { incident: { title: 'API down', severity: 'P1', origin: { type: 'manual' } } },
  ],
  ['incidentAck', () => ipc.incidentAck(3), 'incident_ack', { id: 3 }],
  ['incidentNote', () => ipc.incidentNote(3, 'rolled back'), 'incident_note', { id: 3, text: 'rolled back' }],
  [
    'incidentSetStatus',
    () => ipc.incidentSetStatus(3, 'resolved', 'fixed'),
    'incident_set_status',
    { id: 3, status: 'resolved', summary: 'fixed', force: false },
  ],
  ['incidentEscalate', () => ipc.incidentEscalate(3), 'incident_escalate', { id: 3 }],
  ['incidentExport', () => ipc.incidentExport(3, 'html'), 'incident_export', { id: 3, format: 'html' }],
  ['incidentOnCall', () => ipc.incidentOnCall(), 'incident_on_call', {}],
  ['postmortemTemplateGet', () => ipc.postmortemTemplateGet(), 'postmortem_template_get', {}],
  [
    'postmortemTemplateSet',
    () => ipc.postmortemTemplateSet('# {{title}}'),
    'postmortem_template_set',
    { template: '# {{title}}' },
  ],
  [
    'postmortemTemplateSet reset',
    () => ipc.postmortemTemplateSet(null),
    'postmortem_template_set',
    { template: null },
  ],
  ['emailSettingsGet', () => ipc.emailSettingsGet(), 'email_settings_get', {}],
  ['emailSettingsSet off', () => ipc.emailSettingsSet(null), 'email_settings_set', { settings: null }],
  [
    'kpiSecurityReport',
    () => ipc.kpiSecurityReport('7d', 'html'),
    'kpi_security_report',
    { range: '7d', format: 'html' },
  ],
  ['escalationGet', () => ipc.escalationGet(), 'escalation_get', {}],
  ['escalationSet', () => ipc.escalationSet(POLICY), 'escalation_set', { policy: POLICY }],
];
