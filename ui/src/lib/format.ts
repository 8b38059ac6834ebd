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

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 0 → "0 B", 1536 → "1.5 KiB", 10 MiB → "10 MiB" (one decimal under 10, none above). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${value} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

/** Bytes per second as "12 MiB/s". */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** A duration in seconds as "45 s", "3 min 05 s", "2 h 07 min", "3 d 4 h". */
export function formatDuration(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds) || totalSeconds < 0) return '—';
  const s = Math.round(totalSeconds);
  if (s < 60) return `${s} s`;
  const p = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)} min ${p(s % 60)} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${p(Math.floor((s % 3600) / 60))} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/** "just now", "5 min ago", "in 3 h": how far `thenMs` is from `nowMs`. */
export function formatRelative(thenMs: number, nowMs: number): string {
  const delta = Math.round((thenMs - nowMs) / 1000);
  const size = Math.abs(delta);
  if (size < 10) return 'just now';
  let text: string;
  if (size < 60) text = `${size} s`;
  else if (size < 3600) text = `${Math.floor(size / 60)} min`;
  else if (size < 86_400) text = `${Math.floor(size / 3600)} h`;
  else text = `${Math.floor(size / 86_400)} d`;
  return delta < 0 ? `${text} ago` : `in ${text}`;
}

/** Seconds left for `remaining` bytes at `rate` bytes/s; null when the rate is unknown. */
export function etaSeconds(remaining: number, rate: number): number | null {
  if (!(rate > 0) || !(remaining >= 0)) return null;
  return remaining / rate;
}

/** Uptime percent with the precision an on-call engineer needs: 100 → "100%", 99.951 → "99.95%". */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value >= 100) return '100%';
  if (value >= 99) return `${(Math.floor(value * 100) / 100).toFixed(2)}%`;
  return `${value.toFixed(1)}%`;
}

/** Milliseconds as "84 ms" or "1.2 s". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
