//! The escalation timer in the desktop, and escalating by hand: core takes the steps while the
//! app is held for a moment (a tick that finds nothing due reads no secret), Slack and email
//! are delivered without it, the outcome is recorded, and each step shows a desktop
//! notification; the window hears `incidents://changed`. The timer runs whatever the lock
//! state: an incident nobody acknowledges must reach the next level even while this laptop is
//! locked.

use crate::state::Shared;
use rampart_core::CoreError;
use rampart_core::feeds::reqwest;
use rampart_core::feeds::runner::Monitor;
use rampart_core::incidents::notify::{Escalated, PreparedEscalation};
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// Event: incidents changed outside the page (the timer moved one up).
pub const INCIDENTS_CHANGED: &str = "incidents://changed";
const TICK: Duration = Duration::from_secs(30);

/// Starts the timer on the Tauri runtime (the feeds monitor must be managed: its HTTP client
/// is shared).
pub fn start<R: Runtime>(handle: &AppHandle<R>, shared: Arc<Shared>) {
    let client = handle.state::<Arc<Monitor>>().client().clone();
    let handle = handle.clone();
    tauri::async_runtime::spawn(async move {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = escalate_due(&handle, &shared, &client).await {
                tracing::warn!(error = %e, "escalation timer tick failed");
            }
        }
    });
}

/// One tick: every open incident that is due moves up and its level is notified.
pub async fn escalate_due<R: Runtime>(
    handle: &AppHandle<R>,
    shared: &Arc<Shared>,
    client: &reqwest::Client,
) -> Result<Vec<Escalated>, CoreError> {
    let prepared = on_blocking_pool(shared, {
        let client = client.clone();
        move |app| app.escalation_prepare_due(&client)
    })
    .await?;
    deliver(handle, shared, prepared).await
}

/// Delivers prepared steps, records them, and tells the user and the window.
pub async fn deliver<R: Runtime>(
    handle: &AppHandle<R>,
    shared: &Arc<Shared>,
    prepared: PreparedEscalation,
) -> Result<Vec<Escalated>, CoreError> {
    if prepared.is_empty() {
        return Ok(Vec::new());
    }
    let outcome = prepared.run().await;
    let escalated = on_blocking_pool(shared, move |app| app.escalation_record(&outcome)).await?;
    for step in &escalated {
        let title = format!("[{}] Incident #{} escalated", step.severity.as_str(), step.id);
        let body = format!("{}: now at level {} ({})", step.title, step.level, step.level_name);
        crate::notify::show(handle, &title, &body);
    }
    if let Err(e) = handle.emit(INCIDENTS_CHANGED, ()) {
        tracing::warn!(error = %e, "incidents event not delivered");
    }
    Ok(escalated)
}

/// Runs `f` with the app (whatever the lock state) on the blocking pool.
async fn on_blocking_pool<T: Send + 'static>(
    shared: &Arc<Shared>,
    f: impl FnOnce(&rampart_core::Rampart) -> Result<T, CoreError> + Send + 'static,
) -> Result<T, CoreError> {
    let shared = shared.clone();
    tauri::async_runtime::spawn_blocking(move || shared.background(f))
        .await
        .map_err(|e| CoreError::Internal(format!("the task failed: {e}")))?
}
