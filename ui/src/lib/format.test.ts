import { describe, expect, it } from 'vitest';
import {
  etaSeconds,
  formatBytes,
  formatDuration,
  formatMs,
  formatPercent,
  formatRate,
  formatRelative,
  groupCode,
  matchesQuery,
  parseTags,
  secondsLeft,
  shortHash,
  svgDataUrl,
  verifyText,
} from './format';

describe('groupCode', () => {
  it.each([
    ['123456', 'totp', '123 456'],
    ['12345678', 'totp', '1234 5678'],
    ['1234567', 'hotp', '123 4567'],
    ['2BX7K', 'steam', '2BX7K'],
  ] as const)('%s (%s) → %s', (code, kind, expected) => {
    expect(groupCode(code, kind)).toBe(expected);
  });
});

describe('secondsLeft', () => {
  it('counts whole seconds to validUntil and clamps to [0, period]', () => {
    expect(secondsLeft(1030, 30, 1_000_000)).toBe(30);
    expect(secondsLeft(1030, 30, 1_010_500)).toBe(20);
    expect(secondsLeft(1030, 30, 1_031_000)).toBe(0);
    expect(secondsLeft(1100, 30, 1_000_000)).toBe(30);
  });
});

describe('verifyText', () => {
  it('explains the offset in seconds and direction', () => {
    expect(verifyText(true, -1, 30)).toContain('offset −1');
    expect(verifyText(true, -1, 30)).toContain('~30 s behind');
    expect(verifyText(true, 2, 30)).toContain('~60 s ahead');
    expect(verifyText(true, 0, 30)).toMatch(/valid now/i);
    expect(verifyText(false, null, 30)).toBe('Not valid within ±2 steps (±60 s).');
  });
});

describe('helpers', () => {
  it('matchesQuery requires every word', () => {
    expect(matchesQuery('git me', 'GitHub', 'me@example.com')).toBe(true);
    expect(matchesQuery('git you', 'GitHub', 'me@example.com')).toBe(false);
    expect(matchesQuery('  ', 'anything')).toBe(true);
  });
  it('parseTags splits on commas/spaces and dedupes', () => {
    expect(parseTags('prod, backup prod,,')).toEqual(['prod', 'backup']);
  });
  it('shortHash keeps 12 chars', () => {
    expect(shortHash('0123456789abcdef')).toBe('0123456789ab');
  });
  it('svgDataUrl is UTF-8 safe base64', () => {
    const url = svgDataUrl('<svg><title>Müller</title></svg>');
    expect(url.startsWith('data:image/svg+xml;base64,')).toBe(true);
    const bytes = Uint8Array.from(atob(url.split(',')[1]), (c) => c.charCodeAt(0));
    expect(new TextDecoder().decode(bytes)).toBe('<svg><title>Müller</title></svg>');
  });
});

describe('sizes, rates and durations', () => {
  it('formats bytes with binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MiB');
    expect(formatBytes(3.25 * 1024 ** 3)).toBe('3.3 GiB');
    expect(formatBytes(-1)).toBe('—');
    expect(formatRate(2 * 1024 * 1024)).toBe('2.0 MiB/s');
  });

  it('formats durations from seconds to days', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(2 * 3600 + 7 * 60)).toBe('2 h 07 min');
    expect(formatDuration(3 * 86_400 + 4 * 3600)).toBe('3 d 4 h');
    expect(formatDuration(Number.NaN)).toBe('—');
  });

  it('says how long ago or how soon', () => {
    const now = 1_000_000_000;
    expect(formatRelative(now - 3000, now)).toBe('just now');
    expect(formatRelative(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(formatRelative(now + 3 * 3_600_000, now)).toBe('in 3 h');
    expect(formatRelative(now - 2 * 86_400_000, now)).toBe('2 d ago');
  });

  it('estimates the time left only with a known rate', () => {
    expect(etaSeconds(100, 10)).toBe(10);
    expect(etaSeconds(100, 0)).toBeNull();
    expect(etaSeconds(-1, 10)).toBeNull();
  });

  it('never rounds an outage up to 100%', () => {
    expect(formatPercent(100)).toBe('100%');
    expect(formatPercent(99.999)).toBe('99.99%');
    expect(formatPercent(99.951)).toBe('99.95%');
    expect(formatPercent(87.26)).toBe('87.3%');
    expect(formatPercent(null)).toBe('—');
    expect(formatMs(84.4)).toBe('84 ms');
    expect(formatMs(1234)).toBe('1.2 s');
    expect(formatMs(undefined)).toBe('—');
  });
});
