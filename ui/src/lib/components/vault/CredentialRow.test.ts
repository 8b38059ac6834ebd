import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import CredentialRow from './CredentialRow.svelte';
import type { CredentialView } from '$lib/ipc';
import { mockCommands } from '../../../test/ipc';

const CRED: CredentialView = {
  id: 'c1',
  name: 'prod-db',
  kind: 'databaseUri',
  tags: ['prod', 'db'],
  createdAt: '2026-01-01T00:00:00Z',
  rotatedAt: '2026-01-01T00:00:00Z',
  ageDays: 120,
  stale: true,
};

function renderRow() {
  const table = document.createElement('table');
  const tbody = document.createElement('tbody');
  table.appendChild(tbody);
  document.body.appendChild(table);
  return render(CredentialRow, {
    target: tbody,
    props: { cred: CRED, onrotate: vi.fn(), onrename: vi.fn(), ondelete: vi.fn() },
  });
}

describe('CredentialRow', () => {
  it('shows kind, tags, age and the stale badge', () => {
    mockCommands({});
    renderRow();
    const row = screen.getByTestId('vault-row');
    expect(row).toHaveTextContent('prod-db');
    expect(row).toHaveTextContent('Database URI');
    expect(row).toHaveTextContent('prod');
    expect(row).toHaveTextContent('120 d');
    expect(screen.getByTestId('vault-stale')).toHaveTextContent('stale — rotate');
  });

  it('reveals on request, hides on Hide, and auto-hides after 30 s', async () => {
    vi.useFakeTimers();
    const ipc = mockCommands({ vault_reveal: () => 'postgres://u:s3cret@db/prod' });
    renderRow();
    expect(screen.queryByTestId('vault-revealed')).toBeNull();

    await fireEvent.click(screen.getByTestId('vault-reveal'));
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('vault-revealed')).toHaveTextContent('postgres://u:s3cret@db/prod');
    await fireEvent.click(screen.getByTestId('vault-hide'));
    expect(screen.queryByTestId('vault-revealed')).toBeNull();

    await fireEvent.click(screen.getByTestId('vault-reveal'));
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('vault-revealed')).toBeInTheDocument();
    await vi.advanceTimersByTimeAsync(29_000);
    expect(screen.getByTestId('vault-revealed')).toBeInTheDocument();
    await vi.advanceTimersByTimeAsync(1_500);
    expect(screen.queryByTestId('vault-revealed')).toBeNull();
    expect(ipc.named('vault_reveal')).toHaveLength(2);
  });

  it('copies through the back end and never receives the value', async () => {
    const ipc = mockCommands({ vault_copy: () => ({ clearsInSeconds: 20 }) });
    renderRow();
    await fireEvent.click(screen.getByTestId('vault-copy'));
    expect(ipc.named('vault_copy').map((c) => c.args)).toEqual([{ id: 'c1' }]);
  });
});
