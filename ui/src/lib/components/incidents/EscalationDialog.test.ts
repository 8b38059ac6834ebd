import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import EscalationDialog from './EscalationDialog.svelte';
import type { EscalationPolicy } from '$lib/ipc';
import { mockCommands } from '../../../test/ipc';

function policy(): EscalationPolicy {
  return {
    levels: [
      {
        name: 'On-call engineer',
        contacts: [{ name: 'ana', email: 'ana@example.test', phone: null, slack: 'U1' }],
      },
      { name: 'Security team', contacts: [] },
    ],
    waitMinutes: { p1: 15, p2: 60, p3: null, p4: null },
    rota: { contacts: [], start: 345600, overrides: [] },
  };
}

describe('EscalationDialog', () => {
  it('edits contacts and waits and saves the whole chain', async () => {
    const mock = mockCommands({ escalation_get: policy, escalation_set: ({ policy: p }) => p });
    const onclose = vi.fn();
    render(EscalationDialog, { onclose });
    const levels = await screen.findAllByTestId('escalation-level');
    expect(levels[0]).toHaveTextContent('1. On-call engineer');
    expect(within(levels[1]).getByText('Nobody at this level yet.')).toBeTruthy();
    await fireEvent.click(within(levels[1]).getByTestId('escalation-add-contact'));
    const added = within(levels[1]).getByTestId('escalation-contact');
    await fireEvent.input(within(added).getByLabelText('Name'), { target: { value: 'sec' } });
    await fireEvent.input(within(added).getByLabelText('Slack'), { target: { value: '#security' } });
    await fireEvent.input(screen.getByTestId('escalation-wait-p3'), { target: { value: '240' } });
    await fireEvent.input(screen.getByTestId('escalation-wait-p1'), { target: { value: '' } });
    await fireEvent.click(screen.getByTestId('escalation-save'));
    await waitFor(() => expect(onclose).toHaveBeenCalled());
    const saved = mock.named('escalation_set')[0].args.policy as EscalationPolicy;
    expect(saved.levels[1].contacts).toEqual([{ name: 'sec', email: null, phone: null, slack: '#security' }]);
    expect(saved.levels[0].contacts[0]).toEqual({
      name: 'ana',
      email: 'ana@example.test',
      phone: null,
      slack: 'U1',
    });
    expect(saved.waitMinutes).toEqual({ p1: null, p2: 60, p3: 240, p4: null });
    expect(saved.rota).toEqual(policy().rota);
  });

  it("refuses a wait that is not minutes, and shows core's reason for a bad contact", async () => {
    const mock = mockCommands({
      escalation_get: policy,
      escalation_set: () => {
        throw { kind: 'invalidInput', message: 'ana: "not-an-email" is not an email address' };
      },
    });
    const onclose = vi.fn();
    render(EscalationDialog, { onclose });
    await screen.findAllByTestId('escalation-level');
    await fireEvent.input(screen.getByTestId('escalation-wait-p2'), { target: { value: '1h' } });
    await fireEvent.click(screen.getByTestId('escalation-save'));
    expect(await screen.findByRole('alert')).toHaveTextContent('The P2 wait is minutes');
    expect(mock.named('escalation_set')).toHaveLength(0);
    await fireEvent.input(screen.getByTestId('escalation-wait-p2'), { target: { value: '60' } });
    await fireEvent.click(screen.getByTestId('escalation-save'));
    expect(await screen.findByRole('alert')).toHaveTextContent('is not an email address');
    expect(onclose).not.toHaveBeenCalled();
    // Removing a contact takes it out of what is saved.
    await fireEvent.click(screen.getByLabelText('Remove ana'));
    expect(screen.queryAllByTestId('escalation-contact')).toHaveLength(0);
  });
});
