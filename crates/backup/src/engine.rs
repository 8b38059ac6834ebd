//! The engine: one S3 target plus pipeline options, a clock and the trusted signing keys. Front
//! ends (CLI, desktop) build one per configured target and call `backup`, `list`, `find`,
//! `restore_*`, `verify_*`, `prune` and `cleanup` on it. Time comes from the injected clock so
//! tests are deterministic.
//!
//! Every manifest read is checked against the trusted keys (see `signing`) and against the key
//! layout; the verdict travels with the [`Backup`]. Lists show every backup with its verdict;
//! `find`, restore, verify and delete act only on trusted ones, and `Latest`/`Before` pick the
//! newest *trusted* backup, so a planted manifest can neither be restored nor hide the real ones.

use crate::error::{BackupError, Result};
use crate::manifest::{
    BackupId, Layout, MANIFEST_MAX_BYTES, MANIFEST_SUFFIX, Manifest, id_of_manifest_key,
    source_of_key, validate_source_name,
};
use crate::signing::{SIGNATURE_MAX_BYTES, SIGNATURE_SUFFIX, Trust, TrustedKeys};
use crate::target::{S3Target, Store};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use time::OffsetDateTime;

/// Pipeline knobs.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Size of every multipart part but the last (S3: 5 MiB to 5 GiB; at most 10,000 parts, so
    /// 8 MiB caps one backup at 80 GiB). All non-trailing parts are equal (R2/Garage rule).
    pub part_size: usize,
    /// Parts uploaded at once.
    pub upload_concurrency: usize,
    /// zstd level (3 is zstd's default).
    pub zstd_level: i32,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self { part_size: 8 * 1024 * 1024, upload_concurrency: 2, zstd_level: 3 }
    }
}

/// The clock type: returns "now".
pub type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;
/// The randomness of backup ids (the suffix after the time).
pub type IdRandom = Arc<dyn Fn() -> u32 + Send + Sync>;

/// One stored backup: its manifest, the manifest's key, and whether its signature is trusted.
/// Only the engine decides the verdict (reading the manifest and its signature).
#[derive(Debug, Clone, PartialEq)]
pub struct Backup {
    pub manifest_key: String,
    pub manifest: Manifest,
    pub(crate) trust: Trust,
    pub(crate) manifest_sha256: String,
}

impl Backup {
    /// The signature verdict.
    pub fn trust(&self) -> &Trust {
        &self.trust
    }

    pub fn is_trusted(&self) -> bool {
        self.trust.is_trusted()
    }

    /// SHA-256 of the manifest's bytes as read (to check they did not change before adopting).
    pub fn manifest_sha256(&self) -> &str {
        &self.manifest_sha256
    }

    /// The key of the manifest's signature.
    pub fn signature_key(&self) -> String {
        format!("{}{SIGNATURE_SUFFIX}", self.manifest_key)
    }

    /// The refusal to act on an untrusted backup: what happened and what to do.
    pub fn untrusted_error(&self) -> BackupError {
        BackupError::Untrusted {
            source_name: self.manifest.source.clone(),
            id: self.manifest.id.clone(),
            verdict: self.trust.describe(),
            advice: self.trust.advice(),
        }
    }

    /// A backup taken as trusted without a signature check (tests of later steps only).
    #[cfg(feature = "testkit")]
    pub fn assume_trusted(manifest_key: impl Into<String>, manifest: Manifest) -> Self {
        let trust = Trust::Trusted { key_id: "TEST".into() };
        Self { manifest_key: manifest_key.into(), manifest, trust, manifest_sha256: String::new() }
    }
}

/// Which backup of a source to restore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    Latest,
    /// The latest backup that started at or before this time.
    Before(OffsetDateTime),
    Id(String),
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Latest => f.write_str("latest"),
            Self::Before(t) => write!(f, "before {t}"),
            Self::Id(id) => write!(f, "id {id}"),
        }
    }
}

/// The backup engine for one target.
pub struct Engine {
    pub(crate) store: Store,
    pub(crate) layout: Layout,
    pub(crate) options: EngineOptions,
    pub(crate) clock: Clock,
    pub(crate) random: IdRandom,
    pub(crate) trusted: TrustedKeys,
}

impl Engine {
    /// An engine for `target` with default options and the system clock.
    pub fn new(target: &S3Target) -> Result<Self> {
        Self::with_options(target, EngineOptions::default())
    }

    pub fn with_options(target: &S3Target, options: EngineOptions) -> Result<Self> {
        if options.part_size < 5 * 1024 * 1024 {
            return Err(BackupError::Config(
                "the part size must be at least 5 MiB (S3 minimum)".into(),
            ));
        }
        Ok(Self {
            store: Store::new(target)?,
            layout: Layout::new(&target.prefix),
            options,
            clock: Arc::new(OffsetDateTime::now_utc),
            random: Arc::new(rand::random::<u32>),
            trusted: TrustedKeys::default(),
        })
    }

    /// The signing keys whose manifests this engine acts on (none by default: then every
    /// backup lists as untrusted and nothing is restored, verified or deleted).
    pub fn with_trusted_keys(mut self, keys: TrustedKeys) -> Self {
        self.trusted = keys;
        self
    }

    /// Replaces the clock (tests, deterministic ids).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Replaces the id randomness (tests).
    pub fn with_random(mut self, random: IdRandom) -> Self {
        self.random = random;
        self
    }

    /// The key layout (for front ends that print keys).
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Manifest keys of a source, oldest first.
    async fn manifest_keys(&self, source: &str) -> Result<Vec<(BackupId, String)>> {
        validate_source_name(source)?;
        let mut keys: Vec<_> = self
            .store
            .list(&self.layout.source_dir(source))
            .await?
            .into_iter()
            .filter_map(|o| id_of_manifest_key(&o.key).map(|id| (id, o.key)))
            .collect();
        keys.sort();
        Ok(keys)
    }

