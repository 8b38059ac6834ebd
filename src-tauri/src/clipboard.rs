//! Copy to the clipboard with auto-clear: the copy carries the password-manager hints
//! ([`SecretClipboard`]), and after N seconds the clipboard is emptied, but only if it still
//! holds what we put there. Also cleared on lock, screen lock, window close and quit.

use rampart_machine::secret_clipboard::SecretClipboard;
use std::sync::Arc;

/// The app's one clipboard writer.
#[derive(Default)]
pub struct ClipboardGuard {
    board: Arc<SecretClipboard>,
}

impl ClipboardGuard {
    /// Puts `text` on the clipboard and schedules the clear after `clear_after_secs`.
    pub fn copy(&self, text: &str, clear_after_secs: u32) -> Result<(), String> {
        let board = self.board.clone();
        let generation = board.copy(text)?;
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_secs(u64::from(clear_after_secs))).await;
            let cleared =
                tauri::async_runtime::spawn_blocking(move || board.clear_if_ours(generation));
            if matches!(cleared.await, Ok(true)) {
                tracing::info!("cleared the clipboard");
            }
        });
        Ok(())
    }

    /// Clears the clipboard now if it still holds our latest copy.
    pub fn clear_now(&self) {
        if self.board.clear_now() {
            tracing::info!("cleared the clipboard");
        }
    }
}
