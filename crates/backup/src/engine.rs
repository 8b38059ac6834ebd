//! The engine: one S3 target plus pipeline options and a clock. Front ends (CLI, desktop) build
//! one per configured target and call `backup`, `list`, `find`, `restore_*`, `verify_*`,
//! `prune` and `cleanup` on it. Time comes from the injected clock so tests are deterministic.

use crate::error::{BackupError, Result};
use crate::manifest::{
    BackupId, Layout, MANIFEST_MAX_BYTES, MANIFEST_SUFFIX, Manifest, id_of_manifest_key,
    source_of_key, validate_source_name,
};
use crate::target::{S3Target, Store};
use futures_util::StreamExt;
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

/// One stored backup: its manifest and the manifest's key.
#[derive(Debug, Clone, PartialEq)]
pub struct Backup {
    pub manifest_key: String,
    pub manifest: Manifest,
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
        })
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
    /// `manifest_timeout`).
    pub async fn manifest(&self, key: &str) -> Result<Backup> {
        let bytes =
            self.store.get_small(key, MANIFEST_MAX_BYTES, self.store.manifest_timeout).await?;
        Ok(Backup { manifest_key: key.to_owned(), manifest: Manifest::from_json(key, &bytes)? })
    }

    /// Every backup of a source, oldest first. Invalid manifests are skipped with a warning.
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

    /// Finds the backup a selector names.
    pub async fn find(&self, source: &str, selector: &Selector) -> Result<Backup> {
        let keys = self.manifest_keys(source).await?;
        let pick = match selector {
            Selector::Latest => keys.last(),
            Selector::Before(t) => keys.iter().rev().find(|(id, _)| id.time() <= *t),
            Selector::Id(id) => keys.iter().find(|(k, _)| k.as_str() == id),
        };
        let Some((_, key)) = pick else {
            return Err(BackupError::NotFound {
                source_name: source.to_owned(),
                selector: selector.to_string(),
            });
        };
        self.manifest(key).await
    }

    /// Deletes one backup: the manifest first (so it stops existing), then the object.
    pub async fn delete(&self, backup: &Backup) -> Result<()> {
        self.store.delete(&backup.manifest_key).await?;
        self.store.delete(&backup.manifest.object).await
    }
}
