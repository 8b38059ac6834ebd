//! The backup pipeline: source -> SHA-256 of plaintext -> zstd -> age -> SHA-256 of ciphertext
//! -> fixed-size part buffers -> bounded channel -> concurrent S3 UploadPart calls. The
//! read/hash/encrypt half runs on one blocking thread with plain `Write`rs, zstd compresses on its
//! own worker threads (one per core, capped, small jobs); the upload half is async. The part
//! buffers are a fixed set of `upload_concurrency + 1`, reused: a buffer goes back to the pool
//! when the S3 client drops the request body. Memory is about
//! `part_size x (upload_concurrency + 1)` plus zstd's jobs, whatever the size of the source or
//! the speed of the server.
//! The multipart upload is completed only when the source ended cleanly (a command exited 0, the
//! age stream was finished); otherwise it is aborted. The manifest's signature and then the
//! manifest are written last.

use crate::engine::Engine;
use crate::error::{BackupError, Result};
use crate::keys::Recipient;
use crate::manifest::{BackupId, Manifest, SourceKind, validate_source_name};
use crate::parts::{Part, PartPool, PartSink};
use crate::progress::{Phase, ProgressFn, Tracker};
use crate::signing::{ManifestSigner, SIGNATURE_SUFFIX};
use crate::source::{self, Source, describe_status};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart, StorageClass};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use sha2::{Digest, Sha256};
use std::io::{self, BufWriter, Write};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::mpsc;

/// zstd worker threads at most (one per core up to this).
const MAX_ZSTD_WORKERS: usize = 4;

/// zstd's job size with workers (its minimum). Each worker holds a few jobs' input and output,
/// so zstd's default (4 x the window, 8 MiB at level 3) would add ~80 MB with two workers; at
/// 512 KiB they add ~6 MB. The ratio does not suffer: each job still sees the previous window.
const ZSTD_JOB_SIZE: u32 = 512 * 1024;

/// Plaintext is handed to the hasher and zstd in chunks of this size (tar and `io::copy` write
/// 512-byte headers and 8 KiB pieces; each zstd call with workers takes locks).
const PLAIN_CHUNK: usize = 256 * 1024;

/// One backup to make.
#[derive(Clone)]
pub struct BackupRequest {
    /// The source's name (a key segment: letters, digits, `.`, `_`, `-`).
    pub source_name: String,
    pub source: Source,
    /// The age public keys to encrypt to (at least one).
    pub recipients: Vec<Recipient>,
    /// Signs the manifest (this machine's key, from the keychain).
    pub signer: Arc<ManifestSigner>,
    /// Told the object key and upload id as soon as the multipart upload exists, so a front
    /// end can record them and abort that very upload if this run dies (see
    /// [`Engine::abort_upload`]), without waiting out the cleanup grace period.
    pub on_upload: Option<UploadHook>,
    pub progress: Option<ProgressFn>,
}

/// See [`BackupRequest::on_upload`]: called with the object key and the upload id.
pub type UploadHook = Arc<dyn Fn(&str, &str) + Send + Sync>;

/// The first stage: hashes and counts plaintext.
struct PlainHasher<W> {
    inner: W,
    hasher: Sha256,
    size: u64,
    tracker: Arc<Tracker>,
}

impl<W: Write> Write for PlainHasher<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(data)?;
        self.hasher.update(&data[..n]);
        self.size += n as u64;
        self.tracker.add_read(n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// What the compress/encrypt thread produced.
struct Produced {
    plaintext_size: u64,
    plaintext_sha256: String,
    ciphertext_size: u64,
    ciphertext_sha256: String,
    parts: i32,
    exit_status: Option<i32>,
}

enum ProduceError {
    /// The upload side went away; its error is the one to report.
    Stopped,
    Failed(BackupError),
}

struct ProduceArgs {
    source: Source,
    recipients: Vec<Recipient>,
    level: i32,
    sink: PartSink,
    tracker: Arc<Tracker>,
}

/// zstd's streaming encoder at `level`, with one worker thread per core (capped) when there is
/// more than one core. Workers change how the frame is cut into blocks, not its format: any
/// `zstd -d` reads it.
fn zstd_encoder<W: Write>(
    inner: W,
    level: i32,
) -> io::Result<zstd::stream::write::Encoder<'static, W>> {
    let mut enc = zstd::stream::write::Encoder::new(inner, level)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = cores.min(MAX_ZSTD_WORKERS);
    if workers > 1 {
        enc.multithread(workers as u32)?;
        enc.set_parameter(zstd::stream::raw::CParameter::JobSize(ZSTD_JOB_SIZE))?;
    }
    Ok(enc)
}

