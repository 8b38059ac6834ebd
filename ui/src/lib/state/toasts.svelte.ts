// App-wide toasts: short confirmations and readable error messages.
import { errorMessage } from '$lib/ipc';

export type ToastTone = 'info' | 'success' | 'error';

export interface Toast {
  id: number;
  tone: ToastTone;
  text: string;
}

let nextId = 1;
export const toasts: Toast[] = $state([]);

export function dismissToast(id: number): void {
  const index = toasts.findIndex((t) => t.id === id);
  if (index !== -1) toasts.splice(index, 1);
}

export function showToast(
  text: string,
  tone: ToastTone = 'success',
  ms = tone === 'error' ? 8000 : 3500,
): number {
  const id = nextId++;
  toasts.push({ id, tone, text });
  // Keep at most 4 on screen.
  while (toasts.length > 4) toasts.shift();
  setTimeout(() => dismissToast(id), ms);
  return id;
}

/**
 * Shows the message of any failure (the `locked` kind is handled by the lock screen instead; a
 * passphrase prompt the user cancelled is a plain note, not an error).
 */
export function showError(reason: unknown, prefix = ''): void {
  const kind = typeof reason === 'object' && reason !== null ? (reason as { kind?: unknown }).kind : null;
  if (kind === 'locked') return;
  const message = errorMessage(reason);
  if (kind === 'passphraseRequired') {
    showToast(message, 'info');
    return;
  }
  showToast(prefix ? `${prefix}: ${message}` : message, 'error');
}

export function clearToasts(): void {
  toasts.length = 0;
}
