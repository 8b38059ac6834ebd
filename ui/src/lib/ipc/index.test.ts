import { emit } from '@tauri-apps/api/event';
import { mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it, vi } from 'vitest';
import * as ipc from './index';
import { RESPONDER_CASES, type Case } from './responders.cases';
import type { Commands, LockState, Settings, SourceSpec, TargetSpec } from './types';

const settings: Settings = {
  clipboardClearSeconds: 20,
  idleLockMinutes: 5,
  rotateAfterDays: 90,
  startPage: 'overview',
};
const service = {
  name: 'api',
  environment: 'prod',
  url: 'http://127.0.0.1/health',
  interval: 30_000,
  timeout: 5_000,
  conditions: null,
};
const feedsSettings = {
  muted: false,
  desktop: true,
  minSeverity: 'warning' as const,
  quietStart: '22:00',
  quietEnd: '07:00',
  notifyRecovered: true,
  slackWebhookFrom: null,
  rawDays: 7,
};

// [label, call, expected command, expected args]
const target: TargetSpec = {
  name: 'offsite',
  endpoint: 'http://127.0.0.1:3900',
  region: 'garage',
  bucket: 'b',
  prefix: '',
  pathStyle: true,
  accessKeyFrom: 'id',
  secretKeyFrom: 'secret',
  storageClass: null,
};
const backupSource: SourceSpec = {
  name: 'db',
  what: { kind: 'command', argv: ['pg_dump', '-Fc', 'app'] },
  env: [{ var: 'PGPASSWORD', from: 'pg' }],
  target: 'offsite',
  recipients: ['age1example'],
  schedule: '0 3 * * *',
  retention: { keepLast: 3, keepDaily: 7, keepWeekly: 0, keepMonthly: 0, keepWithinSecs: 2_592_000 },
};

