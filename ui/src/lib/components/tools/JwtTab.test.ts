import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import JwtTab from './JwtTab.svelte';
import type { JwtVerifyReport } from '$lib/ipc';
import { mockCommands, type Handlers } from '../../../test/ipc';
import { CREDS, decoded, ISSUED } from '../../../test/tools';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJl';

// A zone without DST, three hours ahead of UTC: the times must show as 15:00, not the UTC 12:00.
const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Asia/Riyadh';
});
afterAll(() => {
  process.env.TZ = savedTz;
});

function setup(handlers: Handlers = {}) {
  const ipc = mockCommands(handlers);
  render(JwtTab, { creds: CREDS });
  return ipc;
}

async function pasteToken(text = TOKEN) {
  await fireEvent.input(screen.getByTestId('jwt-token'), { target: { value: text } });
}

function report(partial: Partial<JwtVerifyReport> = {}): JwtVerifyReport {
  return {
    valid: true,
    decoded: decoded(),
    checks: [
      { name: 'signature', ok: true, detail: 'HS256 signature matches JWT_SECRET' },
      { name: 'iss', ok: true, detail: 'alawael-api, as expected' },
      { name: 'aud', ok: true, detail: 'alawael-users, as expected' },
      { name: 'exp', ok: true, detail: 'expires 2026-01-08T12:00:00Z' },
    ],
    secretWarnings: [],
    ...partial,
  };
}

describe('JwtTab: decode', () => {
  it('decodes without a key: times in local time, expiry, lifetime, claims and header', async () => {
    const ipc = setup({ tools_jwt_decode: () => decoded() });
    // As copied from a log line: "Bearer " and a line break are dropped.
    await pasteToken(`Bearer ${TOKEN.slice(0, 20)}\n${TOKEN.slice(20)}`);
    await fireEvent.click(screen.getByTestId('jwt-decode'));

    const view = await screen.findByTestId('jwt-decoded');
    expect(ipc.named('tools_jwt_decode')[0].args).toEqual({ token: TOKEN });
    expect(within(view).getByTestId('jwt-decoded-alg')).toHaveTextContent('alg HS256');
    expect(within(view).getByTestId('jwt-decoded-expiry')).toHaveTextContent('expires in 6 d 23 h');
    expect(within(view).getByTestId('jwt-decoded-lifetime')).toHaveTextContent('lifetime 7 d');
    expect(within(view).getByTestId('jwt-decoded-time-iat')).toHaveTextContent('2026-01-01 15:00:00');
    expect(within(view).getByTestId('jwt-decoded-time-exp')).toHaveTextContent('2026-01-08 15:00:00');
    expect(within(view).getByTestId('jwt-decoded-time-exp')).not.toHaveTextContent('12:00:00');
    expect(view).toHaveTextContent('Local time (UTC+03:00)');
    expect(within(view).getByTestId('jwt-decoded-claims')).toHaveTextContent('"sub": "user-42"');
    expect(within(view).getByTestId('jwt-decoded-header')).toHaveTextContent('"typ": "JWT"');
    expect(screen.getByText(/the signature was not checked/)).toBeInTheDocument();
    expect(within(view).queryByTestId('jwt-decoded-warnings')).toBeNull();
  });

  it('puts warnings first and says how long ago an expired token expired', async () => {
    setup({
      tools_jwt_decode: () =>
        decoded({
          header: { alg: 'none' },
          algorithm: 'none',
          expiresInSeconds: -2 * 3600,
          lifetimeSeconds: null,
          times: [{ claim: 'exp', unix: ISSUED, utc: '2026-01-01T12:00:00Z' }],
          warnings: [
            'alg none: anyone can forge this token',
            "lifetime 7 d is longer than the checklist's 15-30 min session timeout",
          ],
        }),
    });
    await pasteToken();
    await fireEvent.click(screen.getByTestId('jwt-decode'));
    const view = await screen.findByTestId('jwt-decoded');
    const warnings = within(view).getByTestId('jwt-decoded-warnings');
    expect(view.firstElementChild).toBe(warnings);
    expect(
      within(warnings)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      '⚠ alg none: anyone can forge this token',
      "⚠ lifetime 7 d is longer than the checklist's 15-30 min session timeout",
    ]);
    expect(within(view).getByTestId('jwt-decoded-alg')).toHaveClass('bad');
    expect(within(view).getByTestId('jwt-decoded-expiry')).toHaveTextContent('expired 2 h ago');
    expect(within(view).getByTestId('jwt-decoded-expiry')).toHaveClass('expired');
    expect(within(view).queryByTestId('jwt-decoded-lifetime')).toBeNull();
  });

  it('shows a token that is not a JWT inline', async () => {
    setup({
      tools_jwt_decode: () => {
        throw { kind: 'invalidInput', message: 'not a JWT: expected three dot-separated parts, found 1' };
      },
    });
    await pasteToken('hello');
    await fireEvent.click(screen.getByTestId('jwt-decode'));
    expect(await screen.findByTestId('jwt-error')).toHaveTextContent(
      'not a JWT: expected three dot-separated parts, found 1',
    );
    expect(screen.queryByTestId('jwt-decoded')).toBeNull();
  });

  it('asks for a token instead of calling with nothing', async () => {
    const ipc = setup({});
    await fireEvent.click(screen.getByTestId('jwt-decode'));
    expect(screen.getByTestId('jwt-error')).toHaveTextContent('Paste a token first.');
    expect(ipc.calls).toHaveLength(0);
  });
});

