//! Authenticator commands: codes (never seeds), copy, pin, import, enrol, verify, QR.

use super::{CopyResult, confirmed, unlocked};
use crate::error::{IpcError, IpcResult};
use crate::revealed::Revealed;
use crate::state::Shared;
use rampart_core::SecretString;
use rampart_core::views::{CodeView, ImportReport, VerifyResult};
use serde::Serialize;
use std::sync::Arc;
use tauri::{AppHandle, Emitter, Runtime, State};

type S<'a> = State<'a, Arc<Shared>>;

#[tauri::command]
pub async fn otp_codes(state: S<'_>) -> IpcResult<Vec<CodeView>> {
    let shared = state.inner().clone();
    static FIRST_ASKED: std::sync::Once = std::sync::Once::new();
    FIRST_ASKED.call_once(|| crate::startup::mark("first code list asked for"));
    // Polled every second: do not count it as user activity.
    let codes =
        tauri::async_runtime::spawn_blocking(move || shared.read_only(|app| app.otp_codes(None)))
            .await
            .map_err(|e| IpcError::internal(e.to_string()))?
            .map_err(IpcError::from)?;
    static FIRST: std::sync::Once = std::sync::Once::new();
    // The start-up benchmark waits for this line (bench/measure.py).
    FIRST.call_once(|| {
        tracing::info!(
            accounts = codes.len(),
            ms = crate::startup::elapsed_ms(),
            "first code list served"
        )
    });
    Ok(codes)
}

#[tauri::command]
pub async fn otp_copy<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    id: String,
    next: bool,
) -> IpcResult<CopyResult> {
    let shared = state.inner().clone();
    tauri::async_runtime::spawn_blocking(move || copy_code(&handle, &shared, &id, next))
        .await
        .map_err(|e| IpcError::internal(format!("the task failed: {e}")))?
}

/// Copies an account's code (or the next one) with the clipboard's auto-clear, and tells the
/// UI and the tray (a HOTP counter moved): the Codes page and the tray menu both copy here.
/// Blocking (keychain, SQLite): call it off the async runtime.
pub(crate) fn copy_code<R: Runtime>(
    handle: &AppHandle<R>,
    shared: &Shared,
    id: &str,
    next: bool,
) -> IpcResult<CopyResult> {
    let (code, seconds) = shared.unlocked(|app| {
        Ok((app.otp_code_for_copy(id, next)?, app.settings()?.clipboard_clear_seconds))
    })?;
    shared.clipboard.copy(code.expose(), seconds).map_err(IpcError::internal)?;
    let _ = handle.emit("otp://changed", ());
    Ok(CopyResult { clears_in_seconds: seconds })
}

#[tauri::command]
pub async fn otp_set_pinned<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    id: String,
    pinned: bool,
) -> IpcResult<()> {
    unlocked(state.inner(), move |app| app.otp_set_pinned(&id, pinned)).await?;
    crate::tray::refresh(&handle);
    Ok(())
}

#[tauri::command]
pub async fn otp_remove<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    id: String,
) -> IpcResult<()> {
    unlocked(state.inner(), move |app| app.otp_remove(&id)).await?;
    crate::tray::refresh(&handle);
    Ok(())
}

#[tauri::command]
pub async fn otp_import<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    file_name: Option<String>,
    text: Option<String>,
    bytes: Option<Vec<u8>>,
    password: Option<String>,
) -> IpcResult<ImportReport> {
    let data = match (bytes, text) {
        (Some(b), _) => b,
        (None, Some(t)) => t.into_bytes(),
        (None, None) => {
            return Err(IpcError::from(rampart_core::CoreError::InvalidInput(
                "paste otpauth links or choose a file to import".into(),
            )));
        }
    };
    let password = password.filter(|p| !p.is_empty()).map(SecretString::new);
    // Core's import (the CLI's path). The app is shared, not held: a hostile file's KDF holds
    // up only this import.
    let report = unlocked(state.inner(), move |app| {
        app.otp_import(file_name.as_deref(), &data, password.as_ref())
    })
    .await?;
    crate::tray::refresh(&handle);
    Ok(report)
}

/// The enrol view. The URI and QR carry the new secret: the one deliberate reveal of a seed.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, ts(rename = "EnrollDraft"))]
pub struct EnrollDraftView {
    pub(crate) draft_id: String,
    pub(crate) issuer: String,
    pub(crate) account: String,
    #[cfg_attr(test, ts(type = "string"))]
    pub(crate) otpauth_uri: Revealed,
    #[cfg_attr(test, ts(type = "string"))]
    pub(crate) qr_svg: Revealed,
    pub(crate) expires_at: i64,
}

