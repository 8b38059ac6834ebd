import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ChecklistView from './ChecklistView.svelte';
import { mockCommands } from '../../../test/ipc';
import type { CheckItem, CheckReport, CheckTargetView } from '$lib/ipc';

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
  createdAt: '2026-01-01T00:00:00Z',
  attestations: [],
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
      summary: 'not observable from outside: attest it',
      evidence: [],
      remediation: 'Record the processing and the legal basis.',
      asvs: [],
    },
  ],
  headers: { score: 30, grade: 'D' },
  tls: null,
};

describe('ChecklistView', () => {
  it('runs all checks, shows verdicts with evidence and section progress', async () => {
    const ipc = mockCommands({
      check_catalog: () => CATALOG,
      check_targets: () => [TARGET],
      check_run: () => REPORT,
    });
    render(ChecklistView);
    const https = await screen.findByTestId('check-item-transport.https');
    expect(https).toHaveTextContent('not run');
    expect(screen.getByTestId('progress-transport')).toHaveTextContent('0/1');

    await fireEvent.click(screen.getByTestId('check-run'));
    expect(await screen.findByTestId('check-grades')).toHaveTextContent('Headers D (30)');
    expect(screen.getByTestId('check-tally')).toHaveTextContent('1 fail · 1 unknown');
    expect(ipc.named('check_run')[0].args).toEqual({ name: 'staging', only: [] });
    expect(https).toHaveTextContent('fail');
    expect(https).toHaveTextContent('the target URL is plain HTTP');
    await fireEvent.click(within(https).getByRole('button'));
    const detail = screen.getByTestId('check-detail');
    expect(detail).toHaveTextContent('request: GET http://api.example.com/ -> 200');
    expect(detail).toHaveTextContent('ASVS 12.2.1');
    expect(detail).toHaveTextContent('Serve the API over TLS 1.2+ only.');
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
