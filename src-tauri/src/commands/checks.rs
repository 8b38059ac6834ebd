//! Security checklist commands: the catalog, named targets, attestations, a run, the run
//! history and the sign-off export. A run reads the target, its attestations and Rampart's
//! records under the app lock, probes outside it (the page never blocks), then records and
//! audits the run in the background even if the app locked; a regression (an item that passed
//! before and fails now) shows a desktop notification like an alert.

use super::incidents::ReportFormat;
use super::{operation, read_only, unlocked};
use crate::error::IpcResult;
use crate::state::Shared;
use rampart_core::checks::{
    AttestationView, Format, Item, ItemResult, Regression, Report, RunSummary, StoredRun, Target,
    TargetView, catalog, parse_expiry,
};
use serde::Serialize;
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

type S<'a> = State<'a, Arc<Shared>>;

/// Every checklist item, in the guide's order.
#[tauri::command]
pub fn check_catalog() -> Vec<&'static Item> {
    catalog::items().collect()
}

#[tauri::command]
pub async fn check_targets(state: S<'_>) -> IpcResult<Vec<TargetView>> {
    unlocked(state.inner(), |app| app.check_targets()).await
}

#[tauri::command]
pub async fn check_target_add(state: S<'_>, target: Target) -> IpcResult<TargetView> {
    unlocked(state.inner(), move |app| app.check_target_add(&target)).await
}

#[tauri::command]
pub async fn check_target_remove(state: S<'_>, name: String) -> IpcResult<()> {
    unlocked(state.inner(), move |app| app.check_target_remove(&name)).await
}

/// Attests `item` for `target`; `expires` is a duration (90d, 12w, 1y) or a date.
#[tauri::command]
pub async fn check_attest(
    state: S<'_>,
    target: String,
    item: String,
    note: String,
    by: String,
    expires: String,
) -> IpcResult<AttestationView> {
    unlocked(state.inner(), move |app| {
        let at = parse_expiry(&expires, app.now())?;
        app.check_attest(&target, &item, &note, &by, at)
    })
    .await
}

#[tauri::command]
pub async fn check_unattest(state: S<'_>, target: String, item: String) -> IpcResult<()> {
    unlocked(state.inner(), move |app| app.check_unattest(&target, &item)).await
}

/// A run with what regressed since the earlier runs.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, ts(rename = "CheckRunView"))]
pub struct RunView {
    #[serde(flatten)]
    pub report: Report,
    pub regressions: Vec<Regression>,
}

/// Runs the checks of a stored target (`only`: item or section ids, empty for all), sending each
/// item's result over `on_progress` as soon as it is known (every selected item before the run
/// returns).
#[tauri::command]
pub async fn check_run<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    name: String,
    only: Vec<String>,
    on_progress: Channel<ItemResult>,
) -> IpcResult<RunView> {
    let (report, regressions) = operation(state.inner(), None, move |shared| async move {
        let on_item = move |item: &ItemResult| {
            // A closed page stops listening; the run goes on.
            let _ = on_progress.send(item.clone());
        };
        shared.app().check_run_recorded(&name, &only, false, on_item).await
    })
    .await?;
    if !regressions.is_empty() {
        let ids: Vec<&str> = regressions.iter().map(|r| r.id).collect();
        let title = format!("Checklist: {} regressed on {}", ids.len(), report.target);
        crate::notify::show(&handle, &title, &format!("now failing: {}", ids.join(", ")));
    }
    Ok(RunView { report, regressions })
}

/// The newest run of a target with its items (`None` before the first).
#[tauri::command]
pub async fn check_last_run(state: S<'_>, name: String) -> IpcResult<Option<StoredRun>> {
    read_only(state.inner(), move |app| app.check_last_run(&name)).await
}

/// A target's newest runs (counts only), newest first.
#[tauri::command]
pub async fn check_history(state: S<'_>, name: String) -> IpcResult<Vec<RunSummary>> {
    read_only(state.inner(), move |app| app.check_history(&name, 20)).await
}

/// Exports the target's last run for a sign-off (Markdown or a printable page, with the audit
/// chain's head) where the user picks; `None` when they cancel.
#[tauri::command]
pub async fn check_export<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    name: String,
    format: ReportFormat,
) -> IpcResult<Option<String>> {
    let (ext, filter) = format.file_type();
    let file = format!("{name}-security-checklist.{ext}");
    // No run yet is an error before any dialog opens.
    let probe = name.clone();
    unlocked(state.inner(), move |app| {
        app.check_last_run(&probe)?.map(|_| ()).ok_or_else(|| {
            rampart_core::CoreError::NotFound(format!(
                "{probe} has no run yet: run the checks first"
            ))
        })
    })
    .await?;
    let Some(path) = super::pick_save_path(&handle, &file, filter, ext).await? else {
        return Ok(None);
    };
    let format = match format {
        ReportFormat::Md => Format::Markdown,
        ReportFormat::Html => Format::Html,
    };
    // The dialog asked before replacing a file.
    let written =
        unlocked(state.inner(), move |app| app.check_export(&name, format, &path, true)).await?;
    Ok(Some(written.path))
}
