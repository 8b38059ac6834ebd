//! Desktop notifications through tauri-plugin-notification, shown from Rust only (the webview
//! has no notification permission). Which events notify is decided in rampart-core's
//! `feeds::notify::decide`; a failure to show one is logged, never fatal.

use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::NotificationExt;

/// Shows one notification.
pub fn show<R: Runtime>(handle: &AppHandle<R>, title: &str, body: &str) {
    let shown = handle.notification().builder().title(title).body(body).show();
    if let Err(e) = shown {
        tracing::warn!(error = %e, "desktop notification not shown");
    }
}