fn produce(args: ProduceArgs) -> Result<Produced, ProduceError> {
    let stopped = Arc::clone(&args.sink.stopped);
    let fail = |e: BackupError| {
        if stopped.load(Ordering::SeqCst) { ProduceError::Stopped } else { ProduceError::Failed(e) }
    };
    let io_fail = |what: &str, e: io::Error| fail(BackupError::io(what.to_owned(), e));
    let encryptor = age::Encryptor::with_recipients(
        args.recipients.iter().map(|r| r.inner() as &dyn age::Recipient),
    )
    .map_err(|e| ProduceError::Failed(BackupError::Config(format!("cannot encrypt: {e}"))))?;
    let age_w =
        encryptor.wrap_output(args.sink).map_err(|e| io_fail("writing the age header", e))?;
    let zstd_w = zstd_encoder(age_w, args.level).map_err(|e| io_fail("starting zstd", e))?;
    let hasher =
        PlainHasher { inner: zstd_w, hasher: Sha256::new(), size: 0, tracker: args.tracker };
    let mut plain = BufWriter::with_capacity(PLAIN_CHUNK, hasher);
    let mut exit_status = None;
    match &args.source {
        Source::Directory { path, excludes } => {
            let globs = source::excludes(excludes).map_err(ProduceError::Failed)?;
            plain = source::write_tar(path, &globs, plain)
                .map_err(|e| fail(source::source_err(path, &e)))?;
        }
        Source::Command(spec) => {
            let mut running =
                spec.spawn(Stdio::null(), Stdio::piped()).map_err(ProduceError::Failed)?;
            let mut stdout = running.child.stdout.take().expect("stdout is piped");
            let copied = io::copy(&mut stdout, &mut plain);
            drop(stdout);
            if copied.is_err() {
                running.kill();
            }
            let program = running.program.clone();
            let (status, stderr_tail) = running.finish().map_err(&fail)?;
            copied.map_err(|e| io_fail(&format!("reading the output of `{program}`"), e))?;
            if !status.success() {
                return Err(fail(BackupError::CommandFailed {
                    program,
                    status: describe_status(&status),
                    stderr_tail,
                }));
            }
            exit_status = status.code();
        }
    }
    let plain = plain.into_inner().map_err(|e| io_fail("compressing", e.into_error()))?;
    let PlainHasher { inner: zstd_w, hasher, size: plaintext_size, .. } = plain;
    let age_w = zstd_w.finish().map_err(|e| io_fail("finishing zstd", e))?;
    let sink = age_w.finish().map_err(|e| io_fail("finishing age", e))?;
    let (ciphertext_size, ciphertext_sha256, parts) =
        sink.finish().map_err(|e| io_fail("sending the last part", e))?;
    Ok(Produced {
        plaintext_size,
        plaintext_sha256: hex::encode(hasher.finalize()),
        ciphertext_size,
        ciphertext_sha256,
        parts,
        exit_status,
    })
}

