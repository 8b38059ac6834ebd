// The IPC contract between the Rust shell (src-tauri/src/commands) and the UI.
// Rust serializes with serde `rename_all = "camelCase"`; enums as the string literals below.
// Secrets never appear here except in the explicit reveal results (`revealedValue`, `otpauthUri`,
// `qrSvg`), which the shell audits.

export type ErrorKind =
  | 'locked' // the app is locked: show the unlock screen
  | 'notFound'
  | 'invalidInput' // bad user input; message says what to fix
  | 'conflict' // name already in use / duplicate
  | 'keychainUnavailable' // no Secret Service; message says how to fix
  | 'keychainLocked'
  | 'wrongPassword'
  | 'passphraseRequired' // a powerful action needs the app passphrase again; the ipc layer asks
  | 'io'
  | 'network' // a feed (health URL, Alertmanager, Prometheus, Sentry, Slack) failed; message says if a retry can help
  | 'internal';

export interface IpcError {
  kind: ErrorKind;
  message: string;
  /** The same request may succeed later (a feed or bucket unreachable, a server error). */
  retryable: boolean;
}

export type OtpKind = 'totp' | 'hotp' | 'steam';

export interface CodeView {
  id: string;
  issuer: string;
  account: string;
  kind: OtpKind;
  code: string;
  /** The following code (TOTP/Steam); null for HOTP. */
  nextCode: string | null;
  /** Seconds per step (TOTP/Steam); 0 for HOTP. */
  period: number;
  /** Unix seconds at which `code` stops being valid; 0 for HOTP. */
  validUntil: number;
  digits: number;
  counter: number | null;
  pinned: boolean;
}

export interface CopyResult {
  /** Seconds after which the clipboard is cleared (if it still holds our value). */
  clearsInSeconds: number;
}

export type ImportStatus = 'imported' | 'duplicate' | 'rejected';

export interface ImportEntry {
  /** "issuer:account" or a position ("line 3", "entry 2") when the entry has no name. */
  label: string;
  status: ImportStatus;
  reason: string | null;
}

export interface ImportReport {
  format: string;
  entries: ImportEntry[];
}

export interface EnrollDraft {
  draftId: string;
  issuer: string;
  account: string;
  otpauthUri: string;
  /** An SVG document of the QR code. */
  qrSvg: string;
  /** Unix seconds after which the draft and QR view close themselves (45 s). */
  expiresAt: number;
}

export type ExportFormat = 'aegis' | 'uris';

export interface ExportResult {
  /** Where the file was written; null when the user cancelled the save dialog. */
  path: string | null;
  accounts: number;
}

export interface VerifyResult {
  valid: boolean;
  /** Time-step offset that matched (-2..=2), null when invalid. */
  offset: number | null;
}

export type CredentialKind =
  'password' | 'apiToken' | 's3KeyPair' | 'webhookUrl' | 'databaseUri' | 'encryptionKey' | 'note';

export interface CredentialView {
  id: string;
  name: string;
  kind: CredentialKind;
  tags: string[];
  /** RFC 3339 */
  createdAt: string;
  /** RFC 3339 */
  rotatedAt: string;
  ageDays: number;
  /** True when older than the rotate-by period. */
  stale: boolean;
}

export interface GenerateResult {
  credential: CredentialView;
  /** Only present when the caller asked to see the value. */
  revealedValue: string | null;
}

export interface LockState {
  locked: boolean;
  hasPassphrase: boolean;
  idleMinutes: number;
}

export interface AuditEntry {
  seq: number;
  /** RFC 3339 */
  at: string;
  action: string;
  subject: string;
  hash: string;
}

export interface AuditVerify {
  ok: boolean;
  entries: number;
  firstBroken: number | null;
  reason: string | null;
  /** First entry keyed with the keychain's audit key (HMAC); earlier ones predate keying. */
  keyedFrom: number | null;
  /** How many entries the keychain anchor records; null when there is none. */
  anchoredEntries: number | null;
  /** Not tampering but worth showing (the anchor lagging, the log not keyed yet). */
  warning: string | null;
}

/** The page the desktop app opens on. */
export type StartPage = 'overview' | 'codes';

export interface Settings {
  clipboardClearSeconds: number;
  idleLockMinutes: number;
  rotateAfterDays: number;
  startPage: StartPage;
}

// ---- Feeds: services, alerts, Sentry, notifications ------------------------------------------------

export type HealthStatus = 'up' | 'down';
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** A typed health condition (all must hold for a service to be up). */
export type Condition =
  | { type: 'status'; codes: number[] }
  | { type: 'responseTimeBelow'; ms: number }
  | { type: 'jsonPath'; path: string; op: CompareOp; value: boolean | number | string }
  | { type: 'bodyContains'; text: string }
  | { type: 'certExpiresInMoreThan'; days: number };

