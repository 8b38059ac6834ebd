import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, expect, it, vi } from 'vitest';
import App from './App.svelte';
import { nav } from '$lib/state/nav.svelte';
import { mockCommands } from './test/ipc';
import { MACHINE, overview } from './test/feeds';

// Pages other than the start pages are loaded on their first visit; a page whose code cannot
// be loaded says so in the page instead of leaving it blank.
vi.mock('$lib/components/tools/ToolsView.svelte', () => {
  throw new Error('chunk ToolsView.js not found');
});

beforeEach(() => {
  nav.page = 'overview';
  mockCommands({
    lock_state: () => ({ locked: false, hasPassphrase: false, idleMinutes: 5 }),
    lock_activity: () => null,
    feeds_overview: () => overview(),
    machine_stats: () => MACHINE,
    audit_log: () => [],
  });
});

it('says a page could not be loaded, and the other pages still open', async () => {
  render(App);
  await fireEvent.click(await screen.findByTestId('nav-tools'));
  const alert = await screen.findByRole('alert');
  expect(alert).toHaveTextContent(/This page could not be loaded \(.+\)\. Restart Rampart/);
  expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent("Responder's tools");
  await fireEvent.click(screen.getByTestId('nav-audit'));
  expect(await screen.findByText(/No audit entries yet/)).toBeInTheDocument();
  expect(screen.queryByText(/could not be loaded/)).toBeNull();
});
