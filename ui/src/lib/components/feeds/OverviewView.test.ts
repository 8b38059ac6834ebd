import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import OverviewView from './OverviewView.svelte';
import Toasts from '../common/Toasts.svelte';
import { mockCommands } from '../../../test/ipc';
import { MACHINE, overview } from '../../../test/feeds';
import { reloadFeeds } from '$lib/state/feeds.svelte';
import { nav } from '$lib/state/nav.svelte';
import type { IncidentView, OnCallNow } from '$lib/ipc';

const ON_CALL: OnCallNow = {
  onCall: 'ana',
  contact: { name: 'ana', email: 'ana@example.test', phone: '+15550100', slack: 'U123ANA' },
};

async function renderWith(data = overview(), onCall: OnCallNow = ON_CALL) {
  const ipc = mockCommands({
    feeds_overview: () => data,
    machine_stats: () => MACHINE,
    silence_create: () => [{ alertmanager: 'prod', silenceId: 's-9', alerts: 1 }],
    feeds_refresh: () => null,
    incident_on_call: () => onCall,
    incident_open: ({ incident }) =>
      ({ id: 7, title: 'api is down', severity: 'P1', origin: incident.origin }) as unknown as IncidentView,
  });
  await reloadFeeds();
  const onnavigate = vi.fn();
  render(OverviewView, { onnavigate });
  render(Toasts);
  return { ipc, onnavigate };
}

describe('OverviewView', () => {
  it('leads with the counts, the down service and why, and the firing (not silenced) alerts', async () => {
    const { onnavigate } = await renderWith();
    expect(screen.getByTestId('tile-down-count')).toHaveTextContent('1');
    expect(screen.getByTestId('tile-critical-count')).toHaveTextContent('1');
    expect(screen.getByTestId('tile-sentry-count')).toHaveTextContent('1');
    const statuses = screen.getAllByTestId('service-status');
    expect(statuses.map((s) => s.dataset.service)).toEqual(['api', 'web']);
    expect(within(statuses[0]).getByTestId('service-reason')).toHaveTextContent('HTTP 503, expected 200');
    const groups = screen.getAllByTestId('alert-group');
    expect(groups.map((g) => g.dataset.alertname)).toEqual(['DatabaseDown']);
    expect(screen.getByTestId('source-error')).toHaveTextContent('alertmanager staging did not answer');
    expect(screen.queryByTestId('all-clear')).toBeNull();
    await fireEvent.click(screen.getByTestId('tile-down'));
    expect(onnavigate).toHaveBeenCalledWith('services');
    await fireEvent.click(within(statuses[0]).getAllByRole('button')[0]);
    expect(onnavigate).toHaveBeenCalledWith('services', 'api');
    expect(await screen.findByTestId('machine-cpu')).toHaveTextContent('13% of 8 cores');
  });

  it('shows who is on call and how to reach them, or says nobody is', async () => {
    await renderWith();
    expect(await screen.findByTestId('on-call')).toHaveTextContent(
      'On call: ana +15550100 · ana@example.test · Slack U123ANA',
    );
  });

  it('says nobody is on call and where to fix it', async () => {
    await renderWith(overview(), { onCall: null, contact: null });
    expect(await screen.findByTestId('on-call')).toHaveTextContent(/Nobody is on call: add level 1 contacts/);
  });

  it('opens an incident for a down service in one click and goes to it', async () => {
    nav.page = 'overview';
    const { ipc } = await renderWith();
    const down = screen.getAllByTestId('service-status')[0];
    await fireEvent.click(within(down).getByTestId('incident-from-service'));
    await waitFor(() => expect(nav.page).toBe('incidents'));
    expect(ipc.named('incident_open')[0].args).toEqual({
      incident: { title: '', severity: null, origin: { type: 'service', service: 'api' } },
    });
    expect(nav.incident).toBe(7);
    expect(await screen.findByText('Incident #7 opened as P1: api is down')).toBeInTheDocument();
    expect(
      screen.getAllByTestId('service-status')[1].querySelector('[data-testid="incident-from-service"]'),
    ).toBeNull();
  });

  it('opens an incident for a firing alert group by its fingerprint', async () => {
    const { ipc } = await renderWith();
    await fireEvent.click(within(screen.getAllByTestId('alert-group')[0]).getByTestId('incident-from-alert'));
    await waitFor(() => expect(ipc.named('incident_open')).toHaveLength(1));
    expect(ipc.named('incident_open')[0].args).toEqual({
      incident: { title: '', severity: null, origin: { type: 'alert', alert: 'fp-db' } },
    });
  });

  it('opens an incident for a Sentry issue by its short id', async () => {
    const { ipc } = await renderWith();
    await fireEvent.click(within(screen.getByTestId('sentry-issue')).getByTestId('incident-from-sentry'));
    await waitFor(() => expect(ipc.named('incident_open')).toHaveLength(1));
    expect(ipc.named('incident_open')[0].args).toEqual({
      incident: { title: '', severity: null, origin: { type: 'sentry', issue: 'API-1' } },
    });
  });

  it('shows why an incident could not be opened', async () => {
    const { ipc } = await renderWith();
    ipc.spy.mockImplementationOnce(() => {
      throw { kind: 'notFound', message: 'service "api" not found' };
    });
    await fireEvent.click(
      within(screen.getAllByTestId('service-status')[0]).getByTestId('incident-from-service'),
    );
    expect(
      await screen.findByText(/Could not open an incident: service "api" not found/),
    ).toBeInTheDocument();
  });

  it('silences an alert by fingerprint with the chosen duration and a required comment', async () => {
    const { ipc } = await renderWith();
    await fireEvent.click(screen.getByTestId('silence-open'));
    const dialog = screen.getByTestId('silence-dialog');
    await fireEvent.click(within(dialog).getByLabelText('4 h'));
    await fireEvent.click(screen.getByTestId('silence-confirm'));
    expect(within(dialog).getByRole('alert')).toHaveTextContent(/say why/i);
    expect(ipc.named('silence_create')).toHaveLength(0);
    await fireEvent.input(screen.getByTestId('silence-comment'), { target: { value: 'on it, #inc-42' } });
    await fireEvent.click(screen.getByTestId('silence-confirm'));
    await waitFor(() => expect(ipc.named('silence_create')).toHaveLength(1));
    expect(ipc.named('silence_create')[0].args).toEqual({
      alert: 'fp-db',
      durationSeconds: 14400,
      comment: 'on it, #inc-42',
      createdBy: null,
    });
    expect(await screen.findByText(/Silenced on prod \(1 alerts\)/)).toBeInTheDocument();
    expect(screen.queryByTestId('silence-dialog')).toBeNull();
  });

  it('says all clear when every service is up and nothing fires', async () => {
    const base = overview();
    await renderWith(
      overview({
        counts: {
          ...base.counts,
          servicesDown: 0,
          firing: { critical: 0, error: 0, warning: 0, info: 0 },
          firingTotal: 0,
        },
        services: base.services.map((s) => ({ ...s, status: 'up', reasons: [] })),
        alerts: [],
        errors: [],
      }),
    );
    expect(screen.getByTestId('all-clear')).toBeInTheDocument();
    expect(screen.getByTestId('alerts-empty')).toHaveTextContent('Nothing is firing.');
  });

  it('shows a readable error when the monitor cannot be read', async () => {
    mockCommands({
      feeds_overview: () => {
        throw { kind: 'internal', message: 'the monitor is not running' };
      },
      machine_stats: () => MACHINE,
    });
    await reloadFeeds();
    render(OverviewView, { onnavigate: vi.fn() });
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Could not read the monitor: the monitor is not running',
    );
  });
});
