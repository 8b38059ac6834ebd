import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Countdown from './Countdown.svelte';

describe('Countdown', () => {
  it('shows the seconds left and fills the ring proportionally', () => {
    const now = 1_000_000_000;
    const { container, rerender } = render(Countdown, { validUntil: now / 1000 + 15, period: 30, now });
    expect(screen.getByTestId('countdown-seconds')).toHaveTextContent('15');
    const bar = container.querySelector('circle.bar')!;
    const c = Number(bar.getAttribute('stroke-dasharray'));
    expect(Number(bar.getAttribute('stroke-dashoffset'))).toBeCloseTo(c / 2);
    expect(screen.getByTestId('countdown')).not.toHaveClass('urgent');

    return rerender({ validUntil: now / 1000 + 15, period: 30, now: now + 11_000 }).then(() => {
      expect(screen.getByTestId('countdown-seconds')).toHaveTextContent('4');
      expect(screen.getByTestId('countdown')).toHaveClass('urgent');
    });
  });
});
