import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import SilenceDialog from './SilenceDialog.svelte';
import { mockCommands } from '../../../test/ipc';

describe('SilenceDialog', () => {
  it("shows core's refusal, stays open and can silence again", async () => {
    const ipc = mockCommands({
      silence_create: () => {
        throw { kind: 'network', message: 'Alertmanager prod answered HTTP 503' };
      },
    });
    const ondone = vi.fn();
    render(SilenceDialog, { alert: 'fp-db', title: 'DbDown on db', ondone, onclose: vi.fn() });
    await fireEvent.input(screen.getByTestId('silence-comment'), { target: { value: 'on it' } });
    await fireEvent.click(screen.getByTestId('silence-confirm'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Alertmanager prod answered HTTP 503');
    expect(screen.getByTestId('silence-confirm')).toBeEnabled();
    expect(screen.getByTestId('silence-confirm')).toHaveTextContent('Silence');
    expect(ondone).not.toHaveBeenCalled();
    expect(ipc.named('silence_create')).toHaveLength(1);
  });
});
