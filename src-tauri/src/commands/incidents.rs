//! Incident commands: the list, one incident with its timeline, opening one by hand (or from a
//! service, an alert or a Sentry issue), acknowledging, escalating by hand, notes and status
//! changes, the postmortem export (to a file the user picks), the escalation chain and who is
//! on call. Every change is audited by core.

use super::{read_only, unlocked};
use crate::error::{IpcError, IpcResult};
use crate::state::Shared;
use rampart_core::feeds::runner::Monitor;
use rampart_core::incidents::escalation::Policy;
use rampart_core::incidents::oncall::OnCallNow;
use rampart_core::incidents::{IncidentDetail, IncidentView, NewIncident, Status};
use serde::Deserialize;
use std::sync::Arc;
use tauri::{AppHandle, Runtime, State};

type S<'a> = State<'a, Arc<Shared>>;

#[tauri::command]
pub async fn incident_list(state: S<'_>, open_only: bool) -> IpcResult<Vec<IncidentView>> {
    read_only(state.inner(), move |app| app.incident_list(open_only)).await
}

#[tauri::command]
pub async fn incident_detail(state: S<'_>, id: i64) -> IpcResult<IncidentDetail> {
    read_only(state.inner(), move |app| app.incident_detail(id)).await
}

#[tauri::command]
pub async fn incident_open(state: S<'_>, incident: NewIncident) -> IpcResult<IncidentView> {
    unlocked(state.inner(), move |app| app.incident_open(&incident)).await
}

#[tauri::command]
pub async fn incident_ack(state: S<'_>, id: i64) -> IpcResult<IncidentView> {
    unlocked(state.inner(), move |app| app.incident_ack(id, None)).await
}

#[tauri::command]
pub async fn incident_note(state: S<'_>, id: i64, text: String) -> IpcResult<IncidentView> {
    unlocked(state.inner(), move |app| app.incident_note(id, &text, None)).await
}

/// Moves an incident on; resolving needs a summary and, while linked alerts still fire, `force`.
#[tauri::command]
pub async fn incident_set_status(
    state: S<'_>,
    id: i64,
    status: Status,
    summary: Option<String>,
    force: bool,
) -> IpcResult<IncidentView> {
    unlocked(state.inner(), move |app| {
        app.incident_set_status(id, status, summary.as_deref(), force)
    })
    .await
}

/// Moves incident `id` up one level by hand and notifies that level (Slack, email, a desktop
/// notification); the outcome of each channel lands on its timeline.
#[tauri::command]
pub async fn incident_escalate<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    monitor: State<'_, Arc<Monitor>>,
    id: i64,
) -> IpcResult<IncidentView> {
    let client = monitor.client().clone();
    let prepared = unlocked(state.inner(), move |app| app.escalation_prepare(&client, id)).await?;
    crate::escalation::deliver(&handle, state.inner(), prepared).await?;
    read_only(state.inner(), move |app| app.incident_view(id)).await
}

/// A postmortem's file format.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PostmortemFormat {
    Md,
    Html,
}

/// Exports incident `id` as a postmortem to a file the user picks; `None` when they cancel.
#[tauri::command]
pub async fn incident_export<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    id: i64,
    format: PostmortemFormat,
) -> IpcResult<Option<String>> {
    use tauri_plugin_dialog::DialogExt;
    let (ext, filter) = match format {
        PostmortemFormat::Md => ("md", "Markdown"),
        PostmortemFormat::Html => ("html", "Printable HTML page"),
    };
    // Read first: a missing incident is an error before any dialog opens.
    let text = unlocked(state.inner(), move |app| app.incident_export(id, ext)).await?;
    let dialog = handle
        .dialog()
        .file()
        .set_file_name(format!("incident-{id}-postmortem.{ext}"))
        .add_filter(filter, &[ext]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(|e| IpcError::internal(e.to_string()))?;
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else { return Ok(None) };
    rampart_core::files::write_secret_file(&path, text.as_bytes())?;
    Ok(Some(path.display().to_string()))
}

/// Who is on call at level 1 now.
#[tauri::command]
pub async fn incident_on_call(state: S<'_>) -> IpcResult<OnCallNow> {
    read_only(state.inner(), |app| app.on_call_now()).await
}

/// The escalation chain: levels with contacts, the waits per severity, the rota.
#[tauri::command]
pub async fn escalation_get(state: S<'_>) -> IpcResult<Policy> {
    read_only(state.inner(), |app| app.escalation_policy()).await
}

/// Replaces the escalation chain (validated; audited as a settings change).
#[tauri::command]
pub async fn escalation_set(state: S<'_>, policy: Policy) -> IpcResult<Policy> {
    unlocked(state.inner(), move |app| app.set_escalation_policy(&policy)).await
}
