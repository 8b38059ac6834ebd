//! Work on stored backups through a [`SourceContext`] (the engine for the source's target, keys
//! read from the vault, the trusted signing keys from the settings; `Send`, no database): list
//! (untrusted backups included, marked), and, of trusted backups only, restore into a directory or a command,
//! verify quick/full, the retention preview and prune, and the restore drill (latest backup into
//! a throwaway directory, or a full verify for command dumps). The `Rampart::backup_*` methods
//! chain context, work and the audit entry for the CLI.

use super::config::source_spec;
use super::{EnvSecret, SourceSpec, SourceWhat, backup_error, utc};
use crate::{AuditAction, Rampart, Result};
use rampart_backup::{
    Backup, CommandSpec, Decision, Engine, Identities, ProgressFn, Selector, SourceKind,
};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use time::OffsetDateTime;

/// The engine and configuration of one source, detached from the database.
#[derive(Clone)]
pub struct SourceContext {
    pub spec: SourceSpec,
    pub(crate) engine: Arc<Engine>,
    pub(crate) now: Arc<dyn Fn() -> i64 + Send + Sync>,
}

/// One stored backup, for lists (`rampart backup list --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BackupView {
    pub id: String,
    pub source: String,
    pub kind: SourceKind,
    /// The S3 key of the sealed object.
    pub object: String,
    pub manifest_key: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub started: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub finished: OffsetDateTime,
    pub plaintext_size: u64,
    pub ciphertext_size: u64,
    /// Signed by a trusted key and in its place: only such backups are acted upon.
    pub trusted: bool,
    /// The signature verdict in words ("signed by trusted key ...", "not signed", ...).
    pub trust: String,
    /// SHA-256 of the manifest's bytes as read (adopting checks they did not change).
    pub manifest_sha256: String,
}

impl From<&Backup> for BackupView {
    fn from(b: &Backup) -> Self {
        let m = &b.manifest;
        Self {
            id: m.id.clone(),
            source: m.source.clone(),
            kind: m.kind,
            object: m.object.clone(),
            manifest_key: b.manifest_key.clone(),
            started: m.started,
            finished: m.finished,
            plaintext_size: m.plaintext_size,
            ciphertext_size: m.ciphertext_size,
            trusted: b.is_trusted(),
            trust: b.trust().describe(),
            manifest_sha256: b.manifest_sha256().to_owned(),
        }
    }
}

/// Where a restore goes.
#[derive(Debug, Clone)]
pub enum RestoreTo {
    /// A directory: staged next to it, verified, then swapped in.
    Dir(PathBuf),
    /// A command's stdin (`pg_restore -d db`, `mongorestore --archive`).
    Command(CommandSpec),
}

impl RestoreTo {
    /// The destination as the audit log names it: the directory, or the command's program.
    pub fn describe(&self) -> String {
        match self {
            Self::Dir(d) => d.display().to_string(),
            Self::Command(c) => format!("command {}", c.argv.first().cloned().unwrap_or_default()),
        }
    }
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RestoreDone {
    pub backup: BackupView,
    pub plaintext_sha256: String,
    /// Staging directories of an earlier, killed restore into the same parent (plaintext that
    /// was left behind), removed before this one started.
    pub removed_leftovers: Vec<String>,
}

/// The retention preview (and, unless dry-run, what was deleted) for one source.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PruneReport {
    pub source: String,
    /// Newest first; `keep == false` is (or would be) deleted.
    pub decisions: Vec<Decision>,
    pub deleted: Vec<String>,
    pub dry_run: bool,
}

impl SourceContext {
    /// Every backup of the source, oldest first, trusted or not (see [`Backup::trust`]).
    pub async fn list(&self) -> Result<Vec<Backup>> {
        self.engine.list(&self.spec.name).await.map_err(backup_error)
    }

    /// The trusted backup a selector names (an untrusted one is refused).
    pub async fn find(&self, selector: &Selector) -> Result<Backup> {
        self.engine.find(&self.spec.name, selector).await.map_err(backup_error)
    }

