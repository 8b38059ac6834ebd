// GENERATED from the Rust types that cross IPC (src-tauri/src/ipc_export.rs): do not edit.
// Regenerate with `RAMPART_WRITE_IPC=1 cargo test -p rampart-desktop export_ipc_types`;
// `make lint` fails when this file is stale. Hand-written parts of the contract (the command
// map, the events) live in types.ts.

/**
 * An alert seen by one or more Alertmanagers.
 */
export type Alert = {
  /**
   * The Alertmanagers that reported it.
   */
  sources: Array<string>,
  fingerprint: string,
  labels: Record<string, string>,
  annotations: Record<string, string>,
  startsAt: string,
  endsAt: string | null,
  generatorURL: string | null,
  status: AlertStatus,
};

/**
 * Alerts sharing alertname, severity and service.
 */
export type AlertGroup = {
  alertname: string,
  severity: string,
  service: string,
  alerts: Array<Alert>,
};

/**
 * `alertStatus`.
 */
export type AlertStatus = {
  /**
   * `active`, `suppressed` or `unprocessed`.
   */
  state: string,
  silencedBy: Array<string>,
  inhibitedBy: Array<string>,
};

/**
 * Alerts from every source.
 */
export type AlertsReport = {
  groups: Array<AlertGroup>,
  prometheus: Array<PromReport>,
  errors: Array<SourceError>,
};

/**
 * One attestation as front ends show it.
 */
export type AttestationView = {
  item: string,
  note: string,
  by: string,
  /**
   * RFC 3339.
   */
  date: string,
  expires: string | null,
  /**
   * Whether it no longer counts (now is past its expiry).
   */
  expired: boolean,
};

/**
 * One audit entry as shown.
 */
export type AuditEntry = {
  seq: number,
  at: string,
  action: string,
  subject: string,
  hash: string,
};

/**
 * The result of checking the chain.
 */
export type AuditVerify = {
  ok: boolean,
  entries: number,
  /**
   * Sequence number of the first entry whose link is broken (for deleted newest entries,
   * the first one missing); `None` when the problem is not one entry's (a missing anchor).
   */
  firstBroken: number | null,
  reason: string | null,
  /**
   * The first entry keyed with the chain key (HMAC); entries before it were written before
   * the log was keyed (plain SHA-256). `None`: the log has no key yet.
   */
  keyedFrom: number | null,
  /**
   * How many entries the anchor outside the database records; `None`: there is no anchor.
   */
  anchoredEntries: number | null,
  /**
   * Worth knowing but not tampering (the anchor lagging, the log not keyed yet).
   */
  warning: string | null,
};

/**
 * What happens to backups, as the scheduler reports it and the desktop announces it (the
 * `backup://event` payload, plain numbers throughout).
 */
export type BackupEvent =
  | { "event": "missed", source: string, missed: Array<number> }
  | { "event": "started", source: string }
  | {
    "event": "progress",
    source: string,
    progress: ProgressView,
  }
  | { "event": "finished", run: RunView }
  | { "event": "error", source: string | null, message: string }
  | { "event": "changed" };

/**
 * What a backup was made from.
 */
export type BackupKind = "directory" | "command";

/**
 * The Backups page.
 */
export type BackupOverview = {
  /**
   * The age public key made by keygen on this machine, if any.
   */
  publicKey: string | null,
  targets: Array<TargetSpec>,
  sources: Array<SourceStatus>,
  /**
   * The newest runs of every source, newest first (size history).
   */
  runs: Array<RunView>,
  drills: Array<DrillView>,
};

/**
 * What the engine is doing.
 */
export type BackupPhase = "scanning" | "uploading" | "committing" | "downloading" | "done";

/**
 * A source with its latest results, for lists and the checklist.
 */
export type BackupSourceView = {
  createdAt: number,
  lastRun: RunView | null,
  lastDrill: DrillView | null,
  name: string,
  what: SourceWhat,
  env: Array<EnvSecret>,
  target: string,
  /**
   * age public keys (`age1...`) the backups are encrypted to.
   */
  recipients: Array<string>,
  /**
   * Cron (5 fields, or 6 with seconds), evaluated in the local time passed in.
   */
  schedule: string | null,
  retention: RetentionSpec,
};

/**
 * One stored backup, for lists (`rampart backup list --json`).
 */
export type BackupView = {
  id: string,
  source: string,
  kind: BackupKind,
  /**
   * The S3 key of the sealed object.
   */
  object: string,
  manifestKey: string,
  started: string,
  finished: string,
  plaintextSize: number,
  ciphertextSize: number,
  /**
   * Signed by a trusted key and in its place: only such backups are acted upon.
   */
  trusted: boolean,
  /**
   * The signature verdict in words ("signed by trusted key ...", "not signed", ...).
   */
  trust: string,
  /**
   * SHA-256 of the manifest's bytes as read (adopting checks they did not change).
   */
  manifestSha256: string,
};

/**
 * A person's word for an item Rampart cannot prove.
 */
export type CheckAttestation = {
  note: string,
  by: string,
  /**
   * RFC 3339 date and time of the attestation.
   */
  date: string,
  /**
   * RFC 3339 date and time after which it no longer counts.
   */
  expires: string | null,
};

