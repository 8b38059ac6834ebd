// Test helper: route mocked IPC calls to per-command handlers and record every call.
import { mockIPC } from '@tauri-apps/api/mocks';
import { vi } from 'vitest';
import type { CodeView, Commands } from '$lib/ipc';

type Handler<K extends keyof Commands> = (
  args: Commands[K]['args'],
) => Commands[K]['result'] | Promise<Commands[K]['result']>;
export type Handlers = { [K in keyof Commands]?: Handler<K> };

export interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

/** Installs the mock; commands without a handler reject like the back end would for an unknown command. */
export function mockCommands(handlers: Handlers, options?: { shouldMockEvents?: boolean }) {
  const calls: Call[] = [];
  const spy = vi.fn((cmd: string, args: Record<string, unknown>) => {
    calls.push({ cmd, args });
    const handler = (handlers as Record<string, ((a: unknown) => unknown) | undefined>)[cmd];
    if (!handler) {
      if (cmd.startsWith('plugin:event|')) return null;
      throw { kind: 'internal', message: `no mock for ${cmd}` };
    }
    return handler(args);
  });
  mockIPC((cmd, payload) => spy(cmd, (payload ?? {}) as Record<string, unknown>), options);
  return {
    calls,
    spy,
    named: (cmd: keyof Commands) => calls.filter((c) => c.cmd === cmd),
  };
}

export function codeView(partial: Partial<CodeView> & Pick<CodeView, 'id'>): CodeView {
  return {
    issuer: 'Example',
    account: 'me@example.com',
    kind: 'totp',
    code: '123456',
    nextCode: '654321',
    period: 30,
    validUntil: Math.floor(Date.now() / 1000) + 20,
    digits: 6,
    counter: null,
    pinned: false,
    ...partial,
  };
}

/** Lets pending promises (mocked IPC round-trips) settle. */
export async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await Promise.resolve();
}
