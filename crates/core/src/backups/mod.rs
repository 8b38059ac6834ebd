//! Encrypted backups over `rampart-backup`: what the CLI and the desktop both call.
//!
//! Configuration lives in SQLite (targets and sources; credentials and environment secrets are
//! vault credential *names*), secrets in the keychain: the age identity is one item
//! (`backup-identity`), S3 keys and command secrets are vault credentials read at use time.
//! Long work is split so the desktop never holds the database across an await:
//! `Rampart::backup_*_context` / [`Rampart::backup_prepare_run`] read the configuration and the
//! secrets (sync), the returned [`SourceContext`] / [`PreparedRun`] do the network work (async,
//! `Send`), and `Rampart::backup_record_*` write the history and the audit entry (sync). The
//! `async` conveniences on [`Rampart`] (`backup_run`, `backup_restore`, ...) chain the three for
//! the CLI. [`schedule`] holds the pure schedule functions and the [`BackupScheduler`].
//!
//! - `config`: keygen, break-glass export, targets and sources;
//! - `signing`: this machine's manifest-signing key, the trusted keys, adopting old backups;
//! - `run`: backup runs and their history; `ops`: list, restore, verify, prune;
//! - `drill`: restore drills; [`schedule`]: cron and the scheduler.

mod config;
mod drill;
mod ops;
mod run;
pub mod schedule;
mod signing;

pub use config::{EXPORT_WARNING, IdentityExport};
pub use drill::DrillView;
pub use ops::{BackupView, PruneReport, RestoreDone, RestoreTo, SourceContext};
pub use rampart_backup::{
    BackupError, CleanupReport, CommandSpec, Decision, Identities, KeepReason, Phase, Progress,
    ProgressFn, Selector, SourceKind,
};
pub use rampart_backup::{DEFAULT_CLEANUP_GRACE, SigningPublicKey, Trust};
pub use run::{PreparedRun, RunFailure, RunOutcome, RunView};
pub use schedule::{AppAccess, BackupEvent, BackupScheduler, missed_runs, next_run};
pub use signing::TrustedKeyView;

use crate::{CoreError, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The keychain item holding the age identity.
pub const IDENTITY_ITEM: &str = "backup-identity";
/// The settings key holding the identity's public key (shown without a keychain read).
pub const PUBLIC_KEY_SETTING: &str = "backup.public_key";
/// The keychain item holding this machine's manifest-signing secret key.
pub const SIGNING_KEY_ITEM: &str = "backup-signing-key";
/// The settings key holding this machine's signing public key.
pub const SIGNING_PUBLIC_SETTING: &str = "backup.signing_public_key";
/// The settings key holding the other machines' trusted signing keys.
pub const TRUSTED_KEYS_SETTING: &str = "backup.trusted_keys";

/// An S3-compatible target. Holds vault credential names, never keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TargetSpec {
    pub name: String,
    /// `https://s3.example.com`; `None` is AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
    pub bucket: String,
    #[serde(default)]
    pub prefix: String,
    #[serde(default)]
    pub path_style: bool,
    /// Vault credential holding the access key id.
    pub access_key_from: String,
    /// Vault credential holding the secret access key.
    pub secret_key_from: String,
    #[serde(default)]
    pub storage_class: Option<String>,
}

/// What a source backs up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum SourceWhat {
    /// A directory, as a tar stream (exclude globs relative to it).
    Dir {
        path: PathBuf,
        #[serde(default)]
        excludes: Vec<String>,
    },
    /// A command whose stdout is the dump (argv, no shell).
    Command { argv: Vec<String> },
}

/// An environment variable whose value is a vault credential (command sources only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct EnvSecret {
    pub var: String,
    /// The vault credential's name.
    pub from: String,
}

/// Retention, restic-style. All zero/`None` keeps everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct RetentionSpec {
    pub keep_last: u32,
    pub keep_daily: u32,
    pub keep_weekly: u32,
    pub keep_monthly: u32,
    /// Seconds before the newest backup that are all kept (the guide's 30 days = 2,592,000).
    pub keep_within_secs: Option<u64>,
}

impl RetentionSpec {
    pub(crate) fn policy(&self) -> rampart_backup::RetentionPolicy {
        rampart_backup::RetentionPolicy {
            keep_last: self.keep_last,
            keep_daily: self.keep_daily,
            keep_weekly: self.keep_weekly,
            keep_monthly: self.keep_monthly,
            keep_within: self.keep_within_secs.map(|s| time::Duration::seconds(s as i64)),
        }
    }
}

/// A configured source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SourceSpec {
    pub name: String,
    pub what: SourceWhat,
    #[serde(default)]
    pub env: Vec<EnvSecret>,
    pub target: String,
    /// age public keys (`age1...`) the backups are encrypted to.
    pub recipients: Vec<String>,
    /// Cron (5 fields, or 6 with seconds), evaluated in the local time passed in.
    #[serde(default)]
    pub schedule: Option<String>,
    #[serde(default)]
    pub retention: RetentionSpec,
}

/// A source with its latest results, for lists and the checklist.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "BackupSourceView"))]
pub struct SourceView {
    #[serde(flatten)]
    pub spec: SourceSpec,
    pub created_at: i64,
    pub last_run: Option<RunView>,
    pub last_drill: Option<DrillView>,
}

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "RunTrigger"))]
pub enum Trigger {
    Manual,
    Schedule,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Schedule => "schedule",
        }
    }
}

/// Maps an engine error onto the application's error; the message ends with whether retrying
/// can help.
pub fn backup_error(e: BackupError) -> CoreError {
    let retry = if e.is_retryable() {
        " (retrying may help)"
    } else {
        " (retrying will not help until this is fixed)"
    };
    let message = format!("{e}{retry}");
    match e {
        BackupError::Config(_) | BackupError::WrongKey { .. } => CoreError::InvalidInput(message),
        BackupError::NotFound { .. } => CoreError::NotFound(message),
        BackupError::ManifestExists { .. } | BackupError::Untrusted { .. } => {
            CoreError::Conflict(message)
        }
        // Unreachable storage and server errors: machine-readably retryable.
        other if other.is_retryable() => CoreError::Network { message, retryable: true },
        _ => CoreError::Io(message),
    }
}

/// Target and source names become S3 key segments: letters, digits, `.`, `_`, `-`.
pub(crate) fn validate_name(what: &str, name: &str) -> Result<()> {
    rampart_backup::manifest::validate_source_name(name).map_err(|_| {
        CoreError::InvalidInput(format!(
            "{name:?} is not a valid {what} name: use 1-64 letters, digits, '.', '_' or '-' (not starting with '.')"
        ))
    })
}

/// Unix seconds to a UTC time (out-of-range values clamp to the epoch).
pub(crate) fn utc(secs: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(secs).unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}
