//! `rampart`: the command-line front end. Same crates as the desktop app, headless: for scripts,
//! SSH sessions and tests. Errors go to stderr with a non-zero exit; secrets are read from stdin,
//! never from arguments (the one exception is `otp code --secret`, a stateless calculator,
//! which also takes `--secret -` to read stdin).

mod app_cmd;
mod audit_cmd;
mod backup_cmd;
mod backup_keys_cmd;
mod backup_show;
mod check_cmd;
mod check_target_cmd;
mod feeds_cmd;
mod incident_cmd;
mod input;
mod kpi_cmd;
mod otp_cmd;
mod tools_cmd;
mod vault_cmd;

use clap::{Parser, Subcommand};
use rampart_core::{Config, CoreError, Rampart};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "rampart",
    version,
    about = "Rampart: credentials in the OS keychain, 2FA codes, service health and alerts, \
             incidents and escalation, security KPIs, encrypted backups, the security \
             checklist, the responder's tools (fields, JWTs, hashes), audit log"
)]
struct Cli {
    /// Where Rampart keeps its state (default: the platform data dir).
    #[arg(long, global = true, value_name = "DIR", env = "RAMPART_DATA_DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Authenticator: TOTP/HOTP/Steam codes, import, export, enrolment.
    #[command(subcommand)]
    Otp(otp_cmd::OtpCommand),
    /// Credentials kept in the OS keychain.
    #[command(subcommand)]
    Vault(vault_cmd::VaultCommand),
    /// The hash-chained audit log.
    #[command(subcommand)]
    Audit(audit_cmd::AuditCommand),
    /// Shows or changes preferences (clipboard clear, idle lock, rotation period).
    Settings(app_cmd::SettingsArgs),
    /// Sets, changes or removes the desktop app's passphrase.
    #[command(subcommand)]
    Passphrase(app_cmd::PassphraseCommand),
    /// Monitored services: add, list, rm.
    #[command(subcommand)]
    Service(feeds_cmd::ServiceCommand),
    /// Alertmanager servers to read alerts and silences from.
    #[command(subcommand)]
    Alertmanager(feeds_cmd::SourceCommand),
    /// Prometheus servers to read alerts, rule health and readiness from.
    #[command(subcommand)]
    Prometheus(feeds_cmd::SourceCommand),
    /// Unresolved Sentry issues, or `sentry add ORG/PROJECT --token-from VAULT_NAME`.
    Sentry(feeds_cmd::SentryArgs),
    /// Checks every service once; exits non-zero if any is down.
    Health(feeds_cmd::JsonFlag),
    /// Firing alerts from every Alertmanager and Prometheus.
    Alerts(feeds_cmd::JsonFlag),
    /// Acknowledges an alert (alertname or fingerprint) with an Alertmanager silence, or
    /// `silence expire ID`.
    Silence(feeds_cmd::SilenceArgs),
    /// Silences of every Alertmanager (active, pending, expired).
    Silences(feeds_cmd::JsonFlag),
    /// The guide's nine security KPIs (`kpi --range 7d`), their PromQL (`kpi set-query ID Q`),
    /// and a PromQL expression run by hand (`kpi query EXPR`).
    Kpi(kpi_cmd::KpiArgs),
    /// Slack notifications: `slack set --webhook-from VAULT_NAME`, `slack test`.
    #[command(subcommand)]
    Slack(feeds_cmd::SlackCommand),
    /// Encrypted backups to S3: keygen, targets, sources, run, list, restore, verify, prune, drill.
    #[command(subcommand)]
    Backup(backup_cmd::BackupCommand),
    /// The guide's encrypted fields: decrypt, encrypt, rotate keys (keys by vault name).
    #[command(subcommand)]
    Crypt(tools_cmd::CryptCommand),
    /// The security checklist: `check list`, `check target add NAME --url URL`, `check run NAME
    /// [--json]`, `check attest TARGET ID --note TEXT`.
    #[command(subcommand)]
    Check(check_cmd::CheckCommand),
    /// Incidents: open, list, show, ack, status, note, link, assign, escalate, resolve, export.
    #[command(subcommand)]
    Incident(incident_cmd::IncidentCommand),
    /// Who is on call at level 1 now.
    Oncall(feeds_cmd::JsonFlag),
    /// The escalation chain: `escalation show [--json]`, `escalation set --file POLICY.json`.
    #[command(subcommand)]
    Escalation(incident_cmd::EscalationCommand),
    /// The escalation chain's contacts: `contacts add NAME --level N [--email E] [--phone P]
    /// [--slack U_OR_#CHANNEL]`, `contacts list [--json]`, `contacts rm NAME [--level N]`.
    #[command(subcommand)]
    Contacts(incident_cmd::ContactsCommand),
    /// Escalation emails: `email set --server H --port P --tls MODE --from ADDR`, `email off`.
    #[command(subcommand)]
    Email(incident_cmd::EmailCommand),
    /// JWTs: decode, verify against the guide's profile with a vault secret, sign a test token.
    #[command(subcommand)]
    Jwt(tools_cmd::JwtCommand),
    /// Password hashes (bcrypt, argon2): check a password, inspect the parameters.
    #[command(subcommand)]
    Hash(tools_cmd::HashCommand),
}