impl Engine {
    /// Makes one backup and returns its manifest (already written). On any failure the
    /// multipart upload is aborted and no manifest exists. If this future is dropped midway,
    /// the upload is left for [`Engine::cleanup`].
    pub async fn backup(&self, req: BackupRequest) -> Result<Manifest> {
        validate_source_name(&req.source_name)?;
        if req.recipients.is_empty() {
            return Err(BackupError::Config("a backup needs at least one age recipient".into()));
        }
        let started = (self.clock)();
        let id = BackupId::new(started, (self.random)());
        let kind = match &req.source {
            Source::Directory { .. } => SourceKind::Directory,
            Source::Command(_) => SourceKind::Command,
        };
        let object_key = self.layout.object_key(&req.source_name, &id, kind);
        let manifest_key = self.layout.manifest_key(&req.source_name, &id);
        let tracker = Tracker::new(req.progress.clone());

        if let Source::Directory { path, excludes } = &req.source {
            tracker.emit(Phase::Scanning);
            if !path.is_dir() {
                return Err(BackupError::Source {
                    path: path.display().to_string(),
                    message: "not a directory".into(),
                });
            }
            let (path, globs) = (path.clone(), source::excludes(excludes)?);
            let total = tokio::task::spawn_blocking(move || source::scan_size(&path, &globs))
                .await
                .map_err(|e| BackupError::io("scanning the source", io::Error::other(e)))??;
            tracker.set_total(Some(total));
        }

        let store = &self.store;
        for key in [&manifest_key, &object_key] {
            if store.head(key).await?.is_some() {
                return Err(BackupError::ManifestExists { key: key.clone() });
            }
        }
        let created = store
            .client
            .create_multipart_upload()
            .bucket(&store.bucket)
            .key(&object_key)
            .content_type("application/octet-stream")
            .set_storage_class(store.storage_class.as_deref().map(StorageClass::from))
            .send()
            .await
            .map_err(|e| BackupError::s3("CreateMultipartUpload", e))?;
        let upload_id = created.upload_id().unwrap_or_default().to_owned();
        if let Some(hook) = &req.on_upload {
            hook(&object_key, &upload_id);
        }

        let concurrency = self.options.upload_concurrency.max(1);
        let (tx, rx) = mpsc::channel(1);
        let sink = PartSink {
            buf: None,
            pool: PartPool::new(self.options.part_size, concurrency + 1),
            part_size: self.options.part_size,
            next: 1,
            tx,
            hasher: Sha256::new(),
            size: 0,
            stopped: Arc::new(AtomicBool::new(false)),
        };
        let args = ProduceArgs {
            source: req.source.clone(),
            recipients: req.recipients.clone(),
            level: self.options.zstd_level,
            sink,
            tracker: Arc::clone(&tracker),
        };
        let producer = tokio::task::spawn_blocking(move || produce(args));
        let uploaded = self.upload_parts(&object_key, &upload_id, rx, &tracker).await;
        let produced = producer.await.unwrap_or_else(|e| {
            Err(ProduceError::Failed(BackupError::io("the backup worker", io::Error::other(e))))
        });
        let outcome = match (produced, uploaded) {
            (Ok(p), Ok(parts)) => Ok((p, parts)),
            (Err(ProduceError::Failed(e)), _) | (_, Err(e)) => Err(e),
            (Err(ProduceError::Stopped), Ok(_)) => {
                Err(BackupError::io("uploading", io::Error::other("the upload stopped early")))
            }
        };
        let (produced, parts) = match outcome {
            Ok(v) => v,
            Err(e) => {
                self.abort_quietly(&object_key, &upload_id).await;
                return Err(e);
            }
        };

        tracker.emit(Phase::Committing);
        let completed = store
            .client
            .complete_multipart_upload()
            .bucket(&store.bucket)
            .key(&object_key)
            .upload_id(&upload_id)
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
            .send()
            .await;
        if let Err(e) = completed {
            self.abort_quietly(&object_key, &upload_id).await;
            return Err(BackupError::s3("CompleteMultipartUpload", e));
        }
        match store.head(&object_key).await? {
            Some(size) if size == produced.ciphertext_size => {}
            other => {
                let _ = store.delete(&object_key).await;
                return Err(BackupError::Integrity {
                    key: object_key,
                    message: format!(
                        "the server holds {other:?} bytes after the upload, {} were sent",
                        produced.ciphertext_size
                    ),
                });
            }
        }

        let manifest = Manifest {
            format: crate::manifest::FORMAT.to_owned(),
            id: id.to_string(),
            source: req.source_name.clone(),
            kind,
            object: object_key.clone(),
            started,
            finished: (self.clock)(),
            plaintext_size: produced.plaintext_size,
            ciphertext_size: produced.ciphertext_size,
            plaintext_sha256: produced.plaintext_sha256,
            ciphertext_sha256: produced.ciphertext_sha256,
            recipients: req.recipients.iter().map(ToString::to_string).collect(),
            compression: format!("zstd-{}", self.options.zstd_level),
            part_size: self.options.part_size as u64,
            parts: produced.parts as u32,
            tool: concat!("rampart-backup ", env!("CARGO_PKG_VERSION")).to_owned(),
            command_exit_status: produced.exit_status,
        };
        // The signature goes first, so the manifest (which commits the backup) never exists
        // unsigned; a signature left alone by a failure here is removed by cleanup.
        let bytes = manifest.to_json();
        let comment = format!("rampart-backup {}/{} object {object_key}", manifest.source, id);
        let signature = req.signer.sign(&bytes, &comment);
        let sig_key = format!("{manifest_key}{SIGNATURE_SUFFIX}");
        store.put_if_absent(&sig_key, signature.into_bytes(), "text/plain").await?;
        if let Err(e) = store.put_if_absent(&manifest_key, bytes, "application/json").await {
            let _ = store.delete(&sig_key).await;
            return Err(e);
        }
        tracker.emit(Phase::Done);
        tracing::info!(source = %manifest.source, id = %manifest.id, bytes = manifest.ciphertext_size, "backup stored");
        Ok(manifest)
    }

