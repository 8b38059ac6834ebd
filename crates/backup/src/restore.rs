//! Restore and verify: S3 body -> SHA-256 of ciphertext -> age -> zstd -> SHA-256 of plaintext ->
//! (tar extraction into a staging dir | a command's stdin | nothing, for a full verify). Sizes and
//! hashes are compared with the manifest before anything is swapped into place: the staging dir
//! is renamed over the target only after everything checked out, so an existing target is never
//! half-overwritten. Archive entries that would escape the target are refused (see `extract`).

use crate::engine::{Backup, Engine};
use crate::error::{BackupError, Result};
use crate::extract::extract_tar;
use crate::keys::Identities;
use crate::manifest::{Manifest, SourceKind};
use crate::progress::{Phase, ProgressFn, Tracker};
use crate::source::{CommandSpec, describe_status};
use sha2::{Digest, Sha256};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio_util::io::SyncIoBridge;

/// What a restore or full verify checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    pub id: String,
    pub plaintext_size: u64,
    pub ciphertext_size: u64,
    pub plaintext_sha256: String,
}

/// A reader that hashes and counts what passes, and remembers transport failures.
struct Tap<R> {
    inner: R,
    hasher: Sha256,
    size: u64,
    failed: Option<Arc<AtomicBool>>,
    tracker: Arc<Tracker>,
    plaintext: bool,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf).inspect_err(|_| {
            if let Some(f) = &self.failed {
                f.store(true, Ordering::SeqCst);
            }
        })?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        if self.plaintext {
            self.tracker.add_read(n as u64);
        } else {
            self.tracker.add_transferred(n as u64, Phase::Downloading);
        }
        Ok(n)
    }
}

/// Where decrypted bytes go.
enum Sink {
    Verify,
    Dir(PathBuf),
    Command(CommandSpec),
}

impl Engine {
    /// Restores a directory backup into `target`: staging dir next to it, verify, then swap.
    pub async fn restore_to_dir(
        &self,
        backup: &Backup,
        identities: &Identities,
        target: &Path,
        progress: Option<ProgressFn>,
    ) -> Result<RestoreReport> {
        let m = &backup.manifest;
        if m.kind != SourceKind::Directory {
            return Err(BackupError::Config(format!(
                "backup {} is a command dump, not a directory: restore it into a command",
                m.id
            )));
        }
        let (parent, name) = split_target(target)?;
        if target.exists() && !target.is_dir() {
            return Err(BackupError::Config(format!(
                "{} exists and is not a directory",
                target.display()
            )));
        }
        let available = fs2::available_space(&parent).map_err(|e| {
            BackupError::io(format!("checking free space at {}", parent.display()), e)
        })?;
        let needed = m.plaintext_size + m.plaintext_size / 20 + (1 << 20);
        if available < needed {
            return Err(BackupError::InsufficientSpace {
                path: parent.display().to_string(),
                needed,
                available,
            });
        }
        let staging = parent.join(format!(".{name}.rampart-staging-{:08x}", rand::random::<u32>()));
        std::fs::create_dir(&staging).map_err(|e| {
            BackupError::io(format!("creating the staging dir {}", staging.display()), e)
        })?;
        let result = self.decode(backup, identities, Sink::Dir(staging.clone()), progress).await;
        let report = match result {
            Ok(r) => r,
            Err(e) => {
                remove_tree(&staging);
                return Err(e);
            }
        };
        swap_in(&staging, target, &parent, &name)?;
        Ok(report)
    }

    /// Restores a backup into a command's stdin (`pg_restore`, `mongorestore --archive`). The
    /// command only ever receives authenticated plaintext (age checks every 64 KiB chunk), but
    /// it may have consumed a prefix before a truncation is detected: it is then killed and the
    /// error is returned.
    pub async fn restore_to_command(
        &self,
        backup: &Backup,
        identities: &Identities,
        command: &CommandSpec,
        progress: Option<ProgressFn>,
    ) -> Result<RestoreReport> {
        self.decode(backup, identities, Sink::Command(command.clone()), progress).await
    }

