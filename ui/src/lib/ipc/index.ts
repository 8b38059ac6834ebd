// The IPC layer: one typed function per command in ./types.ts (calls go through ./call.ts, the
// only door to Tauri's invoke; the checklist, KPI and incident wrappers are in ./responders.ts),
// and the events the shell emits.
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  AlertsReport,
  AuditEntry,
  AuditVerify,
  CodeView,
  BackupEvent,
  BackupOverview,
  BackupSourceView,
  BackupView,
  Destination,
  DrillView,
  IdentityReveal,
  PointInTime,
  ProgressView,
  PruneReport,
  RestoreDone,
  RunView,
  SourceSpec,
  TargetSpec,
  CopyResult,
  CredentialKind,
  CredentialView,
  EnrollDraft,
  Events,
  ExportFormat,
  ExportResult,
  FeedsOverview,
  FieldDecryptResult,
  FieldEncryptResult,
  FieldRotateResult,
  HashCheck,
  HashInfo,
  JwtAlgorithm,
  JwtDecoded,
  JwtSigned,
  JwtVerifyReport,
  FeedsSettings,
  FeedsSummary,
  FiringAlert,
  GenerateResult,
  ImportReport,
  LockState,
  MachineStats,
  SentryView,
  ServiceDetail,
  ServiceInput,
  ServiceView,
  Settings,
  SilenceCreated,
  SilencesReport,
  SourceKind,
  SourceView,
  StateChange,
  VerifyResult,
} from './types';

export type * from './types';
export type { UnlistenFn };

export {
  CommandError,
  errorMessage,
  onLockedError,
  setPassphrasePrompt,
  toCommandError,
  type PassphrasePrompt,
} from './call';
export * from './responders';
import { call, none, progressChannel, type Args } from './call';

// ---- OTP ---------------------------------------------------------------------------------------------
export const otpCodes = (): Promise<CodeView[]> => call('otp_codes', none);
export const otpCopy = (id: string, next = false): Promise<CopyResult> => call('otp_copy', { id, next });
export const otpSetPinned = (id: string, pinned: boolean): Promise<null> =>
  call('otp_set_pinned', { id, pinned });
export const otpRemove = (id: string): Promise<null> => call('otp_remove', { id });
export const otpImport = (args: Args<'otp_import'>): Promise<ImportReport> => call('otp_import', args);
export const otpEnrollStart = (issuer: string, account: string): Promise<EnrollDraft> =>
  call('otp_enroll_start', { issuer, account });
export const otpEnrollConfirm = (draftId: string, code: string): Promise<CodeView> =>
  call('otp_enroll_confirm', { draftId, code });
export const otpEnrollCancel = (draftId: string): Promise<null> => call('otp_enroll_cancel', { draftId });
export const otpVerify = (id: string, code: string): Promise<VerifyResult> =>
  call('otp_verify', { id, code });
export const otpQr = (id: string): Promise<string> => call('otp_qr', { id });
/** Opens a native save dialog in the back end; resolves with the path, or null if cancelled. */
export const otpExport = (format: ExportFormat, password: string | null): Promise<ExportResult> =>
  call('otp_export', { format, password });

// ---- Vault -------------------------------------------------------------------------------------------
export const vaultList = (): Promise<CredentialView[]> => call('vault_list', none);
export const vaultAdd = (
  name: string,
  kind: CredentialKind,
  value: string,
  tags: string[],
): Promise<CredentialView> => call('vault_add', { name, kind, value, tags });
export const vaultReveal = (id: string): Promise<string> => call('vault_reveal', { id });
export const vaultCopy = (id: string): Promise<CopyResult> => call('vault_copy', { id });
export const vaultRotate = (id: string, value: string): Promise<CredentialView> =>
  call('vault_rotate', { id, value });
export const vaultRename = (id: string, newName: string): Promise<CredentialView> =>
  call('vault_rename', { id, newName });
export const vaultDelete = (id: string): Promise<null> => call('vault_delete', { id });
export const vaultGenerate = (args: Args<'vault_generate'>): Promise<GenerateResult> =>
  call('vault_generate', args);

// ---- Lock --------------------------------------------------------------------------------------------
export const lockState = (): Promise<LockState> => call('lock_state', none);
export const lockSetPassphrase = (current: string | null, next: string | null): Promise<LockState> =>
  call('lock_set_passphrase', { current, next });
export const lockUnlock = (passphrase: string): Promise<LockState> => call('lock_unlock', { passphrase });
export const lockNow = (): Promise<LockState> => call('lock_now', none);
export const lockActivity = (): Promise<null> => call('lock_activity', none);