/**
 * What a verdict rests on: a request and its answer, a header, a file and line, a record.
 */
export type CheckEvidence = {
  /**
   * `request`, `header`, `file`, `record` or `note`.
   */
  kind: string,
  /**
   * The trimmed text (never a secret).
   */
  text: string,
  /**
   * For `file`: the path relative to the repository.
   */
  file?: string,
  line?: number,
};

/**
 * One checklist item.
 */
export type CheckItem = {
  /**
   * Stable id, `section.name`.
   */
  id: string,
  section: CheckSection,
  /**
   * The guide's wording of the item.
   */
  title: string,
  /**
   * What Rampart looks at to decide.
   */
  checks: string,
  /**
   * What to do when it does not pass, in plain words.
   */
  remediation: string,
  /**
   * The guide's code for it, where the guide has one.
   */
  snippet: string | null,
  /**
   * OWASP ASVS 5.0 requirement ids.
   */
  asvs: Array<string>,
  /**
   * How it can be proved, strongest first.
   */
  proof: Array<CheckProof>,
};

/**
 * One item in a report.
 */
export type CheckItemResult = {
  id: string,
  section: CheckSection,
  title: string,
  summary: string,
  evidence: Array<CheckEvidence>,
  remediation: string,
  snippet?: string,
  asvs: Array<string>,
} & ({ "status": "pass" } | { "status": "fail" } | { "status": "warn" } | { "status": "unknown", reason: string } | { "status": "attested" } & CheckAttestation | { "status": "na" });

/**
 * Where the proof of an item can come from.
 */
export type CheckProof = "live" | "repository" | "rampartRecord" | "attestOnly";

/**
 * An item that was `pass` or `attested` in an earlier run and fails now.
 */
export type CheckRegression = {
  id: string,
  title: string,
  /**
   * The earlier status (`pass` or `attested`) and when that run started.
   */
  was: string,
  since: string,
  /**
   * Why it fails now.
   */
  summary: string,
};

/**
 * A whole run.
 */
export type CheckReport = {
  target: string,
  /**
   * RFC 3339.
   */
  started: string,
  finished: string,
  rulePack: string,
  items: Array<CheckItemResult>,
  headers: HeaderGrade | null,
  tls: TlsGrade | null,
};

/**
 * What one check of one service found.
 */
export type CheckResult = {
  service: string,
  /**
   * Unix milliseconds when the check started.
   */
  atMs: number,
  status: HealthStatus,
  /**
   * Time from sending the request to the end of the body (or to the failure).
   */
  latencyMs: number,
  /**
   * None when no response arrived (refused, timed out, TLS failure).
   */
  httpStatus: number | null,
  /**
   * One line per failed condition or transport failure; empty when up.
   */
  reasons: Array<string>,
  /**
   * Days until the server's certificate expires (HTTPS only; negative when expired).
   */
  certDaysLeft: number | null,
  /**
   * The guide's health fields, when the body carried them.
   */
  health: HealthFields | null,
};

/**
 * When a target's next review is due.
 */
export type CheckReview = {
  target: string,
  /**
   * Days between reviews.
   */
  everyDays: number,
  /**
   * What the interval counts from (RFC 3339): the last run's end, or the target's creation.
   */
  since: string,
  /**
   * True when `since` is a run's end; false when the target never ran.
   */
  sinceRun: boolean,
  /**
   * When the review is due (RFC 3339).
   */
  due: string,
  /**
   * True when `due` is past.
   */
  overdue: boolean,
};

/**
 * One recorded run, without its items.
 */
export type CheckRunSummary = {
  id: number,
  target: string,
  /**
   * RFC 3339.
   */
  started: string,
  finished: string,
  pass: number,
  fail: number,
  warn: number,
  unknown: number,
  attested: number,
  na: number,
};

/**
 * A run with what regressed since the earlier runs.
 */
export type CheckRunView = {
  regressions: Array<CheckRegression>,
  target: string,
  /**
   * RFC 3339.
   */
  started: string,
  finished: string,
  rulePack: string,
  items: Array<CheckItemResult>,
  headers: HeaderGrade | null,
  tls: TlsGrade | null,
};

/**
 * The checklist's eight sections, in the guide's order.
 */
export type CheckSection =
  | "auth"
  | "transport"
  | "database"
  | "api"
  | "code"
  | "monitoring"
  | "backup"
  | "compliance";

/**
 * A stored run read back whole.
 */
export type CheckStoredRun = {
  id: number,
  target: string,
  /**
   * RFC 3339.
   */
  started: string,
  finished: string,
  rulePack: string,
  items: Array<CheckItemResult>,
  headers: HeaderGrade | null,
  tls: TlsGrade | null,
};

/**
 * A named deployment to check, as stored and as given on the command line.
 */
