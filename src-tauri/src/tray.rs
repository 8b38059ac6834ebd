//! The tray icon: pinned accounts for one-click copy, the feeds' firing alerts and down services
//! (menu line, tooltip and, where the platform shows one, the title), one click to open an
//! incident for the newest firing alert, show window, lock, quit.
//! The menu is rebuilt when pins, accounts or the feeds' counts change ([`refresh`],
//! [`set_feeds`]). While locked, the menu lists no accounts.

use crate::state::Shared;
use rampart_core::feeds::monitor::FeedsCounts;
use std::sync::{Arc, Mutex};
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager, Runtime};

const TRAY_ID: &str = "rampart";
const INCIDENT_PREFIX: &str = "incident:";
/// Event carrying the id of an incident opened outside the UI (the tray): the UI shows it.
pub const INCIDENT_OPENED: &str = "incidents://opened";

/// The feeds' last (firing alerts, down services), as the tray shows them.
#[derive(Default)]
struct FeedsLine(Mutex<Option<(u32, u32)>>);

/// "3 firing alerts, 1 service down", "all clear", or None before the first numbers.
pub fn feeds_text(counts: Option<(u32, u32)>) -> Option<String> {
    let (firing, down) = counts?;
    let plural = |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    Some(match (firing, down) {
        (0, 0) => "all clear".to_owned(),
        (f, 0) => plural(f, "firing alert", "firing alerts"),
        (0, d) => plural(d, "service down", "services down"),
        (f, d) => format!(
            "{}, {}",
            plural(f, "firing alert", "firing alerts"),
            plural(d, "service down", "services down")
        ),
    })
}

fn feeds_counts<R: Runtime>(handle: &AppHandle<R>) -> Option<(u32, u32)> {
    let line = handle.try_state::<FeedsLine>()?;
    *line.0.lock().unwrap_or_else(|p| p.into_inner())
}

/// Shows the feeds' counts; rebuilds the menu only when they changed.
pub fn set_feeds<R: Runtime>(handle: &AppHandle<R>, counts: &FeedsCounts) {
    let Some(line) = handle.try_state::<FeedsLine>() else { return };
    let next = Some((counts.firing_total, counts.services_down));
    {
        let mut current = line.0.lock().unwrap_or_else(|p| p.into_inner());
        if *current == next {
            return;
        }
        *current = next;
    }
    if let Some(tray) = handle.tray_by_id(TRAY_ID) {
        let text = feeds_text(next).unwrap_or_default();
        let _ = tray.set_tooltip(Some(format!("Rampart: {text}")));
        let busy = counts.firing_total + counts.services_down > 0;
        let _ =
            tray.set_title(busy.then(|| format!("{}", counts.firing_total + counts.services_down)));
    }
    refresh(handle);
}

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
    let counts = feeds_counts(handle);
    if let Some(text) = feeds_text(counts) {
        let label = format!("Feeds: {text}");
        menu.append(&MenuItem::with_id(handle, "feeds", label, true, None::<&str>)?)?;
    }
    if counts.is_some_and(|(firing, _)| firing > 0)
        && let Ok(Some(alert)) = shared.read_only(|app| app.newest_firing_alert())
    {
        let on =
            if alert.service.is_empty() { String::new() } else { format!(" on {}", alert.service) };
        let label = format!("Open incident: {}{on}", alert.alertname);
        let id = format!("{INCIDENT_PREFIX}{}", alert.fingerprint);
        menu.append(&MenuItem::with_id(handle, id, label, true, None::<&str>)?)?;
    }
    menu.append(&MenuItem::with_id(handle, "show", "Show Rampart", true, None::<&str>)?)?;
    menu.append(&MenuItem::with_id(handle, "lock", "Lock", true, None::<&str>)?)?;
    menu.append(&MenuItem::with_id(handle, "quit", "Quit", true, None::<&str>)?)?;
    Ok(menu)
}

/// Creates the tray icon.
pub fn install<R: Runtime>(handle: &AppHandle<R>, shared: &Arc<Shared>) -> tauri::Result<()> {
    handle.manage(FeedsLine::default());
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

fn show_window<R: Runtime>(handle: &AppHandle<R>) {
    if let Some(w) = handle.get_webview_window("main") {
        let _ = w.show();
        let _ = w.set_focus();
    }
}

/// Opens an incident for the alert (its whole group) and shows it in the window.
pub(crate) fn open_incident<R: Runtime>(handle: &AppHandle<R>, shared: &Shared, fingerprint: &str) {
    use rampart_core::incidents::{NewIncident, Origin};
    let new = NewIncident {
        title: String::new(),
        severity: None,
        origin: Origin::Alert { alert: fingerprint.to_owned() },
        services: vec![],
        alerts: vec![],
        owner: None,
    };
    show_window(handle);
    match shared.unlocked(|app| app.incident_open(&new)) {
        Ok(view) => {
            let _ = handle.emit(INCIDENT_OPENED, view.id);
        }
        Err(e) => {
            tracing::warn!(error = %e, "incident from the tray not opened");
            crate::notify::show(handle, "Rampart: no incident opened", &e.to_string());
        }
    }
}

fn on_menu_event<R: Runtime>(handle: &AppHandle<R>, event: tauri::menu::MenuEvent) {
    let id = event.id().as_ref().to_owned();
    let shared = handle.state::<Arc<Shared>>().inner().clone();
    match id.as_str() {
        "show" | "feeds" => show_window(handle),
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
            shared.clipboard.clear_now();
            handle.exit(0)
        }
        other => {
            if let Some(fingerprint) = other.strip_prefix(INCIDENT_PREFIX) {
                open_incident(handle, &shared, fingerprint);
            } else if let Some(account_id) = other.strip_prefix("copy:")
                && let Err(e) = crate::commands::otp::copy_code(handle, &shared, account_id, false)
            {
                tracing::warn!(error = %e.message, "tray copy failed");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::feeds_text;

    #[test]
    fn the_tray_line_counts_firing_alerts_and_down_services() {
        assert_eq!(feeds_text(None), None);
        assert_eq!(feeds_text(Some((0, 0))).unwrap(), "all clear");
        assert_eq!(feeds_text(Some((1, 0))).unwrap(), "1 firing alert");
        assert_eq!(feeds_text(Some((0, 2))).unwrap(), "2 services down");
        assert_eq!(feeds_text(Some((3, 1))).unwrap(), "3 firing alerts, 1 service down");
    }
}