    /// Quick verify: the manifest parses and the object exists with the size it names.
    pub async fn verify_quick(&self, backup: &Backup) -> Result<()> {
        let m = &backup.manifest;
        match self.store.head(&m.object).await? {
            Some(size) if size == m.ciphertext_size => Ok(()),
            Some(size) => Err(integrity(
                m,
                format!("the object holds {size} bytes, the manifest says {}", m.ciphertext_size),
            )),
            None => Err(integrity(m, "the object is missing".into())),
        }
    }

    /// Full verify: download, decrypt, decompress and hash, writing nothing.
    pub async fn verify_full(
        &self,
        backup: &Backup,
        identities: &Identities,
    ) -> Result<RestoreReport> {
        self.verify_quick(backup).await?;
        self.decode(backup, identities, Sink::Verify, None).await
    }

    async fn decode(
        &self,
        backup: &Backup,
        identities: &Identities,
        sink: Sink,
        progress: Option<ProgressFn>,
    ) -> Result<RestoreReport> {
        let m = backup.manifest.clone();
        let tracker = Tracker::new(progress);
        tracker.set_total(Some(m.plaintext_size));
        tracker.emit(Phase::Downloading);
        let body = self.store.get(&m.object).await?;
        let reader = SyncIoBridge::new(body.into_async_read());
        let identities = identities.clone();
        let worker = Arc::clone(&tracker);
        let result = tokio::task::spawn_blocking(move || {
            decode_sync(reader, &m, &identities, sink, &worker)
        })
        .await
        .map_err(|e| BackupError::io("the restore worker", io::Error::other(e)))?;
        let report = result?;
        tracker.emit(Phase::Done);
        Ok(report)
    }
}

fn integrity(m: &Manifest, message: String) -> BackupError {
    BackupError::Integrity { key: m.object.clone(), message }
}

/// The synchronous decode pipeline.
fn decode_sync<R: Read>(
    reader: R,
    m: &Manifest,
    identities: &Identities,
    sink: Sink,
    tracker: &Arc<Tracker>,
) -> Result<RestoreReport> {
    let transport = Arc::new(AtomicBool::new(false));
    let mut cipher = Tap {
        inner: reader,
        hasher: Sha256::new(),
        size: 0,
        failed: Some(Arc::clone(&transport)),
        tracker: Arc::clone(tracker),
        plaintext: false,
    };
    let classify = |e: io::Error, transport: &AtomicBool| -> BackupError {
        if transport.load(Ordering::SeqCst) {
            BackupError::Storage {
                operation: "GetObject",
                message: e.to_string(),
                advice: "The download was interrupted: retry",
                retryable: true,
            }
        } else if e.kind() == io::ErrorKind::BrokenPipe {
            BackupError::io("the restore command stopped reading its input", e)
        } else {
            integrity(m, format!("the stream does not decrypt or decompress ({e})"))
        }
    };
    let plain_hash;
    let plain_size;
    {
        let decryptor = age::Decryptor::new(&mut cipher)
            .map_err(|e| decrypt_error(e, m, identities, &transport))?;
        let stream = decryptor
            .decrypt(identities.as_dyn())
            .map_err(|e| decrypt_error(e, m, identities, &transport))?;
        let zstd_r =
            zstd::stream::read::Decoder::new(stream).map_err(|e| classify(e, &transport))?;
        let mut plain = Tap {
            inner: zstd_r,
            hasher: Sha256::new(),
            size: 0,
            failed: None,
            tracker: Arc::clone(tracker),
            plaintext: true,
        };
        match sink {
            Sink::Verify => {
                io::copy(&mut plain, &mut io::sink()).map_err(|e| classify(e, &transport))?;
            }
            Sink::Dir(staging) => {
                extract_tar(&mut plain, &staging, &m.object).map_err(|e| match e {
                    crate::extract::ExtractError::Unsafe { entry, reason } => {
                        BackupError::UnsafeArchive { key: m.object.clone(), entry, reason }
                    }
                    crate::extract::ExtractError::Io(e) => classify(e, &transport),
                })?;
                io::copy(&mut plain, &mut io::sink()).map_err(|e| classify(e, &transport))?;
            }
            Sink::Command(spec) => {
                let mut running = spec.spawn(Stdio::piped(), Stdio::inherit())?;
                let mut stdin = running.child.stdin.take().expect("stdin is piped");
                let copied = io::copy(&mut plain, &mut stdin);
                drop(stdin);
                if copied.is_err() {
                    running.kill();
                }
                let program = running.program.clone();
                let (status, stderr_tail) = running.finish()?;
                copied.map_err(|e| classify(e, &transport))?;
                if !status.success() {
                    return Err(BackupError::RestoreCommandFailed {
                        program,
                        status: describe_status(&status),
                        stderr_tail,
                    });
                }
            }
        }
        plain_size = plain.size;
        plain_hash = hex::encode(plain.hasher.finalize());
    }
    io::copy(&mut cipher, &mut io::sink()).map_err(|e| classify(e, &transport))?;
    let cipher_hash = hex::encode(cipher.hasher.finalize());
    if cipher.size != m.ciphertext_size || cipher_hash != m.ciphertext_sha256 {
        return Err(integrity(
            m,
            format!(
                "the object ({} bytes, SHA-256 {cipher_hash}) differs from the manifest ({} bytes, {})",
                cipher.size, m.ciphertext_size, m.ciphertext_sha256
            ),
        ));
    }
    if plain_size != m.plaintext_size || plain_hash != m.plaintext_sha256 {
        return Err(integrity(
            m,
            format!(
                "the decrypted data ({plain_size} bytes, SHA-256 {plain_hash}) differs from the manifest ({} bytes, {})",
                m.plaintext_size, m.plaintext_sha256
            ),
        ));
    }
    Ok(RestoreReport {
        id: m.id.clone(),
        plaintext_size: plain_size,
        ciphertext_size: cipher.size,
        plaintext_sha256: plain_hash,
    })
}

