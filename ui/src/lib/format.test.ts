import { describe, expect, it } from 'vitest';
import { groupCode, matchesQuery, parseTags, secondsLeft, shortHash, svgDataUrl, verifyText } from './format';

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
