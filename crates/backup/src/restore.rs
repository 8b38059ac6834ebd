//! Restore and verify (of trusted backups only: see `engine`): S3 body -> SHA-256 of ciphertext -> age -> zstd -> SHA-256 of plaintext ->
//! (tar extraction into a staging dir | a command's stdin | nothing, for a full verify). Sizes and
//! hashes are compared with the manifest before anything is swapped into place: the staging dir
//! (see `staging`) is renamed over the target only after everything checked out, so an existing
//! target is never half-overwritten. No more bytes than the manifest names are read, on either
//! side of the decryption, so a manifest cannot under-state a backup to fill the disk. Archive
//! entries that would escape the target are refused (see `extract`).

use crate::engine::{Backup, Engine};
use crate::error::{BackupError, Result};
use crate::extract::{ExtractError, extract_tar};
use crate::keys::Identities;
use crate::manifest::{Manifest, SourceKind};
use crate::progress::{Phase, ProgressFn, Tracker};
use crate::source::{CommandSpec, describe_status};
use crate::staging::{Staging, clean_leftovers, remove_tree, split_target, swap_in};
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
    /// Staging dirs of earlier, unfinished restores into the same parent directory that this
    /// restore removed (they held decrypted data). Empty for verifies and command restores.
    pub removed_leftovers: Vec<PathBuf>,
}

