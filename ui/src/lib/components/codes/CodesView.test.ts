import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import CodesView from './CodesView.svelte';
import Toasts from '../common/Toasts.svelte';
import { codeView, mockCommands } from '../../../test/ipc';

const CODES = [
  codeView({ id: 'a', issuer: 'AWS', account: 'root@corp', code: '111222', nextCode: '333444' }),
  codeView({
    id: 'g',
    issuer: 'GitHub',
    account: 'oncall',
    code: '12345678',
    nextCode: '87654321',
    digits: 8,
    pinned: true,
  }),
  codeView({
    id: 's',
    issuer: 'Steam',
    account: 'gamer',
    kind: 'steam',
    code: '2BX7K',
    nextCode: 'Q9M4R',
    digits: 5,
  }),
  codeView({
    id: 'h',
    issuer: 'VPN',
    account: 'ops',
    kind: 'hotp',
    code: '555666',
    nextCode: null,
    period: 0,
    validUntil: 0,
    counter: 7,
  }),
];

function rows() {
  return screen.getAllByTestId('code-row');
}

describe('CodesView', () => {
  it('renders rows with grouped codes, pinned first, HOTP counter, and the next code', async () => {
    mockCommands({ otp_codes: () => CODES });
    render(CodesView);
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(rows().map((r) => r.dataset.issuer)).toEqual(['GitHub', 'AWS', 'Steam', 'VPN']);
    expect(rows()[0].dataset.account).toBe('oncall');
    const values = screen.getAllByTestId('code-value').map((e) => e.textContent);
    expect(values).toEqual(['1234 5678', '111 222', '2BX7K', '555 666']);
    expect(within(rows()[1]).getByTestId('code-next')).toHaveTextContent('next 333 444');
    const vpn = rows()[3];
    expect(within(vpn).getByTestId('code-counter')).toHaveTextContent('counter 7');
    expect(within(vpn).queryByTestId('code-next')).toBeNull();
    expect(within(vpn).queryByTestId('countdown')).toBeNull();
    expect(within(rows()[0]).getByTestId('pin-button')).toHaveAttribute('aria-pressed', 'true');
  });

  it('shows one shared countdown when every timed code has the same period, else one per row', async () => {
    mockCommands({ otp_codes: () => CODES });
    const { unmount } = render(CodesView);
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(screen.getByTestId('shared-countdown')).toBeInTheDocument();
    expect(screen.getAllByTestId('countdown')).toHaveLength(1);
    unmount();

    const mixed = [...CODES, codeView({ id: 'm', issuer: 'Bank', account: 'me', period: 60 })];
    mockCommands({ otp_codes: () => mixed });
    render(CodesView);
    await waitFor(() => expect(rows()).toHaveLength(5));
    expect(screen.queryByTestId('shared-countdown')).toBeNull();
    expect(screen.getAllByTestId('countdown')).toHaveLength(4);
    const bank = rows().find((r) => r.dataset.issuer === 'Bank')!;
    expect(within(bank).getByTestId('countdown')).toBeInTheDocument();
  });

  it('searches as you type anywhere on the page, then filters by issuer or account', async () => {
    mockCommands({ otp_codes: () => CODES });
    render(CodesView);
    await waitFor(() => expect(rows()).toHaveLength(4));
    const search = screen.getByTestId('search') as HTMLInputElement;
    expect(search).not.toHaveFocus(); // no blinking caret while idle
    await userEvent.keyboard('gi');
    expect(search).toHaveFocus();
    expect(search.value).toBe('gi');
    search.blur();
    await userEvent.keyboard('{Control>}g{/Control}');
    expect(search.value).toBe('gi'); // shortcuts are left alone
    expect(search).not.toHaveFocus();
    await userEvent.clear(search);
    await userEvent.type(search, 'git');
    expect(rows().map((r) => r.dataset.issuer)).toEqual(['GitHub']);
    await userEvent.clear(search);
    await userEvent.type(search, 'ops');
    expect(rows().map((r) => r.dataset.issuer)).toEqual(['VPN']);
    await userEvent.clear(search);
    await userEvent.type(search, 'nothing');
    expect(screen.getByTestId('codes-no-match')).toHaveTextContent('nothing');
  });

  it('Enter in the search copies the first filtered row and shows the toast', async () => {
    const ipc = mockCommands({ otp_codes: () => CODES, otp_copy: () => ({ clearsInSeconds: 20 }) });
    render(Toasts);
    render(CodesView);
    await waitFor(() => expect(rows()).toHaveLength(4));
    await userEvent.type(screen.getByTestId('search'), 'aws{Enter}');
    await waitFor(() => expect(screen.getByTestId('toast')).toHaveTextContent('Copied — clears in 20 s'));
    expect(ipc.named('otp_copy').map((c) => c.args)).toEqual([{ id: 'a', next: false }]);
  });

  it('clicking a row copies; the next-code button copies the next one; errors show their message', async () => {
    let fail = false;
    const ipc = mockCommands({
      otp_codes: () => CODES,
      otp_copy: () => {
        if (fail) throw { kind: 'io', message: 'Clipboard unavailable: no display' };
        return { clearsInSeconds: 15 };
      },
    });
    render(Toasts);
    render(CodesView);
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.click(within(rows()[1]).getByTestId('copy-button'));
    await fireEvent.click(within(rows()[1]).getByTestId('copy-next-button'));
    await waitFor(() => expect(ipc.named('otp_copy')).toHaveLength(2));
    expect(ipc.named('otp_copy')[1].args).toEqual({ id: 'a', next: true });
    fail = true;
    await fireEvent.click(within(rows()[1]).getByTestId('copy-button'));
    await waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent('Copy failed: Clipboard unavailable: no display'),
    );
  });

  it('toggles the pin', async () => {
    const ipc = mockCommands({ otp_codes: () => CODES, otp_set_pinned: () => null });
    render(CodesView);
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.click(within(rows()[1]).getByTestId('pin-button'));
    await waitFor(() => expect(ipc.named('otp_set_pinned')).toHaveLength(1));
    expect(ipc.named('otp_set_pinned')[0].args).toEqual({ id: 'a', pinned: true });
  });

  it('shows an empty state with Enroll and Import when there are no accounts', async () => {
    mockCommands({ otp_codes: () => [] });
    render(CodesView);
    const empty = await screen.findByTestId('codes-empty');
    expect(empty).toHaveTextContent(/Enroll a device/);
    expect(within(empty).getByRole('button', { name: 'Enroll a device' })).toBeInTheDocument();
    expect(within(empty).getByRole('button', { name: 'Import accounts' })).toBeInTheDocument();
  });

  it('fetches when a code expires, not every second, and pauses while the window is hidden', async () => {
    vi.useFakeTimers();
    const expiresIn = (s: number) => Math.floor(Date.now() / 1000) + s;
    const ipc = mockCommands({
      otp_codes: () => [codeView({ id: 'a', validUntil: expiresIn(3), code: String(Date.now()).slice(-6) })],
    });
    render(CodesView);
    await vi.advanceTimersByTimeAsync(1500);
    expect(ipc.named('otp_codes').length).toBe(1);
    await vi.advanceTimersByTimeAsync(3000);
    const visibleCalls = ipc.named('otp_codes').length;
    expect(visibleCalls, 'a fetch when the code expired').toBe(2);

    const hidden = vi.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    document.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(5000);
    expect(ipc.named('otp_codes').length).toBe(visibleCalls);

    hidden.mockReturnValue(false);
    document.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(100);
    expect(ipc.named('otp_codes').length, 'refetch on becoming visible').toBe(visibleCalls + 1);
  });

  it('shows a load error readably', async () => {
    mockCommands({
      otp_codes: () => {
        throw { kind: 'keychainUnavailable', message: 'No Secret Service found. Install gnome-keyring.' };
      },
    });
    render(CodesView);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'No Secret Service found. Install gnome-keyring.',
    );
  });
});