/** The guide's /health fields; `raw` is the whole JSON body when at most 16 KiB. */
export interface HealthFields {
  status: string | null;
  version: string | null;
  environment: string | null;
  /** Seconds as a number, or whatever string the service sends. */
  uptime: unknown;
  memory: unknown;
  database: string | null;
  redis: string | null;
  raw: unknown;
  rawTruncated: boolean;
}

export interface CheckResult {
  service: string;
  /** Unix ms when the check started. */
  atMs: number;
  status: HealthStatus;
  latencyMs: number;
  httpStatus: number | null;
  /** One line per failed condition; empty when up. */
  reasons: string[];
  certDaysLeft: number | null;
  health: HealthFields | null;
}

export interface ServiceView {
  name: string;
  environment: string;
  url: string;
  /** Milliseconds. */
  interval: number;
  /** Milliseconds. */
  timeout: number;
  conditions: Condition[];
  last: CheckResult | null;
  /** Percent up over 24 h, 7 d, 30 d, 90 d (null without checks in the window). */
  uptime: [number | null, number | null, number | null, number | null];
}

/** What service_add takes; `conditions: null` = HTTP 200 and `status == "ok"`. */
export interface ServiceInput {
  name: string;
  environment: string;
  url: string;
  /** Milliseconds (>= 1000). */
  interval: number;
  /** Milliseconds (<= interval). */
  timeout: number;
  conditions: Condition[] | null;
}

export interface LatencyPoint {
  atMs: number;
  meanMs: number;
}

export interface RecentCheck {
  atMs: number;
  up: boolean;
  latencyMs: number;
  httpStatus: number | null;
  reasons: string[];
}

export interface ServiceDetail {
  service: ServiceView;
  /** Mean response time per `stepMs` bucket over the requested hours. */
  latency: LatencyPoint[];
  stepMs: number;
  /** The newest 50 stored checks, newest first. */
  recent: RecentCheck[];
}

export interface ServiceStatus {
  name: string;
  environment: string;
  url: string;
  /** null until the first check. */
  status: HealthStatus | null;
  lastCheckedMs: number | null;
  latencyMs: number | null;
  reasons: string[];
}

export interface SeverityCounts {
  critical: number;
  error: number;
  warning: number;
  info: number;
}

export interface FeedsCounts {
  services: number;
  servicesDown: number;
  /** Firing (active) alerts by severity label; unknown labels count as warning. */
  firing: SeverityCounts;
  firingTotal: number;
  /** Silenced or inhibited alerts. */
  muted: number;
  /** Unresolved Sentry issues first seen in the last 24 h. */
  newSentryIssues: number;
  sourceErrors: number;
}

/** Payload of `feeds://changed`. */
export interface FeedsSummary {
  counts: FeedsCounts;
  alertsUpdatedMs: number | null;
  sentryUpdatedMs: number | null;
}

export interface AlertStatus {
  state: 'active' | 'suppressed' | 'unprocessed';
  silencedBy: string[];
  inhibitedBy: string[];
}

/** An Alertmanager alert, merged across Alertmanagers by fingerprint. */
export interface Alert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** RFC 3339 */
  startsAt: string;
  endsAt: string | null;
  generatorURL: string | null;
  status: AlertStatus;
  /** Names of the Alertmanagers that reported it. */
  sources: string[];
}

/** Alerts sharing alertname, severity and service; most severe groups first. */
export interface AlertGroup {
  alertname: string;
  severity: string;
  service: string;
  alerts: Alert[];
}

export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string | null;
  value: string | null;
}

export interface Rule {
  name: string;
  type: 'alerting' | 'recording';
  query: string;
  health: 'ok' | 'err' | 'unknown';
  lastError: string | null;
  /** Alerting rules: inactive | pending | firing. */
  state: string | null;
}

export interface RuleGroup {
  name: string;
  file: string;
  rules: Rule[];
}

export interface Readiness {
  ready: boolean;
  detail: string;
}

export interface PromReport {
  name: string;
  /** null when the server did not answer (see errors). */
  readiness: Readiness | null;
  alerts: PromAlert[];
  ruleGroups: RuleGroup[];
}

/** A source that failed; the others still answered. */
export interface SourceError {
  source: string;
  message: string;
  retryable: boolean;
}

export interface AlertsReport {
  groups: AlertGroup[];
  prometheus: PromReport[];
  errors: SourceError[];
}

export interface SentryIssue {
  id: string;
  shortId: string;
  title: string;
  culprit: string | null;
  /** Link out to Sentry. */
  permalink: string;
  level: string;
  status: string;
  count: number;
  userCount: number;
  /** RFC 3339 */
  firstSeen: string;
  /** RFC 3339 */
  lastSeen: string;
}

export interface SentryProjectIssues {
  /** "org/project" */
  project: string;
  issues: SentryIssue[];
}

export interface SentryView {
  projects: SentryProjectIssues[];
  errors: SourceError[];
  updatedMs: number | null;
}

