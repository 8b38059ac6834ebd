//! The KPI dashboard's commands: the report for a range, editing a KPI's PromQL, running
//! PromQL by hand (the "Run" button), and the security report (this period against the one
//! before) saved where the user picks: each core's one async operation, as the CLI calls it.

use super::incidents::ReportFormat;
use super::{operation, unlocked, viewing};
use crate::error::IpcResult;
use crate::state::Shared;
use rampart_core::kpi::{KpiRange, KpiReport, Series};
use std::sync::Arc;
use tauri::{AppHandle, Runtime, State};

type S<'a> = State<'a, Arc<Shared>>;

#[tauri::command]
pub async fn kpi_report(state: S<'_>, range: KpiRange) -> IpcResult<KpiReport> {
    viewing(state.inner(), move |shared| async move { shared.app().kpi_report(range, None).await })
        .await
}

/// Sets a KPI's PromQL, or with `query: null` goes back to the default.
#[tauri::command]
pub async fn kpi_query_set(state: S<'_>, id: String, query: Option<String>) -> IpcResult<()> {
    unlocked(state.inner(), move |app| app.kpi_query_set(&id, query.as_deref())).await
}

/// Runs `expr` now against the first Prometheus: the series, or Prometheus's own error.
#[tauri::command]
pub async fn kpi_run_query(state: S<'_>, expr: String) -> IpcResult<Vec<Series>> {
    operation(state.inner(), None, move |shared| async move {
        shared.app().kpi_query(&expr, None).await
    })
    .await
}

/// The security report for `range` (trends against the period before), saved as Markdown or a
/// printable page where the user picks; `None` when they cancel.
#[tauri::command]
pub async fn kpi_security_report<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    range: KpiRange,
    format: ReportFormat,
) -> IpcResult<Option<String>> {
    let report = operation(state.inner(), None, move |shared| async move {
        shared.app().kpi_security_report(range, None).await
    })
    .await?;
    let (ext, filter) = format.file_type();
    let name = format!("rampart-security-report-{}.{ext}", range.as_str());
    let Some(path) = super::pick_save_path(&handle, &name, filter, ext).await? else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    // The dialog asked before replacing a file: write over it.
    unlocked(state.inner(), move |app| app.kpi_report_write(&report, ext, &path, true)).await?;
    Ok(Some(shown))
}
