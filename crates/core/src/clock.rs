//! Time, injected: the system clock in the app, a fixed or stepped clock in tests.

use std::sync::atomic::{AtomicI64, Ordering};

/// A source of "now" in unix seconds (and milliseconds, for records that sit beside health
/// results, which carry real milliseconds).
pub trait Clock: Send + Sync {
    fn now(&self) -> i64;
    /// Now in unix milliseconds; clocks without sub-second time give whole seconds.
    fn now_ms(&self) -> i64 {
        self.now() * 1000
    }
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

/// A clock that says what it is told (kept in milliseconds, set and stepped in seconds or
/// milliseconds).
#[derive(Debug, Default)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    pub fn new(now: i64) -> Self {
        Self(AtomicI64::new(now * 1000))
    }
    pub fn set(&self, now: i64) {
        self.0.store(now * 1000, Ordering::SeqCst);
    }
    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds * 1000, Ordering::SeqCst);
    }
    pub fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst).div_euclid(1000)
    }
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// `unix` seconds as local wall-clock time for people ("2026-12-10 09:12:00 +01:00"); stored and
/// exported times stay UTC.
pub fn local_time(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S %:z").to_string())
        .unwrap_or_else(|| "out of range".into())
}