/// A reader that hashes and counts what passes, refuses to pass more than `limit` bytes (and
/// raises `over`), and remembers transport failures.
struct Tap<R> {
    inner: R,
    hasher: Sha256,
    size: u64,
    limit: u64,
    over: Arc<AtomicBool>,
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
        if self.size.saturating_add(n as u64) > self.limit {
            self.over.store(true, Ordering::SeqCst);
            return Err(io::Error::new(io::ErrorKind::InvalidData, "more data than the manifest"));
        }
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
        self.require_trusted(backup)?;
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
        // Before the space check: leftovers take space too.
        let removed_leftovers = clean_leftovers(&parent);
        let available = fs2::available_space(&parent).map_err(|e| {
            BackupError::io(format!("checking free space at {}", parent.display()), e)
        })?;
        let needed = m.plaintext_size.saturating_add(m.plaintext_size / 20).saturating_add(1 << 20);
        if available < needed {
            return Err(BackupError::InsufficientSpace {
                path: parent.display().to_string(),
                needed,
                available,
            });
        }
        let staging = Staging::create(&parent, &name)?;
        let result = self.decode(backup, identities, Sink::Dir(staging.path.clone()), progress);
        let (report, root_mode) = match result.await {
            Ok(done) => done,
            Err(e) => {
                remove_tree(&staging.path);
                return Err(e);
            }
        };
        swap_in(&staging.path, root_mode, target, &parent, &name)?;
        Ok(RestoreReport { removed_leftovers, ..report })
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
        self.require_trusted(backup)?;
        Ok(self.decode(backup, identities, Sink::Command(command.clone()), progress).await?.0)
    }

    /// Quick verify: the manifest is trusted and the object exists with the size it names.
    pub async fn verify_quick(&self, backup: &Backup) -> Result<()> {
        self.require_trusted(backup)?;
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
        Ok(self.decode(backup, identities, Sink::Verify, None).await?.0)
    }

    async fn decode(
        &self,
        backup: &Backup,
        identities: &Identities,
        sink: Sink,
        progress: Option<ProgressFn>,
    ) -> Result<(RestoreReport, Option<u32>)> {
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

/// The synchronous decode pipeline; also returns the archive root's mode for a directory.
fn decode_sync<R: Read>(
    reader: R,
    m: &Manifest,
    identities: &Identities,
    sink: Sink,
    tracker: &Arc<Tracker>,
) -> Result<(RestoreReport, Option<u32>)> {
    let transport = Arc::new(AtomicBool::new(false));
    let cipher_over = Arc::new(AtomicBool::new(false));
    let plain_over = Arc::new(AtomicBool::new(false));
    let mut cipher = Tap {
        inner: reader,
        hasher: Sha256::new(),
        size: 0,
        limit: m.ciphertext_size,
        over: Arc::clone(&cipher_over),
        failed: Some(Arc::clone(&transport)),
        tracker: Arc::clone(tracker),
        plaintext: false,
    };
    let oversize = || {
        let (what, size) = if cipher_over.load(Ordering::SeqCst) {
            ("object", m.ciphertext_size)
        } else {
            ("decrypted data", m.plaintext_size)
        };
        integrity(
            m,
            format!(
                "the {what} holds more than the manifest's {size} bytes; reading stopped there"
            ),
        )
    };
    let classify = |e: io::Error, transport: &AtomicBool| -> BackupError {
        if cipher_over.load(Ordering::SeqCst) || plain_over.load(Ordering::SeqCst) {
            oversize()
        } else if transport.load(Ordering::SeqCst) {
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
    let mut root_mode = None;
    {
        let age_error = |e| {
            if cipher_over.load(Ordering::SeqCst) {
                oversize()
            } else {
                decrypt_error(e, m, identities, &transport)
            }
        };
        let decryptor = age::Decryptor::new(&mut cipher).map_err(age_error)?;
        let stream = decryptor.decrypt(identities.as_dyn()).map_err(age_error)?;
        let zstd_r =
            zstd::stream::read::Decoder::new(stream).map_err(|e| classify(e, &transport))?;
        let mut plain = Tap {
            inner: zstd_r,
            hasher: Sha256::new(),
            size: 0,
            limit: m.plaintext_size,
            over: Arc::clone(&plain_over),
            failed: None,
            tracker: Arc::clone(tracker),
            plaintext: true,
        };
        match sink {
            Sink::Verify => {
                io::copy(&mut plain, &mut io::sink()).map_err(|e| classify(e, &transport))?;
            }
            Sink::Dir(staging) => {
                root_mode = extract_tar(&mut plain, &staging).map_err(|e| match e {
                    ExtractError::Unsafe { entry, reason } => {
                        BackupError::UnsafeArchive { key: m.object.clone(), entry, reason }
                    }
                    ExtractError::Io(e) => classify(e, &transport),
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
    let report = RestoreReport {
        id: m.id.clone(),
        plaintext_size: plain_size,
        ciphertext_size: cipher.size,
        plaintext_sha256: plain_hash,
        removed_leftovers: Vec::new(),
    };
    Ok((report, root_mode))
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn seal(plain: &[u8], recipient: &crate::Recipient) -> Vec<u8> {
        let compressed = zstd::encode_all(plain, 3).unwrap();
        let r: age::x25519::Recipient = recipient.to_string().parse().unwrap();
        let enc =
            age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient)).unwrap();
        let mut out = Vec::new();
        let mut w = enc.wrap_output(&mut out).unwrap();
        w.write_all(&compressed).unwrap();
        w.finish().unwrap();
        out
    }

    fn bytes_under(dir: &Path) -> u64 {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter_map(|e| e.metadata().ok())
            .filter(|md| md.is_file())
            .map(|md| md.len())
            .sum()
    }

    /// A manifest that under-states the size stops the extraction at that size: a small
    /// manifest cannot be used to fill the disk with a large (highly compressible) archive.
    #[test]
    fn extraction_is_capped_at_the_manifest_size() {
        let mut b = tar::Builder::new(Vec::new());
        let data = vec![0u8; 4 << 20];
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, "zeros.bin", data.as_slice()).unwrap();
        let plain = b.into_inner().unwrap();
        let key = crate::keys::generate();
        let cipher = seal(&plain, &key.recipient);
        let sha = |d: &[u8]| hex::encode(Sha256::digest(d));
        let stated = 64 * 1024;
        let m = Manifest {
            format: crate::manifest::FORMAT.into(),
            id: "20260304T050607Z-00000001".into(),
            source: "s".into(),
            kind: SourceKind::Directory,
            object: "o".into(),
            started: time::OffsetDateTime::UNIX_EPOCH,
            finished: time::OffsetDateTime::UNIX_EPOCH,
            plaintext_size: stated,
            ciphertext_size: cipher.len() as u64,
            plaintext_sha256: sha(&plain),
            ciphertext_sha256: sha(&cipher),
            recipients: vec![key.recipient.to_string()],
            compression: "zstd".into(),
            part_size: 0,
            parts: 1,
            tool: String::new(),
            command_exit_status: None,
        };
        let ids = Identities::parse(&key.identity).unwrap();
        let staging = tempfile::tempdir().unwrap();
        let sink = Sink::Dir(staging.path().to_path_buf());
        let err = decode_sync(cipher.as_slice(), &m, &ids, sink, &Tracker::new(None)).unwrap_err();
        let written = bytes_under(staging.path());
        assert!(written <= stated, "{written} bytes were extracted, the manifest says {stated}");
        assert!(matches!(err, BackupError::Integrity { .. }), "{err}");
        assert!(err.to_string().contains("more than the manifest"), "{err}");

        // The same for a verify and a restore into a command.
        let err = decode_sync(cipher.as_slice(), &m, &ids, Sink::Verify, &Tracker::new(None))
            .unwrap_err();
        assert!(err.to_string().contains("more than the manifest"), "{err}");
        let fed = staging.path().join("fed");
        let cmd = CommandSpec::new(["sh", "-c", &format!("cat > '{}'", fed.display())]);
        let err = decode_sync(cipher.as_slice(), &m, &ids, Sink::Command(cmd), &Tracker::new(None))
            .unwrap_err();
        let got = std::fs::metadata(&fed).map(|md| md.len()).unwrap_or(0);
        assert!(got <= stated, "the command was fed {got} bytes, the manifest says {stated}");
        assert!(err.to_string().contains("more than the manifest"), "{err}");
    }
}