    /// Restores the selected backup.
    pub async fn restore(
        &self,
        selector: &Selector,
        to: &RestoreTo,
        identities: &Identities,
        progress: Option<ProgressFn>,
    ) -> Result<RestoreDone> {
        let backup = self.find(selector).await?;
        let report = match to {
            RestoreTo::Dir(dir) => {
                self.engine.restore_to_dir(&backup, identities, dir, progress).await
            }
            RestoreTo::Command(cmd) => {
                self.engine.restore_to_command(&backup, identities, cmd, progress).await
            }
        }
        .map_err(backup_error)?;
        Ok(RestoreDone {
            backup: (&backup).into(),
            plaintext_sha256: report.plaintext_sha256,
            removed_leftovers: report
                .removed_leftovers
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
        })
    }

    /// Quick verify (object present with the manifest's size), or full (download, decrypt,
    /// hash and compare; needs identities).
    pub async fn verify(&self, backup: &Backup, full: Option<&Identities>) -> Result<()> {
        match full {
            None => self.engine.verify_quick(backup).await.map_err(backup_error),
            Some(ids) => {
                self.engine.verify_full(backup, ids).await.map(|_| ()).map_err(backup_error)
            }
        }
    }

    /// The retention preview; deletes what it marks unless `dry_run`.
    pub async fn prune(&self, dry_run: bool) -> Result<PruneReport> {
        let policy = self.spec.retention.policy();
        let (backups, decisions) =
            self.engine.plan_retention(&self.spec.name, &policy).await.map_err(backup_error)?;
        let deleted = if dry_run {
            Vec::new()
        } else {
            self.engine.prune(&backups, &decisions).await.map_err(backup_error)?
        };
        Ok(PruneReport { source: self.spec.name.clone(), decisions, deleted, dry_run })
    }
}

impl Rampart {
    /// The engine for a source's target, with the target's keys read from the vault.
    pub fn backup_context(&self, source: &str) -> Result<SourceContext> {
        let spec = self.backup_source(source)?.spec;
        let target = self.s3_target(&spec.target)?;
        let clock = Arc::clone(&self.clock);
        let engine = Engine::new(&target)
            .map_err(backup_error)?
            .with_clock(Arc::new(move || utc(clock.now())))
            .with_trusted_keys(self.backup_trusted_keys()?);
        let clock = Arc::clone(&self.clock);
        Ok(SourceContext { spec, engine: Arc::new(engine), now: Arc::new(move || clock.now()) })
    }

    /// A command for a restore pipe: argv as given, the listed secrets from the vault in its
    /// environment.
    pub fn backup_command(&self, argv: Vec<String>, env: &[EnvSecret]) -> Result<CommandSpec> {
        let mut spec = CommandSpec::new(argv);
        for e in env {
            spec = spec.env(e.var.clone(), self.vault_value(&e.from)?);
        }
        Ok(spec)
    }

    /// The stored backups of one source, or of every source, oldest first per source.
    pub async fn backup_list(&self, source: Option<&str>) -> Result<Vec<BackupView>> {
        let names: Vec<String> = match source {
            Some(s) => vec![self.backup_source(s)?.spec.name],
            None => self.store.list_backup_sources()?.into_iter().map(|r| r.name).collect(),
        };
        let mut out = Vec::new();
        for name in names {
            let ctx = self.backup_context(&name)?;
            out.extend(ctx.list().await?.iter().map(BackupView::from));
        }
        Ok(out)
    }

    /// Restores a backup of `source`; the identity comes from `identity_file` or the keychain.
    pub async fn backup_restore(
        &self,
        source: &str,
        selector: &Selector,
        to: &RestoreTo,
        identity_file: Option<&Path>,
        progress: Option<ProgressFn>,
    ) -> Result<RestoreDone> {
        let attempt = async {
            let ctx = self.backup_context(source)?;
            let ids = self.backup_identities(identity_file)?;
            ctx.restore(selector, to, &ids, progress).await
        };
        match attempt.await {
            Ok(done) => {
                self.backup_record_restore(&done, to)?;
                Ok(done)
            }
            Err(e) => {
                self.backup_record_failed_restore(source, selector, to, &e);
                Err(e)
            }
        }
    }

