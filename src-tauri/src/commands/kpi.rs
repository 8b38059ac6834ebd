//! The KPI dashboard's commands: the report for a range, editing a KPI's PromQL, running
//! PromQL by hand (the "Run" button), and the security report (this period against the one
//! before) saved where the user picks. The app is read, then let go, before any network call.

use super::incidents::ReportFormat;
use super::{read_only, unlocked};
use crate::error::{IpcError, IpcResult};
use crate::state::Shared;
use rampart_core::CoreError;
use rampart_core::feeds::runner::Monitor;
use rampart_core::kpi::{KpiRange, KpiReport, Series, run_query};
use std::sync::Arc;
use tauri::{AppHandle, Runtime, State};

type S<'a> = State<'a, Arc<Shared>>;
type M<'a> = State<'a, Arc<Monitor>>;

#[tauri::command]
pub async fn kpi_report(state: S<'_>, monitor: M<'_>, range: KpiRange) -> IpcResult<KpiReport> {
    let client = monitor.client().clone();
    let plan = read_only(state.inner(), move |app| app.kpi_plan(&client, range, None)).await?;
    Ok(plan.run().await)
}

/// Sets a KPI's PromQL, or with `query: null` goes back to the default.
#[tauri::command]
pub async fn kpi_query_set(state: S<'_>, id: String, query: Option<String>) -> IpcResult<()> {
    unlocked(state.inner(), move |app| app.kpi_query_set(&id, query.as_deref())).await
}

/// Runs `expr` now against the first Prometheus: the series, or Prometheus's own error.
#[tauri::command]
pub async fn kpi_run_query(state: S<'_>, monitor: M<'_>, expr: String) -> IpcResult<Vec<Series>> {
    let client = monitor.client().clone();
    let prometheus = unlocked(state.inner(), move |app| app.kpi_prometheus(&client, None)).await?;
    let prometheus = prometheus.ok_or_else(|| {
        IpcError::from(CoreError::NotFound(
            "no Prometheus configured: add one in Settings > Alert and error sources".into(),
        ))
    })?;
    Ok(run_query(&prometheus, &expr).await?)
}

/// The security report for `range` (trends against the period before), saved as Markdown or a
/// printable page where the user picks; `None` when they cancel.
#[tauri::command]
pub async fn kpi_security_report<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    monitor: M<'_>,
    range: KpiRange,
    format: ReportFormat,
) -> IpcResult<Option<String>> {
    let client = monitor.client().clone();
    let plan =
        unlocked(state.inner(), move |app| app.kpi_report_plan(&client, range, None)).await?;
    let report = plan.run().await;
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
