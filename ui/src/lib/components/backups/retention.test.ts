import { describe, expect, it } from 'vitest';
import {
  describeReasons,
  describeRetention,
  formatKeepWithin,
  parseKeepWithin,
  splitArgs,
} from './retention';

describe('keep-within', () => {
  it('reads the guide’s 30 days and other units, and refuses nonsense', () => {
    expect(parseKeepWithin('30d')).toBe(2_592_000);
    expect(parseKeepWithin(' 12h ')).toBe(43_200);
    expect(parseKeepWithin('')).toBeNull();
    expect(() => parseKeepWithin('30 days')).toThrow(/30d, 12h/);
    expect(() => parseKeepWithin('0d')).toThrow();
  });

  it('formats back to the shortest unit', () => {
    expect(formatKeepWithin(2_592_000)).toBe('30d');
    expect(formatKeepWithin(14 * 86_400)).toBe('2w');
    expect(formatKeepWithin(null)).toBe('');
  });
});

describe('descriptions', () => {
  it('says what a policy keeps', () => {
    expect(
      describeRetention({
        keepLast: 7,
        keepDaily: 30,
        keepWeekly: 0,
        keepMonthly: 0,
        keepWithinSecs: 2_592_000,
      }),
    ).toBe('keep last 7, 30 daily, everything within 30d');
    expect(
      describeRetention({ keepLast: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepWithinSecs: null }),
    ).toBe('keep everything');
    expect(describeReasons(['onlyGoodBackup'])).toBe('the only good backup');
  });
});

describe('splitArgs', () => {
  it('splits like a shell would for simple quoting, without running one', () => {
    expect(splitArgs('pg_dump -Fc --dbname "app db" \'x y\'')).toEqual([
      'pg_dump',
      '-Fc',
      '--dbname',
      'app db',
      'x y',
    ]);
    expect(splitArgs('  ')).toEqual([]);
  });
});
