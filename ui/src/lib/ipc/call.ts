// The one door to Tauri's invoke: typed calls, errors as `CommandError` (with the `locked`
// kind reported to the lock screen), and the passphrase asked again for powerful actions.
import { Channel, invoke } from '@tauri-apps/api/core';
import type { Commands, ErrorKind, IpcError } from './types';

const ERROR_KINDS: ReadonlySet<string> = new Set<ErrorKind>([
  'locked',
  'notFound',
  'invalidInput',
  'conflict',
  'keychainUnavailable',
  'keychainLocked',
  'wrongPassword',
  'passphraseRequired',
  'io',
  'network',
  'internal',
]);

/** What every wrapper rejects with: an `Error` that is also an `IpcError` (`{ kind, message }`). */
export class CommandError extends Error implements IpcError {
  readonly kind: ErrorKind;
  readonly command: string;
  readonly retryable: boolean;

  constructor(kind: ErrorKind, message: string, command = '', retryable = false) {
    super(message);
    this.name = 'CommandError';
    this.kind = kind;
    this.command = command;
    this.retryable = retryable;
  }
}

function isIpcErrorShape(value: unknown): value is Omit<IpcError, 'retryable'> & { retryable?: unknown } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.kind === 'string' && ERROR_KINDS.has(v.kind) && typeof v.message === 'string';
}

/** Turns whatever a rejected `invoke` produced into a `CommandError`. */
export function toCommandError(reason: unknown, command = ''): CommandError {
  if (reason instanceof CommandError) return reason;
  if (isIpcErrorShape(reason))
    return new CommandError(reason.kind, reason.message, command, reason.retryable === true);
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

export type Cmd = keyof Commands;
export type Args<K extends Cmd> = Commands[K]['args'];
export type Result<K extends Cmd> = Commands[K]['result'];

/**
 * Asks the user for the app passphrase before a powerful action (`reason` names it, e.g.
 * "reveal the secret k1"); `problem` is the previous attempt's error. Resolves with null when
 * cancelled.
 */
export type PassphrasePrompt = (reason: string, problem: string | null) => Promise<string | null>;
let passphrasePrompt: PassphrasePrompt | null = null;

/** Registers the app's passphrase dialog (App mounts one); null removes it. */
export function setPassphrasePrompt(prompt: PassphrasePrompt | null): void {
  passphrasePrompt = prompt;
}

function rejected(reason: unknown, command: string): CommandError {
  const error = toCommandError(reason, command);
  if (error.kind === 'locked') for (const handler of lockedHandlers) handler(error);
  return error;
}

export async function call<K extends Cmd>(command: K, args: Args<K>): Promise<Result<K>> {
  try {
    return await invoke<Result<K>>(command, args as Record<string, unknown>);
  } catch (reason) {
    const error = rejected(reason, command);
    if (error.kind === 'passphraseRequired' && passphrasePrompt) {
      const action = error.message.replace(/^enter your app passphrase to confirm: /, '');
      return confirmAndRetry(command, args, action, passphrasePrompt);
    }
    throw error;
  }
}

/**
 * The back end refused a powerful action until the passphrase is entered again: ask, and send
 * the same call with it, until it passes, fails for another reason, or the user cancels. The
 * passphrase lives only in this call's arguments.
 */
async function confirmAndRetry<K extends Cmd>(
  command: K,
  args: Args<K>,
  reason: string,
  prompt: PassphrasePrompt,
): Promise<Result<K>> {
  let problem: string | null = null;
  for (;;) {
    const passphrase = await prompt(reason, problem);
    if (passphrase === null) {
      throw new CommandError('passphraseRequired', `Not done: ${reason} needs your app passphrase.`, command);
    }
    try {
      return await invoke<Result<K>>(command, { ...(args as Record<string, unknown>), passphrase });
    } catch (again) {
      const error = rejected(again, command);
      if (error.kind !== 'wrongPassword') throw error;
      problem = error.message;
    }
  }
}

/** The arguments of a command that takes none. */
export const none = {} as Record<string, never>;

/** A channel that hands each message to `onMessage` (live progress of long commands). */
export function progressChannel<T>(onMessage: (message: T) => void): Channel<T> {
  const channel = new Channel<T>();
  channel.onmessage = onMessage;
  return channel;
}
