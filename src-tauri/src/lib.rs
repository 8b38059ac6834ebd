//! The desktop shell: Tauri wiring only. Domain logic lives in crates/ (rampart-core and
//! below); this crate turns it into commands ([`commands`]), keeps the shared state ([`state`]),
//! owns the clipboard auto-clear ([`clipboard`]), the tray ([`tray`]), the idle-lock ticker, and
//! hosts the feeds monitor ([`feeds`]) with its desktop notifications ([`notify`]) and the
//! incidents' escalation timer ([`escalation`]) and the checklist's review reminder
//! ([`reviews`]), and sets how the web view renders ([`rendering`]).

mod backups;
mod clipboard;
pub mod commands;
pub mod error;
mod escalation;
mod feeds;
mod notify;
mod rendering;
mod revealed;
mod reviews;
mod startup;
pub mod state;
mod tray;

#[cfg(test)]
mod ipc_export;
#[cfg(test)]
mod ipc_tests;
#[cfg(test)]
mod ipc_tests_confirm;
#[cfg(test)]
mod ipc_tests_incidents;

use rampart_core::{Config, Rampart};
use state::Shared;
use std::sync::Arc;
use tauri::{Emitter, Manager};

/// `--data-dir DIR` from the command line, if given.
fn data_dir_arg() -> Option<std::path::PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next().map(Into::into);
        }
        if let Some(v) = arg.to_str().and_then(|a| a.strip_prefix("--data-dir=")) {
            return Some(v.into());
        }
    }
    None
}

/// Opens the data dir and keychain namespace, or explains why not.
fn open_app() -> Result<Rampart, String> {
    let config = Config::from_env(data_dir_arg().as_deref()).map_err(|e| e.to_string())?;
    Rampart::open(config).map_err(|e| e.to_string())
}

/// Builds the app with every command, plugin and background task.
pub fn builder() -> tauri::Builder<tauri::Wry> {
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(commands::handler())
        .setup(|app| {
            let setup_at = startup::elapsed_ms();
            let rampart = open_app().map_err(|e| -> Box<dyn std::error::Error> { e.into() })?;
            let opened_at = startup::elapsed_ms();
            let log_guard = rampart_core::logging::init(rampart.data_dir(), "info");
            tracing::info!(data_dir = %rampart.data_dir().display(), keychain = rampart.keychain().service(), "Rampart desktop starting");
            tracing::info!(setup_at, opened_at, "start-up: data dir open");
            for window in app.webview_windows().values() {
                rendering::apply(window);
            }
            let shared = Arc::new(Shared::new(rampart, log_guard));
            startup::mark("lock state read");
            shared.prefetch_seeds();
            app.manage(shared.clone());
            tray::install(app.handle(), &shared)?;
            app.manage(Arc::new(rampart_machine::MachineProbe::new()));
            feeds::start(app.handle(), shared.clone());
            escalation::start(app.handle(), shared.clone());
            reviews::start(app.handle(), shared.clone());
            backups::start(app.handle(), shared.clone());
            watch_session_lock(app.handle().clone(), shared.clone());
            exit_cleanly_on_signals(app.handle().clone(), shared.clone());
            spawn_idle_lock(app.handle().clone(), shared);
            startup::mark("setup done");
            Ok(())
        })
}

/// Lock with the screen: on screen lock or suspend (D-Bus, Linux) the app locks, and the
/// clipboard loses our value even when no passphrase is set. A bus that is not there (a
/// headless machine) is logged and skipped; the idle lock still applies.
#[cfg(target_os = "linux")]
fn watch_session_lock(handle: tauri::AppHandle, shared: Arc<Shared>) {
    use rampart_machine::session_events::{Bus, SessionEvent, watch};
    for bus in [Bus::Session, Bus::System] {
        let (handle, shared) = (handle.clone(), shared.clone());
        let watched = watch(bus, move |event| {
            let reason = match event {
                SessionEvent::ScreenLocked => "screen locked",
                SessionEvent::Suspending => "suspending",
            };
            shared.clipboard.clear_now();
            if let Some(state) = shared.session_lock(reason) {
                lock_changed(&handle, state);
            }
        });
        match watched {
            Ok(watcher) => watcher.detach(),
            Err(e) => tracing::info!("no lock on screen lock from this bus: {e}"),
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn watch_session_lock(_handle: tauri::AppHandle, _shared: Arc<Shared>) {}

/// SIGTERM (logout, shutdown, a driver closing the app), SIGINT and SIGHUP: clear our value
/// from the clipboard, then exit as usual, instead of dying with it still there.
#[cfg(unix)]
fn exit_cleanly_on_signals(handle: tauri::AppHandle, shared: Arc<Shared>) {
    use tokio::signal::unix::{SignalKind, signal};
    tauri::async_runtime::spawn(async move {
        let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
            signal(SignalKind::hangup()),
        ) else {
            tracing::warn!("cannot handle quit signals: the clipboard is not cleared on them");
            return;
        };
        let which = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
            _ = hup.recv() => "SIGHUP",
        };
        tracing::info!("asked to quit by {which}");
        let clearing = shared.clone();
        let _ = tauri::async_runtime::spawn_blocking(move || clearing.clipboard.clear_now()).await;
        handle.exit(0);
    });
}

#[cfg(not(unix))]
fn exit_cleanly_on_signals(_handle: tauri::AppHandle, _shared: Arc<Shared>) {}

/// Every 5 s: lock after the configured idle time and tell the UI.
fn spawn_idle_lock(handle: tauri::AppHandle, shared: Arc<Shared>) {
    tauri::async_runtime::spawn(async move {
        let mut interval = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            interval.tick().await;
            let shared = shared.clone();
            let changed = tauri::async_runtime::spawn_blocking(move || shared.idle_tick())
                .await
                .ok()
                .flatten();
            if let Some(state) = changed {
                lock_changed(&handle, state);
            }
        }
    });
}

/// After any lock change: clear our clipboard value when locking, rebuild the tray (which
/// lists pinned accounts only while unlocked) and tell the UI.
pub(crate) fn lock_changed<R: tauri::Runtime>(
    handle: &tauri::AppHandle<R>,
    state: rampart_core::lock::LockState,
) {
    if state.locked {
        handle.state::<Arc<Shared>>().clipboard.clear_now();
    }
    tray::refresh(handle);
    let _ = handle.emit("lock://changed", state);
}

/// Runs the desktop app. Closing the window or quitting clears our value from the clipboard
/// first (on X11 a clipboard manager would otherwise keep it after we exit).
pub fn run() {
    startup::begin();
    let app = match builder().build(tauri::generate_context!()) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("error: Rampart could not start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        let closing = matches!(
            event,
            tauri::RunEvent::Exit
                | tauri::RunEvent::ExitRequested { .. }
                | tauri::RunEvent::WindowEvent {
                    event: tauri::WindowEvent::CloseRequested { .. }
                        | tauri::WindowEvent::Destroyed,
                    ..
                }
        );
        if closing && let Some(shared) = handle.try_state::<Arc<Shared>>() {
            shared.clipboard.clear_now();
        }
        if matches!(event, tauri::RunEvent::Exit)
            && let Some(shared) = handle.try_state::<Arc<Shared>>()
        {
            shared.flush_logs();
        }
    });
}
