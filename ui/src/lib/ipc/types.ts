// The IPC contract between the Rust shell (src-tauri/src/commands) and the UI.
// The payload types are generated from the Rust types (./generated.ts, re-exported here); this
// file keeps what is not a Rust type: the command map with each command's arguments and result,
// the events, and the argument-only types. Secrets never appear here except in the explicit
// reveal results (`revealedValue`, `otpauthUri`, `qrSvg`), which the shell audits.

import type {
  AlertsReport,
  AttestationView,
  AuditEntry,
  AuditVerify,
  BackupEvent,
  BackupOverview,
  BackupSourceView,
  BackupView,
  CheckItem,
  CheckRunSummary,
  CheckRunView,
  CheckStoredRun,
  CheckTarget,
  CheckTargetView,
  CheckVerdict,
  CodeView,
  CopyResult,
  CredentialKind,
  CredentialView,
  Destination,
  DrillView,
  EmailSettings,
  EnrollDraft,
  EscalationPolicy,
  ExportFormat,
  ExportResult,
  FeedsOverview,
  FeedsSettings,
  FeedsSummary,
  FieldDecryptResult,
  FieldEncryptResult,
  FiringAlert,
  GenerateResult,
  HashCheck,
  HashInfo,
  IdentityReveal,
  ImportReport,
  IncidentDetail,
  IncidentStatus,
  IncidentView,
  JwtDecoded,
  JwtSigned,
  JwtVerifyReport,
  KpiRange,
  KpiReport,
  LockState,
  MachineStats,
  NewIncident,
  OnCallNow,
  PointInTime,
  PostmortemTemplate,
  PromSeries,
  PruneReport,
  ReportFormat,
  RestoreDone,
  RunView,
  SentryView,
  ServiceDetail,
  ServiceInput,
  ServiceView,
  Settings,
  SilenceCreated,
  SilencesReport,
  SourceSpec,
  SourceView,
  StateChange,
  TargetSpec,
  VerifyResult,
} from './generated';

export type * from './generated';

/** A Prometheus, Alertmanager or Sentry source (source_add / source_remove take it). */
export type SourceKind = SourceView['kind'];

/** tools_field_rotate answers like tools_field_encrypt. */
export type FieldRotateResult = FieldEncryptResult;

/** The HMAC algorithms tools_jwt_sign signs with. */
export type JwtAlgorithm = 'HS256' | 'HS384' | 'HS512';

/** A checklist item's verdict, without what comes with it (`reason`, the attestation). */
export type CheckStatus = CheckVerdict['status'];

/**
 * The arguments of a powerful command: the back end asks for the app passphrase again
 * (kind `passphraseRequired`) and the ipc layer sends the call again with it.
 */
export type Confirmed<A> = A & { passphrase?: string | null };