export type CheckTarget = {
  name: string,
  /**
   * Base URL, `https://api.example.com` (http only for a local or staging target).
   */
  url: string | null,
  /**
   * The login route for the opt-in login burst, e.g. `/api/auth/login`.
   */
  loginPath: string | null,
  /**
   * Extra API paths to probe (headers, CORS, rate limits, errors), e.g. `/api/users`.
   */
  paths: Array<string>,
  /**
   * A PEM CA file to trust besides the public roots (self-hosted and staging certificates).
   */
  caFile: string | null,
  /**
   * A local checkout of the service's repository.
   */
  repo: string | null,
  /**
   * Database endpoints to probe: `mongodb://host:port`, `redis://host:port`.
   */
  databases: Array<string>,
  /**
   * Names of Rampart services, alert/Sentry sources and backup sources that belong to it.
   */
  links: Array<string>,
  /**
   * Opt-in: send a bounded burst of failed logins to the login path.
   */
  loginBurst: boolean,
  /**
   * The plain-HTTP port probed for the HTTP->HTTPS redirect (default 80).
   */
  plainPort: number | null,
  /**
   * Days between reviews (the guide's "Next Review"); `None`: [`DEFAULT_REVIEW_DAYS`].
   */
  reviewEveryDays: number | null,
};

/**
 * A stored target with its attestations.
 */
export type CheckTargetView = {
  /**
   * RFC 3339.
   */
  createdAt: string,
  attestations: Array<AttestationView>,
  /**
   * When the next review (the guide's "Next Review") is due.
   */
  review: CheckReview,
  name: string,
  /**
   * Base URL, `https://api.example.com` (http only for a local or staging target).
   */
  url: string | null,
  /**
   * The login route for the opt-in login burst, e.g. `/api/auth/login`.
   */
  loginPath: string | null,
  /**
   * Extra API paths to probe (headers, CORS, rate limits, errors), e.g. `/api/users`.
   */
  paths: Array<string>,
  /**
   * A PEM CA file to trust besides the public roots (self-hosted and staging certificates).
   */
  caFile: string | null,
  /**
   * A local checkout of the service's repository.
   */
  repo: string | null,
  /**
   * Database endpoints to probe: `mongodb://host:port`, `redis://host:port`.
   */
  databases: Array<string>,
  /**
   * Names of Rampart services, alert/Sentry sources and backup sources that belong to it.
   */
  links: Array<string>,
  /**
   * Opt-in: send a bounded burst of failed logins to the login path.
   */
  loginBurst: boolean,
  /**
   * The plain-HTTP port probed for the HTTP->HTTPS redirect (default 80).
   */
  plainPort: number | null,
  /**
   * Days between reviews (the guide's "Next Review"); `None`: [`DEFAULT_REVIEW_DAYS`].
   */
  reviewEveryDays: number | null,
};

/**
 * An item's verdict. Serialized with the tag `status`, so an item's JSON reads
 * `"status": "unknown", "reason": "..."`.
 */
export type CheckVerdict =
  | { "status": "pass" }
  | { "status": "fail" }
  | { "status": "warn" }
  | { "status": "unknown", reason: string }
  | { "status": "attested" } & CheckAttestation
  | { "status": "na" };

/**
 * One authenticator account with its current code.
 */
export type CodeView = {
  id: string,
  issuer: string,
  account: string,
  kind: OtpKind,
  code: string,
  nextCode: string | null,
  period: number,
  validUntil: number,
  digits: number,
  counter: number | null,
  pinned: boolean,
};

/**
 * A comparison.
 */
export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

/**
 * One thing a response must satisfy.
 */
export type Condition =
  | { "type": "status", codes: Array<number> }
  | { "type": "responseTimeBelow", ms: number }
  | {
    "type": "jsonPath",
    path: string,
    op: CompareOp,
    value: ConditionValue,
  }
  | { "type": "bodyContains", text: string }
  | { "type": "certExpiresInMoreThan", days: number };

/**
 * A typed expected value.
 */
export type ConditionValue = boolean | number | string;

/**
 * Someone to notify.
 */
export type Contact = {
  name: string,
  email: string | null,
  phone: string | null,
  /**
   * A Slack user id (`U...`, mentioned) or a channel (`#name`).
   */
  slack: string | null,
};

/**
 * The result of a copy.
 */
export type CopyResult = { clearsInSeconds: number };

/**
 * A credential's kind.
 */
export type CredentialKind =
  | "password"
  | "apiToken"
  | "s3KeyPair"
  | "webhookUrl"
  | "databaseUri"
  | "encryptionKey"
  | "note";

/**
 * One vault credential's metadata.
 */
export type CredentialView = {
  id: string,
  name: string,
  kind: CredentialKind,
  tags: Array<string>,
  createdAt: string,
  rotatedAt: string,
  ageDays: number,
  stale: boolean,
};

/**
 * The verdict on one backup.
 */
export type Decision = {
  id: string,
  source: string,
  keep: boolean,
  /**
   * Empty when the backup is to be deleted.
   */
  reasons: Array<KeepReason>,
};

/**
 * Where a restore goes.
 */
export type Destination =
  | { "kind": "dir", path: string }
  | { "kind": "command", argv: Array<string> };

/**
 * One mounted disk.
 */
export type DiskUsage = {
  mountPoint: string,
  fileSystem: string,
  totalBytes: number,
  availableBytes: number,
};

