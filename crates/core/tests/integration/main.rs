//! rampart-core against a real Secret Service. Run under tests/support/with-keyring.sh (make
//! test does): each test gets a temp data dir and its own keychain namespace.

mod audit_chain;
mod authenticator;
mod backups;
mod check_history;
mod checks;
mod credential_transport;
mod kpi;
mod lock_and_audit;
mod signed_backups;
mod tools;
mod vault;

use rampart_core::{Config, FixedClock, Keychain, Rampart};
use std::sync::Arc;

/// A Rampart over a temp data dir, a unique keychain service and a clock set to `now`.
pub struct TestApp {
    pub app: Rampart,
    pub clock: Arc<FixedClock>,
    pub dir: tempfile::TempDir,
}

impl TestApp {
    pub fn new(now: i64) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let service = format!("rampart-core-test-{}", uuid_like());
        let clock = Arc::new(FixedClock::new(now));
        let config = Config { data_dir: dir.path().to_owned(), keychain: Keychain::new(service) };
        let app = Rampart::open_with_clock(config, clock.clone()).unwrap();
        Self { app, clock, dir }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Leave nothing in the test keyring: remove every item this test stored.
        for c in self.app.vault_list().unwrap_or_default() {
            let _ = self.app.vault_delete(&c.id);
        }
        for a in self.app.otp_list().unwrap_or_default() {
            let _ = self.app.otp_remove(&a.id);
        }
        let _ = self.app.set_passphrase(None, None);
        for item in [
            rampart_core::audit::KEY_ITEM,
            rampart_core::audit::ANCHOR_ITEM,
            rampart_core::backups::IDENTITY_ITEM,
            rampart_core::backups::SIGNING_KEY_ITEM,
        ] {
            let _ = self.app.keychain().delete(item);
        }
    }
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!("{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst))
}
