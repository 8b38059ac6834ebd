//! Bounded HTTP exchanges: every request Rampart sends to a health endpoint, Alertmanager,
//! Prometheus, Sentry or Slack gets a total timeout and a body cap ([`Limits`]), so a server
//! that stalls, trickles or floods costs at most its timeout and its cap, and fails as that
//! source's own error. [`read_body`] reads chunk by chunk and stops once the cap is passed
//! (never buffering more than the cap); [`fetch`] is one request with retries, its per-attempt
//! timeout and a capped body; [`within`] bounds a whole operation (all attempts) by one deadline.

use crate::retry::{self, RetryPolicy};
use crate::{FeedsError, Result, describe};
use std::time::Duration;

/// Default total time for one request to a feed (send, headers and body).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
/// Default largest body read from a feed.
pub const DEFAULT_BODY_CAP: usize = 16 * 1024 * 1024;

/// How long a request may take and how much of its body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Total time for a request, from connecting to the end of the body.
    pub timeout: Duration,
    /// Largest body read; a bigger one fails the request.
    pub body_cap: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { timeout: DEFAULT_TIMEOUT, body_cap: DEFAULT_BODY_CAP }
    }
}

/// Why a body could not be read.
#[derive(Debug)]
pub enum BodyError {
    /// The body is larger than the cap (by its `Content-Length` or by counting).
    TooLarge { cap: usize },
    /// The connection failed or timed out while reading.
    Read(reqwest::Error),
}

impl BodyError {
    /// One line saying what happened (no URL).
    pub fn reason(&self) -> String {
        match self {
            Self::TooLarge { cap } => {
                format!("the body is larger than the {} limit", show_bytes(*cap))
            }
            Self::Read(e) => format!("reading the body failed: {}", describe(e)),
        }
    }
}

/// Reads `response`'s body, at most `cap` bytes: a `Content-Length` over the cap fails at once,
/// and the chunks are counted as they arrive, so an endless body stops just past the cap.
pub async fn read_body(
    response: &mut reqwest::Response,
    cap: usize,
) -> std::result::Result<Vec<u8>, BodyError> {
    if response.content_length().is_some_and(|len| len > cap as u64) {
        return Err(BodyError::TooLarge { cap });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Read)? {
        if body.len().saturating_add(chunk.len()) > cap {
            return Err(BodyError::TooLarge { cap });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The error of a source that did not finish within `timeout` (retrying may help).
pub fn timed_out(source: &str, timeout: Duration) -> FeedsError {
    FeedsError::Unreachable {
        source_name: source.to_owned(),
        detail: format!(
            "timed out after {} without a complete answer (the server stalled or is too slow)",
            show_duration(timeout)
        ),
    }
}

/// A body error as the source's error: over the cap is a response Rampart will not read
/// (retrying will not help); a broken or timed-out read is unreachable (retrying may help).
pub fn body_error(source: &str, limits: Limits, err: BodyError) -> FeedsError {
    match err {
        BodyError::TooLarge { .. } => FeedsError::bad_response(
            source,
            format!("{}; check that the URL points at the right server", err.reason()),
        ),
        BodyError::Read(e) if e.is_timeout() => timed_out(source, limits.timeout),
        BodyError::Read(e) => FeedsError::transport(source, e.without_url()),
    }
}

/// An answered request with its body read.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as text; an error status becomes [`FeedsError::Http`].
    pub fn text_or_error(&self, source: &str) -> Result<String> {
        let text = self.text();
        if !(200..300).contains(&self.status) {
            return Err(FeedsError::status(source, self.status, &text));
        }
        Ok(text)
    }
}

/// Sends the request built by `make` (retried per `policy`, each attempt bounded by
/// `limits.timeout`, a timed-out attempt not retried) and reads its body within
/// `limits.body_cap`.
pub async fn fetch(
    source: &str,
    limits: Limits,
    policy: RetryPolicy,
    make: impl Fn() -> reqwest::RequestBuilder,
) -> Result<Answer> {
    let mut response = retry::send(source, policy, limits.timeout, make).await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = read_body(&mut response, limits.body_cap)
        .await
        .map_err(|e| body_error(source, limits, e))?;
    Ok(Answer { status, headers, body })
}

/// A retry policy that fits a whole operation inside `limits.timeout` (see [`within`]):
/// `attempts` tries, and a `Retry-After` longer than half the timeout gives up at once as rate
/// limited (retry later) instead of running out the clock and reporting a timeout.
pub fn policy_within(limits: Limits, attempts: u32) -> RetryPolicy {
    let default = RetryPolicy::default();
    RetryPolicy {
        max_attempts: attempts,
        max_wait: default.max_wait.min(limits.timeout / 2),
        ..default
    }
}

/// Runs a whole operation (every attempt and body) within `timeout`; past it, the source's
/// timeout error.
pub async fn within<T>(
    source: &str,
    timeout: Duration,
    operation: impl Future<Output = Result<T>>,
) -> Result<T> {
    tokio::time::timeout(timeout, operation)
        .await
        .unwrap_or_else(|_| Err(timed_out(source, timeout)))
}

/// `2 s`, or `1500 ms` when not whole seconds.
pub fn show_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// `16 MiB` for whole mebibytes, bytes otherwise.
pub fn show_bytes(n: usize) -> String {
    if n >= 1024 * 1024 && n.is_multiple_of(1024 * 1024) {
        format!("{} MiB", n / (1024 * 1024))
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_words() {
        assert_eq!(show_bytes(16 * 1024 * 1024), "16 MiB");
        assert_eq!(show_bytes(1000), "1000 bytes");
        assert_eq!(show_duration(Duration::from_secs(2)), "2 s");
        assert_eq!(show_duration(Duration::from_millis(1500)), "1500 ms");
        let e = timed_out("Prometheus main", Duration::from_secs(2));
        assert!(e.retryable());
        assert!(e.to_string().starts_with("Prometheus main is unreachable: timed out after 2 s"));
        let e = body_error("Sentry a/b", Limits::default(), BodyError::TooLarge { cap: 1 << 20 });
        assert!(!e.retryable());
        assert!(e.to_string().contains("larger than the 1 MiB limit"), "{e}");
        let short = Limits { timeout: Duration::from_secs(2), ..Limits::default() };
        assert_eq!(policy_within(short, 3).max_wait, Duration::from_secs(1));
        assert_eq!(policy_within(Limits::default(), 3).max_attempts, 3);
    }
}
