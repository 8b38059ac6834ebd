// Pure helpers for the Tools page (unit-tested in tools.test.ts).
import type { CredentialView, FieldLayout, JwtTime } from '$lib/ipc';
import { formatTime } from '$lib/format';

/** The guide's JWT profile (config/jwt.js): prefilled in Verify and in the Sign example. */
export const GUIDE_ISSUER = 'alawael-api';
export const GUIDE_AUDIENCE = 'alawael-users';

/** A compact duration with the two largest units: "6 d 23 h", "2 h", "14 min 3 s", "45 s". */
export function compactDuration(totalSeconds: number): string {
  const s = Math.round(Math.abs(totalSeconds));
  const units: [number, string][] = [
    [86_400, 'd'],
    [3600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  const first = units.findIndex(([size]) => s >= size);
  if (first === -1) return '0 s';
  const [size, unit] = units[first];
  const major = Math.floor(s / size);
  const rest = s % size;
  const next = units[first + 1];
  if (!next || rest < next[0]) return `${major} ${unit}`;
  return `${major} ${unit} ${Math.floor(rest / next[0])} ${next[1]}`;
}

/** "expires in 6 d 23 h", "expired 2 h ago", "no expiry (exp is missing)". */
export function expiryText(expiresInSeconds: number | null): string {
  if (expiresInSeconds === null) return 'never expires (no exp claim)';
  if (expiresInSeconds > 0) return `expires in ${compactDuration(expiresInSeconds)}`;
  if (expiresInSeconds === 0) return 'expires now';
  return `expired ${compactDuration(expiresInSeconds)} ago`;
}

/** "in 3 min" / "2 h ago" for a unix time, relative to `nowMs`. */
export function relativeTo(unix: number, nowMs: number): string {
  const delta = unix - nowMs / 1000;
  if (Math.abs(delta) < 1) return 'now';
  return delta > 0 ? `in ${compactDuration(delta)}` : `${compactDuration(delta)} ago`;
}

/** A unix time in the computer's local time zone: "2026-05-01 14:03:22". */
export function localTime(unix: number): string {
  return formatTime(new Date(unix * 1000).toISOString());
}

export const TIME_LABELS: Record<JwtTime['claim'], string> = {
  exp: 'Expires (exp)',
  nbf: 'Not before (nbf)',
  iat: 'Issued (iat)',
};

/** The local time zone as "UTC+03:00" (for the times table's caption). */
export function zoneLabel(date = new Date()): string {
  const offset = -date.getTimezoneOffset();
  if (offset === 0) return 'UTC';
  const sign = offset > 0 ? '+' : '−';
  const abs = Math.abs(offset);
  const p = (n: number) => String(n).padStart(2, '0');
  return `UTC${sign}${p(Math.floor(abs / 60))}:${p(abs % 60)}`;
}

const LAYOUT_WORDS: Record<FieldLayout, string> = {
  single: 'a single value',
  lines: 'one per line',
  array: 'as a JSON array',
};

/** "3 payloads decrypted, one per line" / "1 value encrypted, a single value". */
export function countText(count: number, noun: string, verb: string, layout: FieldLayout): string {
  return `${count} ${noun}${count === 1 ? '' : 's'} ${verb}, ${LAYOUT_WORDS[layout]}`;
}

/**
 * Credentials for a key picker: those with a score above 0 first (best first, then vault order),
 * then the rest. Any credential can be picked; the score only orders the list and picks the default.
 */
export function rankCredentials(
  creds: CredentialView[],
  score: (c: CredentialView) => number,
): { suggested: CredentialView[]; others: CredentialView[] } {
  const suggested = creds
    .map((cred, index) => ({ cred, index, score: score(cred) }))
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((c) => c.cred);
  return { suggested, others: creds.filter((c) => score(c) <= 0) };
}

/** The guide's ENCRYPTION_KEY: an encryption key, one named like it first. */
export const fieldKeyScore = (c: CredentialView): number =>
  c.kind === 'encryptionKey' ? (/encrypt/i.test(c.name) ? 2 : 1) : 0;
/** The guide's JWT_SECRET: one named "jwt" first, then encryption keys. */
export const jwtSecretScore = (c: CredentialView): number =>
  /jwt/i.test(c.name) ? 2 : c.kind === 'encryptionKey' ? 1 : 0;

/** Pretty JSON for display; strings that are not JSON-able are shown as is. */
export function pretty(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Checks that text is a JSON object before it is sent for signing; returns the problem in plain
 * words, or null when it is fine.
 */
export function claimsProblem(text: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `The claims are not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'The claims must be a JSON object, like {"sub": "user-1"}.';
  return null;
}
