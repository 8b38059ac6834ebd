import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import PassphraseForm from './PassphraseForm.svelte';
import { lock } from '$lib/state/lock.svelte';
import { mockCommands } from '../../../test/ipc';

async function fill(testid: string, value: string) {
  await fireEvent.input(screen.getByTestId(testid), { target: { value } });
}

describe('PassphraseForm', () => {
  it('sets a first passphrase (current = null) after checking the repeat', async () => {
    const ipc = mockCommands({
      lock_set_passphrase: () => ({ locked: false, hasPassphrase: true, idleMinutes: 5 }),
    });
    render(PassphraseForm);
    await fill('settings-passphrase-new', 'long enough pw');
    await fill('settings-passphrase-repeat', 'different');
    await fireEvent.click(screen.getByTestId('settings-passphrase-save'));
    expect(screen.getByTestId('passphrase-error')).toHaveTextContent('do not match');
    await fill('settings-passphrase-repeat', 'long enough pw');
    await fireEvent.click(screen.getByTestId('settings-passphrase-save'));
    await waitFor(() => expect(lock.hasPassphrase).toBe(true));
    expect(ipc.named('lock_set_passphrase')[0].args).toEqual({ current: null, next: 'long enough pw' });
  });

  it('removes a passphrase with the current one and shows back-end errors', async () => {
    lock.hasPassphrase = true;
    const ipc = mockCommands({
      lock_set_passphrase: ({ current }) => {
        if (current !== 'old pass')
          throw { kind: 'wrongPassword', message: 'The current passphrase is wrong.' };
        return { locked: false, hasPassphrase: false, idleMinutes: 5 };
      },
    });
    render(PassphraseForm);
    await fill('settings-passphrase-current', 'bad');
    await fireEvent.click(screen.getByTestId('settings-passphrase-remove'));
    expect(await screen.findByTestId('passphrase-error')).toHaveTextContent(
      'The current passphrase is wrong.',
    );
    await fill('settings-passphrase-current', 'old pass');
    await fireEvent.click(screen.getByTestId('settings-passphrase-remove'));
    await waitFor(() => expect(lock.hasPassphrase).toBe(false));
    expect(ipc.named('lock_set_passphrase')[1].args).toEqual({ current: 'old pass', next: null });
  });
});
