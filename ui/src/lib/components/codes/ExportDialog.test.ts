import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import ExportDialog from './ExportDialog.svelte';
import { mockCommands } from '../../../test/ipc';

describe('ExportDialog', () => {
  it('sends an Aegis export with its password and closes on success', async () => {
    const calls: unknown[] = [];
    mockCommands({
      otp_export: (args) => {
        calls.push(args);
        return { path: '/home/me/rampart-aegis.json', accounts: 3 };
      },
    });
    const onclose = vi.fn();
    render(ExportDialog, { onclose });
    await userEvent.type(screen.getByTestId('export-password'), 'long enough pw');
    await userEvent.type(screen.getByTestId('export-repeat'), 'long enough pw');
    await userEvent.click(screen.getByTestId('export-submit'));
    await waitFor(() => expect(onclose).toHaveBeenCalled());
    expect(calls).toEqual([{ format: 'aegis', password: 'long enough pw' }]);
  });

  it('refuses a short or mismatched password without calling the back end', async () => {
    const ipc = mockCommands({ otp_export: () => ({ path: null, accounts: 0 }) });
    render(ExportDialog, { onclose: vi.fn() });
    await userEvent.type(screen.getByTestId('export-password'), 'short');
    await userEvent.click(screen.getByTestId('export-submit'));
    expect(screen.getByTestId('export-error').textContent).toMatch(/at least 8/);
    await userEvent.type(screen.getByTestId('export-password'), ' but longer');
    await userEvent.type(screen.getByTestId('export-repeat'), 'different');
    await userEvent.click(screen.getByTestId('export-submit'));
    expect(screen.getByTestId('export-error').textContent).toMatch(/do not match/);
    expect(ipc.named('otp_export')).toEqual([]);
  });

  it('needs an explicit confirmation for the plain-text link list', async () => {
    const calls: unknown[] = [];
    mockCommands({
      otp_export: (args) => {
        calls.push(args);
        return { path: null, accounts: 2 };
      },
    });
    const onclose = vi.fn();
    render(ExportDialog, { onclose });
    await userEvent.click(screen.getByTestId('export-uris'));
    await userEvent.click(screen.getByTestId('export-submit'));
    expect(screen.getByTestId('export-error').textContent).toMatch(/plain text/);
    await userEvent.click(screen.getByTestId('export-understood'));
    await userEvent.click(screen.getByTestId('export-submit'));
    await waitFor(() => expect(calls).toEqual([{ format: 'uris', password: null }]));
    expect(onclose).not.toHaveBeenCalled(); // cancelled save dialog: stay open
  });

  it('shows the back end error message', async () => {
    mockCommands({
      otp_export: () => {
        throw { kind: 'invalidInput', message: 'there are no accounts to export yet' };
      },
    });
    render(ExportDialog, { onclose: vi.fn() });
    await userEvent.type(screen.getByTestId('export-password'), 'long enough pw');
    await userEvent.type(screen.getByTestId('export-repeat'), 'long enough pw');
    await userEvent.click(screen.getByTestId('export-submit'));
    await waitFor(() =>
      expect(screen.getByTestId('export-error').textContent).toBe('there are no accounts to export yet'),
    );
    expect(screen.getByTestId('export-submit')).toBeEnabled();
    expect(screen.getByTestId('export-submit')).toHaveTextContent('Choose file and export');
  });
});
