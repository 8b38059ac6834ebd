// The ipc layer's passphrase confirmation: a powerful command answers `passphraseRequired`,
// the registered prompt asks, and the same call goes again with the passphrase.
import { describe, expect, it, vi } from 'vitest';
import * as ipc from './index';
import { mockCommands } from '../../test/ipc';

describe('powerful commands ask for the passphrase again', () => {
  const MESSAGE = 'enter your app passphrase to confirm: reveal the secret k1';
  const REASON = 'reveal the secret k1';
  function backendWanting(passphrase: string) {
    return mockCommands({
      vault_reveal: (args) => {
        if (!args.passphrase) throw { kind: 'passphraseRequired', message: MESSAGE };
        if (args.passphrase !== passphrase)
          throw { kind: 'wrongPassword', message: 'wrong passphrase; try again' };
        return 's3cret';
      },
    });
  }

  it('prompts with the reason, retries with the passphrase, and re-prompts after a wrong one', async () => {
    const mock = backendWanting('right one');
    const prompt = vi
      .fn<ipc.PassphrasePrompt>()
      .mockResolvedValueOnce('wrong one')
      .mockResolvedValueOnce('right one');
    ipc.setPassphrasePrompt(prompt);
    try {
      await expect(ipc.vaultReveal('k1')).resolves.toBe('s3cret');
    } finally {
      ipc.setPassphrasePrompt(null);
    }
    expect(prompt.mock.calls).toEqual([
      [REASON, null],
      [REASON, 'wrong passphrase; try again'],
    ]);
    expect(mock.named('vault_reveal').map((c) => c.args.passphrase)).toEqual([
      undefined,
      'wrong one',
      'right one',
    ]);
  });

  it('rejects with passphraseRequired when the user cancels, without sending anything more', async () => {
    const mock = backendWanting('right one');
    ipc.setPassphrasePrompt(async () => null);
    try {
      await expect(ipc.vaultReveal('k1')).rejects.toMatchObject({
        kind: 'passphraseRequired',
        message: `Not done: ${REASON} needs your app passphrase.`,
      });
    } finally {
      ipc.setPassphrasePrompt(null);
    }
    expect(mock.named('vault_reveal')).toHaveLength(1);
  });

  it('stops at an error that is not a wrong passphrase, and without a prompt passes the refusal on', async () => {
    mockCommands({
      vault_reveal: (args) => {
        if (!args.passphrase) throw { kind: 'passphraseRequired', message: MESSAGE };
        throw {
          kind: 'wrongPassword',
          message: '4 wrong passphrases in a row: wait 5 s before trying again',
        };
      },
      otp_qr: () => {
        throw { kind: 'notFound', message: 'no such account' };
      },
    });
    const prompt = vi.fn<ipc.PassphrasePrompt>().mockResolvedValueOnce('x').mockResolvedValueOnce(null);
    ipc.setPassphrasePrompt(prompt);
    try {
      await expect(ipc.vaultReveal('k1')).rejects.toMatchObject({ kind: 'passphraseRequired' });
      expect(prompt).toHaveBeenLastCalledWith(
        REASON,
        '4 wrong passphrases in a row: wait 5 s before trying again',
      );
      await expect(ipc.otpQr('a1')).rejects.toMatchObject({ kind: 'notFound' });
      expect(prompt).toHaveBeenCalledTimes(2);
    } finally {
      ipc.setPassphrasePrompt(null);
    }
    await expect(ipc.vaultReveal('k1')).rejects.toMatchObject({
      kind: 'passphraseRequired',
      message: MESSAGE,
    });
  });
});