/**
 * One drill.
 */
export type DrillView = {
  source: string,
  backupId: string | null,
  /**
   * Unix seconds.
   */
  at: number,
  ok: boolean,
  /**
   * What was checked, or what failed and what to do.
   */
  message: string,
};

/**
 * Email settings (no secret: the password is a vault item's name).
 */
export type EmailSettings = {
  server: string,
  port: number,
  tls: SmtpTls,
  from: string,
  username: string | null,
  /**
   * The vault credential holding the SMTP password.
   */
  passwordFrom: string | null,
};

/**
 * The enrol view. The URI and QR carry the new secret: the one deliberate reveal of a seed.
 */
export type EnrollDraft = {
  draftId: string,
  issuer: string,
  account: string,
  otpauthUri: string,
  qrSvg: string,
  expiresAt: number,
};

/**
 * An environment variable whose value is a vault credential (command sources only).
 */
export type EnvSecret = {
  var: string,
  /**
   * The vault credential's name.
   */
  from: string,
};

/**
 * What kind of failure, for front ends to branch on.
 */
export type ErrorKind =
  | "locked"
  | "notFound"
  | "invalidInput"
  | "conflict"
  | "keychainUnavailable"
  | "keychainLocked"
  | "wrongPassword"
  | "passphraseRequired"
  | "io"
  | "network"
  | "internal";

/**
 * One step of the chain.
 */
export type EscalationLevel = { name: string, contacts: Array<Contact> };

/**
 * The chain, the waits and the rota.
 */
export type EscalationPolicy = {
  levels: Array<EscalationLevel>,
  waitMinutes: EscalationWaits,
  rota: Rota,
};

/**
 * Minutes an unacknowledged incident waits at a level before moving up; None = never.
 */
export type EscalationWaits = {
  p1: number | null,
  p2: number | null,
  p3: number | null,
  p4: number | null,
};

/**
 * Which export the user asked for.
 */
export type ExportFormat = "aegis" | "uris";

/**
 * Where an export was written; `None` when the user cancelled the save dialog.
 */
export type ExportResult = { path: string | null, accounts: number };

/**
 * The headline numbers.
 */
export type FeedsCounts = {
  services: number,
  servicesDown: number,
  firing: SeverityCounts,
  firingTotal: number,
  /**
   * Alerts silenced or inhibited.
   */
  muted: number,
  /**
   * Unresolved Sentry issues first seen in the last 24 h.
   */
  newSentryIssues: number,
  sourceErrors: number,
};

/**
 * The overview page: counts, then the lists.
 */
export type FeedsOverview = {
  counts: FeedsCounts,
  services: Array<ServiceStatus>,
  alerts: Array<AlertGroup>,
  prometheus: Array<PromReport>,
  sentry: Array<SentryProjectIssues>,
  errors: Array<SourceError>,
  alertsUpdatedMs: number | null,
  sentryUpdatedMs: number | null,
};

/**
 * The feeds' settings, as the UI edits them.
 */
export type FeedsSettings = {
  /**
   * Mute switch: no desktop notification at all (Slack is unaffected).
   */
  muted: boolean,
  /**
   * Desktop notifications on (service down/recovered, alert firing).
   */
  desktop: boolean,
  /**
   * Events below this severity notify nobody.
   */
  minSeverity: Severity,
  /**
   * Quiet hours in local time, `HH:MM` (both or neither): only critical events notify the
   * desktop then. The window may wrap midnight (22:00-07:00).
   */
  quietStart: string | null,
  quietEnd: string | null,
  /**
   * Also notify when a service recovers.
   */
  notifyRecovered: boolean,
  /**
   * Vault credential name holding the Slack incoming-webhook URL; None = no Slack.
   */
  slackWebhookFrom: string | null,
  /**
   * Days of raw check results kept before rolling them up (1-90).
   */
  rawDays: number,
};

/**
 * What `feeds://changed` carries.
 */
export type FeedsSummary = {
  counts: FeedsCounts,
  alertsUpdatedMs: number | null,
  sentryUpdatedMs: number | null,
};

/**
 * Decrypted values in the input's layout.
 */
export type FieldDecryptResult = {
  layout: FieldLayout,
  values: unknown[],
  /**
   * The values as text in the input's layout, ready to copy.
   */
  text: string,
};

/**
 * Encrypted payloads as text in the input's layout.
 */
export type FieldEncryptResult = { layout: FieldLayout, count: number, text: string };

/**
 * How the input was laid out. Output keeps the same layout.
 */
export type FieldLayout = "single" | "lines" | "array";

/**
 * An alert that started firing (active: neither silenced nor inhibited).
 */
export type FiringAlert = {
  fingerprint: string,
  alertname: string,
  severity: string,
  service: string,
  /**
   * The `summary` (or `description`) annotation.
   */
  summary: string,
  /**
   * RFC 3339.
   */
  startsAt: string,
};

export type GenerateResult = { credential: CredentialView, revealedValue: string | null };

/**
 * The result of checking a password.
 */
export type HashCheck = { matches: boolean, info: HashInfo };

