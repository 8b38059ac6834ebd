import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ChecklistView from './ChecklistView.svelte';
import { mockCommands } from '../../../test/ipc';
import type {
  CheckItem,
  CheckItemResult,
  CheckReport,
  CheckRunSummary,
  CheckRunView,
  CheckTargetView,
} from '$lib/ipc';
import Toasts from '../common/Toasts.svelte';

const CATALOG: CheckItem[] = [
  {
    id: 'transport.https',
    section: 'transport',
    title: 'HTTPS enabled',
    checks: 'TLS versions and the plain port',
    remediation: 'Serve the API over TLS 1.2+ only.',
    snippet: null,
    asvs: ['12.2.1'],
    proof: ['live'],
  },
  {
    id: 'compliance.gdpr',
    section: 'compliance',
    title: 'GDPR compliance (if applicable)',
    checks: 'not observable: attested',
    remediation: 'Record the processing and the legal basis.',
    snippet: null,
    asvs: [],
    proof: ['attestOnly'],
  },
];

const TARGET: CheckTargetView = {
  name: 'staging',
  url: 'https://api.example.com',
  loginPath: null,
  paths: [],
  caFile: null,
  repo: null,
  databases: [],
  links: [],
  loginBurst: false,
  plainPort: null,
  reviewEveryDays: null,
  createdAt: '2026-01-01T00:00:00Z',
  attestations: [],
  review: {
    target: 'staging',
    everyDays: 90,
    since: '2026-01-01T00:00:00Z',
    sinceRun: false,
    due: '2026-04-01T00:00:00Z',
    overdue: false,
  },
};

const REPORT: CheckReport = {
  target: 'staging',
  started: '2026-01-01T00:00:00Z',
  finished: '2026-01-01T00:00:02Z',
  rulePack: 'rampart-checks/1',
  items: [
    {
      id: 'transport.https',
      section: 'transport',
      title: 'HTTPS enabled',
      status: 'fail',
      summary: 'the target URL is plain HTTP',
      evidence: [{ kind: 'request', text: 'GET http://api.example.com/ -> 200' }],
      remediation: 'Serve the API over TLS 1.2+ only.',
      asvs: ['12.2.1'],
    },
    {
      id: 'compliance.gdpr',
      section: 'compliance',
      title: 'GDPR compliance (if applicable)',
      status: 'unknown',
      reason: 'not observable from outside: attest it',
      summary: 'no finding',
      evidence: [],
      remediation: 'Record the processing and the legal basis.',
      asvs: [],
    },
  ],
  headers: { score: 30, grade: 'D' },
  tls: null,
};

/** The GDPR item once attested: the attestation's fields replace the unknown's reason. */
const GDPR_ATTESTED: CheckItemResult = {
  id: 'compliance.gdpr',
  section: 'compliance',
  title: 'GDPR compliance (if applicable)',
  status: 'attested',
  note: 'DPA',
  by: 'ana',
  date: '2026-01-01T00:00:00Z',
  expires: null,
  summary: 'attested by ana on 2026-01-01: DPA',
  evidence: [],
  remediation: 'Record the processing and the legal basis.',
  asvs: [],
};

const SUMMARY = (id: number, fail: number, pass: number): CheckRunSummary => ({
  id,
  target: 'staging',
  started: '2026-01-0' + id + 'T00:00:00Z',
  finished: '2026-01-0' + id + 'T00:00:02Z',
  pass,
  fail,
  warn: 0,
  unknown: 1,
  attested: 0,
  na: 0,
});

