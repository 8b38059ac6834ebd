import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ServicesView from './ServicesView.svelte';
import type { ServiceDetail, ServiceView } from '$lib/ipc';
import { mockCommands } from '../../../test/ipc';

const now = Date.now();
function service(name: string, up: boolean): ServiceView {
  return {
    name,
    environment: 'production',
    url: `https://${name}.example.com/health`,
    interval: 30_000,
    timeout: 5_000,
    conditions: [
      { type: 'status', codes: [200] },
      { type: 'jsonPath', path: 'status', op: '==', value: 'ok' },
    ],
    last: {
      service: name,
      atMs: now - 1000,
      status: up ? 'up' : 'down',
      latencyMs: 84,
      httpStatus: up ? 200 : 503,
      reasons: up ? [] : ['HTTP 503, expected 200'],
      certDaysLeft: 41,
      health: {
        status: up ? 'ok' : 'degraded',
        version: '2.4.1',
        environment: 'production',
        uptime: 3700,
        memory: { rss: 1234 },
        database: up ? 'ok' : 'error',
        redis: 'ok',
        raw: { status: 'ok', version: '2.4.1', queue: 3 },
        rawTruncated: false,
      },
    },
    uptime: [99.95, 99.5, 98, null],
  };
}

function detail(s: ServiceView): ServiceDetail {
  return {
    service: s,
    latency: [
      { atMs: now - 120_000, meanMs: 80 },
      { atMs: now - 60_000, meanMs: 90 },
    ],
    stepMs: 60_000,
    recent: [
      { atMs: now - 1000, up: false, latencyMs: 12, httpStatus: 503, reasons: ['HTTP 503, expected 200'] },
    ],
  };
}

describe('ServicesView', () => {
  it('lists services with uptime, opens the down one first and shows its health fields', async () => {
    const services = [service('web', true), service('api', false)];
    const ipc = mockCommands({
      service_list: () => services,
      service_detail: ({ name }) => detail(services.find((s) => s.name === name)!),
    });
    render(ServicesView);
    await waitFor(() => expect(screen.getAllByTestId('service-row')).toHaveLength(2));
    const web = screen.getAllByTestId('service-row')[0];
    expect(web).toHaveTextContent('99.95%');
    expect(web).toHaveTextContent('84 ms');
    const detailView = await screen.findByTestId('service-detail');
    await waitFor(() => expect(detailView).toHaveTextContent('api'));
    expect(ipc.named('service_detail')[0].args).toEqual({ name: 'api', hours: 24 });
    expect(screen.getByTestId('detail-reasons')).toHaveTextContent('HTTP 503, expected 200');
    const fields = screen.getByTestId('health-fields');
    expect(fields).toHaveTextContent('2.4.1');
    expect(fields).toHaveTextContent('1 h 01 min');
    expect(fields).toHaveTextContent('queue');
    expect(screen.getByTestId('line-chart')).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: '7 d' }));
    await waitFor(() =>
      expect(ipc.named('service_detail').at(-1)!.args).toEqual({ name: 'api', hours: 168 }),
    );
  });

  it('adds a service with the guide defaults (conditions null) and reports a server refusal', async () => {
    let refuse = true;
    const ipc = mockCommands({
      service_list: () => [],
      service_add: ({ service: input }) => {
        if (refuse) throw { kind: 'invalidInput', message: 'service "api" already exists' };
        return service(input.name, true);
      },
      service_detail: () => detail(service('api', true)),
    });
    render(ServicesView);
    await screen.findByTestId('services-empty');
    await fireEvent.click(screen.getByTestId('service-add'));
    await fireEvent.input(screen.getByTestId('service-name'), { target: { value: 'api' } });
    await fireEvent.input(screen.getByTestId('service-url'), {
      target: { value: 'https://api.example.com/health' },
    });
    await fireEvent.click(screen.getByTestId('service-save'));
    const dialog = screen.getByTestId('service-dialog');
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('already exists');
    expect(screen.getByTestId('service-save')).toBeEnabled();
    expect(screen.getByTestId('service-save')).toHaveTextContent('Add service');
    refuse = false;
    await fireEvent.click(screen.getByTestId('service-save'));
    await waitFor(() => expect(screen.queryByTestId('service-dialog')).toBeNull());
    expect(ipc.named('service_add').at(-1)!.args).toEqual({
      service: {
        name: 'api',
        environment: 'production',
        url: 'https://api.example.com/health',
        interval: 30_000,
        timeout: 5_000,
        conditions: null,
      },
    });
  });

  it('refuses a bad JSON rule before calling the back end', async () => {
    const ipc = mockCommands({ service_list: () => [] });
    render(ServicesView);
    await screen.findByTestId('services-empty');
    await fireEvent.click(screen.getByTestId('service-add'));
    await fireEvent.input(screen.getByTestId('service-name'), { target: { value: 'api' } });
    await fireEvent.input(screen.getByTestId('service-url'), { target: { value: 'https://api/health' } });
    await fireEvent.input(screen.getByTestId('service-rules'), { target: { value: 'db is fine' } });
    await fireEvent.click(screen.getByTestId('service-save'));
    expect(await within(screen.getByTestId('service-dialog')).findByRole('alert')).toHaveTextContent(
      'path == value',
    );
    expect(ipc.named('service_add')).toHaveLength(0);
  });

  it('stops monitoring a service after the confirmation, and the confirmation closes', async () => {
    let services = [service('web', true), service('api', false)];
    const ipc = mockCommands({
      service_list: () => services,
      service_detail: ({ name }) => detail(services.find((s) => s.name === name) ?? services[0]),
      service_remove: ({ name }) => {
        services = services.filter((s) => s.name !== name);
        return null;
      },
    });
    render(ServicesView);
    await waitFor(() => expect(screen.getAllByTestId('service-row')).toHaveLength(2));
    await fireEvent.click(screen.getByRole('button', { name: 'Stop monitoring web' }));
    await fireEvent.click(await screen.findByTestId('confirm-ok'));
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
    expect(ipc.named('service_remove')[0].args).toEqual({ name: 'web' });
    await waitFor(() => expect(screen.getAllByTestId('service-row')).toHaveLength(1));
  });
});
