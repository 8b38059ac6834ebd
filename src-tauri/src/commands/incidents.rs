//! Incident commands: the list, one incident with its timeline, opening one by hand (or from a
//! service, an alert or a Sentry issue), acknowledging, notes and status changes. Every change
//! is audited by core.

use super::{read_only, unlocked};
use crate::error::IpcResult;
use crate::state::Shared;
use rampart_core::incidents::{IncidentDetail, IncidentView, NewIncident, Status};
use std::sync::Arc;
use tauri::State;

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
