//! Vault commands. Values cross IPC only on an explicit reveal or a generate-and-show; copying
//! goes from the keychain to the clipboard without passing through the UI.

use super::{CopyResult, confirmed, unlocked};
use crate::error::{IpcError, IpcResult};
use crate::revealed::Revealed;
use crate::state::Shared;
use rampart_core::vault::Encoding;
use rampart_core::views::CredentialView;
use rampart_core::{CredentialKind, Rampart, SecretString};
use serde::Serialize;
use std::sync::Arc;
use tauri::State;

type S<'a> = State<'a, Arc<Shared>>;

#[tauri::command]
pub async fn vault_list(state: S<'_>) -> IpcResult<Vec<CredentialView>> {
    unlocked(state.inner(), |app| app.vault_list()).await
}

#[tauri::command]
pub async fn vault_add(
    state: S<'_>,
    name: String,
    kind: CredentialKind,
    value: String,
    tags: Vec<String>,
) -> IpcResult<CredentialView> {
    let value = SecretString::new(value);
    unlocked(state.inner(), move |app| app.vault_add(&name, kind, &value, tags)).await
}

/// The value, on an explicit reveal (audited).
#[tauri::command]
pub async fn vault_reveal(
    state: S<'_>,
    id: String,
    passphrase: Option<String>,
) -> IpcResult<Revealed> {
    let of = id.clone();
    let subject =
        move |app: &Rampart| Ok(format!("reveal the secret {}", app.vault_find(&of)?.name));
    let value =
        confirmed(state.inner(), passphrase, subject, move |app| app.vault_reveal(&id)).await?;
    Ok(Revealed::new(value))
}

#[tauri::command]
pub async fn vault_copy(state: S<'_>, id: String) -> IpcResult<CopyResult> {
    let shared = state.inner().clone();
    let (value, seconds) = unlocked(&shared, move |app| {
        Ok((app.vault_value_for_copy(&id)?, app.settings()?.clipboard_clear_seconds))
    })
    .await?;
    shared.clipboard.copy(value.expose(), seconds).map_err(IpcError::internal)?;
    Ok(CopyResult { clears_in_seconds: seconds })
}

#[tauri::command]
pub async fn vault_rotate(state: S<'_>, id: String, value: String) -> IpcResult<CredentialView> {
    let value = SecretString::new(value);
    unlocked(state.inner(), move |app| app.vault_rotate(&id, &value)).await
}

#[tauri::command]
pub async fn vault_rename(state: S<'_>, id: String, new_name: String) -> IpcResult<CredentialView> {
    unlocked(state.inner(), move |app| app.vault_rename(&id, &new_name)).await
}

#[tauri::command]
pub async fn vault_delete(state: S<'_>, id: String) -> IpcResult<()> {
    unlocked(state.inner(), move |app| app.vault_delete(&id)).await
}

#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct GenerateResult {
    pub(crate) credential: CredentialView,
    #[cfg_attr(test, ts(type = "string | null"))]
    pub(crate) revealed_value: Option<Revealed>,
}

#[tauri::command]
pub async fn vault_generate(
    state: S<'_>,
    name: String,
    kind: CredentialKind,
    bytes: usize,
    encoding: Encoding,
    reveal: bool,
) -> IpcResult<GenerateResult> {
    unlocked(state.inner(), move |app| {
        let (credential, value) = app.vault_generate(&name, kind, bytes, encoding, reveal)?;
        Ok(GenerateResult { credential, revealed_value: value.map(Revealed::new) })
    })
    .await
}
