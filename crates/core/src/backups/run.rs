//! Backup runs: [`Rampart::backup_prepare_run`] takes the source's lock (a file lock in the data
//! dir, released by the OS if the process dies) and reads the S3 keys, the command's
//! environment secrets and the signing key (made on the first run) from the keychain;
//! [`PreparedRun::execute`] first aborts the upload of this machine's last run if it died (the
//! lock file records the upload of the run holding it) and removes other leftovers of the source
//! older than a day (`DEFAULT_CLEANUP_GRACE`: another machine may be uploading right now), then
//! streams the backup and signs its manifest; [`Rampart::backup_record_run`] writes the
//! history row and the audit entry together. Secrets reach only the child's environment.

use super::ops::SourceContext;
use super::{SourceWhat, Trigger, backup_error};
use crate::{AuditAction, CoreError, Rampart, Result};
use rampart_backup::{
    BackupRequest, CommandSpec, Manifest, Progress, ProgressFn, Recipient, Source,
};
use rampart_store::backups::RunRow;
use serde::Serialize;
use std::sync::{Arc, Mutex};

/// One run, as the history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RunView {
    pub id: i64,
    pub source: String,
    pub started_at: i64,
    pub finished_at: i64,
    pub ok: bool,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub backup_id: Option<String>,
    pub object_key: Option<String>,
    /// What failed and what to do (never a secret).
    pub error: Option<String>,
    /// Whether running it again may succeed without changing anything.
    pub retryable: bool,
    pub trigger: Trigger,
}

impl From<RunRow> for RunView {
    fn from(r: RunRow) -> Self {
        Self {
            id: r.id,
            source: r.source,
            started_at: r.started_at,
            finished_at: r.finished_at,
            ok: r.ok,
            bytes_in: r.bytes_in,
            bytes_out: r.bytes_out,
            backup_id: r.backup_id,
            object_key: r.object_key,
            error: r.error,
            retryable: r.retryable,
            trigger: if r.trigger == "schedule" { Trigger::Schedule } else { Trigger::Manual },
        }
    }
}

/// A run ready to go: configuration and secrets read, the source's lock held.
pub struct PreparedRun {
    ctx: SourceContext,
    request: BackupRequest,
    trigger: Trigger,
    started_at: i64,
    _lock: std::fs::File,
}

/// What a run did; hand it to [`Rampart::backup_record_run`].
#[derive(Debug)]
pub struct RunOutcome {
    pub source: String,
    pub trigger: Trigger,
    pub started_at: i64,
    pub finished_at: i64,
    pub result: std::result::Result<Manifest, RunFailure>,
    pub bytes_in: u64,
    pub bytes_out: u64,
}

/// Why a run failed: what failed and what to do, and whether retrying may help.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunFailure {
    pub message: String,
    pub retryable: bool,
}

impl From<CoreError> for RunFailure {
    fn from(e: CoreError) -> Self {
        use crate::ErrorKind;
        let retryable =
            matches!(e.kind(), ErrorKind::KeychainLocked | ErrorKind::KeychainUnavailable);
        Self { message: e.to_string(), retryable }
    }
}

impl PreparedRun {
    /// Cleans up after interrupted runs of this source, then makes the backup.
    pub async fn execute(self, progress: Option<ProgressFn>) -> RunOutcome {
        let Self { ctx, mut request, trigger, started_at, _lock: lock } = self;
        // The lock file names the upload of the run that held it; if one is named, that run
        // died (it clears the record when it ends): abort its upload now, no grace needed.
        let record = Arc::new(Mutex::new(lock));
        if let Some((key, upload_id)) = read_upload_record(&record) {
            match ctx.engine.abort_upload(&key, &upload_id).await {
                Ok(()) => tracing::info!(%key, "aborted the upload of an interrupted run"),
                Err(e) => {
                    tracing::warn!(%key, error = %e, "could not abort an interrupted run's upload")
                }
            }
        }
        write_upload_record(&record, None);
        let hook = Arc::clone(&record);
        request.on_upload = Some(Arc::new(move |key: &str, upload_id: &str| {
            write_upload_record(&hook, Some((key, upload_id)));
        }));
        let seen = Arc::new(Mutex::new((0u64, 0u64)));
        let sink = Arc::clone(&seen);
        request.progress = Some(Arc::new(move |p: &Progress| {
            *sink.lock().expect("progress lock") = (p.bytes_read, p.bytes_transferred);
            if let Some(cb) = &progress {
                cb(p);
            }
        }));
        let source = ctx.spec.name.clone();
        // A grace period even under this source's lock: the lock is local, and another
        // machine may be uploading a backup of the same source name into the same bucket.
        match ctx.engine.cleanup_source(&source, rampart_backup::DEFAULT_CLEANUP_GRACE).await {
            Ok(r) if !r.aborted_uploads.is_empty() || !r.deleted_orphans.is_empty() => {
                tracing::info!(%source, aborted = r.aborted_uploads.len(), orphans = r.deleted_orphans.len(), "removed leftovers of an interrupted backup");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(%source, error = %e, "cleanup before the backup failed"),
        }
        let result = ctx.engine.backup(request).await.map_err(|e| RunFailure {
            retryable: e.is_retryable(),
            message: backup_error(e).to_string(),
        });
        write_upload_record(&record, None);
        let (mut bytes_in, mut bytes_out) = *seen.lock().expect("progress lock");
        if let Ok(m) = &result {
            (bytes_in, bytes_out) = (m.plaintext_size, m.ciphertext_size);
        }
        RunOutcome {
            source,
            trigger,
            started_at,
            finished_at: (ctx.now)(),
            result,
            bytes_in,
            bytes_out,
        }
    }
}

impl Rampart {
    /// Reads the source, its target's keys and its environment secrets, and takes its lock.
    pub fn backup_prepare_run(&self, source: &str, trigger: Trigger) -> Result<PreparedRun> {
        let ctx = self.backup_context(source)?;
        let lock = self.source_lock(source)?;
        let recipients = ctx
            .spec
            .recipients
            .iter()
            .map(|r| Recipient::parse(r))
            .collect::<Result<Vec<_>, _>>()
            .map_err(backup_error)?;
        let what = match &ctx.spec.what {
            SourceWhat::Dir { path, excludes } => {
                Source::Directory { path: path.clone(), excludes: excludes.clone() }
            }
            SourceWhat::Command { argv } => {
                let mut spec = CommandSpec::new(argv.clone());
                for e in &ctx.spec.env {
                    spec = spec.env(e.var.clone(), self.vault_value(&e.from)?);
                }
                Source::Command(spec)
            }
        };
        let request = BackupRequest {
            source_name: source.to_owned(),
            source: what,
            recipients,
            signer: self.backup_signer()?,
            on_upload: None,
            progress: None,
        };
        Ok(PreparedRun { ctx, request, trigger, started_at: self.now(), _lock: lock })
    }

