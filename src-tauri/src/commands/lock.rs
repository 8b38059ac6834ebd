//! App-lock commands: state, passphrase, unlock, lock now, activity pings.

use super::with_lock;
use crate::error::IpcResult;
use crate::state::Shared;
use rampart_core::SecretString;
use rampart_core::lock::LockState;
use std::sync::Arc;
use tauri::{AppHandle, Runtime, State};

type S<'a> = State<'a, Arc<Shared>>;

#[tauri::command]
pub async fn lock_state(state: S<'_>) -> IpcResult<LockState> {
    // The page's first call: what came before it was WebKit loading and running the page.
    static FIRST: std::sync::Once = std::sync::Once::new();
    FIRST.call_once(|| crate::startup::mark("page running (lock state asked for)"));
    with_lock(state.inner(), |app, lock| app.lock_state(lock)).await
}

#[tauri::command]
pub async fn lock_set_passphrase(
    state: S<'_>,
    current: Option<String>,
    next: Option<String>,
) -> IpcResult<LockState> {
    let current = current.filter(|c| !c.is_empty()).map(SecretString::new);
    let next = next.filter(|n| !n.is_empty()).map(SecretString::new);
    with_lock(state.inner(), move |app, lock| {
        app.change_passphrase(lock, current.as_ref(), next.as_ref())?;
        app.lock_state(lock)
    })
    .await
}

#[tauri::command]
pub async fn lock_unlock<R: Runtime>(
    handle: AppHandle<R>,
    state: S<'_>,
    passphrase: String,
) -> IpcResult<LockState> {
    let passphrase = SecretString::new(passphrase);
    let state = with_lock(state.inner(), move |app, lock| {
        app.unlock(lock, &passphrase)?;
        app.lock_state(lock)
    })
    .await?;
    crate::lock_changed(&handle, state);
    Ok(state)
}

#[tauri::command]
pub async fn lock_now<R: Runtime>(handle: AppHandle<R>, state: S<'_>) -> IpcResult<LockState> {
    let state = with_lock(state.inner(), |app, lock| {
        lock.lock(app.has_passphrase()?);
        if lock.is_locked() {
            app.forget_secrets_in_memory();
        }
        app.lock_state(lock)
    })
    .await?;
    crate::lock_changed(&handle, state);
    Ok(state)
}

/// The UI saw user input: push the idle lock back.
#[tauri::command]
pub async fn lock_activity(state: S<'_>) -> IpcResult<()> {
    with_lock(state.inner(), |app, lock| {
        if !lock.is_locked() {
            lock.touch(app.now());
        }
        Ok(())
    })
    .await
}