/**
 * What a hash says about itself.
 */
export type HashInfo = {
  algorithm: string,
  version: string,
  cost: number | null,
  memoryKib: number | null,
  iterations: number | null,
  parallelism: number | null,
  meetsMinimum: boolean,
  findings: Array<string>,
};

/**
 * The Observatory-compatible header grade (of `/`).
 */
export type HeaderGrade = { score: number, grade: string };

/**
 * The fields of the guide's `/health` JSON, plus the raw JSON (capped) for everything else.
 */
export type HealthFields = {
  status: string | null,
  version: string | null,
  environment: string | null,
  /**
   * Uptime as the service reports it (seconds as a number, or a string).
   */
  uptime: unknown,
  memory: unknown,
  /**
   * `checks.database` (its `status` when it is an object).
   */
  database: string | null,
  /**
   * `checks.redis` (its `status` when it is an object).
   */
  redis: string | null,
  /**
   * The whole body when it is at most [`RAW_JSON_CAP`] bytes.
   */
  raw: unknown,
  /**
   * True when the body was larger than the cap and `raw` was left out.
   */
  rawTruncated: boolean,
};

/**
 * Up or down.
 */
export type HealthStatus = "up" | "down";

/**
 * The break-glass copy of the backup identity, shown once for printing: an explicit reveal,
 * audited by core.
 */
export type IdentityReveal = {
  text: string,
  qrSvg: string,
  publicKey: string,
  warning: string,
};

/**
 * One line of an import report.
 */
export type ImportEntry = {
  label: string,
  status: ImportStatus,
  reason: string | null,
};

/**
 * The per-entry report of an import: nothing is dropped silently.
 */
export type ImportReport = { format: string, entries: Array<ImportEntry> };

/**
 * What happened to one entry of an import.
 */
export type ImportStatus = "imported" | "duplicate" | "rejected";

/**
 * An incident with its timeline and what still fires.
 */
export type IncidentDetail = {
  timeline: Array<TimelineEntry>,
  /**
   * Linked alerts not resolved yet, as `alertname (fingerprint)`.
   */
  stillFiring: Array<string>,
  id: number,
  title: string,
  severity: Priority,
  severityDefinition: string,
  status: IncidentStatus,
  owner: string | null,
  source: string,
  openedAt: string,
  acknowledgedAt: string | null,
  resolvedAt: string | null,
  summary: string,
  impact: string,
  rootCause: string,
  actionItems: Array<string>,
  escalationLevel: number,
  links: Array<IncidentLink>,
};

/**
 * A link as shown.
 */
export type IncidentLink = { kind: string, target: string };

/**
 * What an incident is opened from; the severity is suggested from it.
 */
export type IncidentOrigin =
  | { "type": "manual" }
  | { "type": "alert", alert: string }
  | { "type": "service", service: string }
  | { "type": "sentry", issue: string };

/**
 * Where an incident is in its life.
 */
export type IncidentStatus = "investigating" | "identified" | "monitoring" | "resolved";

/**
 * An incident as shown (times RFC 3339 UTC).
 */
export type IncidentView = {
  id: number,
  title: string,
  severity: Priority,
  severityDefinition: string,
  status: IncidentStatus,
  owner: string | null,
  source: string,
  openedAt: string,
  acknowledgedAt: string | null,
  resolvedAt: string | null,
  summary: string,
  impact: string,
  rootCause: string,
  actionItems: Array<string>,
  escalationLevel: number,
  links: Array<IncidentLink>,
};

/**
 * An error as the UI receives it.
 */
export type IpcError = {
  kind: ErrorKind,
  message: string,
  /**
   * The same request may succeed later (a feed or bucket unreachable, a server error).
   */
  retryable: boolean,
};

/**
 * One check of a verification.
 */
export type JwtCheck = { name: string, ok: boolean, detail: string };

/**
 * A token read without a key.
 */
export type JwtDecoded = {
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  algorithm: string,
  times: Array<JwtTime>,
  expiresInSeconds: number | null,
  lifetimeSeconds: number | null,
  warnings: Array<string>,
};

/**
 * A signed test token.
 */
export type JwtSigned = { token: string, decoded: JwtDecoded };

/**
 * One of `exp`, `nbf`, `iat`.
 */
export type JwtTime = {
  /**
   * `exp`, `nbf` or `iat`.
   */
  claim: "exp" | "nbf" | "iat",
  unix: number,
  /**
   * RFC 3339, UTC.
   */
  utc: string,
};

/**
 * A verification: valid only when every check passed.
 */
export type JwtVerifyReport = {
  valid: boolean,
  decoded: JwtDecoded,
  checks: Array<JwtCheck>,
  secretWarnings: Array<string>,
};

/**
 * Why a backup is kept.
 */
export type KeepReason =
  | "last"
  | "daily"
  | "weekly"
  | "monthly"
  | "within"
  | "onlyGoodBackup"
  | "noPolicy";

/**
 * The dashboard's ranges.
 */
export type KpiRange = "24h" | "7d" | "30d";

/**
 * The dashboard.
 */
