//! Rampart's local state.
//!
//! One SQLite database in the data dir holds metadata only (names, kinds, dates, ids); secret
//! values live in the OS keychain and never reach this crate. Modules:
//! - [`paths`]: where the data dir is (flag, env, platform default);
//! - [`migrations`]: the versioned schema;
//! - [`credentials`], [`otp_accounts`], [`settings`]: the tables the app reads and writes;
//! - [`feeds`]: monitored services, their check history and the alert/error sources;
//! - [`backups`]: backup targets, sources, run history and restore drills;
//! - [`checks`]: the checklist's named targets and attestations;
//! - [`incidents`]: incidents, their links and events; [`alert_history`]: the alert
//!   transitions the feeds have seen, which incident timelines read;
//! - [`audit`]: the append-only, hash-chained audit log, keyed and anchored through an
//!   [`audit_seal::AuditSeal`] ([`audit_verify`] checks it).

pub mod alert_history;
pub mod audit;
pub mod audit_seal;
#[cfg(test)]
mod audit_tests;
pub mod audit_verify;
pub mod backups;
pub mod check_runs;
pub mod checks;
pub mod credentials;
pub mod feeds;
pub mod incidents;
mod migrations;
pub mod otp_accounts;
pub mod paths;
pub mod settings;

use parking_lot::{ReentrantMutex, ReentrantMutexGuard};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use rusqlite;

/// Errors of the local store. Messages say what failed and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error(
        "could not open the Rampart database at {path}: {source}. Check that the data dir is writable, or pass --data-dir"
    )]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error(
        "the database at {path} has schema version {found}, newer than this Rampart ({supported}); upgrade Rampart"
    )]
    TooNew { path: PathBuf, found: i64, supported: i64 },
    #[error("could not create the data dir {path}: {source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error(
        "no home directory found to place the data dir in; set RAMPART_DATA_DIR or pass --data-dir"
    )]
    NoHome,
    #[error("the name {0:?} is already in use; pick another name or remove the existing one first")]
    NameInUse(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// The audit key or anchor could not be read or written (the message says what to do).
    #[error("{0}")]
    AuditSeal(audit_seal::SealError),
    #[error(
        "the audit log's key is gone from the keychain, but the log already holds entries keyed \
         with it, so nothing more can be audited: restore the keychain (or its `audit:key` item) \
         from a backup, or move the data dir aside to start a new log"
    )]
    AuditKeyLost,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The open database. `Sync`: one connection behind a reentrant lock held for one method (or one
/// [`Store::transaction`]), so threads take turns per call, never mid-transaction.
pub struct Store {
    conn: ReentrantMutex<rusqlite::Connection>,
    path: PathBuf,
    /// Keys and anchors the audit log; appends and checks refuse to run without one.
    seal: Option<Arc<dyn audit_seal::AuditSeal>>,
    /// The newest entry appended inside the open transaction, anchored once it commits.
    pending_anchor: Mutex<Option<audit_seal::Anchor>>,
    /// The authenticator account list as last read (the code list asks for it every period).
    otp_list: otp_accounts::ListCache,
}

impl Store {
    /// File name of the database inside the data dir.
    pub const FILE_NAME: &'static str = "rampart.db";

    /// Opens (creating if needed) the database in `data_dir` and applies pending migrations.
    pub fn open(data_dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| StoreError::CreateDir { path: data_dir.to_owned(), source })?;
        restrict_dir_permissions(data_dir);
        let path = data_dir.join(Self::FILE_NAME);
        let mut conn = rusqlite::Connection::open(&path)
            .map_err(|source| StoreError::Open { path: path.clone(), source })?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations::apply(&mut conn, &path)?;
        Ok(Self {
            conn: ReentrantMutex::new(conn),
            path,
            seal: None,
            pending_anchor: Mutex::default(),
            otp_list: Default::default(),
        })
    }

    /// Installs what keys and anchors the audit log (core: the keychain).
    pub fn set_audit_seal(&mut self, seal: Arc<dyn audit_seal::AuditSeal>) {
        self.seal = Some(seal);
    }

    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying connection, for modules of this crate: held by this thread until the
    /// guard drops (the same thread may take it again, as a transaction's steps do).
    pub(crate) fn conn(&self) -> ReentrantMutexGuard<'_, rusqlite::Connection> {
        self.conn.lock()
    }

    /// Runs `f` inside one transaction: all of it lands or none of it does, and no other
    /// thread's statement runs in between. Not reentrant.
    pub fn transaction<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        let conn = self.conn();
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let result = f(self).and_then(|value| {
            conn.execute_batch("COMMIT")?;
            Ok(value)
        });
        let pending = self.pending_anchor.lock().unwrap_or_else(|e| e.into_inner()).take();
        match result {
            Ok(value) => {
                if let Some(anchor) = pending {
                    self.write_anchor(&anchor);
                }
                Ok(value)
            }
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

#[cfg(unix)]
fn restrict_dir_permissions(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
}

#[cfg(not(unix))]
fn restrict_dir_permissions(_dir: &Path) {}

/// Maps a UNIQUE constraint failure to [`StoreError::NameInUse`].
pub(crate) fn name_in_use(err: rusqlite::Error, name: &str) -> StoreError {
    match &err {
        rusqlite::Error::SqliteFailure(e, _)
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            StoreError::NameInUse(name.to_owned())
        }
        _ => StoreError::Sql(err),
    }
}
