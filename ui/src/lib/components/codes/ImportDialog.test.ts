import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import ImportDialog from './ImportDialog.svelte';
import { mockCommands } from '../../../test/ipc';

describe('ImportDialog', () => {
  it('sends pasted text and renders the per-entry report with counts', async () => {
    const ipc = mockCommands({
      otp_import: () => ({
        format: 'otpauth URI list',
        entries: [
          { label: 'GitHub:oncall', status: 'imported', reason: null },
          { label: 'AWS:root', status: 'duplicate', reason: 'Already present' },
          { label: 'line 3', status: 'rejected', reason: 'Secret is not valid base32' },
        ],
      }),
    });
    const ondone = vi.fn();
    render(ImportDialog, { onclose: vi.fn(), ondone });
    await fireEvent.input(screen.getByTestId('import-text'), {
      target: { value: 'otpauth://totp/a?secret=A' },
    });
    await fireEvent.click(screen.getByTestId('import-submit'));

    const report = await screen.findByTestId('import-report');
    expect(ipc.named('otp_import')[0].args).toEqual({
      fileName: null,
      text: 'otpauth://totp/a?secret=A',
      bytes: null,
      password: null,
    });
    expect(within(report).getByTestId('import-count-imported')).toHaveTextContent('1 imported');
    expect(within(report).getByTestId('import-count-duplicate')).toHaveTextContent('1 duplicate');
    expect(within(report).getByTestId('import-count-rejected')).toHaveTextContent('1 rejected');
    const entries = within(report).getAllByTestId('import-entry');
    expect(entries.map((e) => e.dataset.status)).toEqual(['imported', 'duplicate', 'rejected']);
    expect(entries[2]).toHaveTextContent('line 3');
    expect(entries[2]).toHaveTextContent('Secret is not valid base32');
    expect(ondone).toHaveBeenCalled();
  });

  it('reads a chosen file as bytes and retries with a password after wrongPassword', async () => {
    const ipc = mockCommands({
      otp_import: ({ password }) => {
        if (password !== 'hunter2')
          throw { kind: 'wrongPassword', message: 'Wrong password for this backup.' };
        return { format: 'Aegis (encrypted)', entries: [{ label: 'X:y', status: 'imported', reason: null }] };
      },
    });
    render(ImportDialog, { onclose: vi.fn(), ondone: vi.fn() });
    const file = new File([new Uint8Array([123, 34, 125])], 'aegis.json');
    await fireEvent.change(screen.getByTestId('import-file'), { target: { files: [file] } });
    await fireEvent.click(screen.getByTestId('import-submit'));
    expect(await screen.findByTestId('import-error')).toHaveTextContent('Wrong password for this backup.');
    expect(screen.getByText(/this file is encrypted/)).toBeInTheDocument();
    expect(screen.getByTestId('import-submit')).toBeEnabled();
    expect(ipc.named('otp_import')[0].args).toEqual({
      fileName: 'aegis.json',
      text: null,
      bytes: [123, 34, 125],
      password: null,
    });

    await fireEvent.input(screen.getByTestId('import-password'), { target: { value: 'hunter2' } });
    await fireEvent.click(screen.getByTestId('import-submit'));
    await screen.findByTestId('import-report');
    await waitFor(() => expect(ipc.named('otp_import')[1].args).toMatchObject({ password: 'hunter2' }));
  });

  it('shows a refusal inline with Import enabled again, and imports on the next try', async () => {
    let answer: () => void = () => {};
    let refuse = true;
    const ipc = mockCommands({
      otp_import: () =>
        new Promise((resolve, reject) => {
          answer = () =>
            refuse
              ? reject({ kind: 'invalidInput', message: 'Not a format Rampart can import.' })
              : resolve({
                  format: 'otpauth URI list',
                  entries: [{ label: 'A:b', status: 'imported', reason: null }],
                });
        }),
    });
    const ondone = vi.fn();
    render(ImportDialog, { onclose: vi.fn(), ondone });
    await fireEvent.input(screen.getByTestId('import-text'), { target: { value: 'hello' } });
    await fireEvent.click(screen.getByTestId('import-submit'));
    await waitFor(() => expect(screen.getByTestId('import-submit')).toBeDisabled());
    expect(screen.getByTestId('import-submit')).toHaveTextContent('Importing…');
    answer();
    expect(await screen.findByRole('alert')).toHaveTextContent('Not a format Rampart can import.');
    expect(screen.getByTestId('import-submit')).toBeEnabled();
    expect(screen.getByTestId('import-submit')).toHaveTextContent('Import');
    // Only a wrong password asks for one.
    expect(screen.getByText(/only for encrypted backups/)).toBeInTheDocument();
    expect(ondone).not.toHaveBeenCalled();

    refuse = false;
    await fireEvent.input(screen.getByTestId('import-text'), {
      target: { value: 'otpauth://totp/A:b?secret=A' },
    });
    await fireEvent.click(screen.getByTestId('import-submit'));
    await waitFor(() => expect(ipc.named('otp_import')).toHaveLength(2));
    answer();
    await screen.findByTestId('import-report');
    expect(screen.queryByTestId('import-error')).toBeNull();
    expect(ondone).toHaveBeenCalledTimes(1);
  });

  it('asks for input when nothing was given', async () => {
    const ipc = mockCommands({});
    render(ImportDialog, { onclose: vi.fn(), ondone: vi.fn() });
    await fireEvent.click(screen.getByTestId('import-submit'));
    expect(screen.getByTestId('import-error')).toHaveTextContent(/Paste otpauth/);
    expect(ipc.named('otp_import')).toHaveLength(0);
  });
});
