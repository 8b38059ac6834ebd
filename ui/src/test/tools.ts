// Fixtures for the Tools page tests.
import type { CredentialKind, CredentialView, HashInfo, JwtDecoded } from '$lib/ipc';

function cred(id: string, name: string, kind: CredentialKind): CredentialView {
  return {
    id,
    name,
    kind,
    tags: [],
    createdAt: '2026-01-01T00:00:00Z',
    rotatedAt: '2026-01-01T00:00:00Z',
    ageDays: 30,
    stale: false,
  };
}

/** Vault order on purpose: the suggested keys are not first. */
export const CREDS: CredentialView[] = [
  cred('c1', 'sentry-token', 'apiToken'),
  cred('c2', 'old-field-key', 'encryptionKey'),
  cred('c3', 'ENCRYPTION_KEY', 'encryptionKey'),
  cred('c4', 'JWT_SECRET', 'password'),
];

/** 2026-01-01T12:00:00Z */
export const ISSUED = 1_767_268_800;

export function decoded(partial: Partial<JwtDecoded> = {}): JwtDecoded {
  return {
    header: { alg: 'HS256', typ: 'JWT' },
    claims: {
      sub: 'user-42',
      iss: 'alawael-api',
      aud: 'alawael-users',
      iat: ISSUED,
      exp: ISSUED + 7 * 86_400,
    },
    algorithm: 'HS256',
    times: [
      { claim: 'iat', unix: ISSUED, utc: '2026-01-01T12:00:00Z' },
      { claim: 'exp', unix: ISSUED + 7 * 86_400, utc: '2026-01-08T12:00:00Z' },
    ],
    expiresInSeconds: 6 * 86_400 + 23 * 3600 + 120,
    lifetimeSeconds: 7 * 86_400,
    warnings: [],
    ...partial,
  };
}

export function hashInfo(partial: Partial<HashInfo> = {}): HashInfo {
  return {
    algorithm: 'bcrypt',
    version: '2b',
    cost: 10,
    memoryKib: null,
    iterations: null,
    parallelism: null,
    meetsMinimum: true,
    findings: [],
    ...partial,
  };
}
