//! Progress reports for long work: bytes read from the source (or restored), bytes moved to or
//! from S3, rate and ETA when the total is known. The engine calls a caller-supplied callback at
//! most every 200 ms plus once per part and once at the end; the desktop shell forwards it to an
//! `ipc::Channel`, the CLI draws a bar.

use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the engine is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "BackupPhase"))]
pub enum Phase {
    Scanning,
    Uploading,
    Committing,
    Downloading,
    Done,
}

/// One progress report. It serializes with plain numbers (`elapsedMs`, `etaSeconds`), as the
/// desktop sends it to the window.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "ProgressView"))]
pub struct Progress {
    pub phase: Phase,
    /// Plaintext bytes read from the source (backup) or produced by decryption (restore).
    pub bytes_read: u64,
    /// Ciphertext bytes acknowledged by S3 (backup) or downloaded (restore).
    pub bytes_transferred: u64,
    /// Expected plaintext bytes, when known (directory scan, manifest).
    pub total: Option<u64>,
    #[serde(rename = "elapsedMs", serialize_with = "whole_millis")]
    #[cfg_attr(feature = "ts", ts(rename = "elapsedMs", type = "number"))]
    pub elapsed: Duration,
    /// Plaintext bytes per second so far.
    pub rate: f64,
    #[serde(rename = "etaSeconds", serialize_with = "whole_seconds")]
    #[cfg_attr(feature = "ts", ts(rename = "etaSeconds", type = "number | null"))]
    pub eta: Option<Duration>,
}

fn whole_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn whole_seconds<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_some(&d.as_secs()),
        None => s.serialize_none(),
    }
}

/// The callback type.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Shared counters behind the reports.
pub(crate) struct Tracker {
    read: AtomicU64,
    transferred: AtomicU64,
    total: Mutex<Option<u64>>,
    start: Instant,
    last: Mutex<Instant>,
    callback: Option<ProgressFn>,
}

impl Tracker {
    pub fn new(callback: Option<ProgressFn>) -> Arc<Self> {
        let now = Instant::now();
        Arc::new(Self {
            read: AtomicU64::new(0),
            transferred: AtomicU64::new(0),
            total: Mutex::new(None),
            start: now,
            last: Mutex::new(now),
            callback,
        })
    }

    pub fn set_total(&self, total: Option<u64>) {
        *self.total.lock().expect("progress lock") = total;
    }

    pub fn add_read(&self, n: u64) {
        self.read.fetch_add(n, Ordering::Relaxed);
        self.maybe_emit(Phase::Uploading, false);
    }

    pub fn add_transferred(&self, n: u64, phase: Phase) {
        self.transferred.fetch_add(n, Ordering::Relaxed);
        self.maybe_emit(phase, phase == Phase::Uploading);
    }

    pub fn snapshot(&self, phase: Phase) -> Progress {
        let elapsed = self.start.elapsed();
        let read = self.read.load(Ordering::Relaxed);
        let total = *self.total.lock().expect("progress lock");
        let secs = elapsed.as_secs_f64();
        let rate = if secs > 0.0 { read as f64 / secs } else { 0.0 };
        let eta = match total {
            Some(t) if rate > 0.0 && t >= read => {
                Some(Duration::from_secs_f64((t - read) as f64 / rate))
            }
            _ => None,
        };
        Progress {
            phase,
            bytes_read: read,
            bytes_transferred: self.transferred.load(Ordering::Relaxed),
            total,
            elapsed,
            rate,
            eta,
        }
    }

    pub fn emit(&self, phase: Phase) {
        if let Some(cb) = &self.callback {
            *self.last.lock().expect("progress lock") = Instant::now();
            cb(&self.snapshot(phase));
        }
    }

    fn maybe_emit(&self, phase: Phase, force: bool) {
        let Some(cb) = &self.callback else { return };
        {
            let mut last = self.last.lock().expect("progress lock");
            if !force && last.elapsed() < Duration::from_millis(200) {
                return;
            }
            *last = Instant::now();
        }
        cb(&self.snapshot(phase));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_serializes_as_plain_numbers() {
        let p = Progress {
            phase: Phase::Uploading,
            bytes_read: 10,
            bytes_transferred: 4,
            total: Some(20),
            elapsed: Duration::from_micros(1_500_900),
            rate: 6.5,
            eta: Some(Duration::from_millis(2_700)),
        };
        let json = serde_json::to_value(&p).unwrap();
        let want = serde_json::json!({"phase": "uploading", "bytesRead": 10, "bytesTransferred": 4,
            "total": 20, "elapsedMs": 1500, "rate": 6.5, "etaSeconds": 2});
        assert_eq!(json, want);
        let unknown = Progress { eta: None, total: None, ..p };
        let json = serde_json::to_value(&unknown).unwrap();
        assert!(json["etaSeconds"].is_null() && json["total"].is_null(), "{json}");
    }

    #[test]
    fn eta_needs_a_total() {
        let t = Tracker::new(None);
        t.add_read(100);
        std::thread::sleep(Duration::from_millis(5));
        assert!(t.snapshot(Phase::Uploading).eta.is_none());
        t.set_total(Some(200));
        let p = t.snapshot(Phase::Uploading);
        assert!(p.rate > 0.0 && p.eta.is_some(), "{p:?}");
    }
}
