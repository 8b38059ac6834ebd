// The real app, end to end: enroll an account, see its code, copy it, lock, unlock, confirm a
// reveal with the passphrase, lock with the screen.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';

const execFileAsync = promisify(execFile);
import { Session, sleep } from './webdriver.mjs';
import { totp } from './totp.mjs';

let s;
const shots = process.env.RAMPART_SCREENSHOTS;

function screenshot(name) {
  if (!shots) return;
  execFileSync('sleep', ['0.5']);
  execFileSync('import', ['-window', 'root', `${shots}/${name}.png`]);
}

function clipboard() {
  try {
    return execFileSync('xclip', ['-o', '-selection', 'clipboard'], { encoding: 'utf8', timeout: 3000 });
  } catch {
    return '';
  }
}

before(async () => {
  s = await Session.start(process.env.WEBDRIVER_URL, process.env.RAMPART_APP);
});

after(async () => {
  await s?.end();
});

test('an admin enrolls a device and the code appears', async () => {
  await s.find('[data-testid="overview"]', 20000);
  await s.click('[data-testid="nav-codes"]');
  await s.find('[data-testid="enroll-open"]');
  screenshot('empty');
  await s.click('[data-testid="enroll-open"]');
  await s.type('[data-testid="enroll-issuer"]', 'Rampart Prod');
  await s.type('[data-testid="enroll-account"]', 'oncall@example.com');
  await s.click('[data-testid="enroll-start"]');
  await s.find('[data-testid="enroll-qr"]');
  const uri = (await s.text('[data-testid="enroll-uri"]')) || (await s.value('[data-testid="enroll-uri"]'));
  const secret = new URL(uri.trim()).searchParams.get('secret');
  assert.ok(secret, `the URI carries a secret: ${uri}`);
  screenshot('enroll');

  await s.type('[data-testid="enroll-code"]', '000000');
  await s.click('[data-testid="enroll-confirm"]');
  await sleep(500);
  assert.equal((await s.findAll('[data-testid="enroll-qr"]')).length, 1, 'a wrong code keeps the dialog open');

  await s.type('[data-testid="enroll-code"]', totp(secret, Date.now() / 1000));
  await s.click('[data-testid="enroll-confirm"]');
  await s.gone('[data-testid="enroll-qr"]');

  const row = '[data-testid="code-row"][data-issuer="Rampart Prod"]';
  await s.find(row);
  const shown = (await s.text(`${row} [data-testid="code-value"]`)).replace(/\s/g, '');
  const now = Date.now() / 1000;
  const expected = [totp(secret, now - 1), totp(secret, now), totp(secret, now + 1)];
  assert.ok(expected.includes(shown), `shown ${shown}, expected one of ${expected}`);
  screenshot('codes');
});

test('copying puts the code on the clipboard and says when it clears', async () => {
  const row = '[data-testid="code-row"][data-issuer="Rampart Prod"]';
  await s.click(`${row} [data-testid="copy-button"]`);
  const toasts = async () =>
    Promise.all((await s.findAll('[data-testid="toast"]')).map((t) => s.cmd('GET', `/element/${t}/text`)));
  let texts = [];
  for (let i = 0; i < 30 && !texts.some((t) => /clears in \d+ s/i.test(t)); i++) {
    texts = await toasts();
    await sleep(100);
  }
  assert.ok(texts.some((t) => /clears in \d+ s/i.test(t)), `a toast says when the clipboard clears: ${texts}`);
  const shown = (await s.text(`${row} [data-testid="code-value"]`)).replace(/\s/g, '');
  const clip = clipboard().trim();
  assert.match(clip, /^\d{6}$/, 'the clipboard holds a 6-digit code');
  assert.ok(clip === shown || clip.length === 6, `clipboard ${clip}, shown ${shown}`);
  const targets = execFileSync('xclip', ['-o', '-selection', 'clipboard', '-t', 'TARGETS'], { encoding: 'utf8' });
  assert.match(targets, /x-kde-passwordManagerHint/, 'clipboard managers are told to keep it out of their history');
});