/// A CLI failure: a message for stderr and the exit code.
pub struct Failure {
    pub message: String,
    pub code: u8,
}

/// Any failure that retrying may fix (a feed or bucket unreachable, a server error) exits
/// with 75 (EX_TEMPFAIL), so scripts and timers can tell it from a mistake to fix.
impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        let code = if e.retryable() { backup_show::EXIT_RETRYABLE } else { 1 };
        Self { message: e.to_string(), code }
    }
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), code: 1 }
    }
}

pub type CliResult<T = ()> = Result<T, Failure>;

fn run(cli: Cli) -> CliResult {
    // The stateless calculator needs no data dir.
    if let Command::Otp(otp_cmd::OtpCommand::Code(args)) = &cli.command {
        return otp_cmd::code(args);
    }
    // Hash checks and the checklist catalog need no data dir either.
    let command = match cli.command {
        Command::Hash(cmd) => return tools_cmd::hash(cmd),
        Command::Check(check_cmd::CheckCommand::List) => return check_cmd::list(),
        other => other,
    };
    let config = Config::from_env(cli.data_dir.as_deref())?;
    let _log = rampart_core::logging::init(&config.data_dir, "warn");
    let app = Rampart::open(config)?;
    match command {
        Command::Otp(cmd) => otp_cmd::run(&app, cmd),
        Command::Vault(cmd) => vault_cmd::run(&app, cmd),
        Command::Audit(cmd) => audit_cmd::run(&app, cmd),
        Command::Settings(args) => app_cmd::settings(&app, args),
        Command::Passphrase(cmd) => app_cmd::passphrase(&app, cmd),
        Command::Service(cmd) => feeds_cmd::service(&app, cmd),
        Command::Alertmanager(cmd) => feeds_cmd::source(&app, "alertmanager", cmd),
        Command::Prometheus(cmd) => feeds_cmd::source(&app, "prometheus", cmd),
        Command::Sentry(args) => feeds_cmd::sentry(&app, args),
        Command::Health(args) => feeds_cmd::health(&app, args),
        Command::Alerts(args) => feeds_cmd::alerts(&app, args),
        Command::Kpi(args) => kpi_cmd::run(&app, args),
        Command::Silence(args) => feeds_cmd::silence(&app, args),
        Command::Backup(cmd) => backup_cmd::run(&app, cmd),
        Command::Silences(args) => feeds_cmd::silences(&app, args),
        Command::Slack(cmd) => feeds_cmd::slack(&app, cmd),
        Command::Crypt(cmd) => tools_cmd::crypt(&app, cmd),
        Command::Incident(cmd) => incident_cmd::run(&app, cmd),
        Command::Oncall(args) => incident_cmd::oncall(&app, args.json),
        Command::Escalation(cmd) => incident_cmd::escalation(&app, cmd),
        Command::Contacts(cmd) => incident_cmd::contacts(&app, cmd),
        Command::Email(cmd) => incident_cmd::email(&app, cmd),
        Command::Jwt(cmd) => tools_cmd::jwt(&app, cmd),
        Command::Hash(cmd) => tools_cmd::hash(cmd),
        Command::Check(cmd) => check_cmd::run(&app, cmd),
    }
}

fn main() -> ExitCode {
    quiet_on_broken_pipe();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// `rampart ... | head` closes stdout early, and `println!` then panics with "failed printing
/// to stdout: Broken pipe". Exit quietly instead, with the status a tool killed by SIGPIPE has.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> CliResult {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::new(format!("could not write JSON: {e}")))?;
    println!("{text}");
    Ok(())
}
