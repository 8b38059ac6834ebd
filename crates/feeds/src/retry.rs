//! Retrying one HTTP request: 429 waits for `Retry-After` (capped), 5xx and transport failures
//! back off exponentially, everything else is returned to the caller at once. Bounded by
//! [`RetryPolicy::max_attempts`]; each attempt has a total timeout, and an attempt that timed out
//! is not retried (the source already had its whole timeout to answer).

use crate::{FeedsError, Result, bounded, describe};
use std::time::Duration;

/// How hard to try.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in total, the first included.
    pub max_attempts: u32,
    /// First backoff after a 5xx or a transport failure; doubles each time.
    pub base_backoff: Duration,
    /// The longest `Retry-After` honoured; a longer one gives up with [`FeedsError::RateLimited`].
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
        }
    }
}

/// The `Retry-After` header in seconds (the HTTP-date form is not used by Slack or Sentry).
pub fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<f64>().ok().filter(|s| *s >= 0.0).map(Duration::from_secs_f64)
}

/// Sends the request built by `make` until it gets a non-retryable answer, each attempt within
/// `timeout` (which also bounds reading the returned response's body). The returned response may
/// still be an error status (4xx, or 5xx after the last attempt).
pub async fn send(
    source: &str,
    policy: RetryPolicy,
    timeout: Duration,
    make: impl Fn() -> reqwest::RequestBuilder,
) -> Result<reqwest::Response> {
    let mut backoff = policy.base_backoff;
    let mut attempt = 1;
    loop {
        let last = attempt >= policy.max_attempts;
        match make().timeout(timeout).send().await {
            Ok(response) if response.status().as_u16() == 429 => {
                let wait = retry_after(&response).unwrap_or(backoff);
                if last || wait > policy.max_wait {
                    return Err(FeedsError::RateLimited {
                        source_name: source.to_owned(),
                        detail: format!(
                            "HTTP 429 after {attempt} attempt(s), asked to wait {} s",
                            wait.as_secs_f64()
                        ),
                    });
                }
                tracing::info!(source, wait_ms = wait.as_millis() as u64, "rate limited, waiting");
                tokio::time::sleep(wait).await;
            }
            Ok(response) if response.status().is_server_error() && !last => {
                tracing::info!(
                    source,
                    status = response.status().as_u16(),
                    "server error, retrying"
                );
                tokio::time::sleep(backoff).await;
                backoff *= 2;
            }
            Ok(response) => return Ok(response),
            Err(e) if e.is_timeout() => return Err(bounded::timed_out(source, timeout)),
            Err(e) if !last && !e.is_builder() => {
                tracing::info!(source, error = %describe(&e), "request failed, retrying");
                tokio::time::sleep(backoff).await;
                backoff *= 2;
            }
            Err(e) => return Err(FeedsError::transport(source, e.without_url())),
        }
        attempt += 1;
    }
}

/// Parses a JSON body, naming the source on failure.
pub fn parse<T: serde::de::DeserializeOwned>(source: &str, body: &str) -> Result<T> {
    serde_json::from_str(body).map_err(|e| FeedsError::bad_response(source, e))
}
