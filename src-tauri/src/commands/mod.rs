//! The app's IPC commands, one small file per area. Every command runs its blocking work
//! (SQLite, keychain over D-Bus) on the blocking pool so the UI thread never waits.
//! The list in [`COMMANDS`] is also the ACL list in build.rs and capabilities/main.json.

pub mod audit;
pub mod backups;
pub mod checks;
pub mod feeds;
pub mod incidents;
pub mod kpi;
pub mod lock;
pub mod otp;
pub mod settings;
pub mod tools;
pub mod vault;

use crate::error::{IpcError, IpcResult};
use crate::state::Shared;
use rampart_core::{CoreError, Rampart};
use std::sync::Arc;

mod names;
pub use names::COMMANDS;

/// The invoke handler with every command.
pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![
        otp::otp_codes,
        otp::otp_copy,
        otp::otp_set_pinned,
        otp::otp_remove,
        otp::otp_import,
        otp::otp_enroll_start,
        otp::otp_enroll_confirm,
        otp::otp_enroll_cancel,
        otp::otp_verify,
        otp::otp_qr,
        otp::otp_export,
        vault::vault_list,
        vault::vault_add,
        vault::vault_reveal,
        vault::vault_copy,
        vault::vault_rotate,
        vault::vault_rename,
        vault::vault_delete,
        vault::vault_generate,
        lock::lock_state,
        lock::lock_set_passphrase,
        lock::lock_unlock,
        lock::lock_now,
        lock::lock_activity,
        audit::audit_log,
        audit::audit_verify,
        settings::settings_get,
        settings::settings_set,
        feeds::feeds_overview,
        feeds::feeds_refresh,
        feeds::service_list,
        feeds::service_add,
        feeds::service_remove,
        feeds::service_detail,
        feeds::alerts_list,
        feeds::silence_create,
        feeds::silence_expire,
        feeds::silences_list,
        feeds::sentry_issues,
        feeds::source_list,
        feeds::source_add,
        feeds::source_remove,
        feeds::machine_stats,
        feeds::feeds_settings_get,
        feeds::feeds_settings_set,
        feeds::slack_test,
        backups::backup_overview,
        backups::backup_keygen,
        backups::backup_target_add,
        backups::backup_target_remove,
        backups::backup_source_add,
        backups::backup_source_remove,
        backups::backup_run,
        backups::backup_runs,
        backups::backup_list,
        backups::backup_restore,
        backups::backup_verify,
        backups::backup_prune,
        backups::backup_drill,
        backups::backup_export_identity,
        backups::backup_pick_dir,
        tools::tools_field_decrypt,
        tools::tools_field_encrypt,
        tools::tools_field_rotate,
        tools::tools_jwt_decode,
        tools::tools_jwt_verify,
        tools::tools_jwt_sign,
        tools::tools_hash_inspect,
        tools::tools_hash_check,
        tools::tools_copy,
        incidents::incident_list,
        incidents::incident_detail,
        incidents::incident_open,
        incidents::incident_ack,
        incidents::incident_note,
        incidents::incident_set_status,
        incidents::incident_escalate,
        incidents::incident_export,
        incidents::incident_on_call,
        incidents::escalation_get,
        incidents::escalation_set,
        incidents::postmortem_template_get,
        incidents::postmortem_template_set,
        incidents::email_settings_get,
        incidents::email_settings_set,
        kpi::kpi_security_report,
        kpi::kpi_report,
        kpi::kpi_query_set,
        kpi::kpi_run_query,
        checks::check_catalog,
        checks::check_targets,
        checks::check_target_add,
        checks::check_target_remove,
        checks::check_attest,
        checks::check_unattest,
        checks::check_run,
        checks::check_last_run,
        checks::check_history,
        checks::check_export,
    ]
}

/// Runs `f` on the blocking pool once the app is unlocked.
pub(crate) async fn unlocked<T: Send + 'static>(
    shared: &Arc<Shared>,
    f: impl FnOnce(&Rampart) -> Result<T, CoreError> + Send + 'static,
) -> IpcResult<T> {
    let shared = shared.clone();
    tauri::async_runtime::spawn_blocking(move || shared.unlocked(f))
        .await
        .map_err(|e| IpcError::internal(format!("the task failed: {e}")))?
        .map_err(IpcError::from)
}

/// Runs `f` on the blocking pool once the app is unlocked and, for this powerful action
/// (`subject` says which, for the prompt and the audit log), the app passphrase was entered
/// again. Without it the command fails with kind `passphraseRequired` and the UI asks.
pub(crate) async fn confirmed<T: Send + 'static>(
    shared: &Arc<Shared>,
    passphrase: Option<String>,
    subject: impl FnOnce(&Rampart) -> Result<String, CoreError> + Send + 'static,
    f: impl FnOnce(&Rampart) -> Result<T, CoreError> + Send + 'static,
) -> IpcResult<T> {
    let shared = shared.clone();
    let passphrase = passphrase.filter(|p| !p.is_empty()).map(rampart_core::SecretString::new);
    tauri::async_runtime::spawn_blocking(move || shared.confirmed(passphrase.as_ref(), subject, f))
        .await
        .map_err(|e| IpcError::internal(format!("the task failed: {e}")))?
        .map_err(IpcError::from)
}