/** The overview page, from the monitor's memory (no network wait). */
export interface FeedsOverview {
  counts: FeedsCounts;
  services: ServiceStatus[];
  alerts: AlertGroup[];
  prometheus: PromReport[];
  sentry: SentryProjectIssues[];
  errors: SourceError[];
  alertsUpdatedMs: number | null;
  sentryUpdatedMs: number | null;
}

export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export interface SilenceView {
  alertmanager: string;
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  status: { state: 'active' | 'pending' | 'expired' };
}

export interface SilencesReport {
  /** Active first, then pending, then expired. */
  silences: SilenceView[];
  errors: SourceError[];
}

export interface SilenceCreated {
  alertmanager: string;
  silenceId: string;
  /** Alerts the silence matched when created. */
  alerts: number;
}

export type SourceKind = 'alertmanager' | 'prometheus' | 'sentry';

export interface SourceView {
  kind: SourceKind;
  /** Sentry: "org/project". */
  name: string;
  url: string;
  /** Sentry: the vault credential holding the token (never the token). */
  tokenFrom: string | null;
}

export interface DiskUsage {
  mountPoint: string;
  fileSystem: string;
  totalBytes: number;
  availableBytes: number;
}

export interface MachineStats {
  hostname: string;
  cpuPercent: number;
  cpuCount: number;
  loadAverage: [number, number, number];
  memoryTotalBytes: number;
  memoryUsedBytes: number;
  swapTotalBytes: number;
  swapUsedBytes: number;
  uptimeSeconds: number;
  disks: DiskUsage[];
}

export type Severity = 'critical' | 'error' | 'warning' | 'info';

export interface FeedsSettings {
  /** No desktop notifications at all (Slack unaffected). */
  muted: boolean;
  desktop: boolean;
  /** Events below this notify nobody. Service down/recovered count as critical. */
  minSeverity: Severity;
  /** Local "HH:MM" (both or neither); only critical events notify the desktop then. */
  quietStart: string | null;
  quietEnd: string | null;
  notifyRecovered: boolean;
  /** Vault credential name holding the Slack webhook URL; null = no Slack. */
  slackWebhookFrom: string | null;
  /** Days of raw check results kept before roll-up (1-90, default 7). */
  rawDays: number;
}

/** Payload of `feeds://service-changed`. */
export interface StateChange {
  service: string;
  from: HealthStatus;
  to: HealthStatus;
  atMs: number;
  reasons: string[];
}

/** Payload of `feeds://alert-firing`. */
export interface FiringAlert {
  fingerprint: string;
  alertname: string;
  severity: string;
  service: string;
  summary: string;
  startsAt: string;
}

// ---- Backups: keys, targets, sources, runs, restore, retention, drills ---------------------------

export type BackupPhase = 'scanning' | 'uploading' | 'committing' | 'downloading' | 'done';

/** Live progress of a run or restore (sent over an ipc Channel, and in `backup://event`). */
export interface ProgressView {
  phase: BackupPhase;
  /** Plaintext bytes read from the source (backup) or restored. */
  bytesRead: number;
  /** Ciphertext bytes uploaded (backup) or downloaded (restore). */
  bytesTransferred: number;
  /** Expected plaintext bytes, when known. */
  total: number | null;
  elapsedMs: number;
  /** Plaintext bytes per second so far. */
  rate: number;
  etaSeconds: number | null;
}

/** An S3-compatible target; credentials are vault credential names, never keys. */
export interface TargetSpec {
  name: string;
  /** null = AWS itself. */
  endpoint: string | null;
  region: string;
  bucket: string;
  prefix: string;
  pathStyle: boolean;
  accessKeyFrom: string;
  secretKeyFrom: string;
  storageClass: string | null;
}

export type SourceWhat =
  { kind: 'dir'; path: string; excludes: string[] } | { kind: 'command'; argv: string[] };

/** An environment variable of a command source whose value is a vault credential. */
export interface EnvSecret {
  var: string;
  from: string;
}

/** restic-style retention; all zero / null keeps everything. */
export interface RetentionSpec {
  keepLast: number;
  keepDaily: number;
  keepWeekly: number;
  keepMonthly: number;
  /** Seconds before the newest backup that are all kept (30 days = 2592000). */
  keepWithinSecs: number | null;
}

export interface SourceSpec {
  name: string;
  what: SourceWhat;
  env: EnvSecret[];
  target: string;
  /** age public keys (age1...). */
  recipients: string[];
  /** Cron, 5 fields, local time; null = on demand only. */
  schedule: string | null;
  retention: RetentionSpec;
}

export interface RunView {
  id: number;
  source: string;
  /** Unix seconds. */
  startedAt: number;
  finishedAt: number;
  ok: boolean;
  bytesIn: number;
  bytesOut: number;
  backupId: string | null;
  objectKey: string | null;
  /** What failed and what to do. */
  error: string | null;
  retryable: boolean;
  trigger: 'manual' | 'schedule';
}

