import { emit } from '@tauri-apps/api/event';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import IncidentsView from './IncidentsView.svelte';
import type { IncidentDetail, IncidentView } from '$lib/ipc';
import { mockCommands } from '../../../test/ipc';
import Toasts from '../common/Toasts.svelte';
import { nav } from '$lib/state/nav.svelte';

function incident(partial: Partial<IncidentView> & Pick<IncidentView, 'id' | 'title'>): IncidentView {
  return {
    severity: 'P2',
    severityDefinition: 'Degraded service, a vulnerability',
    status: 'investigating',
    owner: null,
    source: 'manual',
    openedAt: '2026-12-03T03:00:00Z',
    acknowledgedAt: null,
    resolvedAt: null,
    summary: '',
    impact: '',
    rootCause: '',
    actionItems: [],
    escalationLevel: 0,
    links: [],
    ...partial,
  };
}

function detail(view: IncidentView, stillFiring: string[] = []): IncidentDetail {
  return {
    ...view,
    stillFiring,
    timeline: [{ at: view.openedAt, atMs: 0, kind: 'opened', text: `opened as ${view.severity}` }],
  };
}

describe('IncidentsView', () => {
  it('lists open incidents P1 first and resolved last, and shows one with its timeline', async () => {
    const list = [
      incident({ id: 1, title: 'Old outage', severity: 'P1', status: 'resolved', summary: 'fixed' }),
      incident({ id: 2, title: 'Slow API' }),
      incident({ id: 3, title: 'DB down', severity: 'P1' }),
    ];
    mockCommands({
      incident_list: () => list,
      incident_detail: ({ id }) => detail(list.find((i) => i.id === id)!),
    });
    render(IncidentsView);
    const rows = await screen.findAllByTestId('incident-row');
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining('DB down'),
      expect.stringContaining('Slow API'),
      expect.stringContaining('Old outage'),
    ]);
    await fireEvent.click(rows[0]);
    const shown = await screen.findByTestId('incident-detail');
    expect(within(shown).getByTestId('incident-timeline')).toHaveTextContent('opened as P1');
    expect(within(shown).getByTestId('incident-ack')).toBeTruthy();
  });

  it('opens one by hand with the chosen level, and resolving needs a summary and says what still fires', async () => {
    let made: IncidentView | null = null;
    const mock = mockCommands({
      incident_list: () => (made ? [made] : []),
      incident_open: ({ incident: n }) =>
        (made = incident({ id: 7, title: n.title, severity: n.severity ?? 'P3' })),
      incident_detail: () => detail(made!, ['HighErrorRate (abc)']),
      incident_set_status: ({ force }) => {
        if (!force)
          throw { kind: 'conflict', message: 'linked alerts still fire: HighErrorRate (abc); add --force' };
        return (made = { ...made!, status: 'resolved' });
      },
    });
    render(IncidentsView);
    expect(await screen.findByTestId('incidents-empty')).toBeTruthy();
    await fireEvent.input(screen.getByTestId('incident-title'), { target: { value: 'Checkout failing' } });
    await fireEvent.change(screen.getByTestId('incident-severity'), { target: { value: 'P1' } });
    await fireEvent.click(screen.getByTestId('incident-open'));
    const shown = await screen.findByTestId('incident-detail');
    expect(mock.named('incident_open')[0].args).toEqual({
      incident: { title: 'Checkout failing', severity: 'P1', origin: { type: 'manual' } },
    });
    expect(shown).toHaveTextContent('Still firing: HighErrorRate (abc)');
    const resolve = within(shown).getByTestId('incident-resolve') as HTMLButtonElement;
    expect(resolve.disabled).toBe(true);
    await fireEvent.input(within(shown).getByTestId('incident-summary'), {
      target: { value: 'rolled back' },
    });
    await fireEvent.click(resolve);
    expect(await screen.findByRole('alert')).toHaveTextContent('linked alerts still fire');
    await fireEvent.click(within(shown).getByText('Resolve anyway'));
    await screen.findAllByTestId('incident-row');
    expect(mock.named('incident_set_status').at(-1)!.args).toEqual({
      id: 7,
      status: 'resolved',
      summary: 'rolled back',
      force: true,
    });
  });

  it('shows an incident opened elsewhere, and saves its postmortem where the user picks', async () => {
    const list = [incident({ id: 3, title: 'DB down', severity: 'P1' }), incident({ id: 4, title: 'Slow' })];
    let saved: string | null = '/home/ana/incident-3-postmortem.md';
    const mock = mockCommands({
      incident_list: () => list,
      incident_detail: ({ id }) => detail(list.find((i) => i.id === id)!),
      incident_export: ({ format }) => {
        if (format === 'html') throw { kind: 'io', message: 'could not write /ro/x.html: read-only' };
        return saved;
      },
    });
    nav.incident = 3;
    render(IncidentsView);
    render(Toasts);
    const shown = await screen.findByTestId('incident-detail');
    expect(shown).toHaveTextContent('DB down');
    expect(nav.incident).toBeNull();
    await fireEvent.click(within(shown).getByTestId('incident-export-md'));
    expect(await screen.findByText('Postmortem saved to /home/ana/incident-3-postmortem.md')).toBeTruthy();
    expect(mock.named('incident_export')[0].args).toEqual({ id: 3, format: 'md' });
    saved = null; // cancelled: nothing to say
    await fireEvent.click(within(shown).getByTestId('incident-export-md'));
    await fireEvent.click(within(shown).getByTestId('incident-export-html'));
    expect(await screen.findByRole('alert')).toHaveTextContent('could not write /ro/x.html: read-only');
    expect(screen.getAllByText(/Postmortem saved/)).toHaveLength(1);
  });

  it('escalates by hand and re-reads when the escalation timer moved one up', async () => {
    let level = 0;
    const view = () => incident({ id: 5, title: 'API down', severity: 'P1', escalationLevel: level });
    const mock = mockCommands(
      {
        incident_list: () => [view()],
        incident_detail: () => detail(view()),
        incident_escalate: () => {
          if (level >= 2) throw { kind: 'conflict', message: 'incident #5 is already at the last level' };
          level += 1;
          return view();
        },
      },
      { shouldMockEvents: true },
    );
    nav.incident = 5;
    render(IncidentsView);
    const shown = await screen.findByTestId('incident-detail');
    expect(shown).not.toHaveTextContent('escalation level');
    await fireEvent.click(within(shown).getByTestId('incident-escalate'));
    await waitFor(() => expect(shown).toHaveTextContent('at escalation level 1'));
    expect(mock.named('incident_escalate')[0].args).toEqual({ id: 5 });
    level = 2; // the timer moved it up
    await emit('incidents://changed', null);
    await waitFor(() => expect(shown).toHaveTextContent('at escalation level 2'));
    await fireEvent.click(within(shown).getByTestId('incident-escalate'));
    expect(await screen.findByRole('alert')).toHaveTextContent('already at the last level');
  });
});
