import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Countdown from './Countdown.svelte';

const now = 1_000_000_000;
const at = (secondsLeft: number) => ({ validUntil: now / 1000 + secondsLeft, period: 30, now });

function ring(container: HTMLElement): number {
  const bar = container.querySelector('circle.bar')!;
  const c = Number(bar.getAttribute('stroke-dasharray'));
  return 1 - Number(bar.getAttribute('stroke-dashoffset')) / c;
}

describe('Countdown', () => {
  it('shows the seconds left and fills the ring proportionally', () => {
    const { container } = render(Countdown, at(15));
    expect(screen.getByTestId('countdown-seconds')).toHaveTextContent('15');
    expect(ring(container)).toBeCloseTo(0.5);
    expect(screen.getByTestId('countdown')).not.toHaveClass('urgent');
  });

  it('moves in 5-second steps rounded down, never showing more time than is left', async () => {
    const { container, rerender } = render(Countdown, at(29));
    expect(screen.getByTestId('countdown-seconds')).toHaveTextContent('25');
    expect(screen.getByTestId('countdown')).toHaveAttribute('title', 'At least 25 s until the code changes');
    expect(ring(container)).toBeCloseTo(25 / 30);
    // Within a step nothing in the DOM is written, so the web view has nothing to repaint.
    const writes: MutationRecord[] = [];
    const observer = new MutationObserver((records) => writes.push(...records));
    observer.observe(screen.getByTestId('countdown'), {
      subtree: true,
      attributes: true,
      characterData: true,
      childList: true,
    });
    for (const left of [28, 27, 26, 25]) await rerender(at(left));
    writes.push(...observer.takeRecords());
    expect(writes, 'no DOM write within a step').toHaveLength(0);
    await rerender(at(24));
    writes.push(...observer.takeRecords());
    observer.disconnect();
    expect(writes.length, 'the next step is written').toBeGreaterThan(0);
    expect(screen.getByTestId('countdown-seconds')).toHaveTextContent('20');
    await rerender(at(30));
    expect(screen.getByTestId('countdown-seconds')).toHaveTextContent('30');
  });

  it('counts the last 5 seconds one by one, in the warning colour', async () => {
    const { container, rerender } = render(Countdown, at(7));
    expect(screen.getByTestId('countdown-seconds')).toHaveTextContent('5');
    expect(screen.getByTestId('countdown')).not.toHaveClass('urgent');
    for (const left of [5, 4, 3, 2, 1]) {
      await rerender(at(left));
      expect(screen.getByTestId('countdown-seconds')).toHaveTextContent(String(left));
      expect(screen.getByTestId('countdown')).toHaveClass('urgent');
      expect(screen.getByTestId('countdown')).toHaveAttribute('title', `${left} s until the code changes`);
      expect(ring(container)).toBeCloseTo(left / 30);
    }
  });
});