describe('JwtTab: verify', () => {
  it("verifies against the guide's profile with the JWT secret by default and shows VALID", async () => {
    const ipc = setup({ tools_jwt_verify: () => report() });
    expect(screen.getByTestId('jwt-secret')).toHaveValue('JWT_SECRET');
    expect(screen.getByTestId('jwt-issuer')).toHaveValue('alawael-api');
    expect(screen.getByTestId('jwt-audience')).toHaveValue('alawael-users');
    await pasteToken();
    await fireEvent.click(screen.getByTestId('jwt-verify'));

    const verdict = await screen.findByTestId('jwt-verdict');
    expect(verdict).toHaveTextContent('✓ VALID');
    expect(verdict).toHaveClass('ok');
    expect(ipc.named('tools_jwt_verify')[0].args).toEqual({
      token: TOKEN,
      secretName: 'JWT_SECRET',
      issuer: 'alawael-api',
      audience: 'alawael-users',
    });
    expect(screen.getAllByTestId('jwt-check').every((c) => c.dataset.ok === 'true')).toBe(true);
    expect(screen.queryByTestId('jwt-secret-warnings')).toBeNull();
  });

  it('shows INVALID first, the failed check with its detail, and the secret warnings', async () => {
    const ipc = setup({
      tools_jwt_verify: () =>
        report({
          valid: false,
          checks: [
            { name: 'signature', ok: true, detail: 'HS256 signature matches weak-secret' },
            { name: 'aud', ok: false, detail: 'expected alawael-users, found alawael-admin' },
          ],
          secretWarnings: ['shorter than 32 bytes (6)', 'in the common-secrets list'],
        }),
    });
    await fireEvent.change(screen.getByTestId('jwt-secret'), { target: { value: 'sentry-token' } });
    await fireEvent.input(screen.getByTestId('jwt-issuer'), { target: { value: '' } });
    await pasteToken();
    await fireEvent.click(screen.getByTestId('jwt-verify'));

    const result = await screen.findByTestId('jwt-report');
    const verdict = within(result).getByTestId('jwt-verdict');
    expect(result.firstElementChild).toBe(verdict);
    expect(verdict).toHaveTextContent('✗ INVALID');
    expect(verdict).toHaveTextContent('1 of 2 checks failed');
    expect(verdict).toHaveClass('error');
    const checks = within(result).getAllByTestId('jwt-check');
    expect(checks[0]).toHaveTextContent('✓ signature');
    expect(checks[1]).toHaveAttribute('data-ok', 'false');
    expect(checks[1]).toHaveTextContent('✗ aud');
    expect(checks[1]).toHaveTextContent('expected alawael-users, found alawael-admin');
    expect(within(result).getByTestId('jwt-secret-warnings')).toHaveTextContent(
      'The secret sentry-token: shorter than 32 bytes (6)',
    );
    expect(within(result).getByTestId('jwt-secret-warnings')).toHaveTextContent('in the common-secrets list');
    // Empty issuer = not checked.
    expect(ipc.named('tools_jwt_verify')[0].args).toMatchObject({ secretName: 'sentry-token', issuer: '' });
  });

  it('shows a missing vault item inline and drops an old verdict when the token changes', async () => {
    let fail = false;
    setup({
      tools_jwt_verify: () => {
        if (fail) throw { kind: 'notFound', message: 'No vault item named "JWT_SECRET".' };
        return report();
      },
    });
    await pasteToken();
    await fireEvent.click(screen.getByTestId('jwt-verify'));
    await screen.findByTestId('jwt-verdict');
    await pasteToken(`${TOKEN}x`);
    expect(screen.queryByTestId('jwt-verdict')).toBeNull();
    fail = true;
    await fireEvent.click(screen.getByTestId('jwt-verify'));
    expect(await screen.findByTestId('jwt-error')).toHaveTextContent('No vault item named "JWT_SECRET".');
    expect(screen.queryByTestId('jwt-verdict')).toBeNull();
  });
});