// ---- Audit & settings --------------------------------------------------------------------------------
export const auditLog = (limit: number): Promise<AuditEntry[]> => call('audit_log', { limit });
export const auditVerify = (): Promise<AuditVerify> => call('audit_verify', none);
export const settingsGet = (): Promise<Settings> => call('settings_get', none);
export const settingsSet = (settings: Settings): Promise<Settings> => call('settings_set', { settings });

// ---- Feeds -------------------------------------------------------------------------------------------
/** From the monitor's memory: never waits on the network. */
export const feedsOverview = (): Promise<FeedsOverview> => call('feeds_overview', none);
/** Polls alerts and Sentry now; results arrive as `feeds://changed`. */
export const feedsRefresh = (): Promise<null> => call('feeds_refresh', none);
export const serviceList = (): Promise<ServiceView[]> => call('service_list', none);
export const serviceAdd = (service: ServiceInput): Promise<ServiceView> => call('service_add', { service });
export const serviceRemove = (name: string): Promise<null> => call('service_remove', { name });
/** The service page over the last `hours` (1 h - 90 d). */
export const serviceDetail = (name: string, hours = 24): Promise<ServiceDetail> =>
  call('service_detail', { name, hours });
export const alertsList = (): Promise<AlertsReport> => call('alerts_list', none);
/** Acknowledge: silence an alert (fingerprint or alertname) on every Alertmanager that has it. */
export const silenceCreate = (
  alert: string,
  durationSeconds: number,
  comment: string,
  createdBy: string | null = null,
): Promise<SilenceCreated[]> => call('silence_create', { alert, durationSeconds, comment, createdBy });
export const silenceExpire = (alertmanager: string, id: string): Promise<null> =>
  call('silence_expire', { alertmanager, id });
export const silencesList = (): Promise<SilencesReport> => call('silences_list', none);
export const sentryIssues = (): Promise<SentryView> => call('sentry_issues', none);
export const sourceList = (): Promise<SourceView[]> => call('source_list', none);
export const sourceAdd = (
  kind: SourceKind,
  name: string,
  url: string | null,
  tokenFrom: string | null = null,
): Promise<SourceView> => call('source_add', { kind, name, url, tokenFrom });
export const sourceRemove = (kind: SourceKind, name: string): Promise<null> =>
  call('source_remove', { kind, name });
export const machineStats = (): Promise<MachineStats> => call('machine_stats', none);
export const feedsSettingsGet = (): Promise<FeedsSettings> => call('feeds_settings_get', none);
export const feedsSettingsSet = (settings: FeedsSettings): Promise<FeedsSettings> =>
  call('feeds_settings_set', { settings });
/** Posts a test message to the configured Slack webhook; rejects with Slack's error string. */
export const slackTest = (): Promise<null> => call('slack_test', none);

// ---- Backups -----------------------------------------------------------------------------------------
export const backupOverview = (): Promise<BackupOverview> => call('backup_overview', none);
/** Creates the age identity in the keychain; resolves to its public key. */
export const backupKeygen = (): Promise<string> => call('backup_keygen', none);
export const backupTargetAdd = (target: TargetSpec): Promise<TargetSpec> =>
  call('backup_target_add', { target });
export const backupTargetRemove = (name: string): Promise<null> => call('backup_target_remove', { name });
export const backupSourceAdd = (source: SourceSpec): Promise<BackupSourceView> =>
  call('backup_source_add', { source });
export const backupSourceRemove = (name: string): Promise<null> => call('backup_source_remove', { name });

/** Runs a backup now with live progress; a failed run resolves with `ok: false` and the error. */
export const backupRun = (source: string, onProgress: (p: ProgressView) => void): Promise<RunView> =>
  call('backup_run', { source, onProgress: progressChannel(onProgress) });
export const backupRuns = (source: string | null, limit = 100): Promise<RunView[]> =>
  call('backup_runs', { source, limit });
/** The stored backups of a source, newest first (reads the bucket). */
export const backupList = (source: string): Promise<BackupView[]> => call('backup_list', { source });
export const backupRestore = (
  source: string,
  at: PointInTime,
  to: Destination,
  identityFile: string | null,
  onProgress: (p: ProgressView) => void,
): Promise<RestoreDone> =>
  call('backup_restore', { source, at, to, identityFile, onProgress: progressChannel(onProgress) });
export const backupVerify = (source: string, id: string, full: boolean): Promise<BackupView> =>
  call('backup_verify', { source, id, full });
