//! The one error type that crosses IPC: `{kind, message, retryable}` with the closed set of
//! kinds in [`rampart_core::ErrorKind`]. The UI branches on `kind`, shows `message`, and may
//! offer "Try again" when `retryable`.

use rampart_core::{CoreError, ErrorKind};
use serde::Serialize;

/// An error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct IpcError {
    pub kind: ErrorKind,
    pub message: String,
    /// The same request may succeed later (a feed or bucket unreachable, a server error).
    pub retryable: bool,
}

impl From<CoreError> for IpcError {
    fn from(e: CoreError) -> Self {
        if matches!(e.kind(), ErrorKind::Internal | ErrorKind::Io | ErrorKind::Network) {
            tracing::warn!(error = %e, "command failed");
        }
        Self { kind: e.kind(), message: e.to_string(), retryable: e.retryable() }
    }
}

impl IpcError {
    pub fn internal(message: impl Into<String>) -> Self {
        Self { kind: ErrorKind::Internal, message: message.into(), retryable: false }
    }
}

pub type IpcResult<T> = Result<T, IpcError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_kind_and_message() {
        let e = IpcError::from(CoreError::Locked);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "locked", "message": "Rampart is locked: unlock it with your app passphrase", "retryable": false})
        );
        let e = IpcError::from(CoreError::Conflict("the name \"db\" is already in use".into()));
        assert_eq!(serde_json::to_value(&e).unwrap()["kind"], "conflict");
        let e = IpcError::from(CoreError::WrongPassword("wrong passphrase".into()));
        assert_eq!(serde_json::to_value(&e).unwrap()["kind"], "wrongPassword");
    }

    #[test]
    fn feed_failures_are_network_errors_that_say_whether_to_retry() {
        use rampart_core::feeds::{FeedsError, feed_error};
        let e = IpcError::from(feed_error(FeedsError::status("Alertmanager prod", 503, "busy")));
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({
                "kind": "network",
                "message": "Alertmanager prod answered HTTP 503: busy (retrying may help)",
                "retryable": true
            })
        );
        let e = IpcError::from(feed_error(FeedsError::status("Slack webhook", 404, "no_service")));
        assert_eq!(e.kind, ErrorKind::Network);
        assert!(e.message.ends_with("no_service (retrying will not help)"), "{}", e.message);
        assert!(!e.retryable);
        let e = IpcError::from(feed_error(FeedsError::InvalidInput("bad URL".into())));
        assert_eq!(e.kind, ErrorKind::InvalidInput);
    }
}
