//! Settings commands.

use super::unlocked;
use crate::error::IpcResult;
use crate::state::Shared;
use rampart_core::settings::Settings;
use std::sync::Arc;
use tauri::State;

type S<'a> = State<'a, Arc<Shared>>;

#[tauri::command]
pub async fn settings_get(state: S<'_>) -> IpcResult<Settings> {
    unlocked(state.inner(), |app| app.settings()).await
}

#[tauri::command]
pub async fn settings_set(state: S<'_>, settings: Settings) -> IpcResult<Settings> {
    unlocked(state.inner(), move |app| app.set_settings(settings)).await
}
