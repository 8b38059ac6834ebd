//! Pruning (applying a retention plan) and orphan cleanup: unfinished multipart uploads,
//! sealed objects that no manifest names and signatures without their manifest, all only once
//! older than a grace period so a backup running right now on another machine is left alone.
//! Run it before or after every backup, with [`DEFAULT_CLEANUP_GRACE`] unless the caller knows
//! better.
//!
//! Read as an attacker who can write to the bucket: retention counts trusted backups only and
//! prune deletes only trusted backups (by the keys their id gives, see `engine`), and cleanup
//! treats every manifest it can parse, trusted or not, as keeping the objects of its id, so a
//! planted manifest can make Rampart delete nothing.

use crate::engine::{Backup, Engine};
use crate::error::{BackupError, Result};
use crate::manifest::{MANIFEST_SUFFIX, id_of_manifest_key};
use crate::retention::{Candidate, Decision, RetentionPolicy, plan};
use crate::signing::SIGNATURE_SUFFIX;
use serde::Serialize;
use std::collections::HashSet;
use std::time::Duration;

/// How old a leftover must be before cleanup removes it: a day, longer than any upload of a
/// backup in progress on another machine (8 MiB parts, 80 GiB at most) takes on a slow link.
pub const DEFAULT_CLEANUP_GRACE: Duration = Duration::from_secs(24 * 60 * 60);

/// What a cleanup removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CleanupReport {
    /// Keys of aborted multipart uploads.
    pub aborted_uploads: Vec<String>,
    /// Sealed objects without a manifest, and signatures without theirs, that were deleted.
    pub deleted_orphans: Vec<String>,
    /// Manifests whose object is missing (broken backups; reported, not deleted).
    pub missing_objects: Vec<String>,
}

/// Retention candidates from listed backups: the trusted ones only (their manifests parsed
/// and are signed by a trusted key), so planted manifests cannot steer retention.
pub fn candidates(backups: &[Backup]) -> Vec<Candidate> {
    backups
        .iter()
        .filter(|b| b.is_trusted())
        .map(|b| Candidate {
            id: b.manifest.id.clone(),
            source: b.manifest.source.clone(),
            time: b.manifest.finished,
            good: true,
        })
        .collect()
}

impl Engine {
    /// The retention preview for one source (nothing is deleted). Every backup is returned;
    /// the decisions cover the trusted ones only (untrusted ones are neither kept nor deleted).
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
            if let Some(b) = backups
                .iter()
                .find(|b| b.is_trusted() && b.manifest.id == d.id && b.manifest.source == d.source)
            {
                self.delete(b).await?;
                deleted.push(d.id.clone());
            }
        }
        Ok(deleted)
    }

    /// Aborts multipart uploads and deletes manifest-less `.age` objects and lone signatures
    /// under the target prefix that are older than `grace` ([`DEFAULT_CLEANUP_GRACE`]).
    pub async fn cleanup(&self, grace: Duration) -> Result<CleanupReport> {
        self.cleanup_under(&self.layout.root(), grace).await
    }

    /// The same as [`Engine::cleanup`], limited to one source's keys. A local lock does not
    /// show a run of the same source on another machine, so keep a grace period
    /// ([`DEFAULT_CLEANUP_GRACE`]).
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
        // Keys no cleanup may delete: what trusted manifests name (and their signatures), and
        // every key of an id whose manifest is untrusted or unreadable (it may be another
        // machine's backup whose key is not trusted here yet: it is kept, never acted upon).
        let mut referenced = HashSet::new();
        let mut trusted_objects = Vec::new();
        let mut protected = Vec::new();
        for o in objects.iter().filter(|o| o.key.ends_with(MANIFEST_SUFFIX)) {
            let Some(id) = id_of_manifest_key(&o.key) else { continue };
            match self.manifest(&o.key).await {
                Ok(b) if b.is_trusted() => {
                    referenced.insert(b.signature_key());
                    trusted_objects.push(b.manifest.object.clone());
                    referenced.insert(b.manifest.object);
                }
                Ok(b) => {
                    tracing::warn!(key = %o.key, verdict = %b.trust().describe(), "untrusted manifest; objects of its id are kept");
                    protected.push(id.to_string());
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
        let leftover = |key: &str| {
            let sealed = key.ends_with(".age");
            let lone_signature = key
                .strip_suffix(SIGNATURE_SUFFIX)
                .is_some_and(|m| m.ends_with(MANIFEST_SUFFIX) && !present.contains(m));
            (sealed || lone_signature) && !referenced.contains(key) && !is_protected(key)
        };
        for o in objects.iter().filter(|o| leftover(&o.key)) {
            if o.last_modified.is_none_or(|t| t <= cutoff) {
                self.store.delete(&o.key).await?;
                report.deleted_orphans.push(o.key.clone());
            }
        }
        report.missing_objects =
            trusted_objects.into_iter().filter(|k| !present.contains(k.as_str())).collect();
        report.missing_objects.sort();
        report.missing_objects.dedup();
        Ok(report)
    }
}
