//! Feeds commands: services, alerts and silences, Sentry, sources, this machine, the feeds
//! settings and the Slack test. Views come from the monitor's memory (no network wait); silencing
//! and expiring are core's own operations (the CLI's path). Changes that alter what is
//! monitored reload the monitor.

use super::{confirmed, operation, read_only, unlocked, viewing};
use crate::error::IpcResult;
use crate::state::Shared;
use rampart_core::feeds::{
    AlertsReport, FeedsOverview, FeedsSettings, SentryView, ServiceDetail, ServiceInput,
    ServiceView, SilenceCreated, SilencesReport, SourceView, ops, runner::Monitor,
};
use rampart_machine::{MachineProbe, MachineStats};
use std::sync::Arc;
use std::time::Duration;
use tauri::State;

type S<'a> = State<'a, Arc<Shared>>;
type M<'a> = State<'a, Arc<Monitor>>;

#[tauri::command]
pub async fn feeds_overview(state: S<'_>, monitor: M<'_>) -> IpcResult<FeedsOverview> {
    read_only(state.inner(), |_| Ok(())).await?;
    Ok(monitor.overview())
}

#[tauri::command]
pub async fn feeds_refresh(state: S<'_>, monitor: M<'_>) -> IpcResult<()> {
    unlocked(state.inner(), |_| Ok(())).await?;
    monitor.refresh();
    Ok(())
}

#[tauri::command]
pub async fn service_list(state: S<'_>) -> IpcResult<Vec<ServiceView>> {
    read_only(state.inner(), |app| app.service_list()).await
}

#[tauri::command]
pub async fn service_add(
    state: S<'_>,
    monitor: M<'_>,
    service: ServiceInput,
) -> IpcResult<ServiceView> {
    let view = unlocked(state.inner(), move |app| app.service_add(&service.into())).await?;
    monitor.reload();
    Ok(view)
}

#[tauri::command]
pub async fn service_remove(state: S<'_>, monitor: M<'_>, name: String) -> IpcResult<()> {
    unlocked(state.inner(), move |app| app.service_remove(&name)).await?;
    monitor.reload();
    Ok(())
}

#[tauri::command]
pub async fn service_detail(state: S<'_>, name: String, hours: i64) -> IpcResult<ServiceDetail> {
    read_only(state.inner(), move |app| app.service_detail(&name, hours)).await
}

#[tauri::command]
pub async fn alerts_list(state: S<'_>, monitor: M<'_>) -> IpcResult<AlertsReport> {
    read_only(state.inner(), |_| Ok(())).await?;
    Ok(monitor.alerts())
}

/// Silences an alert on every Alertmanager that reports it: core's silence (the CLI's path),
/// audited.
#[tauri::command]
pub async fn silence_create(
    state: S<'_>,
    monitor: M<'_>,
    alert: String,
    duration_seconds: u64,
    comment: String,
    created_by: Option<String>,
) -> IpcResult<Vec<SilenceCreated>> {
    let created = operation(state.inner(), None, move |shared| async move {
        let by = ops::author(created_by.as_deref());
        let duration = Duration::from_secs(duration_seconds);
        shared.app().silence(&alert, duration, &comment, &by).await
    })
    .await?;
    monitor.refresh();
    Ok(created)
}

/// Expires a silence: core's expire (the CLI's path), audited.
#[tauri::command]
pub async fn silence_expire(
    state: S<'_>,
    monitor: M<'_>,
    alertmanager: String,
    id: String,
) -> IpcResult<()> {
    operation(state.inner(), None, move |shared| async move {
        shared.app().expire_silence(&alertmanager, &id).await
    })
    .await?;
    monitor.refresh();
    Ok(())
}

#[tauri::command]
pub async fn silences_list(state: S<'_>) -> IpcResult<SilencesReport> {
    viewing(state.inner(), |shared| async move { shared.app().silences().await }).await
}

#[tauri::command]
pub async fn sentry_issues(state: S<'_>, monitor: M<'_>) -> IpcResult<SentryView> {
    read_only(state.inner(), |_| Ok(())).await?;
    Ok(monitor.sentry())
}

#[tauri::command]
pub async fn source_list(state: S<'_>) -> IpcResult<Vec<SourceView>> {
    read_only(state.inner(), |app| app.sources()).await
}

#[tauri::command]
pub async fn source_add(
    state: S<'_>,
    monitor: M<'_>,
    kind: String,
    name: String,
    url: Option<String>,
    token_from: Option<String>,
    passphrase: Option<String>,
) -> IpcResult<SourceView> {
    // Sending a vault token to a server is confirmed with the passphrase; a source without
    // a token is an ordinary change.
    let subject = token_from.as_ref().map(|token| {
        format!("send the vault token {token} to {} ({kind} {name})", url.as_deref().unwrap_or("?"))
    });
    let add = move |app: &rampart_core::Rampart| {
        app.source_add(&kind, &name, url.as_deref(), token_from.as_deref())
    };
    let view = match subject {
        Some(subject) => confirmed(state.inner(), passphrase, move |_| Ok(subject), add).await?,
        None => unlocked(state.inner(), add).await?,
    };
    monitor.reload();
    Ok(view)
}

#[tauri::command]
pub async fn source_remove(
    state: S<'_>,
    monitor: M<'_>,
    kind: String,
    name: String,
) -> IpcResult<()> {
    unlocked(state.inner(), move |app| app.source_remove(&kind, &name)).await?;
    monitor.reload();
    Ok(())
}

#[tauri::command]
pub async fn machine_stats(
    state: S<'_>,
    probe: State<'_, Arc<MachineProbe>>,
) -> IpcResult<MachineStats> {
    read_only(state.inner(), |_| Ok(())).await?;
    let probe = probe.inner().clone();
    tauri::async_runtime::spawn_blocking(move || probe.sample())
        .await
        .map_err(|e| crate::error::IpcError::internal(format!("the task failed: {e}")))
}

#[tauri::command]
pub async fn feeds_settings_get(state: S<'_>) -> IpcResult<FeedsSettings> {
    read_only(state.inner(), |app| app.feeds_settings()).await
}

#[tauri::command]
pub async fn feeds_settings_set(
    state: S<'_>,
    monitor: M<'_>,
    settings: FeedsSettings,
) -> IpcResult<FeedsSettings> {
    let saved = unlocked(state.inner(), move |app| app.set_feeds_settings(settings)).await?;
    monitor.reload();
    Ok(saved)
}

#[tauri::command]
pub async fn slack_test(state: S<'_>) -> IpcResult<()> {
    let message = unlocked(state.inner(), |app| app.slack_test_message()).await?;
    Ok(message.post().await?)
}