export interface DrillView {
  source: string;
  backupId: string | null;
  /** Unix seconds. */
  at: number;
  ok: boolean;
  message: string;
}

export interface BackupSourceView extends SourceSpec {
  createdAt: number;
  lastRun: RunView | null;
  lastDrill: DrillView | null;
}

export interface SourceStatus extends BackupSourceView {
  /** Unix seconds of the next scheduled run. */
  nextRun: number | null;
}

export interface BackupOverview {
  publicKey: string | null;
  targets: TargetSpec[];
  sources: SourceStatus[];
  /** Newest first, every source. */
  runs: RunView[];
  drills: DrillView[];
}

export interface BackupView {
  id: string;
  source: string;
  kind: 'directory' | 'command';
  /** The S3 key of the sealed object. */
  object: string;
  manifestKey: string;
  /** RFC 3339 */
  started: string;
  finished: string;
  plaintextSize: number;
  ciphertextSize: number;
  /** Signed by a trusted key and in its place: only such backups are restored or verified. */
  trusted: boolean;
  /** The signature verdict in words ("signed by trusted key ...", "not signed", ...). */
  trust: string;
  manifestSha256: string;
}

export type PointInTime = { kind: 'latest' } | { kind: 'before'; at: string } | { kind: 'id'; id: string };
export type Destination = { kind: 'dir'; path: string } | { kind: 'command'; argv: string[] };

export interface RestoreDone {
  backup: BackupView;
  plaintextSha256: string;
  /** Staging directories (plaintext) an earlier, killed restore left behind; removed first. */
  removedLeftovers: string[];
}

export type KeepReason = 'last' | 'daily' | 'weekly' | 'monthly' | 'within' | 'onlyGoodBackup' | 'noPolicy';

export interface Decision {
  id: string;
  source: string;
  keep: boolean;
  reasons: KeepReason[];
}

export interface PruneReport {
  source: string;
  /** Newest first; keep == false is (or would be) deleted. */
  decisions: Decision[];
  deleted: string[];
  dryRun: boolean;
}

/** The break-glass identity, for printing: an explicit reveal. */
export interface IdentityReveal {
  text: string;
  qrSvg: string;
  publicKey: string;
  warning: string;
}

/** Payload of `backup://event`. */
export type BackupEvent =
  | { event: 'missed'; source: string; missed: number[] }
  | { event: 'started'; source: string }
  | { event: 'progress'; source: string; progress: ProgressView }
  | { event: 'finished'; run: RunView }
  | { event: 'error'; source: string | null; message: string }
  | { event: 'changed' };

// ---- Tools: the guide's encrypted fields, JWTs and password hashes (issue 10) ----------------------
// Keys and secrets are named by vault credential name; they never cross the IPC boundary.

/** The guide's encrypted-field payload: {"iv": hex, "data": hex, "authTag": hex}. */
export interface FieldPayload {
  iv: string;
  data: string;
  authTag: string;
}

/** How the input was laid out; rotate/encrypt keep the same layout on output. */
export type FieldLayout = 'single' | 'lines' | 'array';

export interface FieldDecryptResult {
  layout: FieldLayout;
  /** The decrypted JSON values, in input order. */
  values: unknown[];
  /** The values as text in the input's layout: single = pretty JSON, lines = one compact JSON
   * value per line, array = a pretty JSON array. Ready to copy. */
  text: string;
}

export interface FieldEncryptResult {
  layout: FieldLayout;
  count: number;
  /** The payload(s) as text: single = one compact payload JSON, lines = one payload per line,
   * array = a JSON array of payloads. Ready to copy. */
  text: string;
}

export interface FieldRotateResult {
  layout: FieldLayout;
  count: number;
  text: string;
}

export interface JwtTime {
  claim: 'exp' | 'nbf' | 'iat';
  /** Unix seconds. */
  unix: number;
  /** RFC 3339 in UTC (the UI shows local time from `unix`). */
  utc: string;
}

export interface JwtDecoded {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** The header's alg, as written ("HS256", "none", "RS256", ...). */
  algorithm: string;
  times: JwtTime[];
  /** exp - now in seconds (negative: expired that long ago); null without exp. */
  expiresInSeconds: number | null;
  /** exp - iat in seconds; null unless both are present. */
  lifetimeSeconds: number | null;
  /** Plain-words findings that need no key ("alg none: anyone can forge this token", ...). */
  warnings: string[];
}

export interface JwtCheck {
  /** 'signature' | 'algorithm' | 'iss' | 'aud' | 'exp' | 'nbf' | 'iat' */
  name: string;
  ok: boolean;
  /** What was expected and what was found, in plain words. */
  detail: string;
}

export interface JwtVerifyReport {
  /** True only when every check passed. */
  valid: boolean;
  decoded: JwtDecoded;
  checks: JwtCheck[];
  /** Findings about the secret itself (never the secret): shorter than 32 bytes, in the
   * common-secrets list. */
  secretWarnings: string[];
}

