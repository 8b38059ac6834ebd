// How the ipc layer turns any rejection into a CommandError ({ kind, message, retryable }),
// and tells the lock screen when a command says the app is locked.
import { mockIPC } from '@tauri-apps/api/mocks';
import { describe, expect, it, vi } from 'vitest';
import * as ipc from './index';
import { CommandError } from './index';
import { mockCommands } from '../../test/ipc';

describe('errors', () => {
  it('surfaces a structured rejection as a CommandError with kind and message', async () => {
    mockCommands({
      vault_add: () => {
        throw { kind: 'conflict', message: 'A credential named "db" already exists.' };
      },
    });
    const error = await ipc.vaultAdd('db', 'password', 'x', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({
      kind: 'conflict',
      message: 'A credential named "db" already exists.',
      retryable: false,
    });
    expect((error as CommandError).command).toBe('vault_add');
  });

  it('carries the machine-readable retryable flag', async () => {
    mockCommands({
      feeds_refresh: () => {
        throw { kind: 'network', message: 'Alertmanager prod answered HTTP 503: busy', retryable: true };
      },
      slack_test: () => {
        throw { kind: 'network', message: 'slack answered HTTP 404: no_service', retryable: false };
      },
    });
    await expect(ipc.feedsRefresh()).rejects.toMatchObject({ kind: 'network', retryable: true });
    await expect(ipc.slackTest()).rejects.toMatchObject({ kind: 'network', retryable: false });
  });

  it.each([
    [
      'tools_field_decrypt',
      () => ipc.fieldDecrypt('k', 'x'),
      'invalidInput',
      "the payload's auth tag does not match: wrong key or the data was changed",
    ],
    ['tools_field_rotate', () => ipc.fieldRotate('a', 'b', 'x'), 'notFound', 'No vault item named "a".'],
    ['tools_jwt_verify', () => ipc.jwtVerify('t', 's'), 'keychainLocked', 'The keychain is locked.'],
    ['tools_hash_check', () => ipc.hashCheck('h', 'p'), 'invalidInput', 'not a bcrypt or argon2 hash'],
  ] as const)('maps a %s rejection to a CommandError', async (cmd, run, kind, message) => {
    mockIPC(() => {
      throw { kind, message };
    });
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ kind, message, command: cmd });
  });

  it.each([
    ['a string', 'boom', 'boom'],
    ['an Error', new Error('broken pipe'), 'broken pipe'],
    ['an unknown kind', { kind: 'weird', message: 'x' }, '{"kind":"weird","message":"x"}'],
    ['a number', 42, '42'],
    ['null', null, 'null'],
  ])('normalises %s into kind internal', async (_label, thrown, message) => {
    mockIPC(() => {
      throw thrown;
    });
    await expect(ipc.otpCodes()).rejects.toMatchObject({ kind: 'internal', message });
  });

  it('notifies locked handlers when any command says the app is locked', async () => {
    mockCommands({
      otp_codes: () => {
        throw { kind: 'locked', message: 'Rampart is locked.' };
      },
    });
    const handler = vi.fn();
    const stop = ipc.onLockedError(handler);
    await expect(ipc.otpCodes()).rejects.toMatchObject({ kind: 'locked' });
    expect(handler).toHaveBeenCalledTimes(1);
    stop();
    await expect(ipc.otpCodes()).rejects.toMatchObject({ kind: 'locked' });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('errorMessage never yields [object Object]', () => {
    expect(ipc.errorMessage({ kind: 'io', message: 'disk full' })).toBe('disk full');
    expect(ipc.errorMessage({ foo: 1 })).toBe('{"foo":1}');
    expect(ipc.errorMessage(undefined)).toBe('undefined');
  });
});
