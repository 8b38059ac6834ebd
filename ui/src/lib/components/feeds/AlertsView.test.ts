import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import AlertsView from './AlertsView.svelte';
import type { SilenceView } from '$lib/ipc';
import { mockCommands } from '../../../test/ipc';
import { overview } from '../../../test/feeds';
import { reloadFeeds } from '$lib/state/feeds.svelte';

const SILENCE: SilenceView = {
  alertmanager: 'prod',
  id: 's1',
  matchers: [{ name: 'alertname', value: 'HighCPUUsage', isRegex: false, isEqual: true }],
  startsAt: new Date().toISOString(),
  endsAt: new Date(Date.now() + 7_200_000).toISOString(),
  createdBy: 'oncall',
  comment: 'deploy in progress',
  status: { state: 'active' },
};

describe('AlertsView', () => {
  it('filters by state and severity, shows rule errors, and expires a silence', async () => {
    let silences = [SILENCE];
    const ipc = mockCommands({
      feeds_overview: () => overview(),
      silences_list: () => ({ silences, errors: [] }),
      silence_expire: () => {
        silences = [{ ...SILENCE, status: { state: 'expired' } }];
        return null;
      },
    });
    await reloadFeeds();
    render(AlertsView);
    const names = () => screen.queryAllByTestId('alert-group').map((g) => g.dataset.alertname);
    expect(names()).toEqual(['DatabaseDown']);
    await fireEvent.change(screen.getByTestId('filter-state'), { target: { value: 'silenced' } });
    expect(names()).toEqual(['HighCPUUsage']);
    await fireEvent.change(screen.getByTestId('filter-state'), { target: { value: 'all' } });
    await fireEvent.change(screen.getByTestId('filter-severity'), { target: { value: 'critical' } });
    expect(names()).toEqual(['DatabaseDown']);
    expect(screen.getByTestId('rule-error')).toHaveTextContent('SlowQueryResponse');

    const silence = await screen.findByTestId('silence');
    expect(silence).toHaveTextContent('alertname=HighCPUUsage');
    expect(silence).toHaveTextContent('deploy in progress');
    await fireEvent.click(screen.getByTestId('silence-expire'));
    await waitFor(() =>
      expect(ipc.named('silence_expire')[0].args).toEqual({ alertmanager: 'prod', id: 's1' }),
    );
    await waitFor(() => expect(screen.queryByTestId('silence')).toBeNull());
  });
});
