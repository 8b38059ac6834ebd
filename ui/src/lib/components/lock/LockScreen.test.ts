import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import LockScreen from './LockScreen.svelte';
import { lock } from '$lib/state/lock.svelte';
import { mockCommands } from '../../../test/ipc';

describe('LockScreen', () => {
  it('focuses the passphrase; a wrong one shows the message; the right one unlocks', async () => {
    lock.locked = true;
    lock.hasPassphrase = true;
    const ipc = mockCommands({
      lock_unlock: ({ passphrase }) => {
        if (passphrase !== 'correct horse') throw { kind: 'wrongPassword', message: 'Wrong passphrase.' };
        return { locked: false, hasPassphrase: true, idleMinutes: 5 };
      },
    });
    render(LockScreen);
    const input = screen.getByTestId('unlock-passphrase');
    await waitFor(() => expect(input).toHaveFocus());

    await fireEvent.input(input, { target: { value: 'nope' } });
    await fireEvent.click(screen.getByTestId('unlock-submit'));
    expect(await screen.findByTestId('unlock-error')).toHaveTextContent('Wrong passphrase.');
    expect(lock.locked).toBe(true);
    expect(screen.getByTestId('unlock-submit')).toBeEnabled();
    expect(screen.getByTestId('unlock-submit')).toHaveTextContent('Unlock');

    await fireEvent.input(input, { target: { value: 'correct horse' } });
    await fireEvent.click(screen.getByTestId('unlock-submit'));
    await waitFor(() => expect(lock.locked).toBe(false));
    expect(ipc.named('lock_unlock').map((c) => c.args)).toEqual([
      { passphrase: 'nope' },
      { passphrase: 'correct horse' },
    ]);
  });
});
