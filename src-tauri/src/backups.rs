//! Hosts the backup scheduler (rampart-core's [`BackupScheduler`]) in the desktop app and turns
//! its events, and those of runs started from the UI, into `backup://event` Tauri events and
//! desktop notifications: a failed backup and runs missed while the app was closed notify.
//! Scheduled backups run while the app is locked: they read the configuration and the vault
//! for their own use and never hand a secret to the UI.

use crate::state::Shared;
use rampart_core::backups::{AppAccess, BackupScheduler, Phase, Progress, RunView, SchedulerEvent};
use rampart_core::{CoreError, Rampart};
use serde::Serialize;
use std::sync::Arc;
use tauri::{AppHandle, Emitter, Runtime};

/// The event every backup change is announced on (the UI contract's `Events`).
pub const EVENT: &str = "backup://event";

/// Progress as the UI reads it (durations in plain numbers).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ProgressView {
    pub phase: Phase,
    pub bytes_read: u64,
    pub bytes_transferred: u64,
    pub total: Option<u64>,
    pub elapsed_ms: u64,
    /// Plaintext bytes per second so far.
    pub rate: f64,
    pub eta_seconds: Option<u64>,
}

impl From<&Progress> for ProgressView {
    fn from(p: &Progress) -> Self {
        Self {
            phase: p.phase,
            bytes_read: p.bytes_read,
            bytes_transferred: p.bytes_transferred,
            total: p.total,
            elapsed_ms: p.elapsed.as_millis() as u64,
            rate: p.rate,
            eta_seconds: p.eta.map(|d| d.as_secs()),
        }
    }
}

/// The payload of `backup://event`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", tag = "event")]
pub enum BackupEvent {
    /// Scheduled runs that were due while the app was closed (unix seconds).
    Missed {
        source: String,
        missed: Vec<i64>,
    },
    Started {
        source: String,
    },
    Progress {
        source: String,
        progress: ProgressView,
    },
    Finished {
        run: RunView,
    },
    Error {
        source: Option<String>,
        message: String,
    },
    /// Configuration or history changed (a source added, a drill recorded...): re-read.
    Changed,
}

impl From<SchedulerEvent> for BackupEvent {
    fn from(e: SchedulerEvent) -> Self {
        match e {
            SchedulerEvent::Missed { source, missed } => Self::Missed { source, missed },
            SchedulerEvent::Started { source } => Self::Started { source },
            SchedulerEvent::Progress { source, progress } => {
                Self::Progress { source, progress: (&progress).into() }
            }
            SchedulerEvent::Finished { run } => Self::Finished { run },
            SchedulerEvent::Error { source, message } => Self::Error { source, message },
        }
    }
}

/// What a finished or missed run says in a desktop notification, if anything.
pub fn notification(event: &BackupEvent) -> Option<(String, String)> {
    match event {
        BackupEvent::Finished { run } if !run.ok => Some((
            format!("Backup of {} failed", run.source),
            run.error.clone().unwrap_or_else(|| "the run failed; see the Backups page".into()),
        )),
        BackupEvent::Missed { source, missed } => Some((
            format!("Backup of {source} missed {} scheduled run(s)", missed.len()),
            "Rampart was not running at the scheduled time; it is catching up now.".into(),
        )),
        BackupEvent::Error { source, message } => Some((
            match source {
                Some(s) => format!("Backup scheduler: {s}"),
                None => "Backup scheduler".into(),
            },
            message.clone(),
        )),
        _ => None,
    }
}

/// Emits an event and shows its notification.
pub fn announce<R: Runtime>(handle: &AppHandle<R>, event: BackupEvent) {
    if let Some((title, body)) = notification(&event) {
        crate::notify::show(handle, &title, &body);
    }
    if let Err(e) = handle.emit(EVENT, &event) {
        tracing::warn!(error = %e, "backup event not delivered");
    }
}

struct DesktopAccess(Arc<Shared>);

impl AppAccess for DesktopAccess {
    fn with_app(&self, f: &mut dyn FnMut(&Rampart)) -> Result<(), CoreError> {
        self.0.background(|app| {
            f(app);
            Ok(())
        })
    }
}

/// The local time now: schedules are read in local time. (chrono reads the zone safely in a
/// multi-threaded process, where `time`'s `now_local` refuses.)
pub fn local_now() -> time::OffsetDateTime {
    let now = chrono::Local::now();
    let offset = time::UtcOffset::from_whole_seconds(now.offset().local_minus_utc())
        .unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::from_unix_timestamp(now.timestamp())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset)
}

/// Starts the scheduler for the app's lifetime.
pub fn start<R: Runtime>(handle: &AppHandle<R>, shared: Arc<Shared>) {
    let events_handle = handle.clone();
    let scheduler = BackupScheduler::new(
        Arc::new(DesktopAccess(shared)),
        Arc::new(move |event: SchedulerEvent| announce(&events_handle, event.into())),
        Arc::new(local_now),
    );
    tauri::async_runtime::spawn(scheduler.run(std::future::pending::<()>()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_core::backups::Trigger;

    fn run(ok: bool) -> RunView {
        RunView {
            id: 1,
            source: "app-data".into(),
            started_at: 0,
            finished_at: 1,
            ok,
            bytes_in: 10,
            bytes_out: 5,
            backup_id: None,
            object_key: None,
            error: (!ok)
                .then(|| "dump command exited with status 2 (retrying will not help)".into()),
            retryable: false,
            trigger: Trigger::Schedule,
        }
    }

    #[test]
    fn a_failed_or_missed_run_notifies_and_a_good_one_does_not() {
        let (title, body) = notification(&BackupEvent::Finished { run: run(false) }).unwrap();
        assert_eq!(title, "Backup of app-data failed");
        assert!(body.contains("exited with status 2"));
        assert!(notification(&BackupEvent::Finished { run: run(true) }).is_none());
        let missed = BackupEvent::Missed { source: "db".into(), missed: vec![1, 2] };
        assert_eq!(notification(&missed).unwrap().0, "Backup of db missed 2 scheduled run(s)");
        assert!(notification(&BackupEvent::Started { source: "db".into() }).is_none());
    }

    #[test]
    fn events_serialize_with_a_tag_and_progress_in_plain_numbers() {
        let progress = Progress {
            phase: Phase::Uploading,
            bytes_read: 100,
            bytes_transferred: 50,
            total: Some(200),
            elapsed: std::time::Duration::from_millis(1500),
            rate: 66.6,
            eta: Some(std::time::Duration::from_secs(2)),
        };
        let event = BackupEvent::Progress { source: "db".into(), progress: (&progress).into() };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["event"], "progress");
        assert_eq!(json["progress"]["elapsedMs"], 1500);
        assert_eq!(json["progress"]["etaSeconds"], 2);
        assert_eq!(json["progress"]["phase"], "uploading");
    }
}