export type KpiReport = {
  range: KpiRange,
  /**
   * The Prometheus the queries ran against, if one is configured.
   */
  prometheus: string | null,
  kpis: Array<KpiValue>,
};

/**
 * Where a KPI's figures come from.
 */
export type KpiSource = "prometheus" | "rampart";

/**
 * A line a KPI should stay on one side of.
 */
export type KpiThreshold = {
  value: number,
  /**
   * True when values above `value` are bad (false: below is bad, e.g. uptime).
   */
  aboveIsBad: boolean,
  /**
   * Where the line comes from (an alert rule, the checklist).
   */
  from: string,
};

/**
 * One KPI's figures.
 */
export type KpiValue = {
  /**
   * The query run (Prometheus KPIs; an edited one or the default).
   */
  query: string | null,
  /**
   * The latest value (the worst of several series).
   */
  value: number | null,
  /**
   * `(unix seconds, value)` over the range (the worst series at each step).
   */
  points: Array<[number, number]>,
  /**
   * The latest value is past the threshold.
   */
  breached: boolean,
  /**
   * Why there is no value (no Prometheus configured, no data, the query's error).
   */
  note: string | null,
  /**
   * What a value from Rampart's records is made of (`3 audit events, 2 security alerts`).
   */
  detail: string | null,
  /**
   * Stable id (CLI, settings, JSON).
   */
  id: string,
  title: string,
  /**
   * `ratio`, `seconds`, `cores`, `perHour`, `perDay`.
   */
  unit: string,
  source: KpiSource,
  /**
   * The default PromQL (Prometheus KPIs).
   */
  defaultQuery: string | null,
  threshold: KpiThreshold | null,
};

/**
 * One point of a response-time chart.
 */
export type LatencyPoint = { atMs: number, meanMs: number };

/**
 * What the UI needs to know about the lock.
 */
export type LockState = {
  locked: boolean,
  hasPassphrase: boolean,
  idleMinutes: number,
};

/**
 * A sample of this machine.
 */
export type MachineStats = {
  hostname: string,
  /**
   * Percent of all cores since the previous sample (0-100).
   */
  cpuPercent: number,
  cpuCount: number,
  /**
   * 1, 5 and 15 minute load averages (zeros where the OS has none).
   */
  loadAverage: [number, number, number],
  memoryTotalBytes: number,
  memoryUsedBytes: number,
  swapTotalBytes: number,
  swapUsedBytes: number,
  uptimeSeconds: number,
  /**
   * Real file systems only (no tmpfs, overlay, squashfs...), by mount point.
   */
  disks: Array<DiskUsage>,
};

/**
 * A silence matcher.
 */
export type Matcher = {
  name: string,
  value: string,
  isRegex: boolean,
  isEqual: boolean,
};

/**
 * What to open.
 */
export type NewIncident = {
  /**
   * Empty: taken from the origin (the alert's name, "SERVICE is down", ...).
   */
  title: string,
  /**
   * None: the suggestion.
   */
  severity: Priority | null,
  origin: IncidentOrigin,
  services?: Array<string>,
  alerts?: Array<string>,
  owner?: string | null,
};

/**
 * Who is on call now, with how to reach them (the Overview and `rampart oncall --json`).
 */
export type OnCallNow = { onCall: string | null, contact: Contact | null };

/**
 * Which kind of one-time password.
 */
export type OtpKind = "totp" | "hotp" | "steam";

/**
 * Which backup: the latest, the latest at or before a time, or one id.
 */
export type PointInTime =
  | { "kind": "latest" }
  | { "kind": "before", at: string }
  | { "kind": "id", id: string };

/**
 * The postmortem template (Markdown with `{{placeholders}}`) and whether it is the default.
 */
export type PostmortemTemplate = { template: string, isDefault: boolean };

/**
 * The guide's severity levels.
 */
export type Priority = "P1" | "P2" | "P3" | "P4";

/**
 * One progress report. It serializes with plain numbers (`elapsedMs`, `etaSeconds`), as the
 * desktop sends it to the window.
 */
export type ProgressView = {
  phase: BackupPhase,
  /**
   * Plaintext bytes read from the source (backup) or produced by decryption (restore).
   */
  bytesRead: number,
  /**
   * Ciphertext bytes acknowledged by S3 (backup) or downloaded (restore).
   */
  bytesTransferred: number,
  /**
   * Expected plaintext bytes, when known (directory scan, manifest).
   */
  total: number | null,
  elapsedMs: number,
  /**
   * Plaintext bytes per second so far.
   */
  rate: number,
  etaSeconds: number | null,
};

/**
 * An alert as Prometheus sees it.
 */
export type PromAlert = {
  labels: Record<string, string>,
  annotations: Record<string, string>,
  /**
   * `pending` or `firing`.
   */
  state: string,
  activeAt: string | null,
  value: string | null,
};

/**
 * One Prometheus server's view.
 */
export type PromReport = {
  name: string,
  readiness: Readiness | null,
  alerts: Array<PromAlert>,
  ruleGroups: Array<RuleGroup>,
};

/**
 * One labelled series.
 */
