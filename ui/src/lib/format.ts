// Pure formatting helpers (unit-tested).
import type { CredentialKind, OtpKind } from '$lib/ipc';

/** Groups a code for reading aloud: 6 → "123 456", 8 → "1234 5678", Steam as is. */
export function groupCode(code: string, kind: OtpKind): string {
  if (kind === 'steam') return code;
  const n = code.length;
  if (n === 6 || n === 9) return code.replace(/(\d{3})(?=\d)/g, '$1 ');
  if (n === 8) return `${code.slice(0, 4)} ${code.slice(4)}`;
  if (n === 7) return `${code.slice(0, 3)} ${code.slice(3)}`;
  if (n === 5) return `${code.slice(0, 2)} ${code.slice(2)}`;
  return code;
}

/** Whole seconds until `validUntil` (unix seconds), clamped to [0, period]. */
export function secondsLeft(validUntil: number, period: number, nowMs: number): number {
  const left = Math.ceil(validUntil - nowMs / 1000);
  return Math.max(0, Math.min(period, left));
}

export function matchesQuery(query: string, ...fields: string[]): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  const haystack = fields.join(' ').toLowerCase();
  return q.split(/\s+/).every((word) => haystack.includes(word));
}

const MINUS = '\u2212';

export function signed(n: number): string {
  return n < 0 ? `${MINUS}${-n}` : n > 0 ? `+${n}` : '0';
}

/** The sentence the Verify dialog shows. */
export function verifyText(valid: boolean, offset: number | null, period: number): string {
  const window = period > 0 ? ` (±${2 * period} s)` : '';
  if (!valid || offset === null) return `Not valid within ±2 steps${window}.`;
  if (offset === 0) return 'Valid now — the clocks agree.';
  if (period <= 0) return `Valid at offset ${signed(offset)}.`;
  const secs = Math.abs(offset) * period;
  const which = offset < 0 ? 'behind' : 'ahead';
  return `Valid at offset ${signed(offset)} — the device's clock is ~${secs} s ${which} of this computer's (or this computer's is off by as much).`;
}

export const CREDENTIAL_KINDS: { value: CredentialKind; label: string }[] = [
  { value: 'password', label: 'Password' },
  { value: 'apiToken', label: 'API token' },
  { value: 's3KeyPair', label: 'S3 key pair' },
  { value: 'webhookUrl', label: 'Webhook URL' },
  { value: 'databaseUri', label: 'Database URI' },
  { value: 'encryptionKey', label: 'Encryption key' },
  { value: 'note', label: 'Note' },
];

export function kindLabel(kind: CredentialKind): string {
  return CREDENTIAL_KINDS.find((k) => k.value === kind)?.label ?? kind;
}

export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,\s]+/)
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

/** "2026-05-01 14:03:22" in local time; falls back to the raw string. */
export function formatTime(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function shortHash(hash: string): string {
  return hash.length > 12 ? hash.slice(0, 12) : hash;
}

/** A data: URL for an SVG document (UTF-8 safe), for `<img src>` under the CSP. */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}
