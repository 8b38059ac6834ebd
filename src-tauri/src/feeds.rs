//! Hosts the feeds monitor (rampart-core's [`Monitor`]) in the desktop app: starts it on the
//! Tauri runtime, and turns its events into typed Tauri events
//! (`feeds://changed`, `feeds://service-changed`, `feeds://alert-firing`), desktop
//! notifications and the tray's counts. The rules deciding what notifies live in core.

use crate::state::Shared;
use rampart_core::feeds::runner::{Monitor, MonitorEvent, MonitorHost, MonitorOptions};
use rampart_core::{CoreError, Rampart};
use std::sync::Arc;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// Event names (the UI contract's `Events`).
pub const CHANGED: &str = "feeds://changed";
pub const SERVICE_CHANGED: &str = "feeds://service-changed";
pub const ALERT_FIRING: &str = "feeds://alert-firing";

struct DesktopHost<R: Runtime> {
    handle: AppHandle<R>,
    shared: Arc<Shared>,
}

impl<R: Runtime> MonitorHost for DesktopHost<R> {
    fn with_app<T>(
        &self,
        f: impl FnOnce(&Rampart) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        self.shared.background(f)
    }

    fn emit(&self, event: MonitorEvent) {
        let sent = match &event {
            MonitorEvent::Changed(summary) => {
                crate::tray::set_feeds(&self.handle, &summary.counts);
                self.handle.emit(CHANGED, summary)
            }
            MonitorEvent::ServiceChanged(change) => self.handle.emit(SERVICE_CHANGED, change),
            MonitorEvent::AlertFiring(alert) => self.handle.emit(ALERT_FIRING, alert),
            MonitorEvent::Notify { title, body, .. } => {
                crate::notify::show(&self.handle, title, body);
                Ok(())
            }
        };
        if let Err(e) = sent {
            tracing::warn!(error = %e, "feeds event not delivered");
        }
    }
}

/// Creates the monitor, manages it as app state and starts it.
pub fn start<R: Runtime>(handle: &AppHandle<R>, shared: Arc<Shared>) {
    let (monitor, runner) = Monitor::new(MonitorOptions::default());
    handle.manage(monitor);
    let host = Arc::new(DesktopHost { handle: handle.clone(), shared });
    tauri::async_runtime::spawn(runner.run(host));
}
