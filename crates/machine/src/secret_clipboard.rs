//! The system clipboard for secrets: a copy carries the password-manager hints that keep it
//! out of clipboard histories and cloud sync (`x-kde-passwordManagerHint: secret` on Linux,
//! `ExcludeClipboardContentFromMonitorProcessing` and friends on Windows,
//! `org.nspasteboard.ConcealedType` on macOS; arboard's `exclude_from_history`), and it is
//! cleared later only if the clipboard still holds it, compared by SHA-256 so nothing here
//! keeps the value.
//!
//! One thread owns the platform clipboard (arboard's is not `Send` everywhere, and on X11 the
//! owner must stay alive to serve the selection); callers talk to it over a channel.

use sha2::{Digest, Sha256};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use zeroize::Zeroizing;

enum Op {
    Set(Zeroizing<String>, mpsc::Sender<Result<(), String>>),
    /// The SHA-256 of the clipboard's text, if it holds text.
    Digest(mpsc::Sender<Option<[u8; 32]>>),
    Clear(mpsc::Sender<Result<(), String>>),
}

/// The clipboard, as secrets are copied to it.
pub struct SecretClipboard {
    ops: Mutex<Option<mpsc::Sender<Op>>>,
    generation: AtomicU64,
    ours: Mutex<Option<[u8; 32]>>,
}

impl Default for SecretClipboard {
    fn default() -> Self {
        Self::new()
    }
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs the clipboard's owner thread until every sender is gone.
fn serve(ops: mpsc::Receiver<Op>) {
    let mut board = arboard::Clipboard::new().map_err(|e| e.to_string());
    for op in ops {
        match op {
            Op::Set(text, reply) => {
                let done = board.as_mut().map_err(|e| e.clone()).and_then(|b| {
                    set_secret(b, &text)
                        .map_err(|e| format!("could not write to the clipboard: {e}"))
                });
                let _ = reply.send(done);
            }
            Op::Digest(reply) => {
                let text = board.as_mut().ok().and_then(|b| b.get_text().ok()).map(Zeroizing::new);
                let _ = reply.send(text.map(|t| digest(&t)));
            }
            Op::Clear(reply) => {
                let done = board.as_mut().map_err(|e| e.clone()).and_then(|b| {
                    b.clear().map_err(|e| format!("could not clear the clipboard: {e}"))
                });
                let _ = reply.send(done);
            }
        }
    }
}

fn set_secret(board: &mut arboard::Clipboard, text: &str) -> Result<(), arboard::Error> {
    #[cfg(target_os = "macos")]
    use arboard::SetExtApple;
    #[cfg(target_os = "linux")]
    use arboard::SetExtLinux;
    #[cfg(target_os = "windows")]
    use arboard::SetExtWindows;
    let set = board.set().exclude_from_history();
    #[cfg(target_os = "windows")]
    let set = set.exclude_from_cloud().exclude_from_monitoring();
    set.text(text)
}

impl SecretClipboard {
    /// A clipboard whose owner thread starts at the first copy.
    pub fn new() -> Self {
        Self { ops: Mutex::new(None), generation: AtomicU64::new(0), ours: Mutex::new(None) }
    }

    fn send<T>(&self, op: impl FnOnce(mpsc::Sender<T>) -> Op) -> Option<T> {
        let (reply, answer) = mpsc::channel();
        let mut ops = lock(&self.ops);
        let sender = ops.get_or_insert_with(|| {
            let (tx, rx) = mpsc::channel();
            let _ = std::thread::Builder::new().name("clipboard".into()).spawn(move || serve(rx));
            tx
        });
        if sender.send(op(reply)).is_err() {
            *ops = None; // the thread is gone; the next call starts a new one
            return None;
        }
        drop(ops);
        answer.recv_timeout(std::time::Duration::from_secs(5)).ok()
    }

    /// Puts `text` on the clipboard with the password-manager hints; returns this copy's
    /// generation, for [`Self::clear_if_ours`].
    pub fn copy(&self, text: &str) -> Result<u64, String> {
        let text = Zeroizing::new(text.to_owned());
        let hash = digest(&text);
        self.send(|reply| Op::Set(text, reply))
            .unwrap_or_else(|| Err("the clipboard did not answer".into()))?;
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        *lock(&self.ours) = Some(hash);
        Ok(generation)
    }

    /// Clears the clipboard if `generation` is still the newest copy and the clipboard still
    /// holds it (the user may have copied something else since); true when it cleared.
    pub fn clear_if_ours(&self, generation: u64) -> bool {
        if self.generation.load(Ordering::SeqCst) != generation {
            return false; // a newer copy owns the clipboard now
        }
        let Some(ours) = lock(&self.ours).take() else { return false };
        if self.send(Op::Digest).flatten() != Some(ours) {
            return false;
        }
        matches!(self.send(Op::Clear), Some(Ok(())))
    }

    /// Clears the clipboard now if it still holds our newest copy (lock, quit, window close).
    pub fn clear_now(&self) -> bool {
        self.clear_if_ours(self.generation.load(Ordering::SeqCst))
    }
}
