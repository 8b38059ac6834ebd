import { describe, expect, it } from 'vitest';
import {
  claimsProblem,
  compactDuration,
  countText,
  expiryText,
  fieldKeyScore,
  jwtSecretScore,
  rankCredentials,
  relativeTo,
} from './tools';
import { CREDS } from '../../../test/tools';

describe('tools helpers', () => {
  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [60, '1 min'],
    [843, '14 min 3 s'],
    [7200, '2 h'],
    [7500, '2 h 5 min'],
    [6 * 86_400 + 23 * 3600 + 59, '6 d 23 h'],
    [7 * 86_400, '7 d'],
    [-7200, '2 h'],
  ])('compactDuration(%d) = %s', (seconds, text) => {
    expect(compactDuration(seconds)).toBe(text);
  });

  it('words the expiry', () => {
    expect(expiryText(6 * 86_400 + 23 * 3600)).toBe('expires in 6 d 23 h');
    expect(expiryText(-7200)).toBe('expired 2 h ago');
    expect(expiryText(0)).toBe('expires now');
    expect(expiryText(null)).toBe('never expires (no exp claim)');
  });

  it('words a time relative to now', () => {
    const now = 1_000_000_000_000;
    expect(relativeTo(now / 1000 + 180, now)).toBe('in 3 min');
    expect(relativeTo(now / 1000 - 7200, now)).toBe('2 h ago');
    expect(relativeTo(now / 1000, now)).toBe('now');
  });

  it('counts with the layout', () => {
    expect(countText(3, 'payload', 'decrypted', 'lines')).toBe('3 payloads decrypted, one per line');
    expect(countText(1, 'value', 'encrypted', 'single')).toBe('1 value encrypted, a single value');
    expect(countText(2, 'payload', 're-encrypted', 'array')).toBe('2 payloads re-encrypted, as a JSON array');
  });

  it('suggests encryption keys for fields and the JWT secret for tokens, keeping every credential', () => {
    const fields = rankCredentials(CREDS, fieldKeyScore);
    expect(fields.suggested.map((c) => c.name)).toEqual(['ENCRYPTION_KEY', 'old-field-key']);
    expect(fields.others.map((c) => c.name)).toEqual(['sentry-token', 'JWT_SECRET']);
    const jwt = rankCredentials(CREDS, jwtSecretScore);
    expect(jwt.suggested.map((c) => c.name)).toEqual(['JWT_SECRET', 'old-field-key', 'ENCRYPTION_KEY']);
    expect(jwt.others.map((c) => c.name)).toEqual(['sentry-token']);
  });

  it('checks that claims are a JSON object', () => {
    expect(claimsProblem('{"sub":"u1"}')).toBeNull();
    expect(claimsProblem('{"sub":')).toMatch(/^The claims are not valid JSON: /);
    expect(claimsProblem('[1]')).toBe('The claims must be a JSON object, like {"sub": "user-1"}.');
    expect(claimsProblem('null')).toMatch(/must be a JSON object/);
  });
});