fn decrypt_error(
    e: age::DecryptError,
    m: &Manifest,
    ids: &Identities,
    transport: &AtomicBool,
) -> BackupError {
    match e {
        age::DecryptError::Io(io) if transport.load(Ordering::SeqCst) => BackupError::Storage {
            operation: "GetObject",
            message: io.to_string(),
            advice: "The download was interrupted: retry",
            retryable: true,
        },
        age::DecryptError::NoMatchingKeys => {
            let mine: Vec<String> = ids.recipients().iter().map(ToString::to_string).collect();
            if m.recipients.iter().any(|r| mine.contains(r)) {
                integrity(m, "the age header is damaged (the right identity was given)".into())
            } else {
                BackupError::WrongKey { key: m.object.clone(), recipients: m.recipients.join(", ") }
            }
        }
        other => integrity(m, format!("the age layer failed ({other})")),
    }
}

fn split_target(target: &Path) -> Result<(PathBuf, String)> {
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| {
            BackupError::Config(format!("{} has no usable directory name", target.display()))
        })?
        .to_owned();
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(BackupError::Config(format!(
            "the parent of {} does not exist",
            target.display()
        )));
    }
    Ok((parent, name))
}

/// Moves the verified staging dir into place; the old target is renamed aside first and put
/// back if the second rename fails, then removed.
fn swap_in(staging: &Path, target: &Path, parent: &Path, name: &str) -> Result<()> {
    let io = |what: &str, e| BackupError::io(what.to_owned(), e);
    if target.exists() {
        let old = parent.join(format!(".{name}.rampart-old-{:08x}", rand::random::<u32>()));
        std::fs::rename(target, &old).map_err(|e| {
            remove_tree(staging);
            io("moving the old target aside", e)
        })?;
        if let Err(e) = std::fs::rename(staging, target) {
            let _ = std::fs::rename(&old, target);
            remove_tree(staging);
            return Err(io("moving the restored data into place", e));
        }
        remove_tree(&old);
    } else {
        std::fs::rename(staging, target).map_err(|e| {
            remove_tree(staging);
            io("moving the restored data into place", e)
        })?;
    }
    Ok(())
}

fn remove_tree(path: &Path) {
    if let Err(e) = std::fs::remove_dir_all(path) {
        tracing::warn!(path = %path.display(), error = %e, "could not remove a temporary dir");
    }
}
