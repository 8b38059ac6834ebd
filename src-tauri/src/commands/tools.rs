//! The responder's tools (the Tools page): the guide's encrypted fields, JWTs and password
//! hashes. Keys are picked by vault name and read in Rust; only results cross IPC. Copying a
//! result goes through the Rust clipboard guard, which clears it like any other copied secret.

use super::{CopyResult, unlocked};
use crate::error::{IpcError, IpcResult};
use crate::state::Shared;
use rampart_core::SecretString;
use rampart_core::tools::{
    self, FieldDecrypted, FieldEncrypted, HashCheck, HashInfo, JwtDecoded, JwtProfile, JwtReport,
    JwtSigned,
};
use std::sync::Arc;
use tauri::State;

type S<'a> = State<'a, Arc<Shared>>;

#[tauri::command]
pub async fn tools_field_decrypt(
    state: S<'_>,
    key_name: String,
    text: String,
) -> IpcResult<FieldDecrypted> {
    unlocked(state.inner(), move |app| app.field_decrypt(&key_name, &text)).await
}

#[tauri::command]
pub async fn tools_field_encrypt(
    state: S<'_>,
    key_name: String,
    text: String,
    lines: bool,
) -> IpcResult<FieldEncrypted> {
    unlocked(state.inner(), move |app| app.field_encrypt(&key_name, &text, lines)).await
}

#[tauri::command]
pub async fn tools_field_rotate(
    state: S<'_>,
    from_key: String,
    to_key: String,
    text: String,
) -> IpcResult<FieldEncrypted> {
    unlocked(state.inner(), move |app| app.field_rotate(&from_key, &to_key, &text)).await
}

#[tauri::command]
pub async fn tools_jwt_decode(state: S<'_>, token: String) -> IpcResult<JwtDecoded> {
    unlocked(state.inner(), move |app| app.jwt_decode(&token)).await
}

/// `issuer`/`audience`: `None` = the guide's, `""` = not checked.
#[tauri::command]
pub async fn tools_jwt_verify(
    state: S<'_>,
    token: String,
    secret_name: String,
    issuer: Option<String>,
    audience: Option<String>,
) -> IpcResult<JwtReport> {
    let profile = JwtProfile::with_overrides(issuer.as_deref(), audience.as_deref());
    unlocked(state.inner(), move |app| app.jwt_verify(&token, &secret_name, &profile)).await
}

#[tauri::command]
pub async fn tools_jwt_sign(
    state: S<'_>,
    secret_name: String,
    claims: String,
    expires: Option<String>,
    algorithm: String,
) -> IpcResult<JwtSigned> {
    unlocked(state.inner(), move |app| {
        app.jwt_sign(&secret_name, &algorithm, &claims, expires.as_deref())
    })
    .await
}

#[tauri::command]
pub async fn tools_hash_inspect(state: S<'_>, hash: String) -> IpcResult<HashInfo> {
    unlocked(state.inner(), |_| Ok(())).await?;
    tools::hash_inspect(&hash).map_err(IpcError::from)
}

/// The password is used for this check only. The hash work (up to a second or two for a costly
/// hash) runs off the app lock so it holds up no other command.
#[tauri::command]
pub async fn tools_hash_check(
    state: S<'_>,
    hash: String,
    password: String,
) -> IpcResult<HashCheck> {
    let password = SecretString::new(password);
    unlocked(state.inner(), |_| Ok(())).await?;
    tauri::async_runtime::spawn_blocking(move || tools::hash_check(&hash, &password))
        .await
        .map_err(|e| IpcError::internal(format!("the task failed: {e}")))?
        .map_err(IpcError::from)
}

/// Copies a result (a decrypted value, a token) from Rust; it is cleared like a copied secret.
#[tauri::command]
pub async fn tools_copy(state: S<'_>, text: String) -> IpcResult<CopyResult> {
    let text = SecretString::new(text);
    let shared = state.inner().clone();
    let seconds = unlocked(&shared, |app| Ok(app.settings()?.clipboard_clear_seconds)).await?;
    shared.clipboard.copy(text.expose(), seconds).map_err(IpcError::internal)?;
    Ok(CopyResult { clears_in_seconds: seconds })
}
