import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import EnrollDialog from './EnrollDialog.svelte';
import type { EnrollDraft } from '$lib/ipc';
import { codeView, mockCommands } from '../../../test/ipc';

function draft(ttl = 45): EnrollDraft {
  return {
    draftId: 'd-1',
    issuer: 'GitHub',
    account: 'oncall',
    otpauthUri: 'otpauth://totp/GitHub:oncall?secret=JBSWY3DPEHPK3PXP&issuer=GitHub',
    qrSvg: '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>',
    expiresAt: Math.floor(Date.now() / 1000) + ttl,
  };
}

async function startEnroll() {
  await fireEvent.input(screen.getByTestId('enroll-issuer'), { target: { value: 'GitHub' } });
  await fireEvent.input(screen.getByTestId('enroll-account'), { target: { value: 'oncall' } });
  await fireEvent.click(screen.getByTestId('enroll-start'));
}

describe('EnrollDialog', () => {
  it('start → QR and URI shown → wrong code keeps it open → right code saves and closes', async () => {
    const ipc = mockCommands({
      otp_enroll_start: () => draft(),
      otp_enroll_confirm: ({ code }) => {
        if (code !== '123456')
          throw { kind: 'invalidInput', message: 'That code is not valid. Check the device clock.' };
        return codeView({ id: 'new', issuer: 'GitHub', account: 'oncall' });
      },
      otp_enroll_cancel: () => null,
    });
    const onclose = vi.fn();
    const ondone = vi.fn();
    render(EnrollDialog, { onclose, ondone });

    await startEnroll();
    const qr = await screen.findByTestId('enroll-qr');
    expect(ipc.named('otp_enroll_start')[0].args).toEqual({ issuer: 'GitHub', account: 'oncall' });
    expect(qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(screen.getByTestId('enroll-uri')).toHaveValue(draft().otpauthUri);
    expect(screen.getByTestId('enroll-expiry')).toHaveTextContent(/Closes in 4[45] s/);

    await fireEvent.input(screen.getByTestId('enroll-code'), { target: { value: '000 000' } });
    await fireEvent.click(screen.getByTestId('enroll-confirm'));
    expect(await screen.findByTestId('enroll-error')).toHaveTextContent(
      'That code is not valid. Check the device clock.',
    );
    expect(ipc.named('otp_enroll_confirm')[0].args).toEqual({ draftId: 'd-1', code: '000000' });
    expect(onclose).not.toHaveBeenCalled();
    expect(screen.getByTestId('enroll-qr')).toBeInTheDocument();
    expect(screen.getByTestId('enroll-code')).toHaveValue('');
    expect(screen.getByTestId('enroll-confirm')).toBeEnabled();

    await fireEvent.input(screen.getByTestId('enroll-code'), { target: { value: '123456' } });
    await fireEvent.click(screen.getByTestId('enroll-confirm'));
    await waitFor(() => expect(onclose).toHaveBeenCalledTimes(1));
    expect(ondone).toHaveBeenCalledWith(expect.objectContaining({ id: 'new' }));
  });

  it('shows a start error (e.g. missing issuer) inline', async () => {
    mockCommands({
      otp_enroll_start: () => {
        throw { kind: 'invalidInput', message: 'Issuer must not be empty.' };
      },
    });
    render(EnrollDialog, { onclose: vi.fn(), ondone: vi.fn() });
    await startEnroll();
    expect(await screen.findByTestId('enroll-error')).toHaveTextContent('Issuer must not be empty.');
    expect(screen.queryByTestId('enroll-qr')).toBeNull();
    expect(screen.getByTestId('enroll-start')).toBeEnabled();
  });

  it('closes itself and cancels the draft when it expires', async () => {
    vi.useFakeTimers();
    const ipc = mockCommands({ otp_enroll_start: () => draft(45), otp_enroll_cancel: () => null });
    const onclose = vi.fn();
    const { unmount } = render(EnrollDialog, { onclose, ondone: vi.fn() });
    await startEnroll();
    await vi.advanceTimersByTimeAsync(10);
    expect(screen.getByTestId('enroll-qr')).toBeInTheDocument();

    await vi.advanceTimersByTimeAsync(30_000);
    expect(screen.getByTestId('enroll-expiry')).toHaveTextContent(/Closes in 1[45] s/);
    expect(onclose).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(16_000);
    expect(onclose).toHaveBeenCalledTimes(1);
    unmount(); // the parent removes the dialog on close
    await vi.advanceTimersByTimeAsync(10);
    expect(ipc.named('otp_enroll_cancel').map((c) => c.args)).toEqual([{ draftId: 'd-1' }]);
  });

  it('Esc closes and cancels an open draft', async () => {
    const ipc = mockCommands({ otp_enroll_start: () => draft(), otp_enroll_cancel: () => null });
    const onclose = vi.fn();
    const { unmount } = render(EnrollDialog, { onclose, ondone: vi.fn() });
    await startEnroll();
    await screen.findByTestId('enroll-qr');
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(onclose).toHaveBeenCalled();
    unmount();
    await waitFor(() => expect(ipc.named('otp_enroll_cancel')).toHaveLength(1));
  });
});