    async fn upload_parts(
        &self,
        key: &str,
        upload_id: &str,
        mut rx: mpsc::Receiver<Part>,
        tracker: &Tracker,
    ) -> Result<Vec<CompletedPart>> {
        let concurrency = self.options.upload_concurrency.max(1);
        let mut in_flight = FuturesUnordered::new();
        let mut done = Vec::new();
        let mut open = true;
        loop {
            tokio::select! {
                Some(res) = in_flight.next(), if !in_flight.is_empty() => done.push(res?),
                msg = rx.recv(), if open && in_flight.len() < concurrency => match msg {
                    Some(part) => in_flight.push(self.upload_one(key, upload_id, part, tracker)),
                    None => open = false,
                },
                else => break,
            }
        }
        done.sort_by_key(|p: &CompletedPart| p.part_number());
        Ok(done)
    }

    async fn upload_one(
        &self,
        key: &str,
        upload_id: &str,
        part: Part,
        tracker: &Tracker,
    ) -> Result<CompletedPart> {
        let len = part.data.len();
        let resp = self
            .store
            .client
            .upload_part()
            .bucket(&self.store.bucket)
            .key(key)
            .upload_id(upload_id)
            .part_number(part.number)
            .content_length(len as i64)
            .body(ByteStream::from(part.data))
            .send()
            .await
            .map_err(|e| BackupError::s3("UploadPart", e))?;
        tracker.add_transferred(len as u64, Phase::Uploading);
        Ok(CompletedPart::builder()
            .part_number(part.number)
            .set_e_tag(resp.e_tag().map(str::to_owned))
            .build())
    }

    /// Aborts one multipart upload that a front end knows is its own and dead (a run of this
    /// machine that was killed: see [`BackupRequest::on_upload`]). An upload that is already
    /// gone is fine.
    pub async fn abort_upload(&self, key: &str, upload_id: &str) -> Result<()> {
        let live = self.store.list_uploads(key).await?;
        if live.iter().any(|u| u.key == key && u.upload_id == upload_id) {
            self.store.abort_upload(key, upload_id).await?;
        }
        Ok(())
    }

    async fn abort_quietly(&self, key: &str, upload_id: &str) {
        if let Err(e) = self.store.abort_upload(key, upload_id).await {
            tracing::warn!(%key, error = %e, "could not abort the multipart upload; cleanup will remove it");
        }
    }
}
