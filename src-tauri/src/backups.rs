//! Hosts the backup scheduler (rampart-core's [`BackupScheduler`]) in the desktop app and
//! announces core's [`BackupEvent`]s, the scheduler's and those of runs started from the UI, as
//! `backup://event` Tauri events and desktop notifications (core decides which notify).
//! Scheduled backups run while the app is locked: they read the configuration and the vault
//! for their own use and never hand a secret to the UI.

use crate::state::Shared;
use rampart_core::backups::{AppAccess, BackupEvent, BackupScheduler};
use rampart_core::{CoreError, Rampart};
use std::sync::Arc;
use tauri::{AppHandle, Emitter, Runtime};

/// The event every backup change is announced on (the UI contract's `Events`).
pub const EVENT: &str = "backup://event";

/// Emits an event and shows its notification.
pub fn announce<R: Runtime>(handle: &AppHandle<R>, event: BackupEvent) {
    if let Some((title, body)) = event.notification() {
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
        Arc::new(move |event: BackupEvent| announce(&events_handle, event)),
        Arc::new(local_now),
    );
    tauri::async_runtime::spawn(scheduler.run(std::future::pending::<()>()));
}
