import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { tick } from 'svelte';
import PassphrasePrompt from './PassphrasePrompt.svelte';
import * as ipc from '$lib/ipc';
import { mockCommands } from '../../../test/ipc';

const MESSAGE = 'enter your app passphrase to confirm: export the backup decryption key';
const REASON = 'export the backup decryption key';

describe('PassphrasePrompt', () => {
  afterEach(() => ipc.setPassphrasePrompt(null));

  it('asks with the reason, shows a wrong passphrase error, and sends the passphrase it was given', async () => {
    const mock = mockCommands({
      backup_export_identity: (args) => {
        if (!args.passphrase) throw { kind: 'passphraseRequired', message: MESSAGE };
        if (args.passphrase !== 'correct horse')
          throw { kind: 'wrongPassword', message: 'wrong passphrase; try again' };
        return { text: 'AGE-SECRET-KEY-1', qrSvg: '<svg/>', publicKey: 'age1', warning: 'keep it safe' };
      },
    });
    render(PassphrasePrompt);
    const result = ipc.backupExportIdentity();

    expect((await screen.findByTestId('passphrase-reason')).textContent).toBe(REASON);
    const ok = screen.getByTestId('passphrase-ok') as HTMLButtonElement;
    expect(ok.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('passphrase-input'), { target: { value: 'guess' } });
    await fireEvent.click(ok);
    expect((await screen.findByTestId('passphrase-error')).textContent).toBe('wrong passphrase; try again');
    expect((screen.getByTestId('passphrase-input') as HTMLInputElement).value).toBe('');

    await fireEvent.input(screen.getByTestId('passphrase-input'), { target: { value: 'correct horse' } });
    await fireEvent.click(screen.getByTestId('passphrase-ok'));
    await expect(result).resolves.toMatchObject({ publicKey: 'age1' });
    await tick();
    expect(screen.queryByTestId('passphrase-prompt')).toBeNull();
    expect(mock.named('backup_export_identity').map((c) => c.args.passphrase)).toEqual([
      undefined,
      'guess',
      'correct horse',
    ]);
  });

  it('Cancel rejects the command and closes the dialog', async () => {
    mockCommands({
      backup_export_identity: () => {
        throw { kind: 'passphraseRequired', message: MESSAGE };
      },
    });
    render(PassphrasePrompt);
    const result = ipc.backupExportIdentity();
    await screen.findByTestId('passphrase-prompt');
    await fireEvent.click(screen.getByText('Cancel'));
    await expect(result).rejects.toMatchObject({
      kind: 'passphraseRequired',
      message: `Not done: ${REASON} needs your app passphrase.`,
    });
    await tick();
    expect(screen.queryByTestId('passphrase-prompt')).toBeNull();
  });
});