describe('JwtTab: sign a test token', () => {
  it("signs the guide's example claims with HS256 for 15 min and shows the token and its decoding", async () => {
    const ipc = setup({
      tools_jwt_sign: () => ({
        token: TOKEN,
        decoded: decoded({ expiresInSeconds: 900, lifetimeSeconds: 900 }),
      }),
    });
    expect(screen.getByTestId('sign-secret')).toHaveValue('JWT_SECRET');
    expect(screen.getByTestId('sign-algorithm')).toHaveValue('HS256');
    expect(screen.getByTestId('sign-expires')).toHaveValue('15m');
    const claims = JSON.parse((screen.getByTestId('sign-claims') as HTMLTextAreaElement).value);
    expect(claims).toMatchObject({ iss: 'alawael-api', aud: 'alawael-users', sub: expect.any(String) });

    await fireEvent.click(screen.getByTestId('sign-submit'));
    expect(await screen.findByTestId('sign-token')).toHaveValue(TOKEN);
    expect(screen.getByTestId('sign-token-summary')).toHaveTextContent('Signed with JWT_SECRET (HS256)');
    expect(screen.getByTestId('sign-decoded-expiry')).toHaveTextContent('expires in 15 min');
    const args = ipc.named('tools_jwt_sign')[0].args;
    expect(args).toMatchObject({ secretName: 'JWT_SECRET', expires: '15m', algorithm: 'HS256' });
    expect(JSON.parse(args.claims as string)).toEqual(claims);
  });

  it('sends the chosen algorithm, and null to keep the claims’ own exp', async () => {
    const ipc = setup({ tools_jwt_sign: () => ({ token: TOKEN, decoded: decoded() }) });
    await fireEvent.change(screen.getByTestId('sign-algorithm'), { target: { value: 'HS512' } });
    await fireEvent.change(screen.getByTestId('sign-expires'), { target: { value: '' } });
    await fireEvent.input(screen.getByTestId('sign-claims'), { target: { value: '{"sub":"u1","exp":1}' } });
    await fireEvent.click(screen.getByTestId('sign-submit'));
    await screen.findByTestId('sign-token');
    expect(ipc.named('tools_jwt_sign')[0].args).toEqual({
      secretName: 'JWT_SECRET',
      claims: '{"sub":"u1","exp":1}',
      expires: null,
      algorithm: 'HS512',
    });
  });

  it('refuses claims that are not a JSON object before calling, and shows a back-end refusal inline', async () => {
    const ipc = setup({
      tools_jwt_sign: () => {
        throw { kind: 'invalidInput', message: 'the claims\' "exp" must be a number of seconds' };
      },
    });
    await fireEvent.input(screen.getByTestId('sign-claims'), { target: { value: '{"sub": ' } });
    await fireEvent.click(screen.getByTestId('sign-submit'));
    expect(screen.getByTestId('sign-error')).toHaveTextContent('The claims are not valid JSON');
    await fireEvent.input(screen.getByTestId('sign-claims'), { target: { value: '["sub"]' } });
    await fireEvent.click(screen.getByTestId('sign-submit'));
    expect(screen.getByTestId('sign-error')).toHaveTextContent('The claims must be a JSON object');
    expect(ipc.named('tools_jwt_sign')).toHaveLength(0);

    await fireEvent.input(screen.getByTestId('sign-claims'), { target: { value: '{"exp":"soon"}' } });
    await fireEvent.click(screen.getByTestId('sign-submit'));
    expect(await screen.findByTestId('sign-error')).toHaveTextContent(
      'the claims\' "exp" must be a number of seconds',
    );
    expect(screen.queryByTestId('sign-token')).toBeNull();
    expect(screen.getByTestId('sign-submit')).toBeEnabled();
    expect(screen.getByTestId('sign-submit')).toHaveTextContent('Sign');
  });

  it('shows Signing… while signing, and a refusal then a successful retry', async () => {
    let answer: () => void = () => {};
    let refuse = true;
    const ipc = setup({
      tools_jwt_sign: () =>
        new Promise((resolve, reject) => {
          answer = () =>
            refuse
              ? reject({ kind: 'notFound', message: 'No vault item named "JWT_SECRET".' })
              : resolve({ token: TOKEN, decoded: decoded() });
        }),
    });
    await fireEvent.click(screen.getByTestId('sign-submit'));
    await vi.waitFor(() => expect(screen.getByTestId('sign-submit')).toBeDisabled());
    expect(screen.getByTestId('sign-submit')).toHaveTextContent('Signing…');
    answer();
    expect(await screen.findByTestId('sign-error')).toHaveTextContent('No vault item named "JWT_SECRET".');
    expect(screen.getByTestId('sign-submit')).toBeEnabled();

    refuse = false;
    await fireEvent.click(screen.getByTestId('sign-submit'));
    await vi.waitFor(() => expect(ipc.named('tools_jwt_sign')).toHaveLength(2));
    answer();
    expect(await screen.findByTestId('sign-token')).toHaveValue(TOKEN);
    expect(screen.queryByTestId('sign-error')).toBeNull();
    expect(screen.getByTestId('sign-submit')).toBeEnabled();
  });
});
