//! Copy to the clipboard with auto-clear: after N seconds the clipboard is emptied, but only if
//! it still holds what we put there (compared by SHA-256, so the guard never keeps the value).

use sha2::{Digest, Sha256};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

/// Tracks the latest copy so only the newest timer clears, and only our own value.
#[derive(Default)]
pub struct ClipboardGuard {
    generation: AtomicU64,
    digest: Mutex<Option<[u8; 32]>>,
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

impl ClipboardGuard {
    /// Puts `text` on the clipboard and schedules the clear after `clear_after_secs`.
    pub fn copy<R: Runtime>(
        self: &std::sync::Arc<Self>,
        handle: &AppHandle<R>,
        text: &str,
        clear_after_secs: u32,
    ) -> Result<(), String> {
        handle
            .clipboard()
            .write_text(text.to_owned())
            .map_err(|e| format!("could not write to the clipboard: {e}"))?;
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        *self.digest.lock().expect("clipboard digest") = Some(digest(text));
        let guard = self.clone();
        let handle = handle.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_secs(u64::from(clear_after_secs))).await;
            guard.clear_if_ours(&handle, generation);
        });
        Ok(())
    }

    /// Clears the clipboard now if it still holds our latest copy (on lock and on quit).
    pub fn clear_now<R: Runtime>(&self, handle: &AppHandle<R>) {
        self.clear_if_ours(handle, self.generation.load(Ordering::SeqCst));
    }

    fn clear_if_ours<R: Runtime>(&self, handle: &AppHandle<R>, generation: u64) {
        if self.generation.load(Ordering::SeqCst) != generation {
            return; // a newer copy owns the clipboard now
        }
        let ours = self.digest.lock().expect("clipboard digest").take();
        let current = handle.clipboard().read_text().ok();
        if let (Some(ours), Some(current)) = (ours, current)
            && digest(&current) == ours
        {
            let _ = handle.clipboard().write_text(String::new());
            tracing::info!("cleared the clipboard");
        }
    }
}
