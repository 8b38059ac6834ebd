import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import VerifyDialog from './VerifyDialog.svelte';
import { codeView, mockCommands } from '../../../test/ipc';

describe('VerifyDialog', () => {
  it('explains a drifted but valid code and an invalid one', async () => {
    mockCommands({
      otp_verify: ({ code }) =>
        code === '111111' ? { valid: true, offset: -1 } : { valid: false, offset: null },
    });
    render(VerifyDialog, { code: codeView({ id: 'a' }), onclose: vi.fn() });
    await fireEvent.input(screen.getByTestId('verify-code'), { target: { value: '111 111' } });
    await fireEvent.click(screen.getByTestId('verify-submit'));
    expect(await screen.findByTestId('verify-result')).toHaveTextContent(/valid at offset −1.*~30 s behind/i);

    await fireEvent.input(screen.getByTestId('verify-code'), { target: { value: '999999' } });
    await fireEvent.click(screen.getByTestId('verify-submit'));
    expect(await screen.findByTestId('verify-result')).toHaveTextContent('Not valid within ±2 steps');
  });

  it("shows core's refusal and lets the code be checked again", async () => {
    mockCommands({
      otp_verify: () => {
        throw { kind: 'invalidInput', message: 'a code is 6 digits' };
      },
    });
    render(VerifyDialog, { code: codeView({ id: 'a' }), onclose: vi.fn() });
    await fireEvent.input(screen.getByTestId('verify-code'), { target: { value: '12' } });
    await fireEvent.click(screen.getByTestId('verify-submit'));
    expect(await screen.findByRole('alert')).toHaveTextContent('a code is 6 digits');
    expect(screen.queryByTestId('verify-result')).toBeNull();
    expect(screen.getByTestId('verify-submit')).toBeEnabled();
  });
});
