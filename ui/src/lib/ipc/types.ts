// The IPC contract between the Rust shell (src-tauri/src/commands) and the UI.
// Rust serializes with serde `rename_all = "camelCase"`; enums as the string literals below.
// Secrets never appear here except in the explicit reveal results (`revealedValue`, `otpauthUri`,
// `qrSvg`), which the shell audits.

export type ErrorKind =
  | 'locked' // the app is locked: show the unlock screen
  | 'notFound'
  | 'invalidInput' // bad user input; message says what to fix
  | 'conflict' // name already in use / duplicate
  | 'keychainUnavailable' // no Secret Service; message says how to fix
  | 'keychainLocked'
  | 'wrongPassword'
  | 'io'
  | 'internal';

export interface IpcError {
  kind: ErrorKind;
  message: string;
}

export type OtpKind = 'totp' | 'hotp' | 'steam';

export interface CodeView {
  id: string;
  issuer: string;
  account: string;
  kind: OtpKind;
  code: string;
  /** The following code (TOTP/Steam); null for HOTP. */
  nextCode: string | null;
  /** Seconds per step (TOTP/Steam); 0 for HOTP. */
  period: number;
  /** Unix seconds at which `code` stops being valid; 0 for HOTP. */
  validUntil: number;
  digits: number;
  counter: number | null;
  pinned: boolean;
}

export interface CopyResult {
  /** Seconds after which the clipboard is cleared (if it still holds our value). */
  clearsInSeconds: number;
}

export type ImportStatus = 'imported' | 'duplicate' | 'rejected';

export interface ImportEntry {
  /** "issuer:account" or a position ("line 3", "entry 2") when the entry has no name. */
  label: string;
  status: ImportStatus;
  reason: string | null;
}

export interface ImportReport {
  format: string;
  entries: ImportEntry[];
}

export interface EnrollDraft {
  draftId: string;
  issuer: string;
  account: string;
  otpauthUri: string;
  /** An SVG document of the QR code. */
  qrSvg: string;
  /** Unix seconds after which the draft and QR view close themselves (45 s). */
  expiresAt: number;
}

export type ExportFormat = 'aegis' | 'uris';

export interface ExportResult {
  /** Where the file was written; null when the user cancelled the save dialog. */
  path: string | null;
  accounts: number;
}

export interface VerifyResult {
  valid: boolean;
  /** Time-step offset that matched (-2..=2), null when invalid. */
  offset: number | null;
}

export type CredentialKind =
  'password' | 'apiToken' | 's3KeyPair' | 'webhookUrl' | 'databaseUri' | 'encryptionKey' | 'note';

export interface CredentialView {
  id: string;
  name: string;
  kind: CredentialKind;
  tags: string[];
  /** RFC 3339 */
  createdAt: string;
  /** RFC 3339 */
  rotatedAt: string;
  ageDays: number;
  /** True when older than the rotate-by period. */
  stale: boolean;
}

export interface GenerateResult {
  credential: CredentialView;
  /** Only present when the caller asked to see the value. */
  revealedValue: string | null;
}

export interface LockState {
  locked: boolean;
  hasPassphrase: boolean;
  idleMinutes: number;
}

export interface AuditEntry {
  seq: number;
  /** RFC 3339 */
  at: string;
  action: string;
  subject: string;
  hash: string;
}

export interface AuditVerify {
  ok: boolean;
  entries: number;
  firstBroken: number | null;
  reason: string | null;
}

export interface Settings {
  clipboardClearSeconds: number;
  idleLockMinutes: number;
  rotateAfterDays: number;
}

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
  otp_qr: { args: { id: string }; result: string };
  otp_export: { args: { format: ExportFormat; password: string | null }; result: ExportResult };
  vault_list: { args: Record<string, never>; result: CredentialView[] };
  vault_add: {
    args: { name: string; kind: CredentialKind; value: string; tags: string[] };
    result: CredentialView;
  };
  vault_reveal: { args: { id: string }; result: string };
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
}

/** Events the shell emits. */
export interface Events {
  /** The app locked itself (idle) or was locked. */
  'lock://changed': LockState;
  /** Accounts were added/removed/changed (tray pin, import from CLI...). */
  'otp://changed': null;
}