const CASES: Case[] = [
  ['otpCodes', () => ipc.otpCodes(), 'otp_codes', {}],
  ['otpCopy', () => ipc.otpCopy('a1', true), 'otp_copy', { id: 'a1', next: true }],
  ['otpCopy default', () => ipc.otpCopy('a1'), 'otp_copy', { id: 'a1', next: false }],
  ['otpSetPinned', () => ipc.otpSetPinned('a1', true), 'otp_set_pinned', { id: 'a1', pinned: true }],
  ['otpRemove', () => ipc.otpRemove('a1'), 'otp_remove', { id: 'a1' }],
  [
    'otpImport',
    () => ipc.otpImport({ fileName: 'x.json', text: null, bytes: [1, 2], password: 'pw' }),
    'otp_import',
    { fileName: 'x.json', text: null, bytes: [1, 2], password: 'pw' },
  ],
  [
    'otpEnrollStart',
    () => ipc.otpEnrollStart('GitHub', 'me'),
    'otp_enroll_start',
    { issuer: 'GitHub', account: 'me' },
  ],
  [
    'otpEnrollConfirm',
    () => ipc.otpEnrollConfirm('d1', '123456'),
    'otp_enroll_confirm',
    { draftId: 'd1', code: '123456' },
  ],
  ['otpEnrollCancel', () => ipc.otpEnrollCancel('d1'), 'otp_enroll_cancel', { draftId: 'd1' }],
  ['otpVerify', () => ipc.otpVerify('a1', '000000'), 'otp_verify', { id: 'a1', code: '000000' }],
  ['otpQr', () => ipc.otpQr('a1'), 'otp_qr', { id: 'a1' }],
  ['otpExport', () => ipc.otpExport('aegis', 'pw'), 'otp_export', { format: 'aegis', password: 'pw' }],
  ['vaultList', () => ipc.vaultList(), 'vault_list', {}],
  [
    'vaultAdd',
    () => ipc.vaultAdd('db', 'databaseUri', 'postgres://', ['prod']),
    'vault_add',
    { name: 'db', kind: 'databaseUri', value: 'postgres://', tags: ['prod'] },
  ],
  ['vaultReveal', () => ipc.vaultReveal('c1'), 'vault_reveal', { id: 'c1' }],
  ['vaultCopy', () => ipc.vaultCopy('c1'), 'vault_copy', { id: 'c1' }],
  ['vaultRotate', () => ipc.vaultRotate('c1', 'v2'), 'vault_rotate', { id: 'c1', value: 'v2' }],
  ['vaultRename', () => ipc.vaultRename('c1', 'new'), 'vault_rename', { id: 'c1', newName: 'new' }],
  ['vaultDelete', () => ipc.vaultDelete('c1'), 'vault_delete', { id: 'c1' }],
  [
    'vaultGenerate',
    () => ipc.vaultGenerate({ name: 'k', kind: 'encryptionKey', bytes: 32, encoding: 'hex', reveal: false }),
    'vault_generate',
    { name: 'k', kind: 'encryptionKey', bytes: 32, encoding: 'hex', reveal: false },
  ],
  ['lockState', () => ipc.lockState(), 'lock_state', {}],
  [
    'lockSetPassphrase',
    () => ipc.lockSetPassphrase(null, 'pw'),
    'lock_set_passphrase',
    { current: null, next: 'pw' },
  ],
  ['lockUnlock', () => ipc.lockUnlock('pw'), 'lock_unlock', { passphrase: 'pw' }],
  ['lockNow', () => ipc.lockNow(), 'lock_now', {}],
  ['lockActivity', () => ipc.lockActivity(), 'lock_activity', {}],
  ['auditLog', () => ipc.auditLog(50), 'audit_log', { limit: 50 }],
  ['auditVerify', () => ipc.auditVerify(), 'audit_verify', {}],
  ['settingsGet', () => ipc.settingsGet(), 'settings_get', {}],
  ['settingsSet', () => ipc.settingsSet(settings), 'settings_set', { settings }],
  ['feedsOverview', () => ipc.feedsOverview(), 'feeds_overview', {}],
  ['feedsRefresh', () => ipc.feedsRefresh(), 'feeds_refresh', {}],
  ['serviceList', () => ipc.serviceList(), 'service_list', {}],
  ['serviceAdd', () => ipc.serviceAdd(service), 'service_add', { service }],
  ['serviceRemove', () => ipc.serviceRemove('api'), 'service_remove', { name: 'api' }],
  ['serviceDetail', () => ipc.serviceDetail('api', 168), 'service_detail', { name: 'api', hours: 168 }],
  ['serviceDetail default', () => ipc.serviceDetail('api'), 'service_detail', { name: 'api', hours: 24 }],
  ['alertsList', () => ipc.alertsList(), 'alerts_list', {}],
  [
    'silenceCreate',
    () => ipc.silenceCreate('fp1', 7200, 'on it', 'alice'),
    'silence_create',
    { alert: 'fp1', durationSeconds: 7200, comment: 'on it', createdBy: 'alice' },
  ],
  [
    'silenceExpire',
    () => ipc.silenceExpire('prod', 's-1'),
    'silence_expire',
    { alertmanager: 'prod', id: 's-1' },
  ],
  ['silencesList', () => ipc.silencesList(), 'silences_list', {}],
  ['sentryIssues', () => ipc.sentryIssues(), 'sentry_issues', {}],
  ['sourceList', () => ipc.sourceList(), 'source_list', {}],
  [
    'sourceAdd',
    () => ipc.sourceAdd('sentry', 'acme/api', null, 'sentry-token'),
    'source_add',
    { kind: 'sentry', name: 'acme/api', url: null, tokenFrom: 'sentry-token' },
  ],
  [
    'sourceRemove',
    () => ipc.sourceRemove('prometheus', 'p'),
    'source_remove',
    { kind: 'prometheus', name: 'p' },
  ],
  ['machineStats', () => ipc.machineStats(), 'machine_stats', {}],
  ['feedsSettingsGet', () => ipc.feedsSettingsGet(), 'feeds_settings_get', {}],
  [
    'feedsSettingsSet',
    () => ipc.feedsSettingsSet(feedsSettings),
    'feeds_settings_set',
    { settings: feedsSettings },
  ],
  ['slackTest', () => ipc.slackTest(), 'slack_test', {}],
  ['backupOverview', () => ipc.backupOverview(), 'backup_overview', {}],
  ['backupKeygen', () => ipc.backupKeygen(), 'backup_keygen', {}],
  ['backupTargetAdd', () => ipc.backupTargetAdd(target), 'backup_target_add', { target }],
  [
    'backupTargetRemove',
    () => ipc.backupTargetRemove('offsite'),
    'backup_target_remove',
    { name: 'offsite' },
  ],
  ['backupSourceAdd', () => ipc.backupSourceAdd(backupSource), 'backup_source_add', { source: backupSource }],
  ['backupSourceRemove', () => ipc.backupSourceRemove('db'), 'backup_source_remove', { name: 'db' }],
  [
    'backupRun',
    () => ipc.backupRun('db', () => {}),
    'backup_run',
    { source: 'db', onProgress: expect.objectContaining({ id: expect.any(Number) }) },
  ],
  ['backupRuns', () => ipc.backupRuns('db', 20), 'backup_runs', { source: 'db', limit: 20 }],
  ['backupList', () => ipc.backupList('db'), 'backup_list', { source: 'db' }],
  [
    'backupRestore',
    () =>
      ipc.backupRestore(
        'db',
        { kind: 'id', id: 'x' },
        { kind: 'command', argv: ['pg_restore'] },
        null,
        () => {},
      ),
    'backup_restore',
    {
      source: 'db',
      at: { kind: 'id', id: 'x' },
      to: { kind: 'command', argv: ['pg_restore'] },
      identityFile: null,
      onProgress: expect.objectContaining({ id: expect.any(Number) }),
    },
  ],
  [
    'backupVerify',
    () => ipc.backupVerify('db', 'x', true),
    'backup_verify',
    { source: 'db', id: 'x', full: true },
  ],
  ['backupPrune', () => ipc.backupPrune(true), 'backup_prune', { dryRun: true }],
  ['backupDrill', () => ipc.backupDrill('db'), 'backup_drill', { source: 'db' }],
  ['backupExportIdentity', () => ipc.backupExportIdentity(), 'backup_export_identity', {}],
  ['backupPickDir', () => ipc.backupPickDir(), 'backup_pick_dir', {}],
  [
    'fieldDecrypt',
    () => ipc.fieldDecrypt('ENCRYPTION_KEY', '{"iv":"00","data":"01","authTag":"02"}'),
    'tools_field_decrypt',
    { keyName: 'ENCRYPTION_KEY', text: '{"iv":"00","data":"01","authTag":"02"}' },
  ],
  [
    'fieldEncrypt',
    () => ipc.fieldEncrypt('ENCRYPTION_KEY', '1\n"two"', true),
    'tools_field_encrypt',
    { keyName: 'ENCRYPTION_KEY', text: '1\n"two"', lines: true },
  ],
  [
    'fieldEncrypt default',
    () => ipc.fieldEncrypt('k', '{"a":1}'),
    'tools_field_encrypt',
    { keyName: 'k', text: '{"a":1}', lines: false },
  ],
  [
    'fieldRotate',
    () => ipc.fieldRotate('old-key', 'new-key', 'payloads'),
    'tools_field_rotate',
    { fromKey: 'old-key', toKey: 'new-key', text: 'payloads' },
  ],
  ['jwtDecode', () => ipc.jwtDecode('a.b.c'), 'tools_jwt_decode', { token: 'a.b.c' }],
  [
    'jwtVerify',
    () => ipc.jwtVerify('a.b.c', 'JWT_SECRET', 'alawael-api', ''),
    'tools_jwt_verify',
    { token: 'a.b.c', secretName: 'JWT_SECRET', issuer: 'alawael-api', audience: '' },
  ],
  [
    'jwtVerify default profile',
    () => ipc.jwtVerify('a.b.c', 'JWT_SECRET'),
    'tools_jwt_verify',
    { token: 'a.b.c', secretName: 'JWT_SECRET', issuer: null, audience: null },
  ],
  [
    'jwtSign',
    () => ipc.jwtSign('JWT_SECRET', '{"sub":"u1"}', '15m', 'HS512'),
    'tools_jwt_sign',
    { secretName: 'JWT_SECRET', claims: '{"sub":"u1"}', expires: '15m', algorithm: 'HS512' },
  ],
  [
    'jwtSign default algorithm',
    () => ipc.jwtSign('JWT_SECRET', '{}', null),
    'tools_jwt_sign',
    { secretName: 'JWT_SECRET', claims: '{}', expires: null, algorithm: 'HS256' },
  ],
  ['hashInspect', () => ipc.hashInspect('$2b$10$x'), 'tools_hash_inspect', { hash: '$2b$10$x' }],
  [
    'hashCheck',
    () => ipc.hashCheck('$2b$10$x', 'hunter2'),
    'tools_hash_check',
    { hash: '$2b$10$x', password: 'hunter2' },
  ],
  ['toolsCopy', () => ipc.toolsCopy('{"a":1}'), 'tools_copy', { text: '{"a":1}' }],
  ...RESPONDER_CASES,
];

