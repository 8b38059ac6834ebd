import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import AddCredentialDialog from './AddCredentialDialog.svelte';
import EditCredentialDialog from './EditCredentialDialog.svelte';
import GenerateDialog from './GenerateDialog.svelte';
import type { CredentialView } from '$lib/ipc';
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

describe('vault dialogs', () => {
  it("add: shows core's refusal, stays open and can be saved again", async () => {
    mockCommands({
      vault_add: () => {
        throw { kind: 'conflict', message: 'a credential named "prod-db" already exists' };
      },
    });
    const ondone = vi.fn();
    const onclose = vi.fn();
    render(AddCredentialDialog, { ondone, onclose });
    await fireEvent.input(screen.getByTestId('vault-add-name'), { target: { value: 'prod-db' } });
    await fireEvent.input(screen.getByTestId('vault-add-value'), { target: { value: 's3cret' } });
    await fireEvent.click(screen.getByTestId('vault-add-save'));
    expect(await screen.findByRole('alert')).toHaveTextContent('a credential named "prod-db" already exists');
    expect(screen.getByTestId('vault-add-save')).toBeEnabled();
    expect(screen.getByTestId('vault-add-value')).toHaveValue('s3cret');
    expect(ondone).not.toHaveBeenCalled();
    expect(onclose).not.toHaveBeenCalled();
  });

  it("rotate and rename: show core's refusal and can be tried again", async () => {
    mockCommands({
      vault_rotate: () => {
        throw { kind: 'invalidInput', message: 'the value must not be empty' };
      },
      vault_rename: () => {
        throw { kind: 'conflict', message: 'a credential named "other" already exists' };
      },
    });
    const ondone = vi.fn();
    const rotate = render(EditCredentialDialog, { cred: CRED, mode: 'rotate', ondone, onclose: vi.fn() });
    await fireEvent.input(screen.getByTestId('vault-edit-value'), { target: { value: ' ' } });
    await fireEvent.click(screen.getByTestId('vault-edit-save'));
    expect(await screen.findByRole('alert')).toHaveTextContent('the value must not be empty');
    expect(screen.getByTestId('vault-edit-save')).toBeEnabled();
    rotate.unmount();

    render(EditCredentialDialog, { cred: CRED, mode: 'rename', ondone, onclose: vi.fn() });
    await fireEvent.input(screen.getByTestId('vault-edit-name'), { target: { value: 'other' } });
    await fireEvent.click(screen.getByTestId('vault-edit-save'));
    expect(await screen.findByRole('alert')).toHaveTextContent('a credential named "other" already exists');
    expect(screen.getByTestId('vault-edit-save')).toBeEnabled();
    expect(screen.getByTestId('vault-edit-save')).toHaveTextContent('Rename');
    expect(ondone).not.toHaveBeenCalled();
  });

  it("generate: shows core's refusal and can be tried again", async () => {
    const ipc = mockCommands({
      vault_generate: () => {
        throw { kind: 'invalidInput', message: 'bytes must be between 8 and 1024' };
      },
    });
    const ondone = vi.fn();
    render(GenerateDialog, { ondone, onclose: vi.fn() });
    await fireEvent.input(screen.getByTestId('vault-generate-name'), { target: { value: 'key' } });
    await fireEvent.click(screen.getByTestId('vault-generate-submit'));
    expect(await screen.findByRole('alert')).toHaveTextContent('bytes must be between 8 and 1024');
    expect(screen.getByTestId('vault-generate-submit')).toBeEnabled();
    await fireEvent.click(screen.getByTestId('vault-generate-submit'));
    await vi.waitFor(() => expect(ipc.named('vault_generate')).toHaveLength(2));
    expect(ondone).not.toHaveBeenCalled();
  });
});
