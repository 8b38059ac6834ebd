import { describe, expect, it } from 'vitest';
import { frameFor, gapSpans, linePath, niceMax } from './chart';

describe('niceMax', () => {
  it.each([
    [0, 1],
    [0.7, 1],
    [84, 100],
    [120, 200],
    [450, 500],
    [501, 1000],
  ])('%d → %d', (max, nice) => expect(niceMax(max)).toBe(nice));
});

describe('linePath', () => {
  const points = [
    { t: 0, v: 50 },
    { t: 10, v: 100 },
    { t: 20, v: null },
    { t: 30, v: 0 },
  ];
  const frame = frameFor(points, 300, 100);

  it('scales time to x and value to an inverted y', () => {
    expect(frame.vMax).toBe(100);
    expect(linePath(points, frame)).toBe('M0.0,50.0L100.0,0.0M300.0,100.0');
  });

  it('leaves a gap where a check failed and reports its span', () => {
    expect(gapSpans(points, frame)).toEqual([{ x: 100, w: 200 }]);
  });

  it('handles an empty series and a single point', () => {
    expect(linePath([], frameFor([], 10, 10))).toBe('');
    const one = [{ t: 5, v: 3 }];
    expect(linePath(one, frameFor(one, 10, 10))).toBe('M0.0,4.0');
  });
});
