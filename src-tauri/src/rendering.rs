//! How the window's web view renders. Rampart is a status dashboard: a few small updates a
//! second at most, no animation that needs a GPU. On Linux, WebKitGTK's accelerated
//! compositing costs a GL context and tile backing stores per page, and on a machine without
//! a GPU (or under Xvfb) every update composites the whole window in software: measured with
//! the Codes page open and 200 accounts, the web process held 237 MB with it and 135 MB
//! without, and each once-a-second countdown update cost about three times the CPU. So the
//! web view paints without GPU compositing; `RAMPART_GPU_COMPOSITING=1` gives WebKit's default
//! back (for a machine where it paints better).

/// The environment variable that keeps WebKit's own compositing policy.
pub const GPU_COMPOSITING_ENV: &str = "RAMPART_GPU_COMPOSITING";

/// Whether the environment asks for GPU compositing (`1`, `true` or `yes`).
pub fn gpu_compositing_wanted(value: Option<&str>) -> bool {
    matches!(value.map(str::trim), Some("1" | "true" | "yes"))
}

/// Applies the policy to `window`'s web view (a no-op outside Linux).
pub fn apply<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    let wanted = std::env::var(GPU_COMPOSITING_ENV).ok();
    if gpu_compositing_wanted(wanted.as_deref()) {
        tracing::info!(
            "web view renders with WebKit's default compositing ({GPU_COMPOSITING_ENV})"
        );
        return;
    }
    #[cfg(target_os = "linux")]
    let applied = window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = webview.inner().settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    #[cfg(not(target_os = "linux"))]
    let applied: tauri::Result<()> = Ok(());
    if let Err(e) = applied {
        tracing::warn!(error = %e, "could not set the web view's rendering policy");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_explicit_yes_keeps_gpu_compositing() {
        for yes in ["1", "true", "yes", " 1 "] {
            assert!(gpu_compositing_wanted(Some(yes)), "{yes:?}");
        }
        for no in [None, Some(""), Some("0"), Some("false"), Some("no"), Some("on please")] {
            assert!(!gpu_compositing_wanted(no), "{no:?}");
        }
    }
}