    /// Audits a verification (the desktop verifies outside the app lock, then records).
    pub fn backup_record_verify(&self, source: &str, id: &str, full: bool, ok: bool) -> Result<()> {
        let verdict = if ok { "ok" } else { "FAILED" };
        let how = if full { "full" } else { "quick" };
        self.audit(AuditAction::Verify, &format!("backup:{source}/{id} {how} {verdict}"))
    }

    /// Audits a prune that deleted backups (a dry run changes nothing and is not audited).
    pub fn backup_record_prune(&self, report: &PruneReport) -> Result<()> {
        if report.dry_run {
            return Ok(());
        }
        let subject = format!("backup-source:{} deleted {}", report.source, report.deleted.len());
        self.audit(AuditAction::Prune, &subject)
    }

    /// Audits a finished restore.
    pub fn backup_record_restore(&self, done: &RestoreDone, to: &RestoreTo) -> Result<()> {
        let b = &done.backup;
        let dest = to.describe();
        self.audit(AuditAction::Restore, &format!("backup:{}/{} -> {dest}", b.source, b.id))
    }

    /// Audits a restore that failed, as `failed-restore` with the backup asked for, the
    /// destination and the kind of failure (never the message, which may quote a server). The
    /// restore's own error is what the caller reports: failing to audit it is only logged.
    pub fn backup_record_failed_restore(
        &self,
        source: &str,
        selector: &Selector,
        to: &RestoreTo,
        error: &crate::CoreError,
    ) {
        let kind = serde_json::to_value(error.kind()).ok();
        let kind = kind.as_ref().and_then(|k| k.as_str()).unwrap_or("internal");
        let subject = format!("backup:{source}/{selector} -> {} ({kind})", to.describe());
        if let Err(e) = self.audit(AuditAction::FailedRestore, &subject) {
            tracing::error!(error = %e, "could not audit a failed restore");
        }
    }

    /// Finds a backup by id among every source's backups and verifies it.
    pub async fn backup_verify(
        &self,
        id: &str,
        full: bool,
        identity_file: Option<&Path>,
    ) -> Result<BackupView> {
        let ids = if full { Some(self.backup_identities(identity_file)?) } else { None };
        for row in self.store.list_backup_sources()? {
            let ctx = self.backup_context(&row.name)?;
            let backup = match ctx.find(&Selector::Id(id.to_owned())).await {
                Ok(b) => b,
                Err(crate::CoreError::NotFound(_)) => continue,
                Err(e) => return Err(e),
            };
            let result = ctx.verify(&backup, ids.as_ref()).await;
            self.backup_record_verify(&row.name, id, full, result.is_ok())?;
            result?;
            return Ok((&backup).into());
        }
        Err(crate::CoreError::NotFound(format!(
            "no backup with id {id} in any configured source; `rampart backup list` shows the ids"
        )))
    }

    /// Applies (or with `dry_run` previews) every source's retention policy.
    pub async fn backup_prune(&self, dry_run: bool) -> Result<Vec<PruneReport>> {
        let mut reports = Vec::new();
        for row in self.store.list_backup_sources()? {
            let spec = source_spec(row)?;
            let ctx = self.backup_context(&spec.name)?;
            let report = ctx.prune(dry_run).await?;
            if !dry_run {
                self.backup_record_prune(&report)?;
            }
            reports.push(report);
        }
        Ok(reports)
    }
}

/// Whether a source is a directory (drills restore it) or a command (drills verify it).
pub(crate) fn is_dir(spec: &SourceSpec) -> bool {
    matches!(spec.what, SourceWhat::Dir { .. })
}