export type JwtAlgorithm = 'HS256' | 'HS384' | 'HS512';

export interface JwtSigned {
  token: string;
  decoded: JwtDecoded;
}

export interface HashInfo {
  /** 'bcrypt' | 'argon2id' | 'argon2i' | 'argon2d' */
  algorithm: string;
  /** bcrypt's version prefix ("2b", "2a", "2y") or argon2's "v=19". */
  version: string;
  /** bcrypt cost (log2 rounds); null for argon2. */
  cost: number | null;
  /** argon2 parameters; null for bcrypt. */
  memoryKib: number | null;
  iterations: number | null;
  parallelism: number | null;
  /** Meets the guide's / OWASP's minimum (bcrypt cost >= 10; argon2id m>=19456 KiB t>=2 p>=1 or an
   * OWASP-equivalent pair). */
  meetsMinimum: boolean;
  /** Plain-words findings ("cost 8 is below the guide's 10", "argon2i: prefer argon2id"). */
  findings: string[];
}

export interface HashCheck {
  matches: boolean;
  info: HashInfo;
}

/** Every command the shell exposes, with its arguments (camelCase) and result. */
// ---- Incidents (the guide's P1-P4 and its escalation) ----------------------------------------------

export type Priority = 'P1' | 'P2' | 'P3' | 'P4';
export type IncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';
export type IncidentOrigin =
  | { type: 'manual' }
  | { type: 'alert'; alert: string }
  | { type: 'service'; service: string }
  | { type: 'sentry'; issue: string };

export interface NewIncident {
  /** Empty: taken from the origin. */
  title: string;
  /** null: suggested from the origin. */
  severity: Priority | null;
  origin: IncidentOrigin;
  services?: string[];
  alerts?: string[];
  owner?: string | null;
}

/** Someone the escalation chain notifies. */
export interface Contact {
  name: string;
  email: string | null;
  phone: string | null;
  /** A Slack user id (`U...`) or a channel (`#name`). */
  slack: string | null;
}

/** One step of the escalation chain. */
export interface EscalationLevel {
  name: string;
  contacts: Contact[];
}

/** Minutes an unacknowledged incident waits at a level before moving up; null = never. */
export interface EscalationWaits {
  p1: number | null;
  p2: number | null;
  p3: number | null;
  p4: number | null;
}

export interface RotaOverride {
  contact: string;
  /** Unix seconds, inclusive. */
  from: number;
  /** Unix seconds, exclusive. */
  until: number;
}

/** The weekly on-call rotation at level 1. */
export interface Rota {
  /** Contact names in turn; empty = level 1's contacts in order. */
  contacts: string[];
  /** When the first person's week starts (unix seconds). */
  start: number;
  overrides: RotaOverride[];
}

/** The guide's escalation chain as data. */
export interface EscalationPolicy {
  levels: EscalationLevel[];
  waitMinutes: EscalationWaits;
  rota: Rota;
}

/** Who is on call at level 1 now. */
export interface OnCallNow {
  onCall: string | null;
  contact: Contact | null;
}

/** Postmortems and the security report: Markdown or a printable HTML page. */
export type ReportFormat = 'md' | 'html';

/** The postmortem template: Markdown with {{placeholders}}. */
export interface PostmortemTemplate {
  template: string;
  /** Still the built-in blameless template. */
  isDefault: boolean;
}

/** How escalation emails are sent. */
export type SmtpTls = 'none' | 'startTls' | 'tls';

export interface EmailSettings {
  server: string;
  port: number;
  tls: SmtpTls;
  from: string;
  username: string | null;
  /** The vault credential holding the SMTP password. */
  passwordFrom: string | null;
}

export interface IncidentLink {
  kind: string;
  target: string;
}

export interface IncidentView {
  id: number;
  title: string;
  severity: Priority;
  /** The guide's definition of the level. */
  severityDefinition: string;
  status: IncidentStatus;
  owner: string | null;
  source: string;
  /** RFC 3339 UTC. */
  openedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  summary: string;
  impact: string;
  rootCause: string;
  actionItems: string[];
  escalationLevel: number;
  links: IncidentLink[];
}

export interface TimelineEntry {
  /** RFC 3339 UTC. */
  at: string;
  atMs: number;
  kind: string;
  text: string;
}

export interface IncidentDetail extends IncidentView {
  timeline: TimelineEntry[];
  /** Linked alerts not resolved yet. */
  stillFiring: string[];
}

// ---- Security KPIs ---------------------------------------------------------------------------------

export type KpiRange = '24h' | '7d' | '30d';
export type KpiSource = 'prometheus' | 'rampart';

export interface KpiThreshold {
  value: number;
  /** True when values above `value` are bad (false: below is bad, e.g. uptime). */
  aboveIsBad: boolean;
  /** Where the line comes from (an alert rule, a target). */
  from: string;
}

