import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ToolsView from './ToolsView.svelte';
import { mockCommands } from '../../../test/ipc';
import { CREDS } from '../../../test/tools';

describe('ToolsView', () => {
  it('opens on Encrypted fields with the vault key names, and switches tabs keeping the work', async () => {
    const ipc = mockCommands({ vault_list: () => CREDS });
    render(ToolsView);
    await waitFor(() => expect(screen.getByTestId('fields-key')).toHaveValue('ENCRYPTION_KEY'));
    expect(ipc.named('vault_list')).toHaveLength(1);
    expect(screen.getByTestId('tools-tab-fields')).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByTestId('tools-panel-fields')).toBeVisible();
    expect(screen.getByTestId('tools-panel-jwt')).not.toBeVisible();
    expect(screen.queryByTestId('tools-no-keys')).toBeNull();

    await fireEvent.input(screen.getByTestId('fields-input'), { target: { value: '{"iv":"00"}' } });
    await fireEvent.click(screen.getByTestId('tools-tab-jwt'));
    expect(screen.getByTestId('tools-tab-jwt')).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByTestId('tools-tab-fields')).toHaveAttribute('aria-selected', 'false');
    expect(screen.getByTestId('tools-panel-jwt')).toBeVisible();
    expect(screen.getByTestId('tools-panel-fields')).not.toBeVisible();
    expect(screen.getByTestId('jwt-secret')).toHaveValue('JWT_SECRET');

    await fireEvent.click(screen.getByTestId('tools-tab-fields'));
    expect(screen.getByTestId('fields-input')).toHaveValue('{"iv":"00"}');
  });

  it('moves between tabs with the arrow keys', async () => {
    mockCommands({ vault_list: () => CREDS });
    render(ToolsView);
    const fields = screen.getByTestId('tools-tab-fields');
    fields.focus();
    await fireEvent.keyDown(fields, { key: 'ArrowLeft' });
    expect(screen.getByTestId('tools-tab-hash')).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByTestId('tools-tab-hash')).toHaveFocus();
    expect(screen.getByTestId('tools-panel-hash')).toBeVisible();
    await fireEvent.keyDown(screen.getByTestId('tools-tab-hash'), { key: 'ArrowRight' });
    expect(fields).toHaveAttribute('aria-selected', 'true');
  });

  it('says what works without keys when the vault is empty', async () => {
    mockCommands({ vault_list: () => [] });
    render(ToolsView);
    expect(await screen.findByTestId('tools-no-keys')).toHaveTextContent('add the key');
    expect(screen.getByTestId('fields-key')).toBeDisabled();
    expect(screen.getByTestId('fields-key')).toHaveTextContent('No credentials in the vault');
  });

  it('shows why the key names could not be read', async () => {
    mockCommands({
      vault_list: () => {
        throw { kind: 'keychainLocked', message: 'The keychain is locked: unlock it and try again.' };
      },
    });
    render(ToolsView);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      "Could not read the vault's key names: The keychain is locked: unlock it and try again.",
    );
  });
});
