import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ProgressBar from './ProgressBar.svelte';
import StatTile from './StatTile.svelte';

describe('ProgressBar', () => {
  it('shows bytes of total, rate and the time left', () => {
    render(ProgressBar, {
      done: 50 * 1024 ** 2,
      total: 100 * 1024 ** 2,
      rate: 10 * 1024 ** 2,
      phase: 'Uploading',
    });
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '50');
    expect(screen.getByTestId('progress-bytes')).toHaveTextContent('50 MiB of 100 MiB');
    expect(screen.getByTestId('progress-rate')).toHaveTextContent('10 MiB/s');
    expect(screen.getByTestId('progress-eta')).toHaveTextContent('5 s left');
  });

  it('is indeterminate without a total and promises no ETA', () => {
    render(ProgressBar, { done: 2048, total: null, rate: 0, phase: 'Dumping' });
    expect(screen.getByRole('progressbar')).not.toHaveAttribute('aria-valuenow');
    expect(screen.getByTestId('progress-bytes')).toHaveTextContent('2.0 KiB');
    expect(screen.getByTestId('progress-eta')).toHaveTextContent('');
  });
});

describe('StatTile', () => {
  it('shows the count and is a button only when it leads somewhere', () => {
    render(StatTile, { count: 3, label: 'services down', tone: 'danger', testid: 'down' });
    expect(screen.getByTestId('down-count')).toHaveTextContent('3');
    expect(screen.getByTestId('down')).toBeDisabled();
  });
});