describe('ChecklistView', () => {
  it('shows the last recorded run on opening, calls out regressions of a new run, and exports it', async () => {
    let runs = [SUMMARY(1, 0, 1)];
    const ipc = mockCommands({
      check_catalog: () => CATALOG,
      check_targets: () => [TARGET],
      check_last_run: () => ({
        ...REPORT,
        id: 1,
        items: REPORT.items.map((i) => ({ ...i, status: 'pass' })),
      }),
      check_history: () => runs,
      check_run: () => {
        runs = [SUMMARY(2, 1, 0), ...runs];
        return {
          ...REPORT,
          regressions: [
            {
              id: 'transport.https',
              title: 'HTTPS enabled',
              was: 'pass',
              since: '2026-01-01T00:00:00Z',
              summary: 'the target URL is plain HTTP',
            },
          ],
        };
      },
      check_export: ({ format }) => {
        if (format === 'html') throw { kind: 'notFound', message: 'staging has no run yet' };
        return '/home/ana/staging-security-checklist.md';
      },
    });
    render(ChecklistView);
    render(Toasts);
    const https = await screen.findByTestId('check-item-transport.https');
    await waitFor(() => expect(https).toHaveTextContent('pass'));
    expect(screen.getByTestId('check-run-time')).toHaveTextContent('Last run');
    expect(screen.queryByTestId('check-history')).toBeNull();
    await fireEvent.click(screen.getByTestId('check-run'));
    const banner = await screen.findByTestId('check-regressions');
    expect(banner).toHaveTextContent('1 regressed since the earlier runs');
    expect(banner).toHaveTextContent('HTTPS enabled (transport.https): was pass');
    const attention = screen.getByTestId('check-attention');
    expect(attention).toHaveTextContent('Needs attention: HTTPS enabled');
    await fireEvent.click(within(attention).getByRole('button', { name: 'HTTPS enabled' }));
    expect(screen.getByTestId('check-detail')).toHaveTextContent('Serve the API over TLS 1.2+ only.');
    expect(https).toHaveTextContent('fail');
    expect(await screen.findByTestId('check-history')).toHaveTextContent('2 runs');
    expect(screen.getByTestId('check-history')).toHaveTextContent('1 fail · 1 unknown');
    await fireEvent.click(screen.getByTestId('check-export-md'));
    expect(
      await screen.findByText('Checklist report saved to /home/ana/staging-security-checklist.md'),
    ).toBeTruthy();
    await fireEvent.click(screen.getByTestId('check-export-html'));
    expect(await screen.findByText(/Could not export the checklist: staging has no run yet/)).toBeTruthy();
    expect(ipc.named('check_export').map((c) => c.args)).toEqual([
      { name: 'staging', format: 'md' },
      { name: 'staging', format: 'html' },
    ]);
  });

  it("adds a target from the page with its paths and databases, and shows core's refusal", async () => {
    let targets: CheckTargetView[] = [];
    const ipc = mockCommands({
      check_catalog: () => CATALOG,
      check_targets: () => targets,
      check_last_run: () => null,
      check_history: () => [],
      check_target_add: ({ target }) => {
        if (!target.url) throw { kind: 'invalidInput', message: 'give the target a URL or a repository' };
        const view = {
          ...target,
          createdAt: '2026-01-01T00:00:00Z',
          attestations: [],
          review: TARGET.review,
        };
        targets = [view];
        return view;
      },
    });
    render(ChecklistView);
    render(Toasts);
    expect(await screen.findByTestId('check-empty')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('check-target-add'));
    await fireEvent.input(screen.getByTestId('target-name'), { target: { value: 'prod' } });
    await fireEvent.click(screen.getByTestId('target-save'));
    expect(await screen.findByRole('alert')).toHaveTextContent('give the target a URL or a repository');
    await fireEvent.input(screen.getByTestId('target-url'), {
      target: { value: 'https://api.example.test' },
    });
    await fireEvent.input(screen.getByTestId('target-paths'), {
      target: { value: '/api/users, /api/orders' },
    });
    await fireEvent.input(screen.getByTestId('target-dbs'), { target: { value: 'redis://cache:6379' } });
    await fireEvent.click(screen.getByTestId('target-burst'));
    await fireEvent.input(screen.getByTestId('target-review'), { target: { value: '30' } });
    await fireEvent.click(screen.getByTestId('target-save'));
    expect(await screen.findByText('Check target prod added: run the checks')).toBeTruthy();
    expect(screen.queryByTestId('check-target-dialog')).toBeNull();
    expect(ipc.named('check_target_add')[1].args.target).toEqual({
      name: 'prod',
      url: 'https://api.example.test',
      loginPath: null,
      paths: ['/api/users', '/api/orders'],
      caFile: null,
      repo: null,
      databases: ['redis://cache:6379'],
      links: [],
      loginBurst: true,
      plainPort: null,
      reviewEveryDays: 30,
    });
    expect(ipc.named('check_target_add')[0].args.target).toMatchObject({ reviewEveryDays: null });
    expect((screen.getByLabelText('Check target') as HTMLSelectElement).value).toBe('prod');
  });

  it('runs all checks, shows verdicts with evidence and section progress', async () => {
    const ipc = mockCommands({
      check_catalog: () => CATALOG,
      check_targets: () => [TARGET],
      check_run: () => ({ ...REPORT, regressions: [] }),
      check_last_run: () => null,
      check_history: () => [],
    });
    render(ChecklistView);
    const https = await screen.findByTestId('check-item-transport.https');
    expect(https).toHaveTextContent('not run');
    expect(screen.getByTestId('progress-transport')).toHaveTextContent('0/1');

    await fireEvent.click(screen.getByTestId('check-run'));
    expect(await screen.findByTestId('check-grades')).toHaveTextContent('Headers D (30)');
    expect(screen.getByTestId('check-tally')).toHaveTextContent('1 fail · 1 unknown');
    expect(ipc.named('check_run')[0].args).toMatchObject({ name: 'staging', only: [] });
    expect(https).toHaveTextContent('fail');
    expect(https).toHaveTextContent('the target URL is plain HTTP');
    // An unknown item shows why it could not be checked (its reason), not its summary.
    const gdpr = screen.getByTestId('check-item-compliance.gdpr');
    expect(gdpr).toHaveTextContent('not observable from outside: attest it');
    expect(gdpr).not.toHaveTextContent('no finding');
    await fireEvent.click(within(https).getByRole('button'));
    const detail = screen.getByTestId('check-detail');
    expect(detail).toHaveTextContent('request: GET http://api.example.com/ -> 200');
    expect(detail).toHaveTextContent('ASVS 12.2.1');
    expect(detail).toHaveTextContent('Serve the API over TLS 1.2+ only.');
  });

  it('marks each item as its verdict arrives over the channel while the run goes', async () => {
    let send: (item: CheckItemResult) => void = () => {};
    let finish: (r: CheckRunView) => void = () => {};
    const ipc = mockCommands({
      check_catalog: () => CATALOG,
      check_targets: () => [TARGET],
      check_last_run: () => ({ ...REPORT, id: 1 }),
      check_history: () => [],
      check_run: (args) => {
        const channel = args.onProgress as { onmessage: (i: CheckItemResult) => void };
        send = (i) => channel.onmessage(i);
        return new Promise<CheckRunView>((resolve) => (finish = resolve));
      },
    });
    render(ChecklistView);
    const https = await screen.findByTestId('check-item-transport.https');
    const gdpr = screen.getByTestId('check-item-compliance.gdpr');
    await waitFor(() => expect(https).toHaveTextContent('fail'));
    await fireEvent.click(screen.getByTestId('check-run'));
    // The last run's verdicts give way to "checking…" until each item's verdict arrives.
    expect(await screen.findByTestId('check-progress')).toHaveTextContent('0 of 2 checked');
    expect(https).toHaveTextContent('checking…');
    expect(gdpr).toHaveTextContent('checking…');
    expect(screen.getByTestId('check-run')).toBeDisabled();
    expect(screen.queryByTestId('check-tally')).toBeNull();
    send(GDPR_ATTESTED);
    await waitFor(() => expect(screen.getByTestId('check-progress')).toHaveTextContent('1 of 2 checked'));
    expect(gdpr).toHaveTextContent('attested');
    expect(gdpr).toHaveTextContent('attested by ana on 2026-01-01: DPA');
    expect(https).toHaveTextContent('checking…');
    expect(screen.getByTestId('progress-compliance')).toHaveTextContent('1/1');
    send({ ...REPORT.items[0], status: 'pass', summary: 'TLS 1.3 only' });
    await waitFor(() => expect(screen.getByTestId('check-progress')).toHaveTextContent('2 of 2 checked'));
    expect(https).toHaveTextContent('pass');
    expect(https).toHaveTextContent('TLS 1.3 only');
    finish({
      ...REPORT,
      items: [{ ...REPORT.items[0], status: 'pass', summary: 'TLS 1.3 only' }, GDPR_ATTESTED],
      regressions: [],
    });
    expect(await screen.findByTestId('check-tally')).toHaveTextContent('1 pass · 1 attested');
    expect(screen.queryByTestId('check-progress')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('check-run')).toBeEnabled());
    expect(ipc.named('check_run')[0].args).toEqual({
      name: 'staging',
      only: [],
      onProgress: expect.objectContaining({ id: expect.any(Number) }),
    });
  });

  it('shows the failure of a run and leaves the checking state', async () => {
    mockCommands({
      check_catalog: () => CATALOG,
      check_targets: () => [TARGET],
      check_last_run: () => null,
      check_history: () => [],
      check_run: () => {
        throw { kind: 'notFound', message: 'no check target named "staging"' };
      },
    });
    render(ChecklistView);
    render(Toasts);
    const https = await screen.findByTestId('check-item-transport.https');
    await fireEvent.click(screen.getByTestId('check-run'));
    expect(await screen.findByText(/The checks could not run: no check target named/)).toBeTruthy();
    expect(screen.queryByTestId('check-progress')).toBeNull();
    expect(https).toHaveTextContent('not run');
  });

  it('shows when the next review is due, highlighted when overdue, and moved by a run', async () => {
    let review = { ...TARGET.review, due: '2026-02-01T00:00:00Z', overdue: true };
    mockCommands({
      check_catalog: () => CATALOG,
      check_targets: () => [{ ...TARGET, reviewEveryDays: 30, review }],
      check_last_run: () => null,
      check_history: () => [],
      check_run: () => {
        review = {
          ...review,
          since: '2026-03-01T00:00:02Z',
          sinceRun: true,
          due: '2026-03-31T00:00:02Z',
          overdue: false,
        };
        return { ...REPORT, regressions: [] };
      },
    });
    render(ChecklistView);
    const due = await screen.findByTestId('check-review');
    expect(due).toHaveTextContent('review due 2026-02-01 (overdue)');
    expect(due).toHaveClass('overdue');
    await fireEvent.click(screen.getByTestId('check-run'));
    await waitFor(() =>
      expect(screen.getByTestId('check-review')).toHaveTextContent('review due 2026-03-31'),
    );
    expect(screen.getByTestId('check-review')).not.toHaveClass('overdue');
    expect(screen.getByTestId('check-review')).not.toHaveTextContent('overdue');
  });

  it('attests an item with a note, who and an expiry, then shows it', async () => {
    let attested = false;
    const ipc = mockCommands({
      check_catalog: () => CATALOG,
      check_targets: () => [
        attested
          ? {
              ...TARGET,
              attestations: [
                {
                  item: 'compliance.gdpr',
                  note: 'DPA signed',
                  by: 'ana',
                  date: '2026-01-01T00:00:00Z',
                  expires: '2026-04-01T00:00:00Z',
                  expired: false,
                },
              ],
            }
          : TARGET,
      ],
      check_last_run: () => null,
      check_history: () => [],
      check_attest: (args) => {
        attested = true;
        return { ...args, date: '2026-01-01T00:00:00Z', expires: '2026-04-01T00:00:00Z', expired: false };
      },
    });
    render(ChecklistView);
    const gdpr = await screen.findByTestId('check-item-compliance.gdpr');
    await fireEvent.click(within(gdpr).getByRole('button'));
    await fireEvent.input(screen.getByLabelText('Note'), { target: { value: 'DPA signed' } });
    await fireEvent.input(screen.getByLabelText('By'), { target: { value: 'ana' } });
    await fireEvent.click(screen.getByTestId('check-attest'));
    expect(await screen.findByTestId('check-attestation')).toHaveTextContent(
      'Attested by ana on 2026-01-01, expires 2026-04-01: DPA signed',
    );
    expect(ipc.named('check_attest')[0].args).toEqual({
      target: 'staging',
      item: 'compliance.gdpr',
      note: 'DPA signed',
      by: 'ana',
      expires: '90d',
    });
  });

  it('says how to add a target when there is none', async () => {
    mockCommands({ check_catalog: () => CATALOG, check_targets: () => [] });
    render(ChecklistView);
    expect(await screen.findByTestId('check-empty')).toHaveTextContent('rampart check target add');
    expect(screen.getByTestId('check-run')).toBeDisabled();
  });
});
