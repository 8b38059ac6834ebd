//! The shell's shared state: the open [`Rampart`], the in-memory app lock and the clipboard
//! guard, behind one `Arc` so blocking work can run off the async runtime.

use rampart_core::lock::{AppLock, LockState};
use rampart_core::logging::WorkerGuard;
use rampart_core::{CoreError, Rampart};
use std::sync::Mutex;

/// Everything commands need.
pub struct Shared {
    app: Mutex<Rampart>,
    lock: Mutex<AppLock>,
    pub clipboard: std::sync::Arc<crate::clipboard::ClipboardGuard>,
    _log_guard: Option<WorkerGuard>,
}

impl Shared {
    pub fn new(app: Rampart, log_guard: Option<WorkerGuard>) -> Self {
        let has_passphrase = app.has_passphrase().unwrap_or(false);
        let lock = AppLock::new(has_passphrase, app.now());
        Self {
            app: Mutex::new(app),
            lock: Mutex::new(lock),
            clipboard: Default::default(),
            _log_guard: log_guard,
        }
    }

    /// Runs `f` when unlocked, counting it as activity.
    pub fn unlocked<T>(
        &self,
        f: impl FnOnce(&Rampart) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        let app = self.app.lock().expect("app state");
        {
            let mut lock = self.lock.lock().expect("lock state");
            lock.ensure_unlocked()?;
            lock.touch(app.now());
        }
        f(&app)
    }

    /// Runs `f` when unlocked without counting it as activity (polling).
    pub fn read_only<T>(
        &self,
        f: impl FnOnce(&Rampart) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        let app = self.app.lock().expect("app state");
        self.lock.lock().expect("lock state").ensure_unlocked()?;
        f(&app)
    }

    /// Runs `f` with the app and the lock, whatever the lock state (lock commands).
    pub fn with_lock<T>(
        &self,
        f: impl FnOnce(&Rampart, &mut AppLock) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        let app = self.app.lock().expect("app state");
        let mut lock = self.lock.lock().expect("lock state");
        f(&app, &mut lock)
    }

    /// Locks after the idle time; returns the new state when this tick locked.
    pub fn idle_tick(&self) -> Option<LockState> {
        let app = self.app.lock().expect("app state");
        let mut lock = self.lock.lock().expect("lock state");
        let idle = app.settings().ok()?.idle_lock_minutes;
        let has_passphrase = app.has_passphrase().ok()?;
        if lock.tick(app.now(), idle, has_passphrase) {
            app.forget_cached_seeds();
            tracing::info!("locked after {idle} idle minutes");
            return app.lock_state(&lock).ok();
        }
        None
    }
}
