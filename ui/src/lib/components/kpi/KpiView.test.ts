import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import KpiView from './KpiView.svelte';
import Toasts from '../common/Toasts.svelte';
import { formatKpi, kpiChart, thresholdText } from './kpi';
import type { KpiReport, KpiValue } from '$lib/ipc';
import { mockCommands } from '../../../test/ipc';

function kpi(partial: Partial<KpiValue> & Pick<KpiValue, 'id' | 'title'>): KpiValue {
  return {
    unit: 'ratio',
    source: 'prometheus',
    defaultQuery: 'x',
    threshold: null,
    query: 'x',
    value: null,
    points: [],
    breached: false,
    note: null,
    detail: null,
    ...partial,
  };
}

const errorRate = kpi({
  id: 'api-error-rate',
  title: 'API error rate',
  threshold: { value: 0.05, aboveIsBad: true, from: 'alert HighErrorRate' },
  value: 0.12,
  points: [
    [1_700_000_000, 0.01],
    [1_700_000_300, 0.12],
  ],
  breached: true,
});
const cpu = kpi({
  id: 'cpu-usage',
  title: 'CPU usage',
  unit: 'cores',
  note: 'no data: the query returned nothing',
});
const uptime = kpi({
  id: 'uptime',
  title: 'Uptime percentage',
  source: 'rampart',
  query: null,
  value: 0.9995,
  detail: '2,000 checks of 3 services',
});

function report(range: KpiReport['range']): KpiReport {
  return { range, prometheus: 'prod', kpis: [cpu, uptime, errorRate] };
}

describe('KPI helpers', () => {
  it('formats each unit and words the threshold', () => {
    expect(formatKpi('ratio', 0.0512)).toBe('5.12%');
    expect(formatKpi('seconds', 0.35)).toBe('350 ms');
    expect(formatKpi('seconds', 1.2)).toBe('1.20 s');
    expect(formatKpi('perDay', 2)).toBe('2.0/day');
    expect(formatKpi('ratio', null)).toBe('–');
    expect(formatKpi('ratio', Number.NaN)).toBe('–');
    expect(thresholdText('ratio', errorRate.threshold!)).toBe('should stay ≤ 5.00% (alert HighErrorRate)');
  });

  it('keeps the threshold line inside the chart even when every value is below it', () => {
    const low = {
      ...errorRate,
      points: [
        [1, 0.001],
        [2, 0.002],
      ] as [number, number][],
    };
    const chart = kpiChart(low, 300, 60);
    expect(chart.thresholdY).not.toBeNull();
    expect(chart.thresholdY!).toBeGreaterThanOrEqual(0);
    expect(chart.thresholdY!).toBeLessThanOrEqual(60);
  });
});

describe('KpiView', () => {
  it('shows past-threshold KPIs first and highlighted, notes where there is no value, and changes range', async () => {
    const mock = mockCommands({ kpi_report: ({ range }) => report(range) });
    render(KpiView);
    const cards = await screen.findAllByTestId('kpi-card');
    expect(cards.map((c) => c.dataset.kpi)).toEqual(['api-error-rate', 'cpu-usage', 'uptime']);
    expect(cards[0].classList.contains('breached')).toBe(true);
    expect(within(cards[0]).getByTestId('kpi-value')).toHaveTextContent('12.00%');
    expect(within(cards[0]).getByTestId('kpi-threshold')).toBeTruthy();
    expect(within(cards[1]).getByTestId('kpi-note')).toHaveTextContent('no data');
    expect(within(cards[2]).queryByTestId('kpi-edit')).toBeNull();
    expect(within(cards[2]).getByTestId('kpi-detail')).toHaveTextContent('2,000 checks of 3 services');
    expect(within(cards[0]).queryByTestId('kpi-detail')).toBeNull();
    expect(screen.getByTestId('kpi-summary')).toHaveTextContent('1 KPI is past the threshold.');
    await fireEvent.click(screen.getByTestId('kpi-range-30d'));
    await screen.findAllByTestId('kpi-card');
    expect(mock.named('kpi_report').map((c) => c.args.range)).toEqual(['24h', '30d']);
    expect(screen.queryByTestId('kpi-no-prometheus')).toBeNull();
  });

  it('says once, at the top, that a Prometheus is missing, and offers no query editing then', async () => {
    const none = (k: KpiValue) =>
      k.source === 'prometheus'
        ? { ...k, value: null, breached: false, note: 'no Prometheus configured' }
        : k;
    mockCommands({
      kpi_report: ({ range }) => ({ range, prometheus: null, kpis: report(range).kpis.map(none) }),
    });
    render(KpiView);
    expect(await screen.findByTestId('kpi-no-prometheus')).toHaveTextContent(
      'Settings → Alert and error sources',
    );
    expect(screen.queryAllByTestId('kpi-edit')).toHaveLength(0);
  });

  it('runs an edited query, shows Prometheus errors, and saves it', async () => {
    const mock = mockCommands({
      kpi_report: ({ range }) => report(range),
      kpi_run_query: ({ expr }) => {
        if (expr.includes('rate('))
          throw { kind: 'network', message: 'Prometheus prod answered HTTP 400: bad_data: parse error' };
        return [{ labels: { job: 'api' }, points: [[1, 0.5]] }];
      },
      kpi_query_set: () => null,
    });
    render(KpiView);
    const card = (await screen.findAllByTestId('kpi-card'))[1];
    await fireEvent.click(within(card).getByTestId('kpi-edit'));
    const box = within(card).getByTestId('kpi-query') as HTMLTextAreaElement;
    expect(box.value).toBe('x');
    await fireEvent.input(box, { target: { value: 'rate(' } });
    await fireEvent.click(within(card).getByTestId('kpi-run'));
    expect(await within(card).findByRole('alert')).toHaveTextContent('parse error');
    await fireEvent.input(box, { target: { value: 'max(up)' } });
    await fireEvent.click(within(card).getByTestId('kpi-run'));
    expect(await within(card).findByTestId('kpi-run-result')).toHaveTextContent(
      '1 series; {job="api"} = 0.5',
    );
    await fireEvent.click(within(card).getByTestId('kpi-save'));
    await screen.findAllByTestId('kpi-card');
    expect(mock.named('kpi_query_set').at(-1)!.args).toEqual({ id: 'cpu-usage', query: 'max(up)' });
    expect(mock.named('kpi_report').length).toBeGreaterThanOrEqual(2);
  });

  it('saves the security report of the chosen range, and says why when it cannot', async () => {
    const mock = mockCommands({
      kpi_report: ({ range }) => report(range),
      kpi_security_report: ({ format }) => {
        if (format === 'html') throw { kind: 'io', message: 'could not write /ro/r.html: read-only' };
        return '/home/ana/rampart-security-report-7d.md';
      },
    });
    render(KpiView);
    render(Toasts);
    await screen.findAllByTestId('kpi-card');
    await fireEvent.click(screen.getByTestId('kpi-range-7d'));
    await fireEvent.click(screen.getByTestId('kpi-report-md'));
    expect(
      await screen.findByText('Security report saved to /home/ana/rampart-security-report-7d.md'),
    ).toBeTruthy();
    expect(mock.named('kpi_security_report')[0].args).toEqual({ range: '7d', format: 'md' });
    await fireEvent.click(screen.getByTestId('kpi-report-html'));
    expect(await screen.findByRole('alert')).toHaveTextContent('could not write /ro/r.html');
  });
});
