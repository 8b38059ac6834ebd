//! The shell's shared state: the open [`Rampart`] (shared as it is: core owns its locking), the
//! in-memory app lock and the clipboard guard, behind one `Arc` so work can run off the async
//! runtime.

use rampart_core::lock::{AppLock, LockState};
use rampart_core::logging::WorkerGuard;
use rampart_core::{CoreError, Rampart, SecretString};
use std::sync::Mutex;

/// Locks a mutex; a panic in another command must not leave the app unusable, and the data
/// behind these locks stays consistent (SQLite transactions, keychain items).
fn lock_recovering<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Everything commands need.
pub struct Shared {
    app: Rampart,
    lock: Mutex<AppLock>,
    pub clipboard: std::sync::Arc<crate::clipboard::ClipboardGuard>,
    log_guard: Mutex<Option<WorkerGuard>>,
}

impl Shared {
    pub fn new(app: Rampart, log_guard: Option<WorkerGuard>) -> Self {
        // Fail closed: if the keychain cannot say whether a passphrase is set, start locked;
        // the unlock screen then shows the keychain's error and how to fix it.
        let has_passphrase = app.has_passphrase().unwrap_or(true);
        let lock = AppLock::new(has_passphrase, app.now());
        Self {
            app,
            lock: Mutex::new(lock),
            clipboard: Default::default(),
            log_guard: Mutex::new(log_guard),
        }
    }

    /// Writes out the buffered log lines (at exit: the process ends without dropping state).
    pub fn flush_logs(&self) {
        drop(lock_recovering(&self.log_guard).take());
    }

    /// The app, for core's async operations once [`Shared::enter`] let the call in.
    pub fn app(&self) -> &Rampart {
        &self.app
    }

    /// Lets a command in when unlocked (counting it as activity) and, for a powerful action
    /// (`confirm`: its subject and the passphrase given), once the passphrase was entered again.
    pub fn enter(&self, confirm: Option<(&str, Option<&SecretString>)>) -> Result<(), CoreError> {
        let mut lock = lock_recovering(&self.lock);
        lock.ensure_unlocked()?;
        lock.touch(self.app.now());
        match confirm {
            Some((subject, passphrase)) => {
                self.app.confirm_passphrase(&mut lock, passphrase, subject)
            }
            None => Ok(()),
        }
    }

    /// Runs `f` when unlocked, counting it as activity.
    pub fn unlocked<T>(
        &self,
        f: impl FnOnce(&Rampart) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        self.enter(None)?;
        f(&self.app)
    }

    /// Runs `f` when unlocked, once the app passphrase has been entered again for the action
    /// `subject` names (a powerful one; passes at once when no passphrase is set). Failures are
    /// audited and count toward the unlock back-off.
    pub fn confirmed<T>(
        &self,
        passphrase: Option<&SecretString>,
        subject: impl FnOnce(&Rampart) -> Result<String, CoreError>,
        f: impl FnOnce(&Rampart) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        let app = &self.app;
        {
            let mut lock = lock_recovering(&self.lock);
            lock.ensure_unlocked()?;
            lock.touch(app.now());
            let subject = subject(app)?;
            app.confirm_passphrase(&mut lock, passphrase, &subject)?;
        }
        f(app)
    }

    /// Lets a view in when unlocked, without counting it as activity (polling).
    pub fn enter_viewing(&self) -> Result<(), CoreError> {
        lock_recovering(&self.lock).ensure_unlocked()
    }

    /// At start, when unlocked: reads every seed into memory on a thread of its own while the
    /// window is built, so the first code list is served from memory. Locking meanwhile
    /// drops what it read (core's secrets generation).
    pub fn prefetch_seeds(self: &std::sync::Arc<Self>) {
        let generation = {
            let lock = lock_recovering(&self.lock);
            if lock.is_locked() {
                return;
            }
            self.app.secrets_generation()
        };
        let shared = self.clone();
        let spawned = std::thread::Builder::new().name("seed-prefetch".into()).spawn(move || {
            shared.app.otp_prefetch_seeds(generation);
            crate::startup::mark("seeds read");
        });
        if let Err(e) = spawned {
            tracing::warn!("no seed prefetch thread ({e}); the first code list reads them");
        }
    }

