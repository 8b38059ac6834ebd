import '@testing-library/jest-dom/vitest';
import { clearMocks } from '@tauri-apps/api/mocks';
import { cleanup } from '@testing-library/svelte';
import { afterEach, vi } from 'vitest';
import { clearToasts } from '$lib/state/toasts.svelte';
import { applyLockState, resetActivityThrottle } from '$lib/state/lock.svelte';

afterEach(() => {
  cleanup(); // unmount components while the IPC mock is still installed
  clearMocks();
  clearToasts();
  resetActivityThrottle();
  applyLockState({ locked: false, hasPassphrase: false, idleMinutes: 5 });
  vi.useRealTimers();
});
