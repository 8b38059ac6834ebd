//! The optional app passphrase and the idle lock.
//!
//! The passphrase is kept as an Argon2id PHC hash in the keychain item `app:passphrase`. The
//! lock state itself is in memory ([`AppLock`]): the desktop shell consults it before every
//! command, and a tick locks the app after the configured idle time. Failed unlocks are audited,
//! and after [`FREE_ATTEMPTS`] wrong passphrases in a row each further attempt waits longer
//! ([`backoff_secs`]) before the passphrase is even checked.

use crate::{AuditAction, CoreError, Rampart, Result, SecretString};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;

const PASSPHRASE_ITEM: &str = "app:passphrase";
/// The shortest passphrase accepted.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// What the UI needs to know about the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LockState {
    pub locked: bool,
    pub has_passphrase: bool,
    pub idle_minutes: u32,
}

/// Wrong passphrases accepted in a row before attempts are spaced out.
pub const FREE_ATTEMPTS: u32 = 3;
/// The longest wait between attempts.
pub const MAX_BACKOFF_SECS: i64 = 300;

/// How long to wait after `failures` wrong passphrases in a row: nothing for the first
/// [`FREE_ATTEMPTS`], then 5 s doubling up to [`MAX_BACKOFF_SECS`].
pub fn backoff_secs(failures: u32) -> i64 {
    match failures.checked_sub(FREE_ATTEMPTS) {
        None | Some(0) => 0,
        Some(extra) => (5i64 << (extra - 1).min(10)).min(MAX_BACKOFF_SECS),
    }
}

/// In-memory lock state of one running app.
#[derive(Debug, Clone)]
pub struct AppLock {
    locked: bool,
    last_activity: i64,
    failed_attempts: u32,
    retry_at: i64,
}

impl AppLock {
    /// Starts locked when a passphrase is set.
    pub fn new(has_passphrase: bool, now: i64) -> Self {
        Self { locked: has_passphrase, last_activity: now, failed_attempts: 0, retry_at: i64::MIN }
    }

    /// Fails while a back-off after wrong passphrases is running, saying how long to wait.
    fn ensure_may_try(&self, now: i64) -> Result<()> {
        if now < self.retry_at {
            let wait = self.retry_at - now;
            return Err(CoreError::WrongPassword(format!(
                "{} wrong passphrases in a row: wait {wait} s before trying again",
                self.failed_attempts
            )));
        }
        Ok(())
    }

    fn record_attempt(&mut self, now: i64, matched: bool) {
        if matched {
            self.failed_attempts = 0;
            self.retry_at = i64::MIN;
        } else {
            self.failed_attempts = self.failed_attempts.saturating_add(1);
            self.retry_at = now + backoff_secs(self.failed_attempts);
        }
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

    /// Sets, changes (`current` required) or removes (`next` = None) the app passphrase. The
    /// CLI's path: there is no running lock to space out attempts.
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
        self.store_passphrase(next)
    }

    /// [`Self::set_passphrase`] for a running app: a wrong current passphrase counts toward
    /// the unlock back-off, so an unlocked window cannot be used to guess it quickly.
    pub fn change_passphrase(
        &self,
        lock: &mut AppLock,
        current: Option<&SecretString>,
        next: Option<&SecretString>,
    ) -> Result<()> {
        lock.ensure_unlocked()?;
        if self.has_passphrase()? {
            let current = current.ok_or_else(|| {
                CoreError::WrongPassword("enter the current passphrase to change it".into())
            })?;
            self.attempt(lock, current, "app")?;
        }
        self.store_passphrase(next)
    }

    fn store_passphrase(&self, next: Option<&SecretString>) -> Result<()> {
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
    /// Locks because the session said so (screen locked, suspending) and drops the secrets held
    /// in memory; audited with `reason`. False when already locked or no passphrase is set
    /// (nothing to lock with). A keychain that cannot say counts as "a passphrase is set".
    pub fn auto_lock(&self, lock: &mut AppLock, reason: &str) -> Result<bool> {
        if lock.is_locked() || !self.has_passphrase().unwrap_or(true) {
            return Ok(false);
        }
        lock.lock(true);
        self.locked_by(reason)?;
        Ok(true)
    }

    /// After the app locked itself (idle time, screen lock, suspend): forget the secrets held
    /// in memory and audit why.
    pub fn locked_by(&self, reason: &str) -> Result<()> {
        self.forget_secrets_in_memory();
        self.audit(AuditAction::AutoLock, reason)
    }

    /// Attempts are spaced out after repeated wrong passphrases (see [`backoff_secs`]).
    pub fn unlock(&self, lock: &mut AppLock, passphrase: &SecretString) -> Result<()> {
        if !self.has_passphrase()? {
            lock.unlock(self.now());
            return Ok(());
        }
        self.attempt(lock, passphrase, "app")?;
        lock.unlock(self.now());
        self.audit(AuditAction::Unlock, "app")?;
        Ok(())
    }

    /// Asks for the passphrase again before a powerful action (restoring over data, sending a
    /// vault token to a new server, exporting a key, revealing a secret): passes when no
    /// passphrase is set or `passphrase` matches. A wrong or missing one is audited with
    /// `subject` (what was about to happen) and counts toward the unlock back-off.
    pub fn confirm_passphrase(
        &self,
        lock: &mut AppLock,
        passphrase: Option<&SecretString>,
        subject: &str,
    ) -> Result<()> {
        if !self.has_passphrase()? {
            return Ok(());
        }
        let Some(passphrase) = passphrase else {
            return Err(CoreError::PassphraseRequired(subject.to_owned()));
        };
        self.attempt(lock, passphrase, subject)?;
        self.audit(AuditAction::ConfirmPassphrase, subject)?;
        Ok(())
    }

    /// Checks `passphrase` under the back-off; a wrong one is audited as a failed unlock of
    /// `subject`.
    fn attempt(&self, lock: &mut AppLock, passphrase: &SecretString, subject: &str) -> Result<()> {
        let now = self.now();
        lock.ensure_may_try(now)?;
        let matched = self.check_passphrase(passphrase)?;
        lock.record_attempt(now, matched);
        if matched {
            return Ok(());
        }
        self.audit(AuditAction::FailedUnlock, subject)?;
        let wait = backoff_secs(lock.failed_attempts);
        Err(CoreError::WrongPassword(if wait > 0 {
            format!("wrong passphrase; wait {wait} s before trying again")
        } else {
            "wrong passphrase; try again".into()
        }))
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

    #[test]
    fn backoff_starts_after_the_free_attempts_doubles_and_is_capped() {
        let waits: Vec<i64> = (0..=14).map(backoff_secs).collect();
        assert_eq!(&waits[..8], &[0, 0, 0, 0, 5, 10, 20, 40]);
        assert_eq!(waits[9], 160);
        assert_eq!(waits[10], MAX_BACKOFF_SECS);
        assert_eq!(backoff_secs(u32::MAX), MAX_BACKOFF_SECS, "no overflow");
    }

    #[test]
    fn a_running_backoff_refuses_before_checking_and_a_match_resets_it() {
        let mut lock = AppLock::new(true, 0);
        for _ in 0..4 {
            lock.ensure_may_try(100).unwrap();
            lock.record_attempt(100, false);
        }
        let err = lock.ensure_may_try(104).unwrap_err().to_string();
        assert!(err.contains("4 wrong passphrases") && err.contains("wait 1 s"), "{err}");
        lock.ensure_may_try(105).unwrap();
        lock.record_attempt(105, true);
        lock.ensure_may_try(105).unwrap();
        assert_eq!(lock.failed_attempts, 0);
    }
}