    /// Runs `f` when unlocked without counting it as activity (polling).
    pub fn read_only<T>(
        &self,
        f: impl FnOnce(&Rampart) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        self.enter_viewing()?;
        f(&self.app)
    }

    /// Runs `f` whatever the lock state, for the feeds monitor: it stores check results and
    /// reads feed tokens for its own requests, and never hands a secret to the UI.
    pub fn background<T>(
        &self,
        f: impl FnOnce(&Rampart) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        f(&self.app)
    }

    /// Runs `f` with the app and the lock, whatever the lock state (lock commands).
    pub fn with_lock<T>(
        &self,
        f: impl FnOnce(&Rampart, &mut AppLock) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        let app = &self.app;
        let mut lock = lock_recovering(&self.lock);
        f(app, &mut lock)
    }

    /// Locks after the idle time; returns the new state when this tick locked.
    pub fn idle_tick(&self) -> Option<LockState> {
        let app = &self.app;
        let mut lock = lock_recovering(&self.lock);
        let idle = app.settings().map(|s| s.idle_lock_minutes).unwrap_or(1);
        // Fail closed here too: a keychain error counts as "a passphrase is set".
        let has_passphrase = app.has_passphrase().unwrap_or(true);
        if lock.tick(app.now(), idle, has_passphrase) {
            if let Err(e) = app.locked_by(&format!("idle for {idle} min")) {
                tracing::warn!("locked after {idle} idle minutes, but could not audit it: {e}");
            }
            tracing::info!("locked after {idle} idle minutes");
            return app.lock_state(&lock).ok();
        }
        None
    }

    /// Locks now because the session said so (`reason`: screen locked, suspending); returns
    /// the new state when this locked the app.
    pub fn session_lock(&self, reason: &str) -> Option<LockState> {
        let app = &self.app;
        let mut lock = lock_recovering(&self.lock);
        match app.auto_lock(&mut lock, reason) {
            Ok(true) => {
                tracing::info!("locked: {reason}");
                app.lock_state(&lock).ok()
            }
            Ok(false) => None,
            Err(e) => {
                // Locked all the same; only the audit entry failed.
                tracing::warn!("locked ({reason}), but could not audit it: {e}");
                app.lock_state(&lock).ok()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Shared;
    use rampart_core::{Config, Keychain, Rampart};
    use std::time::{Duration, Instant};

    /// A command stuck in a slow call (a keychain prompt, a long import) holds up no other
    /// command, nor the idle-lock tick: the app is shared, not held behind one lock.
    #[test]
    fn a_slow_call_holds_up_no_other_command() {
        let dir = tempfile::tempdir().unwrap();
        let service = format!("rampart-state-test-{}", std::process::id());
        let config = Config { data_dir: dir.path().to_owned(), keychain: Keychain::new(service) };
        let shared = Shared::new(Rampart::open(config).unwrap(), None);
        let (entered, inside) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            let slow = scope.spawn(|| {
                shared.unlocked(|app| {
                    entered.send(()).unwrap();
                    std::thread::sleep(Duration::from_millis(1500));
                    app.otp_codes(None)
                })
            });
            inside.recv().unwrap();
            let started = Instant::now();
            assert!(shared.read_only(|app| app.otp_codes(None)).unwrap().is_empty());
            assert!(shared.unlocked(|app| app.settings()).is_ok());
            assert_eq!(shared.idle_tick(), None, "not idle yet");
            let waited = started.elapsed();
            assert!(waited < Duration::from_millis(1000), "waited {waited:?} for the slow call");
            assert!(slow.join().unwrap().is_ok());
        });
    }
}