export interface KpiValue {
  id: string;
  title: string;
  /** `ratio`, `seconds`, `cores`, `perHour`, `perDay`. */
  unit: string;
  source: KpiSource;
  defaultQuery: string | null;
  threshold: KpiThreshold | null;
  /** The PromQL run (Prometheus KPIs): an edited one or the default. */
  query: string | null;
  value: number | null;
  /** `[unix seconds, value]`, oldest first (the worst series at each step). */
  points: [number, number][];
  breached: boolean;
  /** Why there is no value (no Prometheus, no data, the query's error). */
  note: string | null;
  /** What a value from Rampart's records is made of ("3 audit events, 2 security alerts"). */
  detail: string | null;
}

export interface KpiReport {
  range: KpiRange;
  prometheus: string | null;
  kpis: KpiValue[];
}

export interface PromSeries {
  labels: Record<string, string>;
  points: [number, number][];
}

/**
 * The arguments of a powerful command: the back end asks for the app passphrase again
 * (kind `passphraseRequired`) and the ipc layer sends the call again with it.
 */
export type Confirmed<A> = A & { passphrase?: string | null };

/** The security checklist's eight sections, in the guide's order. */
export type CheckSection =
  'auth' | 'transport' | 'database' | 'api' | 'code' | 'monitoring' | 'backup' | 'compliance';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'unknown' | 'attested' | 'na';

/** One checklist item of the catalog. */
export interface CheckItem {
  id: string;
  section: CheckSection;
  title: string;
  /** What Rampart looks at to decide. */
  checks: string;
  remediation: string;
  snippet: string | null;
  /** OWASP ASVS 5.0 requirement ids. */
  asvs: string[];
  proof: ('live' | 'repository' | 'rampartRecord' | 'attestOnly')[];
}

/** A named deployment to check. */
export interface CheckTarget {
  name: string;
  url: string | null;
  loginPath: string | null;
  paths: string[];
  caFile: string | null;
  repo: string | null;
  /** mongodb://host:port, redis://host:port */
  databases: string[];
  /** Rampart backup sources, alert/Sentry sources, services or vault credentials. */
  links: string[];
  loginBurst: boolean;
  plainPort: number | null;
  /** Days between reviews (the guide's "Next Review"); null: 90. */
  reviewEveryDays: number | null;
}

/** When a target's next review is due: its interval after the last run (or its creation). */
export interface CheckReview {
  target: string;
  everyDays: number;
  /** RFC 3339: the last run's end, or when the target was added. */
  since: string;
  /** True when `since` is a run's end. */
  sinceRun: boolean;
  /** RFC 3339. */
  due: string;
  overdue: boolean;
}

/** A person's word for an item of a target. */
export interface AttestationView {
  item: string;
  note: string;
  by: string;
  /** RFC 3339. */
  date: string;
  expires: string | null;
  expired: boolean;
}

export interface CheckTargetView extends CheckTarget {
  createdAt: string;
  attestations: AttestationView[];
  review: CheckReview;
}

export interface CheckEvidence {
  /** request, header, file, record or note */
  kind: string;
  text: string;
  file?: string;
  line?: number;
}

/** One item of a run. `reason` comes with unknown; note/by/date/expires with attested. */
export interface CheckItemResult {
  id: string;
  section: CheckSection;
  title: string;
  status: CheckStatus;
  reason?: string;
  note?: string;
  by?: string;
  date?: string;
  expires?: string | null;
  summary: string;
  evidence: CheckEvidence[];
  remediation: string;
  snippet?: string;
  asvs: string[];
}

export interface CheckReport {
  target: string;
  started: string;
  finished: string;
  rulePack: string;
  items: CheckItemResult[];
  headers: { score: number; grade: string } | null;
  tls: { grade: string; caps: string[] } | null;
}

/** An item that passed (or was attested) in an earlier run and fails now. */
export interface CheckRegression {
  id: string;
  title: string;
  /** `pass` or `attested`. */
  was: string;
  /** When that earlier run started (RFC 3339). */
  since: string;
  /** Why it fails now. */
  summary: string;
}

/** A finished run with what regressed since the earlier runs. */
export interface CheckRunView extends CheckReport {
  regressions: CheckRegression[];
}

/** A recorded run read back whole. */
export interface CheckStoredRun extends CheckReport {
  id: number;
}

/** One recorded run, counts only. */
export interface CheckRunSummary {
  id: number;
  target: string;
  started: string;
  finished: string;
  pass: number;
  fail: number;
  warn: number;
  unknown: number;
  attested: number;
  na: number;
}

