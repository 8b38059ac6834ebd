//! The one error type of the application layer, with a closed set of kinds the front ends branch
//! on (the desktop shell serializes it as `{kind, message}`). Messages say what failed and what
//! to do; none carries a secret.

use rampart_store::StoreError;
use rampart_vault::KeychainError;
use serde::Serialize;

/// What kind of failure, for front ends to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    Locked,
    NotFound,
    InvalidInput,
    Conflict,
    KeychainUnavailable,
    KeychainLocked,
    WrongPassword,
    /// A powerful action needs the app passphrase entered again; the message says which action.
    PassphraseRequired,
    Io,
    /// A feed (health endpoint, Alertmanager, Prometheus, Sentry, Slack) failed; the message
    /// says whether retrying can help ([`CoreError::retryable`]).
    Network,
    Internal,
}

/// An application error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoreError {
    #[error("Rampart is locked: unlock it with your app passphrase")]
    Locked,
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    WrongPassword(String),
    /// The app passphrase must be entered again to confirm the action named.
    #[error("enter your app passphrase to confirm: {0}")]
    PassphraseRequired(String),
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Otp(#[from] rampart_otp::OtpError),
    #[error("{0}")]
    Io(String),
    /// A feed source failed; `retryable` says whether trying again later can help.
    #[error("{message}")]
    Network { message: String, retryable: bool },
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::NameInUse(_) => Self::Conflict(e.to_string()),
            // A keychain failure behind the audit key or anchor keeps its kind (locked, absent).
            StoreError::AuditSeal(inner) => match inner.downcast::<KeychainError>() {
                Ok(keychain) => Self::Keychain(*keychain),
                Err(other) => Self::Store(StoreError::AuditSeal(other)),
            },
            other => Self::Store(other),
        }
    }
}

impl CoreError {
    /// The kind front ends branch on.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Locked => ErrorKind::Locked,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::InvalidInput(_) => ErrorKind::InvalidInput,
            Self::Conflict(_) => ErrorKind::Conflict,
            Self::WrongPassword(_) => ErrorKind::WrongPassword,
            Self::PassphraseRequired(_) => ErrorKind::PassphraseRequired,
            Self::Keychain(KeychainError::Locked(_)) => ErrorKind::KeychainLocked,
            Self::Keychain(KeychainError::Unavailable(_)) => ErrorKind::KeychainUnavailable,
            Self::Keychain(KeychainError::Missing(_)) => ErrorKind::NotFound,
            Self::Keychain(KeychainError::TooLarge { .. }) => ErrorKind::InvalidInput,
            Self::Keychain(_) => ErrorKind::Internal,
            Self::Otp(
                rampart_otp::OtpError::WrongPassword { .. }
                | rampart_otp::OtpError::PasswordRequired { .. },
            ) => ErrorKind::WrongPassword,
            Self::Otp(_) => ErrorKind::InvalidInput,
            Self::Store(_) => ErrorKind::Io,
            Self::Io(_) => ErrorKind::Io,
            Self::Network { .. } => ErrorKind::Network,
            Self::Internal(_) => ErrorKind::Internal,
        }
    }

    /// Whether the same request may succeed later (network failures only).
    pub fn retryable(&self) -> bool {
        matches!(self, Self::Network { retryable: true, .. })
    }
}
