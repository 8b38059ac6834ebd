//! The escalation timer in the desktop, and what an escalation tells the user here: every
//! 30 s core's [`Rampart::incident_escalate_due`] (the path `rampart incident escalate --due`
//! takes) moves up what is due and notifies Slack and email; each step then shows a desktop
//! notification and the window hears `incidents://changed`. The timer runs whatever the lock
//! state: an incident nobody acknowledges must reach the next level even while this laptop is
//! locked.
//!
//! [`Rampart::incident_escalate_due`]: rampart_core::Rampart::incident_escalate_due

use crate::commands::on_blocking_pool;
use crate::state::Shared;
use rampart_core::CoreError;
use rampart_core::incidents::notify::{Escalated, EscalationOutcome};
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Runtime};

/// Event: incidents changed outside the page (the timer moved one up).
pub const INCIDENTS_CHANGED: &str = "incidents://changed";
const TICK: Duration = Duration::from_secs(30);

/// Starts the timer on the Tauri runtime.
pub fn start<R: Runtime>(handle: &AppHandle<R>, shared: Arc<Shared>) {
    let handle = handle.clone();
    tauri::async_runtime::spawn(async move {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = escalate_due(&handle, &shared).await {
                tracing::warn!(error = %e, "escalation timer tick failed");
            }
        }
    });
}

/// One tick: every open incident that is due moves up and its level is notified.
pub async fn escalate_due<R: Runtime>(
    handle: &AppHandle<R>,
    shared: &Arc<Shared>,
) -> Result<Vec<Escalated>, CoreError> {
    let whatever_the_lock = |_: &Shared| Ok(());
    let outcome = on_blocking_pool(shared, whatever_the_lock, |shared| async move {
        shared.app().incident_escalate_due().await
    })
    .await?;
    Ok(announce(handle, &outcome))
}

/// Shows a desktop notification per step and tells the window; what was escalated.
pub fn announce<R: Runtime>(handle: &AppHandle<R>, outcome: &EscalationOutcome) -> Vec<Escalated> {
    let escalated = outcome.escalated();
    if escalated.is_empty() {
        return escalated;
    }
    for step in &escalated {
        let title = format!("[{}] Incident #{} escalated", step.severity.as_str(), step.id);
        let body = format!("{}: now at level {} ({})", step.title, step.level, step.level_name);
        crate::notify::show(handle, &title, &body);
    }
    if let Err(e) = handle.emit(INCIDENTS_CHANGED, ()) {
        tracing::warn!(error = %e, "incidents event not delivered");
    }
    escalated
}
