import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import AddSourceDialog from './AddSourceDialog.svelte';
import AddTargetDialog from './AddTargetDialog.svelte';
import PruneDialog from './PruneDialog.svelte';
import type { TargetSpec } from '$lib/ipc';
import { mockCommands } from '../../../test/ipc';

const KEY = 'age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq';
const TARGET: TargetSpec = {
  name: 'offsite',
  endpoint: null,
  region: 'us-east-1',
  bucket: 'backups',
  prefix: '',
  pathStyle: false,
  accessKeyFrom: 's3-id',
  secretKeyFrom: 's3-secret',
  storageClass: null,
};

describe('backup dialogs', () => {
  it("prune: shows core's refusal to delete and can be tried again", async () => {
    const ipc = mockCommands({
      backup_prune: ({ dryRun }) => {
        if (!dryRun) throw { kind: 'network', message: 'the target did not answer (retrying may help)' };
        return [
          {
            source: 'app-data',
            decisions: [{ id: 'old', source: 'app-data', keep: false, reasons: [] }],
            deleted: [],
            dryRun,
          },
        ];
      },
    });
    const ondone = vi.fn();
    render(PruneDialog, { ondone, onclose: vi.fn() });
    expect(await screen.findByTestId('prune-summary')).toHaveTextContent('1 backups would be deleted.');
    await fireEvent.click(screen.getByTestId('prune-apply'));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'the target did not answer (retrying may help)',
    );
    expect(screen.getByTestId('prune-apply')).toBeEnabled();
    expect(ondone).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('prune-apply'));
    await waitFor(() => expect(ipc.named('backup_prune')).toHaveLength(3));
  });

  it('prune: says why the preview could not be listed', async () => {
    mockCommands({
      backup_prune: () => {
        throw { kind: 'notFound', message: 'no backup target configured' };
      },
    });
    render(PruneDialog, { ondone: vi.fn(), onclose: vi.fn() });
    expect(await screen.findByRole('alert')).toHaveTextContent('no backup target configured');
    expect(screen.queryByText('Listing backups…')).toBeNull();
  });

  it("target: shows core's refusal and can be added again", async () => {
    mockCommands({
      backup_target_add: () => {
        throw { kind: 'notFound', message: 'no credential named "s3-id" in the vault' };
      },
    });
    const ondone = vi.fn();
    render(AddTargetDialog, { ondone, onclose: vi.fn() });
    await fireEvent.input(screen.getByTestId('target-name'), { target: { value: 'offsite' } });
    await fireEvent.input(screen.getByTestId('target-bucket'), { target: { value: 'backups' } });
    await fireEvent.input(screen.getByTestId('target-access'), { target: { value: 's3-id' } });
    await fireEvent.input(screen.getByTestId('target-secret'), { target: { value: 's3-secret' } });
    await fireEvent.click(screen.getByTestId('target-save'));
    expect(await screen.findByRole('alert')).toHaveTextContent('no credential named "s3-id" in the vault');
    expect(screen.getByTestId('target-save')).toBeEnabled();
    expect(ondone).not.toHaveBeenCalled();
  });

  it("source: refuses an unreadable secret line before calling, then shows core's refusal", async () => {
    const ipc = mockCommands({
      backup_source_add: () => {
        throw { kind: 'invalidInput', message: 'schedule: "0 3 * *" is not a cron expression' };
      },
    });
    const ondone = vi.fn();
    render(AddSourceDialog, { targets: [TARGET], publicKey: KEY, ondone, onclose: vi.fn() });
    await fireEvent.input(screen.getByTestId('bsource-name'), { target: { value: 'db' } });
    await fireEvent.click(screen.getByTestId('bsource-kind-command'));
    await fireEvent.input(screen.getByTestId('bsource-command'), { target: { value: 'pg_dump -Fc app' } });
    await fireEvent.input(screen.getByTestId('bsource-env'), { target: { value: 'PGPASSWORD' } });
    await fireEvent.click(screen.getByTestId('bsource-save'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Cannot read "PGPASSWORD"');
    expect(ipc.named('backup_source_add')).toHaveLength(0);

    await fireEvent.input(screen.getByTestId('bsource-env'), { target: { value: 'PGPASSWORD=pg-prod' } });
    await fireEvent.input(screen.getByTestId('bsource-schedule'), { target: { value: '0 3 * *' } });
    await fireEvent.click(screen.getByTestId('bsource-save'));
    await waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent('schedule: "0 3 * *" is not a cron expression'),
    );
    expect(screen.getByTestId('bsource-save')).toBeEnabled();
    expect(ondone).not.toHaveBeenCalled();
  });
});
