//! The one error type of the backup engine. Every variant says what failed and what to do, and
//! [`BackupError::is_retryable`] says whether running the same thing again can help. No variant
//! carries a secret: S3 secret keys and age identities never reach a message, and a dump
//! command's stderr has the caller's secret environment values masked before it is kept.

use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use std::io;

/// Result alias of the engine.
pub type Result<T, E = BackupError> = std::result::Result<T, E>;

/// Everything that can go wrong in a backup, restore, verify, prune or cleanup.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    #[error("invalid backup settings: {0}")]
    Config(String),
    #[error(
        "cannot read the backup source {path}: {message}. Check that it exists and is readable"
    )]
    Source { path: String, message: String },
    #[error(
        "the dump command `{program}` could not be started: {message}. Check the program name and PATH"
    )]
    CommandSpawn { program: String, message: String },
    #[error(
        "the dump command `{program}` failed ({status}); the upload was aborted and nothing was \
         stored. Fix the command and run the backup again. Last lines of its stderr:\n{stderr_tail}"
    )]
    CommandFailed { program: String, status: String, stderr_tail: String },
    #[error("S3 {operation} failed: {message}. {advice}")]
    Storage { operation: &'static str, message: String, advice: &'static str, retryable: bool },
    #[error("no backup of {source_name} matches {selector}; list the backups to see what exists")]
    NotFound { source_name: String, selector: String },
    #[error("the manifest {key} is not valid ({message}); the backup cannot be trusted")]
    BadManifest { key: String, message: String },
    #[error(
        "{key} already exists; refusing to overwrite a finished backup (run the backup again for a new id)"
    )]
    ManifestExists { key: String },
    #[error(
        "none of the given identities can decrypt {key}; it was encrypted to {recipients}. Use \
         the identity (AGE-SECRET-KEY-...) that belongs to one of those public keys"
    )]
    WrongKey { key: String, recipients: String },
    #[error(
        "refusing to act on backup {source_name}/{id}: its manifest is not signed by a key this \
         machine trusts ({verdict}); {advice}"
    )]
    Untrusted { source_name: String, id: String, verdict: String, advice: &'static str },
    #[error(
        "integrity check failed for {key}: {message}. The backup is damaged, truncated or was \
         tampered with; nothing was written. Restore another backup and run a full verify"
    )]
    Integrity { key: String, message: String },
    #[error("refusing to restore {key}: archive entry {entry:?} {reason}; nothing was written")]
    UnsafeArchive { key: String, entry: String, reason: String },
    #[error(
        "not enough free space at {path}: the restore needs about {needed} bytes and {available} \
         are free. Free some space or restore somewhere else"
    )]
    InsufficientSpace { path: String, needed: u64, available: u64 },
    #[error(
        "the restore command `{program}` failed ({status}). Last lines of its stderr:\n{stderr_tail}"
    )]
    RestoreCommandFailed { program: String, status: String, stderr_tail: String },
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: io::Error,
    },
}

impl BackupError {
    /// True when running the same operation again may succeed (network trouble, a server that
    /// is down or busy, a dump that failed for a reason outside Rampart). False when something
    /// must be changed first (settings, keys, a damaged backup, disk space).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Storage { retryable, .. } => *retryable,
            Self::CommandFailed { .. } => true,
            Self::Io { source, .. } => matches!(
                source.kind(),
                io::ErrorKind::Interrupted
                    | io::ErrorKind::TimedOut
                    | io::ErrorKind::WouldBlock
                    | io::ErrorKind::ConnectionReset
                    | io::ErrorKind::ConnectionAborted
            ),
            _ => false,
        }
    }

    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> Self {
        Self::Io { context: context.into(), source }
    }

    /// Maps an SDK error: transport trouble and 5xx/429 are retryable, 403 is credentials,
    /// 404 a missing bucket or key, the rest a settings problem.
    pub(crate) fn s3<E, R>(operation: &'static str, err: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + HasStatus,
    {
        let status = err.raw_response().map(HasStatus::status_code);
        let code = err.code().map(str::to_owned);
        let message = DisplayErrorContext(&err).to_string();
        let (advice, retryable) = match (&err, status) {
            (SdkError::TimeoutError(_), _) | (SdkError::DispatchFailure(_), _) => (
                "The S3 endpoint is unreachable or timed out: check the network and the endpoint \
                 URL, then retry",
                true,
            ),
            (SdkError::ResponseError(_), _) => {
                ("The S3 server sent an unreadable response: retry", true)
            }
            (SdkError::ConstructionFailure(_), _) => {
                ("The request could not be built: check the target settings", false)
            }
            (_, Some(401 | 403)) => (
                "The server refused the credentials: check the access key, the secret key and \
                 the bucket permissions",
                false,
            ),
            (_, Some(404)) => {
                ("The bucket or object does not exist: check the bucket name and prefix", false)
            }
            (_, Some(s)) if s == 429 || s >= 500 => {
                ("The S3 server is busy or failing: retry later", true)
            }
            _ if code.as_deref() == Some("SlowDown") => {
                ("The S3 server asks to slow down: retry later", true)
            }
            _ => ("Check the target settings (endpoint, region, bucket, path style)", false),
        };
        Self::Storage { operation, message, advice, retryable }
    }
}

/// The HTTP status of a raw response, if any (kept generic so tests need no HTTP types).
pub(crate) trait HasStatus {
    fn status_code(&self) -> u16;
}

impl HasStatus for aws_sdk_s3::config::http::HttpResponse {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
}

/// Replaces every occurrence of each secret (at least 4 characters long) with `<redacted>`.
pub(crate) fn mask_secrets(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(secret, "<redacted>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_is_decided_by_the_variant() {
        let down = BackupError::Storage {
            operation: "UploadPart",
            message: "connection refused".into(),
            advice: "retry",
            retryable: true,
        };
        assert!(down.is_retryable());
        assert!(!BackupError::Config("x".into()).is_retryable());
        assert!(!BackupError::Integrity { key: "k".into(), message: "m".into() }.is_retryable());
        assert!(BackupError::io("read", io::Error::from(io::ErrorKind::TimedOut)).is_retryable());
    }

    #[test]
    fn masks_secrets_in_captured_text() {
        let text = "error connecting to mongodb://root:hunter22@db:27017";
        let masked = mask_secrets(text, &["mongodb://root:hunter22@db:27017", "ab"]);
        assert!(!masked.contains("hunter22"), "{masked}");
        assert!(masked.contains("<redacted>"));
    }
}
