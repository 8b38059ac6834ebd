import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import BackupsView from './BackupsView.svelte';
import Toasts from '../common/Toasts.svelte';
import type { BackupOverview, ProgressView, RunView, SourceStatus } from '$lib/ipc';
import { mockCommands, type Handlers } from '../../../test/ipc';

const NOW = Math.floor(Date.now() / 1000);
const KEY = 'age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq';

function run(source: string, ok: boolean, partial: Partial<RunView> = {}): RunView {
  return {
    id: Math.floor(Math.random() * 1e9),
    source,
    startedAt: NOW - 3600,
    finishedAt: NOW - 3500,
    ok,
    bytesIn: 50 * 1024 ** 2,
    bytesOut: 10 * 1024 ** 2,
    backupId: ok ? '20261128T020000Z-ab12' : null,
    objectKey: null,
    error: ok ? null : 'the dump command exited with status 1: connection refused (retrying may help)',
    retryable: !ok,
    trigger: 'schedule',
    ...partial,
  };
}

function source(name: string, last: RunView | null): SourceStatus {
  return {
    name,
    what: { kind: 'dir', path: `/srv/${name}`, excludes: [] },
    env: [],
    target: 'offsite',
    recipients: [KEY],
    schedule: '0 3 * * *',
    retention: { keepLast: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepWithinSecs: 2_592_000 },
    createdAt: NOW - 86_400,
    lastRun: last,
    lastDrill: null,
    nextRun: NOW + 5 * 3600 + 1800,
  };
}

function overview(partial: Partial<BackupOverview> = {}): BackupOverview {
  const appRun = run('app-data', true);
  const dbRun = run('db', false);
  return {
    publicKey: KEY,
    targets: [
      {
        name: 'offsite',
        endpoint: 'http://127.0.0.1:3900',
        region: 'garage',
        bucket: 'backups',
        prefix: '',
        pathStyle: true,
        accessKeyFrom: 's3-id',
        secretKeyFrom: 's3-secret',
        storageClass: null,
      },
    ],
    sources: [source('app-data', appRun), source('db', dbRun)],
    runs: [appRun, dbRun],
    drills: [],
    ...partial,
  };
}

function setup(extra: Handlers = {}) {
  const ipc = mockCommands({ backup_overview: () => overview(), ...extra });
  render(BackupsView);
  render(Toasts);
  return ipc;
}

const PROGRESS: ProgressView = {
  phase: 'uploading',
  bytesRead: 25 * 1024 ** 2,
  bytesTransferred: 5 * 1024 ** 2,
  total: 50 * 1024 ** 2,
  elapsedMs: 2000,
  rate: 12.5 * 1024 ** 2,
  etaSeconds: 2,
};