export type PromSeries = {
  labels: Record<string, string>,
  /**
   * `(unix seconds, value)`, oldest first.
   */
  points: Array<[number, number]>,
};

/**
 * The retention preview (and, unless dry-run, what was deleted) for one source.
 */
export type PruneReport = {
  source: string,
  /**
   * Newest first; `keep == false` is (or would be) deleted.
   */
  decisions: Array<Decision>,
  deleted: Array<string>,
  dryRun: boolean,
};

/**
 * Whether the server is ready to serve queries.
 */
export type Readiness = { ready: boolean, detail: string };

/**
 * One stored check.
 */
export type RecentCheck = {
  atMs: number,
  up: boolean,
  latencyMs: number,
  httpStatus: number | null,
  reasons: Array<string>,
};

/**
 * A report's file format (postmortems, the weekly security report).
 */
export type ReportFormat = "md" | "html";

/**
 * What a restore did.
 */
export type RestoreDone = {
  backup: BackupView,
  plaintextSha256: string,
  /**
   * Staging directories of an earlier, killed restore into the same parent (plaintext that
   * was left behind), removed before this one started.
   */
  removedLeftovers: Array<string>,
};

/**
 * Retention, restic-style. All zero/`None` keeps everything.
 */
export type RetentionSpec = {
  keepLast: number,
  keepDaily: number,
  keepWeekly: number,
  keepMonthly: number,
  /**
   * Seconds before the newest backup that are all kept (the guide's 30 days = 2,592,000).
   */
  keepWithinSecs: number | null,
};

/**
 * The weekly rotation.
 */
export type Rota = {
  /**
   * Contact names in turn; empty = level 1's contacts in order.
   */
  contacts: Array<string>,
  /**
   * When the first person's week starts (unix seconds); later weeks follow every 7 days.
   */
  start: number,
  overrides: Array<RotaOverride>,
};

/**
 * Someone covering for the rotation.
 */
export type RotaOverride = {
  contact: string,
  /**
   * Unix seconds, inclusive.
   */
  from: number,
  /**
   * Unix seconds, exclusive.
   */
  until: number,
};

/**
 * A recording or alerting rule with its health.
 */
export type Rule = {
  name: string,
  /**
   * `alerting` or `recording`.
   */
  type: string,
  query: string,
  /**
   * `ok`, `err` or `unknown`.
   */
  health: string,
  lastError: string | null,
  /**
   * Alerting rules: `inactive`, `pending` or `firing`.
   */
  state: string | null,
};

/**
 * A rule group.
 */
export type RuleGroup = { name: string, file: string, rules: Array<Rule> };

/**
 * What started a run.
 */
export type RunTrigger = "manual" | "schedule";

/**
 * One run, as the history shows it.
 */
export type RunView = {
  id: number,
  source: string,
  startedAt: number,
  finishedAt: number,
  ok: boolean,
  bytesIn: number,
  bytesOut: number,
  backupId: string | null,
  objectKey: string | null,
  /**
   * What failed and what to do (never a secret).
   */
  error: string | null,
  /**
   * Whether running it again may succeed without changing anything.
   */
  retryable: boolean,
  trigger: RunTrigger,
};

/**
 * An unresolved issue.
 */
export type SentryIssue = {
  id: string,
  shortId: string,
  title: string,
  culprit: string | null,
  permalink: string,
  level: string,
  status: string,
  /**
   * Events; Sentry sends it as a string.
   */
  count: number,
  userCount: number,
  firstSeen: string,
  lastSeen: string,
};

/**
 * One Sentry project's unresolved issues.
 */
export type SentryProjectIssues = { project: string, issues: Array<SentryIssue> };

/**
 * The Sentry page.
 */
export type SentryView = {
  projects: Array<SentryProjectIssues>,
  errors: Array<SourceError>,
  updatedMs: number | null,
};

/**
 * The service page: the view (last check with its health fields, uptime 24h/7d/30d/90d), a
 * response-time series and the newest checks.
 */
export type ServiceDetail = {
  service: ServiceView,
  latency: Array<LatencyPoint>,
  stepMs: number,
  recent: Array<RecentCheck>,
};

/**
 * A service as the UI adds it; `conditions: null` means the defaults (HTTP 200 and
 * `status == "ok"`).
 */
export type ServiceInput = {
  name: string,
  environment: string,
  url: string,
  /**
   * Milliseconds.
   */
  interval: number,
  /**
   * Milliseconds.
   */
  timeout: number,
  conditions: Array<Condition> | null,
};

/**
 * A service's latest state.
 */
export type ServiceStatus = {
  name: string,
  environment: string,
  url: string,
  /**
   * None until the first check.
   */
  status: HealthStatus | null,
  lastCheckedMs: number | null,
  latencyMs: number | null,
  reasons: Array<string>,
};

/**
 * A service with its last check and uptime, for lists and detail views.
 */
export type ServiceView = {
  last: CheckResult | null,
  /**
   * Percent up over 24 h / 7 d / 30 d / 90 d (None without checks in the window).
   */
  uptime: [number | null, number | null, number | null, number | null],
  name: string,
  /**
   * Free text such as `production` or `staging`; empty when not set.
   */
  environment: string,
  url: string,
  interval: number,
  timeout: number,
  /**
   * Every condition must hold for the service to be up.
   */
  conditions: Array<Condition>,
};

