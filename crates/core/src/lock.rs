//! The optional app passphrase and the idle lock.
//!
//! The passphrase is kept as an Argon2id PHC hash in the keychain item `app:passphrase`. The
//! lock state itself is in memory ([`AppLock`]): the desktop shell consults it before every
//! command, and a tick locks the app after the configured idle time. Failed unlocks are audited.

use crate::{AuditAction, CoreError, Rampart, Result, SecretString};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;

const PASSPHRASE_ITEM: &str = "app:passphrase";
/// The shortest passphrase accepted.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// What the UI needs to know about the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LockState {
    pub locked: bool,
    pub has_passphrase: bool,
    pub idle_minutes: u32,
}

/// In-memory lock state of one running app.
#[derive(Debug, Clone)]
pub struct AppLock {
    locked: bool,
    last_activity: i64,
}

impl AppLock {
    /// Starts locked when a passphrase is set.
    pub fn new(has_passphrase: bool, now: i64) -> Self {
        Self { locked: has_passphrase, last_activity: now }
    }

    pub fn is_locked(&self) -> bool {
        self.locked
    }

    /// Fails with [`CoreError::Locked`] while locked.
    pub fn ensure_unlocked(&self) -> Result<()> {
        if self.locked { Err(CoreError::Locked) } else { Ok(()) }
    }

    /// Records user activity.
    pub fn touch(&mut self, now: i64) {
        self.last_activity = now;
    }

    /// Locks when there has been no activity for `idle_minutes`; returns true if this call locked.
    pub fn tick(&mut self, now: i64, idle_minutes: u32, has_passphrase: bool) -> bool {
        if has_passphrase
            && !self.locked
            && now - self.last_activity >= i64::from(idle_minutes) * 60
        {
            self.locked = true;
            return true;
        }
        false
    }

    /// Locks now (only meaningful with a passphrase).
    pub fn lock(&mut self, has_passphrase: bool) {
        self.locked = has_passphrase;
    }

    fn unlock(&mut self, now: i64) {
        self.locked = false;
        self.last_activity = now;
    }
}

impl Rampart {
    /// True when an app passphrase is set.
    pub fn has_passphrase(&self) -> Result<bool> {
        Ok(self.keychain.contains(PASSPHRASE_ITEM)?)
    }

    /// The lock state to show.
    pub fn lock_state(&self, lock: &AppLock) -> Result<LockState> {
        Ok(LockState {
            locked: lock.is_locked(),
            has_passphrase: self.has_passphrase()?,
            idle_minutes: self.settings()?.idle_lock_minutes,
        })
    }

    /// Sets, changes (`current` required) or removes (`next` = None) the app passphrase.
    pub fn set_passphrase(
        &self,
        current: Option<&SecretString>,
        next: Option<&SecretString>,
    ) -> Result<()> {
        if self.has_passphrase()? {
            let current = current.ok_or_else(|| {
                CoreError::WrongPassword("enter the current passphrase to change it".into())
            })?;
            if !self.check_passphrase(current)? {
                self.audit(AuditAction::FailedUnlock, "app")?;
                return Err(CoreError::WrongPassword("the current passphrase is wrong".into()));
            }
        }
        match next {
            Some(next) => {
                if next.expose().chars().count() < MIN_PASSPHRASE_CHARS {
                    return Err(CoreError::InvalidInput(format!(
                        "the passphrase is too short: use at least {MIN_PASSPHRASE_CHARS} characters"
                    )));
                }
                let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
                let hash = Argon2::default()
                    .hash_password(next.expose().as_bytes(), &salt)
                    .map_err(|e| {
                        CoreError::Internal(format!("could not hash the passphrase: {e}"))
                    })?
                    .to_string();
                self.keychain.set(PASSPHRASE_ITEM, &SecretString::new(hash))?;
            }
            None => self.keychain.delete(PASSPHRASE_ITEM)?,
        }
        self.audit(AuditAction::SetPassphrase, "app")?;
        Ok(())
    }

    /// Unlocks `lock` when the passphrase matches; a wrong one is audited.
    pub fn unlock(&self, lock: &mut AppLock, passphrase: &SecretString) -> Result<()> {
        if !self.has_passphrase()? {
            lock.unlock(self.now());
            return Ok(());
        }
        if self.check_passphrase(passphrase)? {
            lock.unlock(self.now());
            self.audit(AuditAction::Unlock, "app")?;
            Ok(())
        } else {
            self.audit(AuditAction::FailedUnlock, "app")?;
            Err(CoreError::WrongPassword("wrong passphrase; try again".into()))
        }
    }

    fn check_passphrase(&self, candidate: &SecretString) -> Result<bool> {
        let stored = self.keychain.get(PASSPHRASE_ITEM)?;
        let parsed = PasswordHash::new(stored.expose()).map_err(|_| {
            CoreError::Internal(
                "the stored passphrase hash is unreadable; remove the keychain item app:passphrase to reset it".into(),
            )
        })?;
        Ok(Argon2::default().verify_password(candidate.expose().as_bytes(), &parsed).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_time_locks_only_with_a_passphrase() {
        let mut lock = AppLock::new(false, 0);
        assert!(!lock.tick(10_000, 15, false), "no passphrase, never locks");
        let mut lock2 = AppLock::new(true, 0);
        assert!(lock2.is_locked(), "starts locked with a passphrase");
        lock2.unlock(0);
        lock2.touch(100);
        assert!(!lock2.tick(100 + 14 * 60, 15, true));
        assert!(lock2.tick(100 + 15 * 60, 15, true));
        assert!(matches!(lock2.ensure_unlocked(), Err(CoreError::Locked)));
        lock.lock(false);
        assert!(lock.ensure_unlocked().is_ok());
    }
}