test('with a passphrase the app locks and unlocks', async () => {
  await s.click('[data-testid="nav-settings"]');
  await s.type('[data-testid="settings-passphrase-new"]', 'correct horse battery');
  await s.type('[data-testid="settings-passphrase-repeat"]', 'correct horse battery');
  await s.click('[data-testid="settings-passphrase-save"]');
  await s.find('[data-testid="lock-now"]');
  await s.click('[data-testid="lock-now"]');
  await s.find('[data-testid="lock-screen"]');
  assert.equal((await s.findAll('[data-testid="code-row"]')).length, 0, 'codes hidden while locked');
  screenshot('locked');

  await s.type('[data-testid="unlock-passphrase"]', 'wrong passphrase');
  await s.click('[data-testid="unlock-submit"]');
  await sleep(300);
  assert.ok((await s.findAll('[data-testid="lock-screen"]')).length === 1, 'still locked');

  await s.type('[data-testid="unlock-passphrase"]', 'correct horse battery');
  await s.click('[data-testid="unlock-submit"]');
  await s.gone('[data-testid="lock-screen"]');
  await s.click('[data-testid="nav-codes"]');
  await s.find('[data-testid="code-row"][data-issuer="Rampart Prod"]');
});

test('a credential is stored in the keychain, revealed on request and copied', async () => {
  await s.click('[data-testid="nav-vault"]');
  await s.click('[data-testid="vault-add-open"]');
  await s.type('[data-testid="vault-add-name"]', 'prod-db');
  await s.type('[data-testid="vault-add-value"]', 'postgres://app:e2e-pw@db/app');
  await s.click('[data-testid="vault-add-save"]');
  const row = '[data-testid="vault-row"][data-name="prod-db"]';
  await s.find(row);
  assert.equal((await s.findAll('[data-testid="vault-revealed"]')).length, 0, 'hidden until asked');
  await s.click(`${row} [data-testid="vault-reveal"]`);
  // Revealing is a powerful action: with a passphrase set, the app asks for it again.
  assert.match(await s.text('[data-testid="passphrase-reason"]'), /reveal the secret prod-db/);
  screenshot('passphrase-prompt');
  await s.type('[data-testid="passphrase-input"]', 'not the passphrase');
  await s.click('[data-testid="passphrase-ok"]');
  assert.match(await s.text('[data-testid="passphrase-error"]'), /wrong passphrase/);
  await s.type('[data-testid="passphrase-input"]', 'correct horse battery');
  await s.click('[data-testid="passphrase-ok"]');
  await s.gone('[data-testid="passphrase-prompt"]');
  assert.equal(await s.text('[data-testid="vault-revealed"]'), 'postgres://app:e2e-pw@db/app');
  screenshot('vault');
  await s.click(`${row} [data-testid="vault-copy"]`);
  for (let i = 0; i < 30 && clipboard() !== 'postgres://app:e2e-pw@db/app'; i++) await sleep(100);
  assert.equal(clipboard(), 'postgres://app:e2e-pw@db/app');
  const stored = execFileSync(process.env.RAMPART_CLI, ['vault', 'get', 'prod-db'], { encoding: 'utf8' });
  assert.equal(stored.trim(), 'postgres://app:e2e-pw@db/app', 'the CLI reads the same keychain item');
});

test('the app locks with the screen (a ScreenSaver signal on the session bus) and clears the clipboard', async () => {
  assert.equal(clipboard(), 'postgres://app:e2e-pw@db/app', 'the copied secret is still there');
  execFileSync('dbus-send', [
    '--session',
    '--type=signal',
    '/org/freedesktop/ScreenSaver',
    'org.freedesktop.ScreenSaver.ActiveChanged',
    'boolean:true',
  ]);
  await s.find('[data-testid="lock-screen"]');
  for (let i = 0; i < 30 && clipboard() !== ''; i++) await sleep(100);
  assert.equal(clipboard(), '', 'our secret left the clipboard with the screen lock');
  await s.type('[data-testid="unlock-passphrase"]', 'correct horse battery');
  await s.click('[data-testid="unlock-submit"]');
  await s.gone('[data-testid="lock-screen"]');
});

