// The only module that talks to Tauri. One typed function per command in ./types.ts.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  AuditEntry,
  AuditVerify,
  CodeView,
  Commands,
  CopyResult,
  CredentialKind,
  CredentialView,
  EnrollDraft,
  ErrorKind,
  Events,
  ExportFormat,
  ExportResult,
  GenerateResult,
  ImportReport,
  IpcError,
  LockState,
  Settings,
  VerifyResult,
} from './types';

export type * from './types';
export type { UnlistenFn };

const ERROR_KINDS: ReadonlySet<string> = new Set<ErrorKind>([
  'locked',
  'notFound',
  'invalidInput',
  'conflict',
  'keychainUnavailable',
  'keychainLocked',
  'wrongPassword',
  'io',
  'internal',
]);

/** What every wrapper rejects with: an `Error` that is also an `IpcError` (`{ kind, message }`). */
export class CommandError extends Error implements IpcError {
  readonly kind: ErrorKind;
  readonly command: string;

  constructor(kind: ErrorKind, message: string, command = '') {
    super(message);
    this.name = 'CommandError';
    this.kind = kind;
    this.command = command;
  }
}

function isIpcErrorShape(value: unknown): value is IpcError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.kind === 'string' && ERROR_KINDS.has(v.kind) && typeof v.message === 'string';
}

/** Turns whatever a rejected `invoke` produced into a `CommandError`. */
export function toCommandError(reason: unknown, command = ''): CommandError {
  if (reason instanceof CommandError) return reason;
  if (isIpcErrorShape(reason)) return new CommandError(reason.kind, reason.message, command);
  let message: string;
  if (typeof reason === 'string') message = reason;
  else if (reason instanceof Error) message = reason.message;
  else {
    try {
      message = JSON.stringify(reason) ?? String(reason);
    } catch {
      message = String(reason);
    }
  }
  return new CommandError('internal', message || 'Unknown error', command);
}

/** A readable message for any thrown value (never "[object Object]"). */
export function errorMessage(reason: unknown): string {
  return toCommandError(reason).message;
}

type LockedHandler = (error: CommandError) => void;
const lockedHandlers = new Set<LockedHandler>();

/** Called whenever any command rejects with kind `locked` (the app shows its lock screen). */
export function onLockedError(handler: LockedHandler): () => void {
  lockedHandlers.add(handler);
  return () => lockedHandlers.delete(handler);
}

type Cmd = keyof Commands;
type Args<K extends Cmd> = Commands[K]['args'];
type Result<K extends Cmd> = Commands[K]['result'];

async function call<K extends Cmd>(command: K, args: Args<K>): Promise<Result<K>> {
  try {
    return await invoke<Result<K>>(command, args as Record<string, unknown>);
  } catch (reason) {
    const error = toCommandError(reason, command);
    if (error.kind === 'locked') for (const handler of lockedHandlers) handler(error);
    throw error;
  }
}

const none = {} as Record<string, never>;

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
