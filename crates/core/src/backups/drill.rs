//! Restore drills: the evidence behind "recovery tested". A drill restores the source's latest
//! backup into a throwaway directory (directory sources; the restore verifies sizes and hashes
//! before anything is swapped in) or downloads, decrypts and hashes it in full (command dumps),
//! then records the result with its date. [`Rampart::last_drill`] feeds the checklist.

use super::ops::{SourceContext, is_dir};
use crate::{AuditAction, Rampart, Result};
use rampart_backup::{Identities, Selector};
use rampart_store::backups::DrillRow;
use serde::Serialize;

/// One drill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DrillView {
    pub source: String,
    pub backup_id: Option<String>,
    /// Unix seconds.
    pub at: i64,
    pub ok: bool,
    /// What was checked, or what failed and what to do.
    pub message: String,
}

impl From<DrillRow> for DrillView {
    fn from(r: DrillRow) -> Self {
        Self { source: r.source, backup_id: r.backup_id, at: r.at, ok: r.ok, message: r.message }
    }
}

fn count_files(root: &std::path::Path) -> usize {
    fn walk(dir: &std::path::Path, n: &mut usize) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => walk(&e.path(), n),
                Ok(_) => *n += 1,
                Err(_) => {}
            }
        }
    }
    let mut n = 0;
    walk(root, &mut n);
    n
}

impl SourceContext {
    /// Runs a drill on the latest backup; never fails, the result says what happened.
    pub async fn drill(&self, identities: &Identities) -> DrillView {
        let source = self.spec.name.clone();
        let mut view = DrillView {
            source,
            backup_id: None,
            at: (self.now)(),
            ok: false,
            message: String::new(),
        };
        let backup = match self.find(&Selector::Latest).await {
            Ok(b) => b,
            Err(e) => {
                view.message = e.to_string();
                return view;
            }
        };
        let m = &backup.manifest;
        view.backup_id = Some(m.id.clone());
        let finished = m.finished.format(&time::format_description::well_known::Rfc3339);
        let finished = finished.unwrap_or_default();
        let result = if is_dir(&self.spec) {
            match tempfile::Builder::new().prefix("rampart-drill-").tempdir() {
                Ok(tmp) => {
                    let target = tmp.path().join(&self.spec.name);
                    let r = self.engine.restore_to_dir(&backup, identities, &target, None).await;
                    r.map(|_| {
                        format!(
                            "restored {} files ({} bytes) of backup {} from {finished} into a \
                             throwaway directory; sizes and SHA-256 match the manifest",
                            count_files(&target),
                            m.plaintext_size,
                            m.id
                        )
                    })
                    .map_err(super::backup_error)
                }
                Err(e) => Err(crate::CoreError::Io(format!("creating a drill directory: {e}"))),
            }
        } else {
            self.verify(&backup, Some(identities)).await.map(|_| {
                format!(
                    "downloaded, decrypted and hashed backup {} from {finished} ({} bytes); \
                     sizes and SHA-256 match the manifest",
                    m.id, m.plaintext_size
                )
            })
        };
        view.at = (self.now)();
        match result {
            Ok(message) => (view.ok, view.message) = (true, message),
            Err(e) => view.message = e.to_string(),
        }
        view
    }
}

impl Rampart {
    /// Records a drill with its audit entry.
    pub fn backup_record_drill(&self, drill: &DrillView) -> Result<()> {
        let row = DrillRow {
            source: drill.source.clone(),
            backup_id: drill.backup_id.clone(),
            at: drill.at,
            ok: drill.ok,
            message: drill.message.clone(),
        };
        let verdict = if drill.ok { "ok" } else { "failed" };
        self.store.transaction(|store| {
            store.insert_backup_drill(&row)?;
            store.audit(
                self.now(),
                AuditAction::Drill,
                &format!("backup-source:{} {verdict}", row.source),
            )
        })?;
        Ok(())
    }

    /// Drills `source` and records the result (which may be a failure).
    pub async fn backup_drill(&self, source: &str) -> Result<DrillView> {
        let ctx = self.backup_context(source)?;
        let drill = match self.backup_identities(None) {
            Ok(ids) => ctx.drill(&ids).await,
            Err(e) => DrillView {
                source: source.to_owned(),
                backup_id: None,
                at: self.now(),
                ok: false,
                message: e.to_string(),
            },
        };
        self.backup_record_drill(&drill)?;
        Ok(drill)
    }

    /// The newest drill of a source, if any (the checklist's "recovery tested" evidence).
    pub fn last_drill(&self, source: &str) -> Result<Option<DrillView>> {
        Ok(self.store.backup_drills(Some(source), 1)?.pop().map(DrillView::from))
    }

    /// The newest `limit` drills of a source (all when `None`), newest first.
    pub fn backup_drills(&self, source: Option<&str>, limit: usize) -> Result<Vec<DrillView>> {
        Ok(self.store.backup_drills(source, limit)?.into_iter().map(DrillView::from).collect())
    }
}