/** Every command the shell exposes, with its arguments (camelCase) and result. */
export interface Commands {
  otp_codes: { args: Record<string, never>; result: CodeView[] };
  otp_copy: { args: { id: string; next: boolean }; result: CopyResult };
  otp_set_pinned: { args: { id: string; pinned: boolean }; result: null };
  otp_remove: { args: { id: string }; result: null };
  otp_import: {
    args: { fileName: string | null; text: string | null; bytes: number[] | null; password: string | null };
    result: ImportReport;
  };
  otp_enroll_start: { args: { issuer: string; account: string }; result: EnrollDraft };
  otp_enroll_confirm: { args: { draftId: string; code: string }; result: CodeView };
  otp_enroll_cancel: { args: { draftId: string }; result: null };
  otp_verify: { args: { id: string; code: string }; result: VerifyResult };
  otp_qr: { args: Confirmed<{ id: string }>; result: string };
  otp_export: { args: Confirmed<{ format: ExportFormat; password: string | null }>; result: ExportResult };
  vault_list: { args: Record<string, never>; result: CredentialView[] };
  vault_add: {
    args: { name: string; kind: CredentialKind; value: string; tags: string[] };
    result: CredentialView;
  };
  vault_reveal: { args: Confirmed<{ id: string }>; result: string };
  vault_copy: { args: { id: string }; result: CopyResult };
  vault_rotate: { args: { id: string; value: string }; result: CredentialView };
  vault_rename: { args: { id: string; newName: string }; result: CredentialView };
  vault_delete: { args: { id: string }; result: null };
  vault_generate: {
    args: { name: string; kind: CredentialKind; bytes: number; encoding: 'hex' | 'base64'; reveal: boolean };
    result: GenerateResult;
  };
  lock_state: { args: Record<string, never>; result: LockState };
  lock_set_passphrase: { args: { current: string | null; next: string | null }; result: LockState };
  lock_unlock: { args: { passphrase: string }; result: LockState };
  lock_now: { args: Record<string, never>; result: LockState };
  lock_activity: { args: Record<string, never>; result: null };
  audit_log: { args: { limit: number }; result: AuditEntry[] };
  audit_verify: { args: Record<string, never>; result: AuditVerify };
  settings_get: { args: Record<string, never>; result: Settings };
  settings_set: { args: { settings: Settings }; result: Settings };
  feeds_overview: { args: Record<string, never>; result: FeedsOverview };
  feeds_refresh: { args: Record<string, never>; result: null };
  service_list: { args: Record<string, never>; result: ServiceView[] };
  service_add: { args: { service: ServiceInput }; result: ServiceView };
  service_remove: { args: { name: string }; result: null };
  service_detail: { args: { name: string; hours: number }; result: ServiceDetail };
  alerts_list: { args: Record<string, never>; result: AlertsReport };
  silence_create: {
    args: { alert: string; durationSeconds: number; comment: string; createdBy: string | null };
    result: SilenceCreated[];
  };
  silence_expire: { args: { alertmanager: string; id: string }; result: null };
  silences_list: { args: Record<string, never>; result: SilencesReport };
  sentry_issues: { args: Record<string, never>; result: SentryView };
  source_list: { args: Record<string, never>; result: SourceView[] };
  source_add: {
    args: Confirmed<{ kind: SourceKind; name: string; url: string | null; tokenFrom: string | null }>;
    result: SourceView;
  };
  source_remove: { args: { kind: SourceKind; name: string }; result: null };
  machine_stats: { args: Record<string, never>; result: MachineStats };
  feeds_settings_get: { args: Record<string, never>; result: FeedsSettings };
  feeds_settings_set: { args: { settings: FeedsSettings }; result: FeedsSettings };
  slack_test: { args: Record<string, never>; result: null };
  backup_overview: { args: Record<string, never>; result: BackupOverview };
  backup_keygen: { args: Record<string, never>; result: string };
  backup_target_add: { args: Confirmed<{ target: TargetSpec }>; result: TargetSpec };
  backup_target_remove: { args: { name: string }; result: null };
  backup_source_add: { args: Confirmed<{ source: SourceSpec }>; result: BackupSourceView };
  backup_source_remove: { args: { name: string }; result: null };
  backup_run: { args: { source: string; onProgress: unknown }; result: RunView };
  backup_runs: { args: { source: string | null; limit: number }; result: RunView[] };
  backup_list: { args: { source: string }; result: BackupView[] };
  backup_restore: {
    args: {
      source: string;
      at: PointInTime;
      to: Destination;
      identityFile: string | null;
      onProgress: unknown;
      passphrase?: string | null;
    };
    result: RestoreDone;
  };
  backup_verify: { args: { source: string; id: string; full: boolean }; result: BackupView };
  backup_prune: { args: { dryRun: boolean }; result: PruneReport[] };
  backup_drill: { args: { source: string }; result: DrillView };
  backup_export_identity: { args: Confirmed<Record<string, never>>; result: IdentityReveal };
  backup_pick_dir: { args: Record<string, never>; result: string | null };
  tools_field_decrypt: { args: { keyName: string; text: string }; result: FieldDecryptResult };
  /** text: one JSON value (layout 'single'), or with `lines` one JSON value per line. */
  tools_field_encrypt: {
    args: { keyName: string; text: string; lines: boolean };
    result: FieldEncryptResult;
  };
  /** All or nothing: any payload that fails to decrypt with fromKey fails the whole call. */
  tools_field_rotate: { args: { fromKey: string; toKey: string; text: string }; result: FieldRotateResult };
  tools_jwt_decode: { args: { token: string }; result: JwtDecoded };
  /** issuer/audience: null = the guide's profile (alawael-api / alawael-users); '' = don't check. */
  tools_jwt_verify: {
    args: { token: string; secretName: string; issuer: string | null; audience: string | null };
    result: JwtVerifyReport;
  };
  /** claims: a JSON object as text; expires: '15m', '1h', '7d' or null (keep claims' exp / none). */
  tools_jwt_sign: {
    args: { secretName: string; claims: string; expires: string | null; algorithm: JwtAlgorithm };
    result: JwtSigned;
  };
  tools_hash_inspect: { args: { hash: string }; result: HashInfo };
  /** The password is used once and never stored or logged. */
  tools_hash_check: { args: { hash: string; password: string }; result: HashCheck };
  /** Copies a tool's result from Rust; the clipboard is cleared after the usual delay. */
  incident_list: { args: { openOnly: boolean }; result: IncidentView[] };
  incident_detail: { args: { id: number }; result: IncidentDetail };
  incident_open: { args: { incident: NewIncident }; result: IncidentView };
  incident_ack: { args: { id: number }; result: IncidentView };
  incident_note: { args: { id: number; text: string }; result: IncidentView };
  incident_set_status: {
    args: { id: number; status: IncidentStatus; summary: string | null; force: boolean };
    result: IncidentView;
  };
  /** Moves it up one level by hand and notifies that level. */
  incident_escalate: { args: { id: number }; result: IncidentView };
  /** null: the user cancelled the save dialog. */
  incident_export: { args: { id: number; format: ReportFormat }; result: string | null };
  postmortem_template_get: { args: Record<string, never>; result: PostmortemTemplate };
  /** null: back to the built-in template. */
  postmortem_template_set: { args: { template: string | null }; result: PostmortemTemplate };
  email_settings_get: { args: Record<string, never>; result: EmailSettings | null };
  /** null: no email. */
  email_settings_set: { args: { settings: EmailSettings | null }; result: EmailSettings | null };
  /** null: the user cancelled the save dialog. */
  kpi_security_report: { args: { range: KpiRange; format: ReportFormat }; result: string | null };
  incident_on_call: { args: Record<string, never>; result: OnCallNow };
  escalation_get: { args: Record<string, never>; result: EscalationPolicy };
  escalation_set: { args: { policy: EscalationPolicy }; result: EscalationPolicy };
  kpi_report: { args: { range: KpiRange }; result: KpiReport };
  kpi_query_set: { args: { id: string; query: string | null }; result: null };
  kpi_run_query: { args: { expr: string }; result: PromSeries[] };
  tools_copy: { args: { text: string }; result: CopyResult };
  check_catalog: { args: Record<string, never>; result: CheckItem[] };
  check_targets: { args: Record<string, never>; result: CheckTargetView[] };
  check_target_add: { args: { target: CheckTarget }; result: CheckTargetView };
  check_target_remove: { args: { name: string }; result: null };
  /** expires: a duration (90d, 12w, 1y) or a date (2026-12-31). */
  check_attest: {
    args: { target: string; item: string; note: string; by: string; expires: string };
    result: AttestationView;
  };
  check_unattest: { args: { target: string; item: string }; result: null };
  /** only: item or section ids; empty for every item. */
  check_run: { args: { name: string; only: string[]; onProgress: unknown }; result: CheckRunView };
  /** null: no run recorded yet. */
  check_last_run: { args: { name: string }; result: CheckStoredRun | null };
  check_history: { args: { name: string }; result: CheckRunSummary[] };
  /** null: the user cancelled the save dialog. */
  check_export: { args: { name: string; format: ReportFormat }; result: string | null };
}

/** Events the shell emits. */
export interface Events {
  /** The app locked itself (idle) or was locked. */
  'lock://changed': LockState;
  /** Accounts were added/removed/changed (tray pin, import from CLI...). */
  'otp://changed': null;
  /** The feeds picture changed (at most once a second): re-read what the page shows. */
  'feeds://changed': FeedsSummary;
  /** A service went down or recovered. */
  'feeds://service-changed': StateChange;
  /** An alert started firing (not on app start: the first poll is the baseline). */
  'feeds://alert-firing': FiringAlert;
  /** A backup started, progressed, finished or was missed; configuration changed. */
  'backup://event': BackupEvent;
  /** An incident was opened outside the page (from the tray): its id, to show it. */
  'incidents://opened': number;
  /** The escalation timer moved an incident up: re-read the list and the one shown. */
  'incidents://changed': null;
}
