//! Incident commands: the list, one incident with its timeline, opening one by hand (or from a
//! service, an alert or a Sentry issue), acknowledging, escalating by hand, notes and status
//! changes, the postmortem export (to a file the user picks) and its template, the escalation
//! chain, the SMTP settings escalation emails use, and who is on call. Every change is audited
//! by core.

use super::{operation, read_only, unlocked};
use crate::error::IpcResult;
use crate::state::Shared;
use rampart_core::incidents::escalation::Policy;
use rampart_core::incidents::notify::{EmailSettings, EscalationOutcome};
use rampart_core::incidents::oncall::OnCallNow;
use rampart_core::incidents::{IncidentDetail, IncidentView, NewIncident, Status};
use serde::{Deserialize, Serialize};
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
    id: i64,
) -> IpcResult<IncidentView> {
    let delivered = operation(state.inner(), None, move |shared| async move {
        shared.app().incident_escalate(id).await
    })
    .await?;
    crate::escalation::announce(&handle, &EscalationOutcome { deliveries: vec![delivered] });
    read_only(state.inner(), move |app| app.incident_view(id)).await
}

/// A report's file format (postmortems, the weekly security report).
#[derive(Debug, Clone, Copy, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ReportFormat {
    Md,
    Html,
}

impl ReportFormat {
    /// The extension (also core's format name) and the save dialog's filter name.
    pub fn file_type(self) -> (&'static str, &'static str) {
        match self {
            Self::Md => ("md", "Markdown"),
            Self::Html => ("html", "Printable HTML page"),
        }
    }
}

/// Exports incident `id` as a postmortem to a file the user picks; `None` when they cancel.
#[tauri::command]
pub async fn incident_export<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    id: i64,
    format: ReportFormat,
) -> IpcResult<Option<String>> {
    let (ext, filter) = format.file_type();
    // Read first: a missing incident is an error before any dialog opens.
    let text = unlocked(state.inner(), move |app| app.incident_export(id, ext)).await?;
    let name = format!("incident-{id}-postmortem.{ext}");
    let Some(path) = super::pick_save_path(&handle, &name, filter, ext).await? else {
        return Ok(None);
    };
    rampart_core::files::write_file_atomic(&path, text.as_bytes(), true)?;
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

/// The postmortem template (Markdown with `{{placeholders}}`) and whether it is the default.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, ts(rename = "PostmortemTemplate"))]
pub struct TemplateView {
    pub template: String,
    pub is_default: bool,
}

#[tauri::command]
pub async fn postmortem_template_get(state: S<'_>) -> IpcResult<TemplateView> {
    read_only(state.inner(), |app| {
        Ok(TemplateView {
            template: app.postmortem_template_get()?,
            is_default: app.postmortem_template_is_default()?,
        })
    })
    .await
}

/// Saves the template (validated by core: known placeholders only); `None` goes back to the
/// default.
#[tauri::command]
pub async fn postmortem_template_set(
    state: S<'_>,
    template: Option<String>,
) -> IpcResult<TemplateView> {
    unlocked(state.inner(), move |app| {
        match &template {
            Some(t) => app.postmortem_template_set(t)?,
            None => app.postmortem_template_reset()?,
        }
        Ok(TemplateView {
            template: app.postmortem_template_get()?,
            is_default: app.postmortem_template_is_default()?,
        })
    })
    .await
}

/// The SMTP settings escalation emails go out with (`None`: no email).
#[tauri::command]
pub async fn email_settings_get(state: S<'_>) -> IpcResult<Option<EmailSettings>> {
    read_only(state.inner(), |app| app.email_settings()).await
}

/// Saves (or with `None` turns off) the SMTP settings; the password is named by its vault item.
#[tauri::command]
pub async fn email_settings_set(
    state: S<'_>,
    settings: Option<EmailSettings>,
) -> IpcResult<Option<EmailSettings>> {
    unlocked(state.inner(), move |app| {
        app.set_email_settings(settings.as_ref())?;
        app.email_settings()
    })
    .await
}