/** The retention decisions; deletes only with `dryRun: false`. */
export const backupPrune = (dryRun: boolean): Promise<PruneReport[]> => call('backup_prune', { dryRun });
export const backupDrill = (source: string): Promise<DrillView> => call('backup_drill', { source });
/** Break-glass: reveals the private backup identity for printing (audited). */
export const backupExportIdentity = (): Promise<IdentityReveal> => call('backup_export_identity', none);
export const backupPickDir = (): Promise<string | null> => call('backup_pick_dir', none);

// ---- Tools (the guide's encrypted fields, JWTs, password hashes) --------------------------------------
// Keys and secrets are named by vault credential name; the shell reads them and audits each use.

/** Decrypts one payload, one per line, or a JSON array of payloads (the layout is kept). */
export const fieldDecrypt = (keyName: string, text: string): Promise<FieldDecryptResult> =>
  call('tools_field_decrypt', { keyName, text });
/** Encrypts one JSON value, or with `lines` one JSON value per line. */
export const fieldEncrypt = (keyName: string, text: string, lines = false): Promise<FieldEncryptResult> =>
  call('tools_field_encrypt', { keyName, text, lines });
/** Re-encrypts every payload from one key to another: all or nothing. */
export const fieldRotate = (fromKey: string, toKey: string, text: string): Promise<FieldRotateResult> =>
  call('tools_field_rotate', { fromKey, toKey, text });
/** Decodes without verifying (needs no key). */
export const jwtDecode = (token: string): Promise<JwtDecoded> => call('tools_jwt_decode', { token });
/** issuer/audience: null = the guide's profile; '' = not checked. */
export const jwtVerify = (
  token: string,
  secretName: string,
  issuer: string | null = null,
  audience: string | null = null,
): Promise<JwtVerifyReport> => call('tools_jwt_verify', { token, secretName, issuer, audience });
/** claims: a JSON object as text; expires: '15m', '1h', '7d' or null (keep the claims' exp). */
export const jwtSign = (
  secretName: string,
  claims: string,
  expires: string | null,
  algorithm: JwtAlgorithm = 'HS256',
): Promise<JwtSigned> => call('tools_jwt_sign', { secretName, claims, expires, algorithm });
export const hashInspect = (hash: string): Promise<HashInfo> => call('tools_hash_inspect', { hash });
/** The password is used once by the shell and never stored or logged. */
export const hashCheck = (hash: string, password: string): Promise<HashCheck> =>
  call('tools_hash_check', { hash, password });
/** Copies a result from Rust (the webview has no clipboard access); cleared like a copied secret. */
export const toolsCopy = (text: string): Promise<CopyResult> => call('tools_copy', { text });

// Security checklist

// ---- Events ------------------------------------------------------------------------------------------
export function listenEvent<E extends keyof Events>(
  event: E,
  handler: (payload: Events[E]) => void,
): Promise<UnlistenFn> {
  return listen<Events[E]>(event, (e) => handler(e.payload));
}

export const onLockChanged = (handler: (state: LockState) => void): Promise<UnlistenFn> =>
  listenEvent('lock://changed', handler);
export const onOtpChanged = (handler: () => void): Promise<UnlistenFn> =>
  listenEvent('otp://changed', () => handler());

export const onFeedsChanged = (handler: (summary: FeedsSummary) => void): Promise<UnlistenFn> =>
  listenEvent('feeds://changed', handler);
export const onServiceChanged = (handler: (change: StateChange) => void): Promise<UnlistenFn> =>
  listenEvent('feeds://service-changed', handler);
export const onBackupEvent = (handler: (event: BackupEvent) => void): Promise<UnlistenFn> =>
  listenEvent('backup://event', handler);
export const onAlertFiring = (handler: (alert: FiringAlert) => void): Promise<UnlistenFn> =>
  listenEvent('feeds://alert-firing', handler);
export const onIncidentOpened = (handler: (id: number) => void): Promise<UnlistenFn> =>
  listenEvent('incidents://opened', handler);
export const onIncidentsChanged = (handler: () => void): Promise<UnlistenFn> =>
  listenEvent('incidents://changed', handler);

/** Subscribes from a component: returns a synchronous cleanup that also handles a late `listen`. */
export function subscribe(start: Promise<UnlistenFn>): () => void {
  let stopped = false;
  let unlisten: UnlistenFn | undefined;
  start.then(
    (fn) => (stopped ? safeUnlisten(fn) : (unlisten = fn)),
    () => undefined,
  );
  return () => {
    stopped = true;
    if (unlisten) safeUnlisten(unlisten);
  };
}

/** Unlistening can fail once the webview is going away; that is harmless. */
function safeUnlisten(fn: UnlistenFn): void {
  try {
    const result: unknown = fn();
    if (result instanceof Promise) result.catch(() => undefined);
  } catch {
    // already gone
  }
}