    fn source_lock(&self, source: &str) -> Result<std::fs::File> {
        use fs2::FileExt;
        let dir = self.data_dir.join("locks");
        std::fs::create_dir_all(&dir)
            .map_err(|e| CoreError::Io(format!("{}: {e}", dir.display())))?;
        let path = dir.join(format!("backup-{source}.lock"));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| CoreError::Io(format!("opening {}: {e}", path.display())))?;
        file.try_lock_exclusive().map_err(|_| {
            CoreError::Conflict(format!(
                "a backup of {source} is already running; wait for it to finish (retrying later may help)"
            ))
        })?;
        Ok(file)
    }

    /// Writes a run's history row and its audit entry in one transaction.
    pub fn backup_record_run(&self, outcome: &RunOutcome) -> Result<RunView> {
        let (ok, backup_id, object_key, error, retryable) = match &outcome.result {
            Ok(m) => (true, Some(m.id.clone()), Some(m.object.clone()), None, false),
            Err(f) => (false, None, None, Some(f.message.clone()), f.retryable),
        };
        let mut row = RunRow {
            id: 0,
            source: outcome.source.clone(),
            started_at: outcome.started_at,
            finished_at: outcome.finished_at,
            ok,
            bytes_in: outcome.bytes_in,
            bytes_out: outcome.bytes_out,
            backup_id,
            object_key,
            error,
            retryable,
            trigger: outcome.trigger.as_str().into(),
        };
        let subject = match &row.backup_id {
            Some(id) => format!("backup-source:{} ok {id}", row.source),
            None => format!("backup-source:{} failed", row.source),
        };
        row.id = self.store.transaction(|store| {
            let id = store.insert_backup_run(&row)?;
            store.audit(self.now(), AuditAction::Backup, &subject)?;
            Ok(id)
        })?;
        Ok(row.into())
    }

    /// Prepares, executes and records one run (the CLI's path). A run that fails is recorded
    /// and returned with `ok == false`; only "no such source" and "already running" are errors.
    pub async fn backup_run(
        &self,
        source: &str,
        trigger: Trigger,
        progress: Option<ProgressFn>,
    ) -> Result<RunView> {
        self.backup_source(source)?;
        let outcome = match self.backup_prepare_run(source, trigger) {
            Ok(prepared) => prepared.execute(progress).await,
            Err(e @ CoreError::Conflict(_)) => return Err(e),
            Err(e) => RunOutcome {
                source: source.to_owned(),
                trigger,
                started_at: self.now(),
                finished_at: self.now(),
                result: Err(e.into()),
                bytes_in: 0,
                bytes_out: 0,
            },
        };
        self.backup_record_run(&outcome)
    }

    /// The newest `limit` runs of a source (all when `None`), newest first.
    pub fn backup_runs(&self, source: Option<&str>, limit: usize) -> Result<Vec<RunView>> {
        Ok(self.store.backup_runs(source, limit)?.into_iter().map(RunView::from).collect())
    }
}

/// The upload recorded in a source's lock file: `object key\nupload id\n`.
fn read_upload_record(file: &Mutex<std::fs::File>) -> Option<(String, String)> {
    use std::io::{Read, Seek};
    let mut file = file.lock().expect("lock file");
    let mut text = String::new();
    file.rewind().ok()?;
    (&mut *file).take(4096).read_to_string(&mut text).ok()?;
    let mut lines = text.lines();
    match (lines.next(), lines.next()) {
        (Some(k), Some(u)) if !k.is_empty() && !u.is_empty() => Some((k.into(), u.into())),
        _ => None,
    }
}

/// Records (or with `None` clears) the upload of the run holding the lock.
fn write_upload_record(file: &Mutex<std::fs::File>, upload: Option<(&str, &str)>) {
    use std::io::{Seek, Write};
    let mut file = file.lock().expect("lock file");
    let text = upload.map(|(k, u)| format!("{k}\n{u}\n")).unwrap_or_default();
    let written = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| file.write_all(text.as_bytes()))
        .and_then(|()| file.sync_data());
    if let Err(e) = written {
        tracing::warn!(error = %e, "could not record the upload in the lock file");
    }
}
