//! Rampart's backup engine, free of Tauri: a source (a directory as tar, or a command's stdout)
//! is streamed through zstd and age (X25519 recipients) into one S3 multipart upload, then a
//! small JSON manifest commits it (a backup without its manifest does not exist). Restores pick
//! `latest`, the latest before a date, or an id, verify hashes and sizes against the manifest
//! before anything is swapped into place, and refuse archives that would escape their target.
//! Retention is a pure function (the dry-run preview); cleanup removes orphans.
//!
//! Manifests are signed (minisign format, a detached `.minisig` next to each; see `signing`) by
//! the backing-up machine's key, and nothing is restored, verified, pruned or cleaned up on the
//! word of a manifest that is not signed by a trusted key and placed where its id puts it.
//!
//! Stock tools restore every backup: `aws s3 cp s3://B/K - | age -d -i key.txt | zstd -d | tar -x`.
//!
//! Front ends (CLI, desktop) own configuration and secrets: they read the S3 secret key and the
//! age identity from the keychain as [`rampart_sensitive::SecretString`]s and hand them over.

mod adopt;
mod backup;
mod cleanup;
mod engine;
mod error;
mod extract;
pub mod keys;
pub mod manifest;
mod parts;
mod progress;
mod restore;
pub mod retention;
pub mod signing;
mod source;
mod staging;
mod target;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use backup::{BackupRequest, UploadHook};
pub use cleanup::{CleanupReport, DEFAULT_CLEANUP_GRACE, candidates};
pub use engine::{Backup, Clock, Engine, EngineOptions, IdRandom, Selector};
pub use error::{BackupError, Result};
pub use keys::{GeneratedKey, Identities, Recipient};
pub use manifest::{BackupId, Manifest, SourceKind};
pub use progress::{Phase, Progress, ProgressFn};
pub use restore::RestoreReport;
pub use retention::{Candidate, Decision, KeepReason, RetentionPolicy};
pub use signing::{GeneratedSigningKey, ManifestSigner, SigningPublicKey, Trust, TrustedKeys};
pub use source::{CommandSpec, Source};
pub use target::S3Target;