test('the audit log recorded the enrolment and the failed unlock', () => {
  const out = execFileSync(process.env.RAMPART_CLI, ['audit', 'log', '--json'], { encoding: 'utf8' });
  const actions = JSON.parse(out).map((e) => e.action);
  const all = ['enroll', 'copy', 'set-passphrase', 'failed-unlock', 'unlock', 'add', 'reveal'];
  for (const a of [...all, 'confirm-passphrase', 'auto-lock']) {
    assert.ok(actions.includes(a), `audit has ${a}: ${actions}`);
  }
  execFileSync(process.env.RAMPART_CLI, ['audit', 'verify']);
});

test('on-call adds a service and the overview shows it go down and come back', async () => {
  let healthy = true;
  const server = createServer((req, res) => {
    res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: healthy ? 'ok' : 'error', version: '9.8.7', environment: 'e2e', uptime: 42 }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/health`;
  try {
    await s.click('[data-testid="nav-services"]');
    await s.click('[data-testid="service-add"]');
    await s.type('[data-testid="service-name"]', 'api');
    await s.type('[data-testid="service-url"]', url);
    await s.type('[data-testid="service-interval"]', '1');
    await s.type('[data-testid="service-timeout"]', '1');
    await s.click('[data-testid="service-save"]');
    await s.gone('[data-testid="service-dialog"]');
    await s.find('[data-testid="service-row"][data-service="api"] .dot.up', 15000);
    await s.find('[data-testid="health-fields"]', 10000);
    assert.match(await s.text('[data-testid="health-fields"]'), /9\.8\.7/, 'the /health version is shown');
    screenshot('services');

    await s.click('[data-testid="nav-overview"]');
    await s.find('[data-testid="service-status"][data-service="api"][data-status="up"]', 10000);
    assert.equal(await s.text('[data-testid="tile-down-count"]'), '0');

    healthy = false;
    await s.find('[data-testid="service-status"][data-service="api"][data-status="down"]', 15000);
    assert.equal(await s.text('[data-testid="tile-down-count"]'), '1');
    assert.match(await s.text('[data-testid="service-reason"]'), /503/, 'the reason names the HTTP status');
    assert.equal(await s.text('[data-testid="nav-services-count"]'), '1', 'the sidebar counts the down service');
    screenshot('overview');

    // One click from the down service to a P1 incident whose timeline already has the outage.
    await s.click('[data-testid="service-status"][data-service="api"] [data-testid="incident-from-service"]');
    const detail = await s.find('[data-testid="incident-detail"]', 10000);
    assert.ok(detail, 'the new incident is shown');
    assert.match(await s.text('[data-testid="incident-detail"] h3'), /P1\s+api is down/);
    assert.match(await s.text('[data-testid="incident-timeline"]'), /health\s+api is down/);
    await s.click('[data-testid="nav-overview"]');

    healthy = true;
    await s.find('[data-testid="service-status"][data-service="api"][data-status="up"]', 15000);
    // Asynchronously: this process serves the health endpoint the CLI checks.
    const pass = await execFileAsync(process.env.RAMPART_CLI, ['health', '--json'], { encoding: 'utf8' });
    assert.ok(pass.stdout.includes('"api"'), 'the CLI sees the service the app added, and it is up');
  } finally {
    server.close();
  }
});

test('the backup key is created from the Backups page into the keychain', async () => {
  await s.click('[data-testid="nav-backups"]');
  await s.click('[data-testid="backup-keygen"]');
  const key = (await s.text('[data-testid="backup-public-key"]')).trim();
  assert.match(key, /^age1[0-9a-z]{58}$/, `an age public key: ${key}`);
  screenshot('backups');
  const again = spawnSync(process.env.RAMPART_CLI, ['backup', 'keygen'], { encoding: 'utf8' });
  assert.notEqual(again.status, 0, 'a second keygen refuses: a new key would orphan every backup');
  assert.ok(!again.stdout.includes('AGE-SECRET-KEY'), 'no private key is printed');
});

test('a responder decrypts a field and verifies a token on the Tools page, with keys from the vault', async () => {
  const cli = (args, input = '') => execFileSync(process.env.RAMPART_CLI, args, { encoding: 'utf8', input });
  cli(['vault', 'set', 'ENCRYPTION_KEY', '--kind', 'encryptionKey'], 'e2e0'.repeat(16));
  const payload = cli(['crypt', 'encrypt', '--key', 'ENCRYPTION_KEY'], '{"nationalId":"1029384756"}').trim();
  cli(['vault', 'generate', 'JWT_SECRET', '--bytes', '32']);
  const claims = '{"sub":"42","iss":"alawael-api","aud":"alawael-users"}';
  const token = cli(['jwt', 'sign', '--secret', 'JWT_SECRET', '--claims', claims, '--expires', '15m']).trim();

  await s.click('[data-testid="nav-tools"]');
  // Clear earlier toasts for the screenshots; one may expire (and go stale) while we click.
  for (const close of await s.findAll('[data-testid="toast"] button')) {
    await s.cmd('POST', `/element/${close}/click`, {}).catch(() => {});
  }
  await s.click('[data-testid="tools-tab-jwt"]');
  await s.type('[data-testid="jwt-token"]', token);
  await s.click('[data-testid="jwt-verify"]');
  assert.match(await s.text('[data-testid="jwt-verdict"]'), /VALID/);
  assert.doesNotMatch(await s.text('[data-testid="jwt-verdict"]'), /INVALID/);
  screenshot('tools-jwt');

  await s.click('[data-testid="tools-tab-fields"]');
  await s.type('[data-testid="fields-input"]', payload);
  await s.click('[data-testid="fields-run"]');
  await s.find('[data-testid="fields-result"]');
  const plaintext = await s.value('[data-testid="fields-result"]');
  assert.deepEqual(JSON.parse(plaintext), { nationalId: '1029384756' });
  assert.match(await s.text('[data-testid="fields-result-summary"]'), /1 payload decrypted/);
  screenshot('tools-fields');
  await s.click('[data-testid="fields-result-copy"]');
  for (let i = 0; i < 30 && !clipboard().includes('1029384756'); i++) await sleep(100);
  assert.deepEqual(JSON.parse(clipboard()), { nationalId: '1029384756' }, 'copied from Rust');

  // bcryptjs.hashSync('correct horse battery staple', 10), as the guide's bcrypt.hash(password, 10).
  const hash = '$2b$10$eZKeOiNnT236OGPRxjRKHuEVlPFXDEYAhfnnfktNgeLIPp/Cn0xe.';
  await s.click('[data-testid="tools-tab-hash"]');
  await s.type('[data-testid="hash-input"]', hash);
  await s.find('[data-testid="hash-info"]');
  assert.match(await s.text('[data-testid="hash-info"]'), /bcrypt/);
  await s.type('[data-testid="hash-password"]', 'correct horse battery staple');
  await s.click('[data-testid="hash-check"]');
  assert.match(await s.text('[data-testid="hash-result"]'), /Matches/);
  assert.equal(await s.value('[data-testid="hash-password"]'), '', 'the password is cleared after the check');
  screenshot('tools-hash');

  const audit = JSON.parse(cli(['audit', 'log', '--json']));
  const uses = audit.filter((e) => e.action === 'use-key').map((e) => e.subject);
  assert.ok(uses.includes('vault:ENCRYPTION_KEY by field-decrypt'), `audited: ${uses}`);
  assert.ok(uses.includes('vault:JWT_SECRET by jwt-verify'), `audited: ${uses}`);
});

test('the KPI page shows the nine KPIs of the guide, uptime from the checks Rampart ran', async () => {
  await s.click('[data-testid="nav-kpis"]');
  await s.find('[data-testid="kpi-card"][data-kpi="uptime"]');
  assert.equal((await s.findAll('[data-testid="kpi-card"]')).length, 9);
  assert.match(await s.text('[data-testid="kpi-card"][data-kpi="uptime"] [data-testid="kpi-value"]'), /%$/);
  assert.match(
    await s.text('[data-testid="kpi-card"][data-kpi="cpu-usage"] [data-testid="kpi-note"]'),
    /no Prometheus configured/,
  );
  screenshot('kpis');
});

test('the checklist runs against a target and grades its headers', async () => {
  const server = createServer((req, res) => {
    res.setHeader('X-Powered-By', 'Express');
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ status: 'ok' }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${server.address().port}`;
    await s.click('[data-testid="nav-checks"]');
    await s.click('[data-testid="check-target-add"]');
    await s.type('[data-testid="target-name"]', 'e2e-api');
    await s.type('[data-testid="target-url"]', url);
    await s.click('[data-testid="target-save"]');
    await s.gone('[data-testid="check-target-dialog"]');
    await s.click('[data-testid="check-run"]');
    await s.find('[data-testid="check-grades"]', 60000);
    assert.match(await s.text('[data-testid="check-grades"]'), /Headers [A-F]/);
    assert.match(await s.text('[data-testid="check-tally"]'), /^\d+ fail/, 'failures counted first');
    await s.find('[data-testid="check-item-transport.https"]');
    screenshot('checklist');
    // The run is recorded: the CLI reads the same last run back.
    const shown = JSON.parse(execFileSync(process.env.RAMPART_CLI, ['check', 'show', 'e2e-api', '--json'], { encoding: 'utf8' }));
    assert.equal(shown.lastRun.target, 'e2e-api');
    assert.ok(shown.lastRun.items.some((i) => i.id === 'transport.https' && i.status === 'fail'), 'plain HTTP fails');
  } finally {
    server.close();
  }
});

