import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import AuditView from './AuditView.svelte';
import { mockCommands } from '../../../test/ipc';

const ENTRIES = [2, 1].map((seq) => ({
  seq,
  at: '2026-05-01T10:00:00Z',
  action: seq === 2 ? 'vault.reveal' : 'otp.copy',
  subject: 'prod-db',
  hash: `abcdef0123456789${seq}`,
}));

describe('AuditView', () => {
  it('lists entries with short hashes and reports a broken chain', async () => {
    const ipc = mockCommands({
      audit_log: () => ENTRIES,
      audit_verify: () => ({
        ok: false,
        entries: 2,
        firstBroken: 2,
        reason: 'hash mismatch',
        keyedFrom: 1,
        anchoredEntries: 2,
        warning: null,
      }),
    });
    render(AuditView);
    const rows = await screen.findAllByTestId('audit-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('vault.reveal');
    expect(rows[0]).toHaveTextContent('abcdef012345');
    expect(rows[0]).not.toHaveTextContent('abcdef0123456789');
    expect(ipc.named('audit_log')[0].args).toEqual({ limit: 500 });

    await fireEvent.click(screen.getByTestId('audit-verify'));
    expect(await screen.findByTestId('audit-verify-result')).toHaveTextContent(
      'Chain broken at entry #2: hash mismatch',
    );
  });

  it('reports an intact chain', async () => {
    mockCommands({
      audit_log: () => ENTRIES,
      audit_verify: () => ({
        ok: true,
        entries: 2,
        firstBroken: null,
        reason: null,
        keyedFrom: 1,
        anchoredEntries: 2,
        warning: null,
      }),
    });
    render(AuditView);
    await fireEvent.click(screen.getByTestId('audit-verify'));
    expect(await screen.findByTestId('audit-verify-result')).toHaveTextContent(
      'Chain intact — 2 entries verified.',
    );
  });
});