describe('command wrappers', () => {
  it.each(CASES)('%s invokes the right command with camelCase args', async (_label, run, cmd, args) => {
    const seen: [string, unknown][] = [];
    mockIPC((c, payload) => {
      seen.push([c, payload]);
      return 'result';
    });
    await expect(run()).resolves.toBe('result');
    expect(seen).toEqual([[cmd, args]]);
  });

  it('covers every command of the contract', () => {
    // Type-checked: adding a command to `Commands` without listing it here fails `npm run check`.
    const ALL: Record<keyof Commands, true> = {
      otp_codes: true,
      otp_copy: true,
      otp_set_pinned: true,
      otp_remove: true,
      otp_import: true,
      otp_enroll_start: true,
      otp_enroll_confirm: true,
      otp_enroll_cancel: true,
      otp_verify: true,
      otp_qr: true,
      otp_export: true,
      vault_list: true,
      vault_add: true,
      vault_reveal: true,
      vault_copy: true,
      vault_rotate: true,
      vault_rename: true,
      vault_delete: true,
      vault_generate: true,
      lock_state: true,
      lock_set_passphrase: true,
      lock_unlock: true,
      lock_now: true,
      lock_activity: true,
      audit_log: true,
      audit_verify: true,
      settings_get: true,
      settings_set: true,
      feeds_overview: true,
      feeds_refresh: true,
      service_list: true,
      service_add: true,
      service_remove: true,
      service_detail: true,
      alerts_list: true,
      silence_create: true,
      silence_expire: true,
      silences_list: true,
      sentry_issues: true,
      source_list: true,
      source_add: true,
      source_remove: true,
      machine_stats: true,
      feeds_settings_get: true,
      feeds_settings_set: true,
      slack_test: true,
      backup_overview: true,
      backup_keygen: true,
      backup_target_add: true,
      backup_target_remove: true,
      backup_source_add: true,
      backup_source_remove: true,
      backup_run: true,
      backup_runs: true,
      backup_list: true,
      backup_restore: true,
      backup_verify: true,
      backup_prune: true,
      backup_drill: true,
      backup_export_identity: true,
      backup_pick_dir: true,
      tools_field_decrypt: true,
      tools_field_encrypt: true,
      tools_field_rotate: true,
      tools_jwt_decode: true,
      tools_jwt_verify: true,
      tools_jwt_sign: true,
      tools_hash_inspect: true,
      tools_hash_check: true,
      tools_copy: true,
      incident_list: true,
      incident_detail: true,
      incident_open: true,
      incident_ack: true,
      incident_note: true,
      incident_set_status: true,
      incident_escalate: true,
      incident_export: true,
      incident_on_call: true,
      escalation_get: true,
      escalation_set: true,
      postmortem_template_get: true,
      postmortem_template_set: true,
      email_settings_get: true,
      email_settings_set: true,
      kpi_security_report: true,
      kpi_report: true,
      kpi_query_set: true,
      kpi_run_query: true,
      check_catalog: true,
      check_targets: true,
      check_target_add: true,
      check_target_remove: true,
      check_attest: true,
      check_unattest: true,
      check_run: true,
      check_last_run: true,
      check_history: true,
      check_export: true,
    };
    expect(new Set(CASES.map((c) => c[2]))).toEqual(new Set(Object.keys(ALL)));
  });
});

describe('events', () => {
  it('delivers lock://changed payloads to onLockChanged', async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const handler = vi.fn();
    const unlisten = await ipc.onLockChanged(handler);
    const state: LockState = { locked: true, hasPassphrase: true, idleMinutes: 5 };
    await emit('lock://changed', state);
    expect(handler).toHaveBeenCalledWith(state);
    unlisten();
    await emit('lock://changed', state);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('delivers otp://changed to onOtpChanged and subscribe() unlistens', async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const handler = vi.fn();
    const stop = ipc.subscribe(ipc.onOtpChanged(handler));
    await new Promise((r) => setTimeout(r, 0));
    await emit('otp://changed', null);
    expect(handler).toHaveBeenCalledTimes(1);
    stop();
    await emit('otp://changed', null);
    expect(handler).toHaveBeenCalledTimes(1);
  });
});
