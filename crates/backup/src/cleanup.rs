//! Pruning (applying a retention plan) and orphan cleanup: unfinished multipart uploads and
//! sealed objects that no manifest names, both only once older than a grace period so a backup
//! running right now on another machine is left alone. Run it before or after every backup.

use crate::engine::{Backup, Engine};
use crate::error::{BackupError, Result};
use crate::manifest::{MANIFEST_SUFFIX, id_of_manifest_key};
use crate::retention::{Candidate, Decision, RetentionPolicy, plan};
use serde::Serialize;
use std::collections::HashSet;
use std::time::Duration;

/// What a cleanup removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CleanupReport {
    /// Keys of aborted multipart uploads.
    pub aborted_uploads: Vec<String>,
    /// Sealed objects without a manifest that were deleted.
    pub deleted_orphans: Vec<String>,
    /// Manifests whose object is missing (broken backups; reported, not deleted).
    pub missing_objects: Vec<String>,
}

/// Retention candidates from listed backups (all good: their manifests parsed).
pub fn candidates(backups: &[Backup]) -> Vec<Candidate> {
    backups
        .iter()
        .map(|b| Candidate {
            id: b.manifest.id.clone(),
            source: b.manifest.source.clone(),
            time: b.manifest.finished,
            good: true,
        })
        .collect()
}

impl Engine {
    /// The retention preview for one source (nothing is deleted).
    pub async fn plan_retention(
        &self,
        source: &str,
        policy: &RetentionPolicy,
    ) -> Result<(Vec<Backup>, Vec<Decision>)> {
        let backups = self.list(source).await?;
        let decisions = plan(policy, &candidates(&backups));
        Ok((backups, decisions))
    }

    /// Deletes the backups a plan marks for deletion; returns the deleted ids.
    pub async fn prune(&self, backups: &[Backup], decisions: &[Decision]) -> Result<Vec<String>> {
        let mut deleted = Vec::new();
        for d in decisions.iter().filter(|d| !d.keep) {
            if let Some(b) =
                backups.iter().find(|b| b.manifest.id == d.id && b.manifest.source == d.source)
            {
                self.delete(b).await?;
                deleted.push(d.id.clone());
            }
        }
        Ok(deleted)
    }

    /// Aborts multipart uploads and deletes manifest-less `.age` objects under the target
    /// prefix that are older than `grace`.
    pub async fn cleanup(&self, grace: Duration) -> Result<CleanupReport> {
        self.cleanup_under(&self.layout.root(), grace).await
    }

    /// The same as [`Engine::cleanup`], limited to one source's keys. A front end that knows
    /// no backup of this source is running (it holds the source's lock) may pass a zero grace,
    /// so a killed run's upload is gone after the next run.
    pub async fn cleanup_source(&self, source: &str, grace: Duration) -> Result<CleanupReport> {
        crate::manifest::validate_source_name(source)?;
        self.cleanup_under(&self.layout.source_dir(source), grace).await
    }

    async fn cleanup_under(&self, root: &str, grace: Duration) -> Result<CleanupReport> {
        let now = (self.clock)();
        let cutoff = now - grace;
        let root = root.to_owned();
        let mut report = CleanupReport::default();
        for u in self.store.list_uploads(&root).await? {
            if u.initiated.is_none_or(|t| t <= cutoff) {
                self.store.abort_upload(&u.key, &u.upload_id).await?;
                report.aborted_uploads.push(u.key);
            }
        }
        let objects = self.store.list(&root).await?;
        let mut referenced = HashSet::new();
        let mut protected = Vec::new();
        for o in objects.iter().filter(|o| o.key.ends_with(MANIFEST_SUFFIX)) {
            let Some(id) = id_of_manifest_key(&o.key) else { continue };
            match self.manifest(&o.key).await {
                Ok(b) => {
                    referenced.insert(b.manifest.object);
                }
                Err(e @ BackupError::BadManifest { .. }) => {
                    tracing::warn!(key = %o.key, error = %e, "invalid manifest; objects of its id are kept");
                    protected.push(id.to_string());
                }
                Err(e) => return Err(e),
            }
        }
        let present: HashSet<&str> = objects.iter().map(|o| o.key.as_str()).collect();
        let is_protected = |key: &str| {
            protected
                .iter()
                .any(|id| key.rsplit('/').next().is_some_and(|n| n.starts_with(id.as_str())))
        };
        for o in objects.iter().filter(|o| {
            o.key.ends_with(".age") && !referenced.contains(&o.key) && !is_protected(&o.key)
        }) {
            if o.last_modified.is_none_or(|t| t <= cutoff) {
                self.store.delete(&o.key).await?;
                report.deleted_orphans.push(o.key.clone());
            }
        }
        report.missing_objects =
            referenced.iter().filter(|k| !present.contains(k.as_str())).cloned().collect();
        report.missing_objects.sort();
        Ok(report)
    }
}
