import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import ConfirmDialog from './ConfirmDialog.svelte';
import Toasts from './Toasts.svelte';
import VaultView from '../vault/VaultView.svelte';
import { vaultDelete, type CredentialView } from '$lib/ipc';
import { clearToasts } from '$lib/state/toasts.svelte';
import { mockCommands } from '../../../test/ipc';

const CRED: CredentialView = {
  id: 'c1',
  name: 'prod-db',
  kind: 'databaseUri',
  tags: [],
  createdAt: '2026-01-01T00:00:00Z',
  rotatedAt: '2026-01-01T00:00:00Z',
  ageDays: 1,
  stale: false,
};

afterEach(() => clearToasts());

describe('ConfirmDialog', () => {
  it('shows the message and label, disables the button while confirming, then enables it again', async () => {
    let release: () => void = () => {};
    const onconfirm = vi.fn(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    const onclose = vi.fn();
    render(ConfirmDialog, {
      title: 'Delete credential',
      message: 'Delete prod-db?',
      confirmLabel: 'Delete',
      onconfirm,
      onclose,
    });
    const dialog = screen.getByTestId('confirm-dialog');
    expect(dialog).toHaveTextContent('Delete prod-db?');
    const ok = screen.getByTestId('confirm-ok');
    expect(ok).toHaveTextContent('Delete');
    expect(ok).toHaveClass('danger');

    await fireEvent.click(ok);
    await waitFor(() => expect(ok).toBeDisabled());
    await fireEvent.click(ok);
    expect(onconfirm).toHaveBeenCalledTimes(1);
    release();
    await waitFor(() => expect(ok).toBeEnabled());
    expect(screen.queryByTestId('confirm-error')).toBeNull();
    expect(onclose).not.toHaveBeenCalled();

    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(onclose).toHaveBeenCalledTimes(1);
  });

  it('shows a refusal that onconfirm lets through inline, and can be confirmed again', async () => {
    const ipc = mockCommands({
      vault_delete: () => {
        throw { kind: 'notFound', message: 'no credential with id c1' };
      },
    });
    const onclose = vi.fn();
    render(ConfirmDialog, {
      title: 'Delete credential',
      message: 'Delete prod-db?',
      onconfirm: async () => {
        await vaultDelete('c1');
      },
      onclose,
    });
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    expect(await screen.findByTestId('confirm-error')).toHaveTextContent('no credential with id c1');
    expect(screen.getByRole('alert')).toBe(screen.getByTestId('confirm-error'));
    expect(screen.getByTestId('confirm-ok')).toBeEnabled();
    expect(onclose).not.toHaveBeenCalled();

    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(ipc.named('vault_delete')).toHaveLength(2));
    await waitFor(() => expect(screen.getByTestId('confirm-ok')).toBeEnabled());
    expect(screen.getByTestId('confirm-error')).toHaveTextContent('no credential with id c1');
  });

  it('in a view that reports the refusal itself: a toast, no inline copy, and the button enabled again', async () => {
    const ipc = mockCommands({
      vault_list: () => [CRED],
      vault_delete: () => {
        throw { kind: 'internal', message: 'the keychain refused the change' };
      },
    });
    render(VaultView);
    render(Toasts);
    await fireEvent.click(await screen.findByTestId('vault-delete'));
    await fireEvent.click(screen.getByTestId('confirm-ok'));

    const toast = await screen.findByTestId('toast');
    expect(toast).toHaveAttribute('data-tone', 'error');
    expect(toast).toHaveTextContent('Delete failed: the keychain refused the change');
    expect(ipc.named('vault_delete')[0].args).toEqual({ id: 'c1' });
    expect(screen.getByTestId('confirm-dialog')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('confirm-ok')).toBeEnabled());
    expect(screen.queryByTestId('confirm-error')).toBeNull();
  });
});