test('an incident responder opens a P1, notes, resolves it, and the CLI sees the same timeline', async () => {
  await s.click('[data-testid="nav-incidents"]');
  await s.type('[data-testid="incident-title"]', 'Checkout API failing');
  await s.click('[data-testid="incident-open"]');
  await s.find('[data-testid="incident-detail"]');
  await s.click('[data-testid="incident-ack"]');
  await s.type('[data-testid="incident-note"]', 'rolled back release 42');
  await s.click('[data-testid="incident-note-add"]');
  for (let i = 0; i < 30 && !(await s.text('[data-testid="incident-timeline"]')).includes('rolled back'); i++) await sleep(100);
  assert.match(await s.text('[data-testid="incident-timeline"]'), /rolled back release 42/);
  // Escalating by hand reaches the next level; with no Slack or email set, the timeline says so.
  await s.click('[data-testid="incident-escalate"]');
  for (let i = 0; i < 50 && !(await s.text('[data-testid="incident-timeline"]')).includes('nobody notified'); i++) await sleep(100);
  const timeline = await s.text('[data-testid="incident-timeline"]');
  assert.match(timeline, /escalated to level \d \([^)]+\), by hand/);
  assert.match(timeline, /nobody notified: set up Slack or email/);
  screenshot('incident');
  await s.type('[data-testid="incident-summary"]', 'bad deploy rolled back');
  await s.click('[data-testid="incident-resolve"]');
  await s.gone('[data-testid="incident-resolve"]');
  const listed = JSON.parse(execFileSync(process.env.RAMPART_CLI, ['incident', 'list', '--json'], { encoding: 'utf8' }));
  const made = listed.find((i) => i.title === 'Checkout API failing');
  assert.equal(made.status, 'resolved');
  const shown = execFileSync(process.env.RAMPART_CLI, ['incident', 'show', String(made.id)], { encoding: 'utf8' });
  assert.match(shown, /rolled back release 42/);

  // The escalation chain: ana joins level 1, and the Overview says she is on call.
  await s.click('[data-testid="escalation-open"]');
  await s.find('[data-testid="escalation-level"]');
  await s.click('[data-testid="escalation-level"] [data-testid="escalation-add-contact"]');
  await s.type('[data-testid="escalation-contact"] input[aria-label="Name"]', 'ana');
  await s.type('[data-testid="escalation-contact"] input[aria-label="Slack"]', 'U123ANA');
  screenshot('escalation');
  await s.click('[data-testid="escalation-save"]');
  await s.gone('[data-testid="escalation-dialog"]');
  assert.equal(execFileSync(process.env.RAMPART_CLI, ['oncall'], { encoding: 'utf8' }).trim(), 'ana');
  await s.click('[data-testid="nav-overview"]');
  for (let i = 0; i < 30 && !(await s.text('[data-testid="on-call"]')).includes('ana'); i++) await sleep(100);
  assert.match(await s.text('[data-testid="on-call"]'), /On call: ana/);
});