    /// Reads and checks one manifest (at most [`MANIFEST_MAX_BYTES`], within the target's
    /// `manifest_timeout`) and its signature; the verdict is in [`Backup::trust`].
    pub async fn manifest(&self, key: &str) -> Result<Backup> {
        let timeout = self.store.manifest_timeout;
        let bytes =
            self.store.get_small(key, MANIFEST_MAX_BYTES, timeout).await?.ok_or_else(|| {
                BackupError::Storage {
                    operation: "GetObject",
                    message: format!("the manifest {key} is gone"),
                    advice: "It was deleted while being read (a prune elsewhere?): list again",
                    retryable: true,
                }
            })?;
        let manifest = Manifest::from_json(key, &bytes)?;
        let sig_key = format!("{key}{SIGNATURE_SUFFIX}");
        let signature = match self.store.get_small(&sig_key, SIGNATURE_MAX_BYTES, timeout).await {
            Ok(sig) => sig,
            // An oversize signature is junk: it fails the check below.
            Err(BackupError::BadManifest { .. }) => Some(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut trust = self.trusted.check(&bytes, signature.as_deref());
        if trust.is_trusted()
            && let Err(message) = self.layout.check_placement(key, &manifest)
        {
            trust = Trust::Misplaced { message };
        }
        Ok(Backup {
            manifest_key: key.to_owned(),
            manifest,
            trust,
            manifest_sha256: hex::encode(Sha256::digest(&bytes)),
        })
    }

    /// Refuses an untrusted backup, or one whose keys no longer match its id and source.
    pub(crate) fn require_trusted(&self, backup: &Backup) -> Result<()> {
        if !backup.is_trusted() {
            return Err(backup.untrusted_error());
        }
        if let Err(message) = self.layout.check_placement(&backup.manifest_key, &backup.manifest) {
            let trust = Trust::Misplaced { message };
            return Err(BackupError::Untrusted {
                source_name: backup.manifest.source.clone(),
                id: backup.manifest.id.clone(),
                verdict: trust.describe(),
                advice: trust.advice(),
            });
        }
        Ok(())
    }

    /// Every backup of a source, oldest first, trusted or not (see [`Backup::trust`]). Invalid
    /// manifests are skipped with a warning.
    pub async fn list(&self, source: &str) -> Result<Vec<Backup>> {
        let keys = self.manifest_keys(source).await?;
        let results: Vec<Result<Backup>> = futures_util::stream::iter(
            keys.into_iter().map(|(_, k)| async move { self.manifest(&k).await }),
        )
        .buffered(8)
        .collect()
        .await;
        let mut out = Vec::new();
        for r in results {
            match r {
                Ok(b) => out.push(b),
                Err(e @ BackupError::BadManifest { .. }) => {
                    tracing::warn!(error = %e, "skipping a manifest")
                }
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Every source under the target prefix that has at least one object.
    pub async fn sources(&self) -> Result<Vec<String>> {
        let root = self.layout.root();
        let mut names: Vec<String> = self
            .store
            .list(&root)
            .await?
            .into_iter()
            .filter(|o| o.key.ends_with(MANIFEST_SUFFIX))
            .filter_map(|o| source_of_key(&root, &o.key).map(str::to_owned))
            .collect();
        names.dedup();
        Ok(names)
    }

    /// Finds the trusted backup a selector names. An id that names an untrusted backup is
    /// refused with what happened and what to do; `Latest` and `Before` pass over untrusted
    /// backups (with a warning) to the newest trusted one, and are refused only when every
    /// candidate is untrusted.
    pub async fn find(&self, source: &str, selector: &Selector) -> Result<Backup> {
        let keys = self.manifest_keys(source).await?;
        let picks: Vec<&String> = match selector {
            Selector::Latest => keys.iter().rev().map(|(_, k)| k).collect(),
            Selector::Before(t) => {
                keys.iter().rev().filter(|(id, _)| id.time() <= *t).map(|(_, k)| k).collect()
            }
            Selector::Id(id) => {
                keys.iter().filter(|(k, _)| k.as_str() == id).map(|(_, k)| k).collect()
            }
        };
        let mut first_untrusted = None;
        for key in picks {
            let backup = match self.manifest(key).await {
                Ok(b) => b,
                Err(e @ BackupError::BadManifest { .. })
                    if !matches!(selector, Selector::Id(_)) =>
                {
                    tracing::warn!(error = %e, "passing over an invalid manifest");
                    continue;
                }
                Err(e) => return Err(e),
            };
            if self.require_trusted(&backup).is_ok() {
                return Ok(backup);
            }
            tracing::warn!(key = %key, verdict = %backup.trust.describe(), "passing over an untrusted backup");
            first_untrusted.get_or_insert(backup);
        }
        match first_untrusted {
            Some(b) => Err(self.require_trusted(&b).expect_err("it was refused")),
            None => Err(BackupError::NotFound {
                source_name: source.to_owned(),
                selector: selector.to_string(),
            }),
        }
    }

    /// Deletes one trusted backup: the manifest first (so it stops existing), then the object,
    /// then the signature. An untrusted backup is refused: nothing is deleted on its word.
    pub async fn delete(&self, backup: &Backup) -> Result<()> {
        self.require_trusted(backup)?;
        self.store.delete(&backup.manifest_key).await?;
        self.store.delete(&backup.manifest.object).await?;
        self.store.delete(&backup.signature_key()).await
    }
}
