//! Rampart's application services: what the CLI and the desktop app both call.
//!
//! [`Rampart`] owns the store (SQLite metadata + audit log), the keychain namespace and the
//! one HTTP client every network call shares, and exposes the vault ([`vault`]), the
//! authenticator ([`authenticator`], [`enroll`]), the app lock ([`lock`]: idle and session
//! locks, back-off, passphrase confirmation), settings ([`settings`]), service health and
//! alert feeds ([`feeds`]), security KPIs ([`kpi`]), encrypted backups with signed manifests
//! ([`backups`]), the responder's tools ([`tools`]), the security checklist's targets,
//! attestations and runs ([`checks`]), incidents and escalation ([`incidents`]) and the audit
//! log ([`audit`]: keyed and anchored in the keychain). Each long operation is one async
//! function, called as it is by the CLI and by every desktop command.
//! Every operation that touches a secret is audited. Views returned here ([`views`]) are safe
//! to print or send over IPC: they never carry a seed or a credential value, except the
//! explicit reveal results.

pub mod audit;
pub mod authenticator;
pub mod backups;
pub mod checks;
pub mod clock;
pub mod enroll;
mod error;
pub mod feeds;
pub mod files;
pub mod incidents;
pub mod kpi;
pub mod lock;
pub mod logging;
pub mod settings;
pub mod tools;
pub mod vault;
pub mod views;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{CoreError, ErrorKind};
pub use rampart_otp as otp;
pub use rampart_sensitive::{SecretString, Sensitive};
pub use rampart_store::audit::{AuditAction, AuditEntry};
pub use rampart_store::audit_verify::ChainReport;
pub use rampart_vault::{CredentialKind, Keychain};

use rampart_store::Store;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, OnceLock};

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

/// Where Rampart keeps its state.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub keychain: Keychain,
}

impl Config {
    /// Resolves the data dir (`--data-dir`, `RAMPART_DATA_DIR`, platform default) and the
    /// keychain service (`RAMPART_KEYRING_SERVICE`, default `rampart`).
    pub fn from_env(data_dir_flag: Option<&Path>) -> Result<Self> {
        Ok(Self {
            data_dir: rampart_store::paths::resolve_data_dir(data_dir_flag)?,
            keychain: Keychain::from_env(),
        })
    }
}

/// The open application. `Send + Sync` with short internal locks (the store's connection, the
/// seed and draft caches), so one instance is shared as it is: the CLI and the desktop call the
/// same async operations, and a slow call holds up only its own caller.
pub struct Rampart {
    store: Store,
    keychain: Keychain,
    clock: Arc<dyn Clock>,
    data_dir: PathBuf,
    seed_cache: Mutex<HashMap<String, Sensitive<Vec<u8>>>>,
    /// Held while seeds are read into the cache in bulk.
    seed_warming: Mutex<()>,
    /// Moves on each time the seeds in memory are forgotten (lock).
    secrets_generation: AtomicU64,
    drafts: Mutex<HashMap<String, enroll::Draft>>,
    http: OnceLock<rampart_feeds::reqwest::Client>,
}

impl Rampart {
    /// Opens the data dir with the system clock.
    pub fn open(config: Config) -> Result<Self> {
        Self::open_with_clock(config, Arc::new(SystemClock))
    }

    /// Opens the data dir with an injected clock (tests).
    pub fn open_with_clock(config: Config, clock: Arc<dyn Clock>) -> Result<Self> {
        let mut store = Store::open(&config.data_dir)?;
        store.set_audit_seal(Arc::new(audit::KeychainSeal::new(config.keychain.clone())));
        Ok(Self {
            store,
            keychain: config.keychain,
            clock,
            data_dir: config.data_dir,
            seed_cache: Mutex::default(),
            seed_warming: Mutex::default(),
            secrets_generation: AtomicU64::new(0),
            drafts: Mutex::default(),
            http: OnceLock::new(),
        })
    }

    /// The data dir in use.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The keychain namespace in use.
    pub fn keychain(&self) -> &Keychain {
        &self.keychain
    }

    /// Now, in unix seconds, from the injected clock.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Now, in unix milliseconds, from the injected clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The one HTTP client every feed, KPI query and notification shares (its connection pool
    /// and TLS roots), built on first use so start-up does not pay for it. Each request sets
    /// its own total timeout and body cap (`rampart_feeds::bounded`).
    pub(crate) fn http(&self) -> Result<rampart_feeds::reqwest::Client> {
        if let Some(client) = self.http.get() {
            return Ok(client.clone());
        }
        let built = rampart_feeds::http_client(&rampart_feeds::ClientOptions::default())
            .map_err(feeds::feed_error)?;
        Ok(self.http.get_or_init(|| built).clone())
    }
}

/// Compile-time proof of the sharing contract above: the app is `Send + Sync`, and its long
/// operations' futures are `Send`, so a desktop command may await them on any runtime thread.
#[allow(dead_code)]
fn shared_as_it_is(app: &Rampart) {
    fn shared<T: Send + Sync>(_: &T) {}
    fn sendable<F: std::future::Future + Send>(_: F) {}
    shared(app);
    let to = backups::RestoreTo::Dir(PathBuf::new());
    sendable(app.backup_run("", backups::Trigger::Manual, None));
    sendable(app.backup_restore("", &backups::Selector::Latest, &to, None, None));
    sendable(app.backup_verify("", false, None));
    sendable(app.backup_prune(false));
    sendable(app.backup_drill(""));
    sendable(app.backup_list(None));
    sendable(app.silence("", std::time::Duration::ZERO, "", ""));
    sendable(app.expire_silence("", ""));
    sendable(app.silences());
    sendable(app.incident_escalate(0));
    sendable(app.incident_escalate_due());
    sendable(app.kpi_report(kpi::KpiRange::Day, None));
    sendable(app.kpi_security_report(kpi::KpiRange::Day, None));
    sendable(app.kpi_query("", None));
}
