// Lock state shared by the header, the lock screen and the settings page.
import { lockActivity, type LockState } from '$lib/ipc';

export const lock: LockState = $state({ locked: false, hasPassphrase: false, idleMinutes: 5 });

export function applyLockState(next: LockState): void {
  lock.locked = next.locked;
  lock.hasPassphrase = next.hasPassphrase;
  lock.idleMinutes = next.idleMinutes;
}

export const ACTIVITY_THROTTLE_MS = 30_000;
let lastActivity = -Infinity;

/** Tells the back end the user is active, at most once per 30 s. */
export function reportActivity(now = Date.now()): void {
  if (lock.locked || now - lastActivity < ACTIVITY_THROTTLE_MS) return;
  lastActivity = now;
  lockActivity().catch(() => undefined);
}

export function resetActivityThrottle(): void {
  lastActivity = -Infinity;
}