#[tauri::command]
pub async fn otp_enroll_start(
    state: S<'_>,
    issuer: String,
    account: String,
) -> IpcResult<EnrollDraftView> {
    unlocked(state.inner(), move |app| {
        let d = app.enroll_start(&issuer, &account)?;
        Ok(EnrollDraftView {
            otpauth_uri: Revealed::new(d.otpauth_uri),
            qr_svg: Revealed::new(d.qr_svg),
            draft_id: d.draft_id,
            issuer: d.issuer,
            account: d.account,
            expires_at: d.expires_at,
        })
    })
    .await
}

#[tauri::command]
pub async fn otp_enroll_confirm<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    draft_id: String,
    code: String,
) -> IpcResult<CodeView> {
    let view = unlocked(state.inner(), move |app| app.enroll_confirm(&draft_id, &code)).await?;
    crate::tray::refresh(&handle);
    Ok(view)
}

#[tauri::command]
pub async fn otp_enroll_cancel(state: S<'_>, draft_id: String) -> IpcResult<()> {
    unlocked(state.inner(), move |app| {
        app.enroll_cancel(&draft_id);
        Ok(())
    })
    .await
}

#[tauri::command]
pub async fn otp_verify(state: S<'_>, id: String, code: String) -> IpcResult<VerifyResult> {
    unlocked(state.inner(), move |app| app.otp_verify(&id, &code, None)).await
}

/// An account's QR as SVG (it carries the secret; audited as show-qr).
#[tauri::command]
pub async fn otp_qr(state: S<'_>, id: String, passphrase: Option<String>) -> IpcResult<Revealed> {
    let of = id.clone();
    let subject = move |app: &rampart_core::Rampart| {
        let account = app.otp_list()?.into_iter().find(|a| a.id == of);
        let shown = account.map_or(of, |a| format!("{} ({})", a.issuer, a.account));
        Ok(format!("show the secret QR code of {shown}"))
    };
    confirmed(state.inner(), passphrase, subject, move |app| {
        let uri = app.otp_uri(&id)?;
        Ok(Revealed::from(rampart_core::otp::qr::svg(&uri)?))
    })
    .await
}

/// Which export the user asked for.
#[derive(serde::Deserialize, Clone, Copy)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    /// Aegis-compatible encrypted JSON (needs a password).
    Aegis,
    /// otpauth URIs, one per line, unencrypted (the UI asks for explicit confirmation).
    Uris,
}

/// Where an export was written; `None` when the user cancelled the save dialog.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ExportResult {
    pub(crate) path: Option<String>,
    pub(crate) accounts: usize,
}

/// Exports every account to a file the user picks in a native save dialog. The secrets go
/// from the keychain to the file without crossing IPC; the webview gets only the path.
#[tauri::command]
pub async fn otp_export<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    format: ExportFormat,
    password: Option<String>,
    passphrase: Option<String>,
) -> IpcResult<ExportResult> {
    let password = password.filter(|p| !p.is_empty()).map(SecretString::new);
    let shared = state.inner().clone();
    let subject = "export every 2FA account's secret to a file".to_owned();
    let accounts =
        confirmed(&shared, passphrase, move |_| Ok(subject), |app| Ok(app.otp_list()?.len()))
            .await?;
    if accounts == 0 {
        return Err(IpcError::from(rampart_core::CoreError::InvalidInput(
            "there are no accounts to export yet".into(),
        )));
    }
    if matches!(format, ExportFormat::Aegis) && password.is_none() {
        return Err(IpcError::from(rampart_core::CoreError::InvalidInput(
            "an Aegis export is encrypted: enter a password for it".into(),
        )));
    }
    let (name, filter, ext) = match format {
        ExportFormat::Aegis => ("rampart-aegis.json", "Aegis encrypted vault", "json"),
        ExportFormat::Uris => ("rampart-otpauth.txt", "otpauth URI list", "txt"),
    };
    let Some(path) = super::pick_save_path(&handle, name, filter, ext).await? else {
        return Ok(ExportResult { path: None, accounts });
    };
    let shown = path.display().to_string();
    unlocked(&shared, move |app| {
        let text = match format {
            ExportFormat::Aegis => {
                app.otp_export_aegis(password.as_ref().expect("checked above"))?
            }
            ExportFormat::Uris => app.otp_export_uris()?,
        };
        rampart_core::files::write_secret_file(&path, text.expose().as_bytes())
    })
    .await?;
    Ok(ExportResult { path: Some(shown), accounts })
}