/// Runs one of core's async operations (the CLI's own path: prepare, work, record) once the
/// app is unlocked and, with `confirm` (the subject and the passphrase given), the passphrase
/// was entered again. The whole operation runs on the blocking pool: its short SQLite and
/// keychain calls never stall the async runtime, and the app is shared, not held, so other
/// commands go on meanwhile. What it records lands even if the app locks during the work.
pub(crate) async fn operation<T, Fut>(
    shared: &Arc<Shared>,
    confirm: Option<(String, Option<String>)>,
    work: impl FnOnce(Arc<Shared>) -> Fut + Send + 'static,
) -> IpcResult<T>
where
    T: Send + 'static,
    Fut: std::future::Future<Output = Result<T, CoreError>> + Send + 'static,
{
    let enter = move |shared: &Shared| {
        let passphrase = confirm
            .as_ref()
            .and_then(|(_, p)| p.clone())
            .filter(|p| !p.is_empty())
            .map(rampart_core::SecretString::new);
        let confirm = confirm.as_ref().map(|(subject, _)| (subject.as_str(), passphrase.as_ref()));
        shared.enter(confirm)
    };
    Ok(on_blocking_pool(shared, enter, work).await?)
}

/// Runs one of core's async operations for a view once the app is unlocked, without counting
/// it as activity (pages that poll).
pub(crate) async fn viewing<T, Fut>(
    shared: &Arc<Shared>,
    work: impl FnOnce(Arc<Shared>) -> Fut + Send + 'static,
) -> IpcResult<T>
where
    T: Send + 'static,
    Fut: std::future::Future<Output = Result<T, CoreError>> + Send + 'static,
{
    Ok(on_blocking_pool(shared, Shared::enter_viewing, work).await?)
}

/// Runs `work` on the blocking pool once `enter` lets it in (the desktop's timers pass one
/// that always does).
pub(crate) async fn on_blocking_pool<T, Fut>(
    shared: &Arc<Shared>,
    enter: impl FnOnce(&Shared) -> Result<(), CoreError> + Send + 'static,
    work: impl FnOnce(Arc<Shared>) -> Fut + Send + 'static,
) -> Result<T, CoreError>
where
    T: Send + 'static,
    Fut: std::future::Future<Output = Result<T, CoreError>> + Send + 'static,
{
    let shared = shared.clone();
    tauri::async_runtime::spawn_blocking(move || {
        enter(&shared)?;
        tauri::async_runtime::block_on(work(shared))
    })
    .await
    .map_err(|e| CoreError::Internal(format!("the task failed: {e}")))?
}

/// Runs `f` on the blocking pool once the app is unlocked, without counting it as activity
/// (polling views).
pub(crate) async fn read_only<T: Send + 'static>(
    shared: &Arc<Shared>,
    f: impl FnOnce(&Rampart) -> Result<T, CoreError> + Send + 'static,
) -> IpcResult<T> {
    let shared = shared.clone();
    tauri::async_runtime::spawn_blocking(move || shared.read_only(f))
        .await
        .map_err(|e| IpcError::internal(format!("the task failed: {e}")))?
        .map_err(IpcError::from)
}

/// Asks where to save a file (`name` suggested, one filter); `None` when the user cancels.
pub(crate) async fn pick_save_path<R: tauri::Runtime>(
    handle: &tauri::AppHandle<R>,
    name: &str,
    filter: &str,
    ext: &str,
) -> IpcResult<Option<std::path::PathBuf>> {
    use tauri_plugin_dialog::DialogExt;
    let dialog = handle.dialog().file().set_file_name(name).add_filter(filter, &[ext]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(|e| IpcError::internal(e.to_string()))?;
    Ok(picked.and_then(|p| p.into_path().ok()))
}

/// Runs `f` on the blocking pool with the lock state, whatever it is.
pub(crate) async fn with_lock<T: Send + 'static>(
    shared: &Arc<Shared>,
    f: impl FnOnce(&Rampart, &mut rampart_core::lock::AppLock) -> Result<T, CoreError> + Send + 'static,
) -> IpcResult<T> {
    let shared = shared.clone();
    tauri::async_runtime::spawn_blocking(move || shared.with_lock(f))
        .await
        .map_err(|e| IpcError::internal(format!("the task failed: {e}")))?
        .map_err(IpcError::from)
}

/// The result of a copy.
#[derive(serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CopyResult {
    pub clears_in_seconds: u32,
}