describe('BackupsView', () => {
  it('shows each source with its last result, the failure and whether retrying helps, and the next run', async () => {
    setup();
    const rows = await screen.findAllByTestId('backup-source');
    expect(rows.map((r) => r.dataset.source)).toEqual(['app-data', 'db']);
    expect(within(rows[0]).getByTestId('backup-last')).toHaveTextContent('✓');
    expect(within(rows[0]).getByTestId('backup-last')).toHaveTextContent('50 MiB → 10 MiB');
    expect(rows[0]).toHaveTextContent('next in 5 h');
    expect(rows[0]).toHaveTextContent('keep everything within 30d');
    expect(within(rows[1]).getByTestId('backup-error')).toHaveTextContent(
      'connection refused (retrying may help) — running it again may succeed.',
    );
    expect(screen.getByTestId('backup-public-key')).toHaveTextContent(KEY);
  });

  it('runs a backup with live progress over the channel and reports the result', async () => {
    let finish: (r: RunView) => void = () => {};
    const ipc = setup({
      backup_run: (args) => {
        (args.onProgress as { onmessage: (p: ProgressView) => void }).onmessage(PROGRESS);
        return new Promise<RunView>((resolve) => (finish = resolve));
      },
    });
    const row = (await screen.findAllByTestId('backup-source'))[0];
    await fireEvent.click(within(row).getByTestId('backup-run'));
    await waitFor(() =>
      expect(within(row).getByTestId('progress-bytes')).toHaveTextContent('25 MiB of 50 MiB'),
    );
    expect(within(row).getByTestId('progress-rate')).toHaveTextContent('13 MiB/s');
    expect(within(row).getByTestId('backup-run')).toBeDisabled();
    expect(ipc.named('backup_run')[0].args.source).toBe('app-data');
    finish(run('app-data', true, { bytesIn: 50 * 1024 ** 2, bytesOut: 10 * 1024 ** 2 }));
    expect(await screen.findByText('Backed up app-data: 50 MiB → 10 MiB')).toBeInTheDocument();
    await waitFor(() => expect(within(row).queryByTestId('progress')).toBeNull());
  });

  it('restores the latest backup into a directory through the wizard, and keeps a refusal readable', async () => {
    let refuse = true;
    const ipc = setup({
      backup_list: () => [
        {
          id: '20261128T020000Z-ab12',
          source: 'app-data',
          kind: 'directory',
          object: 'app-data/x.age',
          manifestKey: 'app-data/x.json',
          started: new Date((NOW - 3600) * 1000).toISOString(),
          finished: new Date((NOW - 3500) * 1000).toISOString(),
          plaintextSize: 50 * 1024 ** 2,
          ciphertextSize: 10 * 1024 ** 2,
          trusted: true,
          trust: 'signed by trusted key 0123456789ABCDEF',
          manifestSha256: 'a'.repeat(64),
        },
      ],
      backup_restore: () => {
        if (refuse)
          throw {
            kind: 'io',
            message: 'the archive failed authentication: tampered or truncated; nothing was written',
          };
        return {
          backup: { id: '20261128T020000Z-ab12', plaintextSize: 50 * 1024 ** 2 },
          plaintextSha256: 'ab'.repeat(32),
          removedLeftovers: ['/tmp/.rampart-restore-killed'],
        } as never;
      },
    });
    const row = (await screen.findAllByTestId('backup-source'))[0];
    await fireEvent.click(within(row).getByTestId('backup-restore'));
    await fireEvent.click(screen.getByTestId('restore-next'));
    await fireEvent.click(screen.getByTestId('restore-next'));
    expect(within(screen.getByTestId('restore-wizard')).getByRole('alert')).toHaveTextContent(
      'Choose the directory',
    );
    await fireEvent.input(screen.getByTestId('restore-dir'), { target: { value: '/tmp/restored' } });
    await fireEvent.click(screen.getByTestId('restore-next'));
    expect(screen.getByTestId('restore-summary')).toHaveTextContent(
      '(50 MiB) of app-data into /tmp/restored',
    );
    await fireEvent.click(screen.getByTestId('restore-confirm'));
    expect(await within(screen.getByTestId('restore-wizard')).findByRole('alert')).toHaveTextContent(
      'tampered or truncated',
    );
    refuse = false;
    await fireEvent.click(screen.getByTestId('restore-confirm'));
    expect(await screen.findByTestId('restore-done')).toHaveTextContent('SHA-256 matches');
    expect(screen.getByTestId('restore-leftover')).toHaveTextContent(
      'Removed /tmp/.rampart-restore-killed: plaintext an earlier restore left',
    );
    expect(ipc.named('backup_restore').at(-1)!.args).toMatchObject({
      source: 'app-data',
      at: { kind: 'latest' },
      to: { kind: 'dir', path: '/tmp/restored' },
      identityFile: null,
    });
  });

  it('previews retention before deleting and deletes only on confirmation', async () => {
    const ipc = setup({
      backup_prune: ({ dryRun }) => [
        {
          source: 'app-data',
          decisions: [
            { id: 'new', source: 'app-data', keep: true, reasons: ['within'] },
            { id: 'old', source: 'app-data', keep: false, reasons: [] },
          ],
          deleted: dryRun ? [] : ['old'],
          dryRun,
        },
      ],
    });
    await screen.findAllByTestId('backup-source');
    await fireEvent.click(screen.getByTestId('prune-open'));
    expect(await screen.findByTestId('prune-summary')).toHaveTextContent('1 backups would be deleted.');
    const decisions = screen.getAllByTestId('prune-decision');
    expect(decisions[0]).toHaveTextContent('keep: within the keep-within window');
    expect(decisions[1]).toHaveTextContent('delete');
    expect(ipc.named('backup_prune').map((c) => c.args.dryRun)).toEqual([true]);
    await fireEvent.click(screen.getByTestId('prune-apply'));
    expect(await screen.findByText('Deleted 1 backups')).toBeInTheDocument();
    expect(ipc.named('backup_prune').map((c) => c.args.dryRun)).toEqual([true, false]);
  });

  it('offers keygen when this machine has no key, and shows the break-glass copy only after a warning', async () => {
    let key: string | null = null;
    const ipc = mockCommands({
      backup_overview: () => overview({ publicKey: key }),
      backup_keygen: () => {
        key = KEY;
        return KEY;
      },
      backup_export_identity: () => ({
        text: '# Rampart backup identity\nAGE-SECRET-KEY-1FAKEFORTESTS\n',
        qrSvg: '<svg xmlns="http://www.w3.org/2000/svg"/>',
        publicKey: KEY,
        warning: 'WARNING: this is the private key of your backups.',
      }),
    });
    render(BackupsView);
    await fireEvent.click(await screen.findByTestId('backup-keygen'));
    expect(await screen.findByTestId('backup-public-key')).toHaveTextContent(KEY);
    await fireEvent.click(screen.getByTestId('identity-open'));
    expect(screen.getByTestId('identity-warning')).toBeInTheDocument();
    expect(ipc.named('backup_export_identity')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('identity-reveal'));
    expect(await screen.findByTestId('identity-text')).toHaveTextContent('AGE-SECRET-KEY-1FAKEFORTESTS');
  });

  it('removes a target after the confirmation, and the confirmation closes', async () => {
    const ipc = setup({ backup_target_remove: () => null });
    await screen.findAllByTestId('backup-target');
    await fireEvent.click(screen.getByRole('button', { name: 'Remove target offsite' }));
    await fireEvent.click(await screen.findByTestId('confirm-ok'));
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
    expect(ipc.named('backup_target_remove')[0].args).toEqual({ name: 'offsite' });
  });
});