export interface Commands {
  otp_codes: { args: Record<string, never>; result: CodeView[] };
  otp_copy: { args: { id: string; next: boolean }; result: CopyResult };
  otp_set_pinned: { args: { id: string; pinned: boolean }; result: null };
  otp_remove: { args: { id: string }; result: null };
  otp_import: {
    args: { fileName: string | null; text: string | null; bytes: number[] | null; password: string | null };
    result: ImportReport;
  };
  otp_enroll_start: { args: { issuer: string; account: string }; result: EnrollDraft };
  otp_enroll_confirm: { args: { draftId: string; code: string }; result: CodeView };
  otp_enroll_cancel: { args: { draftId: string }; result: null };
  otp_verify: { args: { id: string; code: string }; result: VerifyResult };
  otp_qr: { args: Confirmed<{ id: string }>; result: string };
  otp_export: { args: Confirmed<{ format: ExportFormat; password: string | null }>; result: ExportResult };
  vault_list: { args: Record<string, never>; result: CredentialView[] };
  vault_add: {
    args: { name: string; kind: CredentialKind; value: string; tags: string[] };
    result: CredentialView;
  };
  vault_reveal: { args: Confirmed<{ id: string }>; result: string };
  vault_copy: { args: { id: string }; result: CopyResult };
  vault_rotate: { args: { id: string; value: string }; result: CredentialView };
  vault_rename: { args: { id: string; newName: string }; result: CredentialView };
  vault_delete: { args: { id: string }; result: null };
  vault_generate: {
    args: { name: string; kind: CredentialKind; bytes: number; encoding: 'hex' | 'base64'; reveal: boolean };
    result: GenerateResult;
  };
  lock_state: { args: Record<string, never>; result: LockState };
  lock_set_passphrase: { args: { current: string | null; next: string | null }; result: LockState };
  lock_unlock: { args: { passphrase: string }; result: LockState };
  lock_now: { args: Record<string, never>; result: LockState };
  lock_activity: { args: Record<string, never>; result: null };
  audit_log: { args: { limit: number }; result: AuditEntry[] };
  audit_verify: { args: Record<string, never>; result: AuditVerify };
  settings_get: { args: Record<string, never>; result: Settings };
  settings_set: { args: { settings: Settings }; result: Settings };
  feeds_overview: { args: Record<string, never>; result: FeedsOverview };
  feeds_refresh: { args: Record<string, never>; result: null };
  service_list: { args: Record<string, never>; result: ServiceView[] };
  service_add: { args: { service: ServiceInput }; result: ServiceView };
  service_remove: { args: { name: string }; result: null };
  service_detail: { args: { name: string; hours: number }; result: ServiceDetail };
  alerts_list: { args: Record<string, never>; result: AlertsReport };
  silence_create: {
    args: { alert: string; durationSeconds: number; comment: string; createdBy: string | null };
    result: SilenceCreated[];
  };
  silence_expire: { args: { alertmanager: string; id: string }; result: null };
  silences_list: { args: Record<string, never>; result: SilencesReport };
  sentry_issues: { args: Record<string, never>; result: SentryView };
  source_list: { args: Record<string, never>; result: SourceView[] };
  source_add: {
    args: Confirmed<{ kind: SourceKind; name: string; url: string | null; tokenFrom: string | null }>;
    result: SourceView;
  };
  source_remove: { args: { kind: SourceKind; name: string }; result: null };
  machine_stats: { args: Record<string, never>; result: MachineStats };
  feeds_settings_get: { args: Record<string, never>; result: FeedsSettings };
  feeds_settings_set: { args: { settings: FeedsSettings }; result: FeedsSettings };
  slack_test: { args: Record<string, never>; result: null };
  backup_overview: { args: Record<string, never>; result: BackupOverview };
  backup_keygen: { args: Record<string, never>; result: string };
  backup_target_add: { args: Confirmed<{ target: TargetSpec }>; result: TargetSpec };
  backup_target_remove: { args: { name: string }; result: null };
  backup_source_add: { args: Confirmed<{ source: SourceSpec }>; result: BackupSourceView };
  backup_source_remove: { args: { name: string }; result: null };
  backup_run: { args: { source: string; onProgress: unknown }; result: RunView };
  backup_runs: { args: { source: string | null; limit: number }; result: RunView[] };
  backup_list: { args: { source: string }; result: BackupView[] };
  backup_restore: {
    args: {
      source: string;
      at: PointInTime;
      to: Destination;
      identityFile: string | null;
      onProgress: unknown;
      passphrase?: string | null;
    };
    result: RestoreDone;
  };
  backup_verify: { args: { source: string; id: string; full: boolean }; result: BackupView };
  backup_prune: { args: { dryRun: boolean }; result: PruneReport[] };
  backup_drill: { args: { source: string }; result: DrillView };
  backup_export_identity: { args: Confirmed<Record<string, never>>; result: IdentityReveal };
  backup_pick_dir: { args: Record<string, never>; result: string | null };
  tools_field_decrypt: { args: { keyName: string; text: string }; result: FieldDecryptResult };
  /** text: one JSON value (layout 'single'), or with `lines` one JSON value per line. */
  tools_field_encrypt: {
    args: { keyName: string; text: string; lines: boolean };
    result: FieldEncryptResult;
  };
  /** All or nothing: any payload that fails to decrypt with fromKey fails the whole call. */
  tools_field_rotate: { args: { fromKey: string; toKey: string; text: string }; result: FieldRotateResult };
  tools_jwt_decode: { args: { token: string }; result: JwtDecoded };
  /** issuer/audience: null = the guide's profile (alawael-api / alawael-users); '' = don't check. */
  tools_jwt_verify: {
    args: { token: string; secretName: string; issuer: string | null; audience: string | null };
    result: JwtVerifyReport;
  };
  /** claims: a JSON object as text; expires: '15m', '1h', '7d' or null (keep claims' exp / none). */
  tools_jwt_sign: {
    args: { secretName: string; claims: string; expires: string | null; algorithm: JwtAlgorithm };
    result: JwtSigned;
  };
  tools_hash_inspect: { args: { hash: string }; result: HashInfo };
  /** The password is used once and never stored or logged. */
  tools_hash_check: { args: { hash: string; password: string }; result: HashCheck };
  /** Copies a tool's result from Rust; the clipboard is cleared after the usual delay. */
  incident_list: { args: { openOnly: boolean }; result: IncidentView[] };
  incident_detail: { args: { id: number }; result: IncidentDetail };
  incident_open: { args: { incident: NewIncident }; result: IncidentView };
  incident_ack: { args: { id: number }; result: IncidentView };
  incident_note: { args: { id: number; text: string }; result: IncidentView };
  incident_set_status: {
    args: { id: number; status: IncidentStatus; summary: string | null; force: boolean };
    result: IncidentView;
  };
  /** Moves it up one level by hand and notifies that level. */
  incident_escalate: { args: { id: number }; result: IncidentView };
  /** null: the user cancelled the save dialog. */
  incident_export: { args: { id: number; format: ReportFormat }; result: string | null };
  postmortem_template_get: { args: Record<string, never>; result: PostmortemTemplate };
  /** null: back to the built-in template. */
  postmortem_template_set: { args: { template: string | null }; result: PostmortemTemplate };
  email_settings_get: { args: Record<string, never>; result: EmailSettings | null };
  /** null: no email. */
  email_settings_set: { args: { settings: EmailSettings | null }; result: EmailSettings | null };
  /** null: the user cancelled the save dialog. */
  kpi_security_report: { args: { range: KpiRange; format: ReportFormat }; result: string | null };
  incident_on_call: { args: Record<string, never>; result: OnCallNow };
  escalation_get: { args: Record<string, never>; result: EscalationPolicy };
  escalation_set: { args: { policy: EscalationPolicy }; result: EscalationPolicy };
  kpi_report: { args: { range: KpiRange }; result: KpiReport };
  kpi_query_set: { args: { id: string; query: string | null }; result: null };
  kpi_run_query: { args: { expr: string }; result: PromSeries[] };
  tools_copy: { args: { text: string }; result: CopyResult };
  check_catalog: { args: Record<string, never>; result: CheckItem[] };
  check_targets: { args: Record<string, never>; result: CheckTargetView[] };
  check_target_add: { args: { target: CheckTarget }; result: CheckTargetView };
  check_target_remove: { args: { name: string }; result: null };
  /** expires: a duration (90d, 12w, 1y) or a date (2026-12-31). */
  check_attest: {
    args: { target: string; item: string; note: string; by: string; expires: string };
    result: AttestationView;
  };
  check_unattest: { args: { target: string; item: string }; result: null };
  /** only: item or section ids; empty for every item. */
  check_run: { args: { name: string; only: string[]; onProgress: unknown }; result: CheckRunView };
  /** null: no run recorded yet. */
  check_last_run: { args: { name: string }; result: CheckStoredRun | null };
  check_history: { args: { name: string }; result: CheckRunSummary[] };
  /** null: the user cancelled the save dialog. */
  check_export: { args: { name: string; format: ReportFormat }; result: string | null };
}

/** Events the shell emits. */
export interface Events {
  /** The app locked itself (idle) or was locked. */
  'lock://changed': LockState;
  /** Accounts were added/removed/changed (tray pin, import from CLI...). */
  'otp://changed': null;
  /** The feeds picture changed (at most once a second): re-read what the page shows. */
  'feeds://changed': FeedsSummary;
  /** A service went down or recovered. */
  'feeds://service-changed': StateChange;
  /** An alert started firing (not on app start: the first poll is the baseline). */
  'feeds://alert-firing': FiringAlert;
  /** A backup started, progressed, finished or was missed; configuration changed. */
  'backup://event': BackupEvent;
  /** An incident was opened outside the page (from the tray): its id, to show it. */
  'incidents://opened': number;
  /** The escalation timer moved an incident up: re-read the list and the one shown. */
  'incidents://changed': null;
}