/**
 * The app's preferences.
 */
export type Settings = {
  /**
   * Seconds after a copy before the clipboard is cleared (if it still holds our value).
   */
  clipboardClearSeconds: number,
  /**
   * Minutes without user activity before the app locks (1-30).
   */
  idleLockMinutes: number,
  /**
   * Credentials older than this many days are flagged for rotation.
   */
  rotateAfterDays: number,
  /**
   * The page the desktop app opens on.
   */
  startPage: StartPage,
};

/**
 * How severe an event is, most severe first.
 */
export type Severity = "critical" | "error" | "warning" | "info";

/**
 * Firing alerts per severity label (unknown labels count as warnings).
 */
export type SeverityCounts = {
  critical: number,
  error: number,
  warning: number,
  info: number,
};

/**
 * A silence Rampart created.
 */
export type SilenceCreated = { alertmanager: string, silenceId: string, alerts: number };

export type SilenceState = {
  /**
   * `active`, `pending` or `expired`.
   */
  state: string,
};

/**
 * A silence and the Alertmanager that holds it.
 */
export type SilenceView = {
  alertmanager: string,
  id: string,
  matchers: Array<Matcher>,
  startsAt: string,
  endsAt: string,
  createdBy: string,
  comment: string,
  status: SilenceState,
};

/**
 * Silences from every Alertmanager.
 */
export type SilencesReport = { silences: Array<SilenceView>, errors: Array<SourceError> };

/**
 * How the connection is protected.
 */
export type SmtpTls = "none" | "startTls" | "tls";

/**
 * A source that did not answer.
 */
export type SourceError = { source: string, message: string, retryable: boolean };

/**
 * A configured source.
 */
export type SourceSpec = {
  name: string,
  what: SourceWhat,
  env: Array<EnvSecret>,
  target: string,
  /**
   * age public keys (`age1...`) the backups are encrypted to.
   */
  recipients: Array<string>,
  /**
   * Cron (5 fields, or 6 with seconds), evaluated in the local time passed in.
   */
  schedule: string | null,
  retention: RetentionSpec,
};

/**
 * A source with its latest results and next scheduled run.
 */
export type SourceStatus = {
  /**
   * Unix seconds of the next scheduled run (None without a schedule).
   */
  nextRun: number | null,
  createdAt: number,
  lastRun: RunView | null,
  lastDrill: DrillView | null,
  name: string,
  what: SourceWhat,
  env: Array<EnvSecret>,
  target: string,
  /**
   * age public keys (`age1...`) the backups are encrypted to.
   */
  recipients: Array<string>,
  /**
   * Cron (5 fields, or 6 with seconds), evaluated in the local time passed in.
   */
  schedule: string | null,
  retention: RetentionSpec,
};

/**
 * A configured Alertmanager, Prometheus or Sentry project (never its token).
 */
export type SourceView = {
  kind: "alertmanager" | "prometheus" | "sentry",
  name: string,
  url: string,
  tokenFrom: string | null,
};

/**
 * What a source backs up.
 */
export type SourceWhat =
  | { "kind": "dir", path: string, excludes: Array<string> }
  | { "kind": "command", argv: Array<string> };

/**
 * The page the desktop app opens on: on-call engineers start from the Overview, admins who
 * mostly hand out codes from the code list.
 */
export type StartPage = "overview" | "codes";

/**
 * A service went up or down.
 */
export type StateChange = {
  service: string,
  from: HealthStatus,
  to: HealthStatus,
  atMs: number,
  /**
   * Why it is down (empty on recovery).
   */
  reasons: Array<string>,
};

/**
 * An S3-compatible target. Holds vault credential names, never keys.
 */
export type TargetSpec = {
  name: string,
  /**
   * `https://s3.example.com`; `None` is AWS itself.
   */
  endpoint: string | null,
  region: string,
  bucket: string,
  prefix: string,
  pathStyle: boolean,
  /**
   * Vault credential holding the access key id.
   */
  accessKeyFrom: string,
  /**
   * Vault credential holding the secret access key.
   */
  secretKeyFrom: string,
  storageClass: string | null,
};

/**
 * One line of the timeline.
 */
export type TimelineEntry = {
  /**
   * RFC 3339 UTC.
   */
  at: string,
  /**
   * Unix milliseconds (for sorting and local display).
   */
  atMs: number,
  /**
   * `opened`, `note`, `status`, `ack`, `owner`, `link`, `unlink`, `escalation`, `notify`,
   * `resolved`, `reopened`, `postmortem`, `alert`, `silence`, `health`, `backup`, `restore`,
   * `drill`.
   */
  kind: string,
  text: string,
};

/**
 * The SSL-Labs-style TLS grade with every cap reason.
 */
export type TlsGrade = { grade: string, caps: Array<string> };

/**
 * The result of checking a code.
 */
export type VerifyResult = {
  valid: boolean,
  /**
   * The time-step (or counter) offset that matched.
   */
  offset: number | null,
};
