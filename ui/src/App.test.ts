import { emit } from '@tauri-apps/api/event';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import App from './App.svelte';
import type { LockState } from '$lib/ipc';
import { reportActivity } from '$lib/state/lock.svelte';
import { nav } from '$lib/state/nav.svelte';
import { codeView, mockCommands, type Handlers } from './test/ipc';
import { MACHINE, overview } from './test/feeds';

const UNLOCKED: LockState = { locked: false, hasPassphrase: true, idleMinutes: 5 };
const LOCKED: LockState = { ...UNLOCKED, locked: true };

function base(extra: Handlers = {}): Handlers {
  return {
    lock_state: () => UNLOCKED,
    otp_codes: () => [codeView({ id: 'a', issuer: 'AWS' })],
    lock_activity: () => null,
    feeds_overview: () => overview(),
    machine_stats: () => MACHINE,
    ...extra,
  };
}

/** Renders the app (which opens on the Overview) and goes to the Codes page. */
async function renderCodes() {
  render(App);
  await fireEvent.click(await screen.findByTestId('nav-codes'));
  await screen.findByTestId('code-row');
}

describe('App', () => {
  beforeEach(() => {
    nav.page = 'overview';
    nav.incident = null;
  });

  it('opens on the code list when Settings say so, at the first unlock if it starts locked', async () => {
    const settings = {
      clipboardClearSeconds: 20,
      idleLockMinutes: 5,
      rotateAfterDays: 90,
      startPage: 'codes' as const,
    };
    let locked = true;
    mockCommands(
      base({
        lock_state: () => (locked ? LOCKED : UNLOCKED),
        lock_unlock: () => {
          locked = false;
          return UNLOCKED;
        },
        settings_get: () => {
          if (locked) throw { kind: 'locked', message: 'Rampart is locked.' };
          return settings;
        },
      }),
    );
    render(App);
    expect(await screen.findByTestId('lock-screen')).toBeInTheDocument();
    await fireEvent.input(screen.getByTestId('unlock-passphrase'), { target: { value: 'pw' } });
    await fireEvent.click(screen.getByTestId('unlock-submit'));
    expect(await screen.findByTestId('code-row')).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('One-time codes');
  });

  it('shows the lock screen when lock_state says locked, and the app after unlocking', async () => {
    mockCommands(base({ lock_state: () => LOCKED, lock_unlock: () => UNLOCKED }));
    render(App);
    expect(await screen.findByTestId('lock-screen')).toBeInTheDocument();
    expect(screen.queryByTestId('nav-codes')).toBeNull();
    await fireEvent.input(screen.getByTestId('unlock-passphrase'), { target: { value: 'pw' } });
    await fireEvent.click(screen.getByTestId('unlock-submit'));
    expect(await screen.findByTestId('overview')).toBeInTheDocument();
    expect(screen.queryByTestId('lock-screen')).toBeNull();
  });

  it('locks when any command rejects with kind locked', async () => {
    let locked = false;
    mockCommands(
      base({
        otp_codes: () => {
          if (locked) throw { kind: 'locked', message: 'Rampart is locked.' };
          // Expires at once, so the list refetches on the next tick.
          return [codeView({ id: 'a', validUntil: Math.floor(Date.now() / 1000) })];
        },
      }),
    );
    await renderCodes();
    locked = true;
    expect(await screen.findByTestId('lock-screen', {}, { timeout: 3000 })).toBeInTheDocument();
  });

  it('follows lock://changed events and offers Lock now when a passphrase is set', async () => {
    const ipc = mockCommands(base({ lock_now: () => LOCKED }), { shouldMockEvents: true });
    await renderCodes();
    await emit('lock://changed', LOCKED);
    expect(await screen.findByTestId('lock-screen')).toBeInTheDocument();
    await emit('lock://changed', UNLOCKED);
    await fireEvent.click(await screen.findByTestId('lock-now'));
    expect(await screen.findByTestId('lock-screen')).toBeInTheDocument();
    expect(ipc.named('lock_now')).toHaveLength(1);
  });

  it('hides Lock now without a passphrase and navigates between pages', async () => {
    mockCommands(
      base({
        lock_state: () => ({ ...UNLOCKED, hasPassphrase: false }),
        vault_list: () => [],
        audit_log: () => [],
        settings_get: () => ({
          clipboardClearSeconds: 20,
          idleLockMinutes: 5,
          rotateAfterDays: 90,
          startPage: 'overview',
        }),
      }),
    );
    await renderCodes();
    expect(screen.queryByTestId('lock-now')).toBeNull();
    await fireEvent.click(screen.getByTestId('nav-vault'));
    expect(await screen.findByText(/No credentials yet/)).toBeInTheDocument();
    await fireEvent.click(screen.getByTestId('nav-tools'));
    expect(await screen.findByTestId('tools')).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent("Responder's tools");
    await fireEvent.click(screen.getByTestId('nav-audit'));
    expect(await screen.findByText(/No audit entries yet/)).toBeInTheDocument();
    await fireEvent.click(screen.getByTestId('nav-settings'));
    expect(await screen.findByTestId('settings-passphrase-new')).toBeInTheDocument();
    await fireEvent.click(screen.getByTestId('nav-codes'));
    expect(await screen.findByTestId('code-row')).toBeInTheDocument();
  });

  it('opens on the Overview with attention counts in the sidebar, re-read on feeds://changed', async () => {
    let data = overview();
    const ipc = mockCommands(base({ feeds_overview: () => data }), { shouldMockEvents: true });
    render(App);
    expect(await screen.findByTestId('overview')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('nav-services-count')).toHaveTextContent('1'));
    expect(screen.getByTestId('nav-alerts-count')).toHaveTextContent('1');
    data = overview({ counts: { ...data.counts, servicesDown: 0 } });
    const reads = ipc.named('feeds_overview').length;
    await emit('feeds://changed', { counts: data.counts, alertsUpdatedMs: null, sentryUpdatedMs: null });
    await waitFor(() => expect(ipc.named('feeds_overview').length).toBeGreaterThan(reads));
    await waitFor(() => expect(screen.queryByTestId('nav-services-count')).toBeNull());
  });

  it('"/" focuses the search box', async () => {
    mockCommands(base());
    await renderCodes();
    const search = screen.getByTestId('search');
    search.blur();
    await fireEvent.keyDown(document.body, { key: '/' });
    expect(search).toHaveFocus();
  });

  it('reports activity at most once per 30 s', async () => {
    const ipc = mockCommands(base());
    await renderCodes();
    await fireEvent.pointerDown(document.body);
    await fireEvent.keyDown(document.body, { key: 'a' });
    await waitFor(() => expect(ipc.named('lock_activity')).toHaveLength(1));
    reportActivity(Date.now() + 31_000);
    await waitFor(() => expect(ipc.named('lock_activity')).toHaveLength(2));
  });
});
