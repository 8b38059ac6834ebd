//! Security checklist commands: the catalog, named targets, attestations and a run. A run reads
//! the target, its attestations and Rampart's records under the app lock, probes outside it
//! (the page never blocks), then audits the run in the background even if the app locked.

use super::unlocked;
use crate::error::{IpcError, IpcResult};
use crate::state::Shared;
use rampart_core::checks::{
    AttestationView, Item, Report, Target, TargetView, catalog, parse_expiry,
};
use std::sync::Arc;
use tauri::State;

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

/// Runs the checks of a stored target (`only`: item or section ids, empty for all).
#[tauri::command]
pub async fn check_run(state: S<'_>, name: String, only: Vec<String>) -> IpcResult<Report> {
    let shared = state.inner().clone();
    let prepared = unlocked(&shared, move |app| app.check_prepare(&name, &only, false)).await?;
    let report = prepared.run().await;
    let recorded = report.clone();
    tauri::async_runtime::spawn_blocking(move || {
        shared.background(move |app| app.check_record(&recorded))
    })
    .await
    .map_err(|e| IpcError::internal(format!("the task failed: {e}")))?
    .map_err(IpcError::from)?;
    Ok(report)
}
