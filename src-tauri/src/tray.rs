//! The tray icon: pinned accounts for one-click copy, show window, lock, quit. The menu is
//! rebuilt when pins or accounts change ([`refresh`]). While locked, the menu lists no accounts.

use crate::state::Shared;
use std::sync::Arc;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager, Runtime};

const TRAY_ID: &str = "rampart";

fn build_menu<R: Runtime>(handle: &AppHandle<R>, shared: &Shared) -> tauri::Result<Menu<R>> {
    let menu = Menu::new(handle)?;
    let pinned = shared
        .read_only(|app| app.otp_list())
        .map(|list| list.into_iter().filter(|a| a.pinned).collect::<Vec<_>>());
    match pinned {
        Ok(list) if !list.is_empty() => {
            for a in list {
                let label = if a.issuer.is_empty() {
                    format!("Copy code: {}", a.account)
                } else {
                    format!("Copy code: {} ({})", a.issuer, a.account)
                };
                menu.append(&MenuItem::with_id(
                    handle,
                    format!("copy:{}", a.id),
                    label,
                    true,
                    None::<&str>,
                )?)?;
            }
        }
        Ok(_) => menu.append(&MenuItem::with_id(
            handle,
            "none",
            "No pinned accounts",
            false,
            None::<&str>,
        )?)?,
        Err(_) => {
            menu.append(&MenuItem::with_id(handle, "none", "Locked", false, None::<&str>)?)?
        }
    }
    menu.append(&PredefinedMenuItem::separator(handle)?)?;
    menu.append(&MenuItem::with_id(handle, "show", "Show Rampart", true, None::<&str>)?)?;
    menu.append(&MenuItem::with_id(handle, "lock", "Lock", true, None::<&str>)?)?;
    menu.append(&MenuItem::with_id(handle, "quit", "Quit", true, None::<&str>)?)?;
    Ok(menu)
}

/// Creates the tray icon.
pub fn install<R: Runtime>(handle: &AppHandle<R>, shared: &Arc<Shared>) -> tauri::Result<()> {
    let menu = build_menu(handle, shared)?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID).menu(&menu).tooltip("Rampart");
    if let Some(icon) = handle.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.on_menu_event(on_menu_event).build(handle)?;
    Ok(())
}

/// Rebuilds the menu (pins or accounts changed, lock state changed).
pub fn refresh<R: Runtime>(handle: &AppHandle<R>) {
    let Some(tray) = handle.tray_by_id(TRAY_ID) else { return };
    let shared = handle.state::<Arc<Shared>>();
    if let Ok(menu) = build_menu(handle, &shared) {
        let _ = tray.set_menu(Some(menu));
    }
}

fn on_menu_event<R: Runtime>(handle: &AppHandle<R>, event: tauri::menu::MenuEvent) {
    let id = event.id().as_ref().to_owned();
    let shared = handle.state::<Arc<Shared>>().inner().clone();
    match id.as_str() {
        "show" => {
            if let Some(w) = handle.get_webview_window("main") {
                let _ = w.show();
                let _ = w.set_focus();
            }
        }
        "lock" => {
            let state = shared.with_lock(|app, lock| {
                lock.lock(app.has_passphrase()?);
                app.forget_secrets_in_memory();
                app.lock_state(lock)
            });
            if let Ok(state) = state {
                crate::lock_changed(handle, state);
            }
        }
        "quit" => {
            shared.clipboard.clear_now(handle);
            handle.exit(0)
        }
        other => {
            if let Some(account_id) = other.strip_prefix("copy:") {
                let copied = shared.unlocked(|app| {
                    Ok((
                        app.otp_code_for_copy(account_id, false)?,
                        app.settings()?.clipboard_clear_seconds,
                    ))
                });
                match copied {
                    Ok((code, secs)) => {
                        let _ = shared.clipboard.copy(handle, code.expose(), secs);
                        let _ = handle.emit("otp://changed", ());
                    }
                    Err(e) => tracing::warn!(error = %e, "tray copy failed"),
                }
            }
        }
    }
}
