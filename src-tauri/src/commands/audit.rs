//! Audit-log commands: the newest entries and a chain check.

use super::unlocked;
use crate::error::IpcResult;
use crate::state::Shared;
use rampart_core::ChainReport;
use rampart_core::views::AuditView;
use std::sync::Arc;
use tauri::State;

type S<'a> = State<'a, Arc<Shared>>;

#[tauri::command]
pub async fn audit_log(state: S<'_>, limit: usize) -> IpcResult<Vec<AuditView>> {
    let limit = limit.clamp(1, 10_000);
    unlocked(state.inner(), move |app| {
        Ok(app.audit_log(limit)?.into_iter().map(AuditView::from).collect())
    })
    .await
}

#[tauri::command]
pub async fn audit_verify(state: S<'_>) -> IpcResult<ChainReport> {
    unlocked(state.inner(), |app| app.audit_verify()).await
}
