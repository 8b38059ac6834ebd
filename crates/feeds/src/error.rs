//! The one error type of the feeds crate. Every error says what failed, which source it came
//! from, and whether retrying can help ([`FeedsError::retryable`]). No variant carries a secret:
//! URLs that may embed one (Slack webhooks) are dropped from transport errors before they get
//! here, and bearer tokens travel only in headers.

/// A failure talking to a health endpoint, Alertmanager, Prometheus, Sentry or Slack.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FeedsError {
    /// The request did not complete: connection refused, DNS, TLS, timeout. Retrying may help.
    #[error("{source_name} is unreachable: {detail} (retrying may help)")]
    Unreachable { source_name: String, detail: String },
    /// The server answered with an error status or body.
    #[error("{source_name} answered HTTP {status}: {detail}{}", retry_hint(*retryable))]
    Http { source_name: String, status: u16, detail: String, retryable: bool },
    /// The server answered something this client cannot read.
    #[error("{source_name} sent a response Rampart cannot read: {detail} (retrying will not help)")]
    BadResponse { source_name: String, detail: String },
    /// The server asked us to slow down and we gave up waiting.
    #[error("{source_name} is rate limiting Rampart: {detail} (retry later)")]
    RateLimited { source_name: String, detail: String },
    /// The caller asked for something that cannot work (bad URL, unknown alert, ...).
    #[error("{0} (retrying will not help)")]
    InvalidInput(String),
    /// Slack's delivery queue is full or closed.
    #[error("{0} (retry later)")]
    QueueFull(String),
}

fn retry_hint(retryable: bool) -> &'static str {
    if retryable { " (retrying may help)" } else { " (retrying will not help)" }
}

impl FeedsError {
    /// Whether trying the same request again later can succeed.
    pub fn retryable(&self) -> bool {
        match self {
            Self::Unreachable { .. } | Self::RateLimited { .. } | Self::QueueFull(_) => true,
            Self::Http { retryable, .. } => *retryable,
            Self::BadResponse { .. } | Self::InvalidInput(_) => false,
        }
    }

    /// A transport error, described without its URL (which may hold a secret).
    pub fn transport(source_name: &str, err: reqwest::Error) -> Self {
        Self::Unreachable { source_name: source_name.to_owned(), detail: describe(&err) }
    }

    /// An HTTP error status; 5xx, 408 and 429 are worth retrying.
    pub fn status(source_name: &str, status: u16, body: &str) -> Self {
        let retryable = status >= 500 || status == 408 || status == 429;
        let detail = truncate(body.trim(), 300);
        let detail = if detail.is_empty() { "(empty body)".to_owned() } else { detail };
        Self::Http { source_name: source_name.to_owned(), status, detail, retryable }
    }

    /// A response that did not parse.
    pub fn bad_response(source_name: &str, detail: impl std::fmt::Display) -> Self {
        Self::BadResponse { source_name: source_name.to_owned(), detail: detail.to_string() }
    }
}

/// A reqwest error as one line: the kind plus its source chain, never the URL.
pub fn describe(err: &reqwest::Error) -> String {
    use std::error::Error as _;
    if err.is_timeout() {
        return "timed out".to_owned();
    }
    if err.is_redirect() {
        return "too many redirects (a redirect loop?)".to_owned();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    let chain = parts.join(": ");
    let kind = if err.is_connect() { "could not connect" } else { "request failed" };
    if chain.is_empty() { kind.to_owned() } else { format!("{kind}: {chain}") }
}

/// At most `max` characters of `text`, with an ellipsis when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}...")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_whether_a_retry_can_help() {
        let e = FeedsError::status("alertmanager prod", 503, "busy");
        assert!(e.retryable());
        assert!(e.to_string().contains("retrying may help"), "{e}");
        let e = FeedsError::status("slack", 404, "no_service");
        assert!(!e.retryable());
        assert_eq!(e.to_string(), "slack answered HTTP 404: no_service (retrying will not help)");
        assert!(FeedsError::InvalidInput("x".into()).to_string().contains("will not help"));
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("héllo", 3), "hél...");
        assert_eq!(truncate("ok", 3), "ok");
    }
}
