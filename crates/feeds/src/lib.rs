//! Rampart's health checks and alert feeds, Tauri-free and async (tokio + one shared reqwest
//! client). Front ends (CLI, desktop shell) reach it through `rampart-core`, which keeps the
//! configuration in SQLite and the tokens in the keychain.
//!
//! - [`health`]: HTTP health checks with typed conditions, a scheduler and up/down events;
//! - [`alertmanager`]: Alertmanager API v2 (alerts merged by fingerprint, grouped; silences);
//! - [`prometheus`]: Prometheus alerts, rule health and readiness;
//! - [`sentry`]: unresolved Sentry issues with Link-header pagination;
//! - [`bounded`]: the timeout and body cap every request above goes through;
//! - [`slack`]: Slack incoming webhooks through a rate-limited, retrying, non-blocking queue;
//! - [`email`]: email over SMTP (lettre, rustls), the password sent only over TLS;
//! - [`testkit`] (feature `testkit`): loopback HTTP(S) servers and a real Prometheus +
//!   Alertmanager harness for tests.

pub mod alertmanager;
pub mod bounded;
pub mod email;
mod error;
pub mod health;
pub mod prometheus;
pub mod promql;
pub mod retry;
pub mod sentry;
pub mod slack;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use bounded::Limits;
pub use error::{FeedsError, describe, truncate};
pub use rampart_sensitive::SecretString;
pub use retry::RetryPolicy;
/// The HTTP and async crates this API speaks, so callers need not pin their own versions.
pub use {reqwest, tokio};

pub type Result<T, E = FeedsError> = std::result::Result<T, E>;

/// Options of the shared HTTP client.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Redirects followed before a check fails (a redirect loop fails clearly).
    pub max_redirects: usize,
    /// Extra trusted root certificates (PEM), for internal CAs and tests.
    pub extra_roots_pem: Vec<String>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self { max_redirects: 5, extra_roots_pem: Vec::new() }
    }
}

/// Builds the one client every feed shares (connection pool, rustls, TLS info for expiry).
/// Each request's total timeout and body cap are set per call ([`bounded`]).
pub fn http_client(options: &ClientOptions) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("rampart/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::limited(options.max_redirects))
        .tls_info(true)
        .connect_timeout(std::time::Duration::from_secs(10))
        // Feeds poll every 30 s or so: an idle connection may wait for the next poll, but no
        // longer, and only a few per server. Health checks ask for `Connection: close`, so
        // 1,000 services never hold 1,000 idle sockets (see health::check).
        .pool_idle_timeout(std::time::Duration::from_secs(60))
        .pool_max_idle_per_host(4);
    for pem in &options.extra_roots_pem {
        let cert = reqwest::Certificate::from_pem(pem.as_bytes())
            .map_err(|e| FeedsError::InvalidInput(format!("a trusted root is not PEM: {e}")))?;
        builder = builder.add_root_certificate(cert);
    }
    builder.build().map_err(|e| FeedsError::InvalidInput(format!("HTTP client: {}", describe(&e))))
}

/// Parses and checks an `http(s)://` base URL; the message names `what` it is for.
pub fn parse_base_url(what: &str, url: &str) -> Result<reqwest::Url> {
    let parsed = reqwest::Url::parse(url.trim())
        .map_err(|e| FeedsError::InvalidInput(format!("{what}: {url:?} is not a URL ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(FeedsError::InvalidInput(format!(
            "{what}: {url:?} must start with http(s)://"
        )));
    }
    Ok(parsed)
}

/// Refuses to send a credential (a Sentry token, a Slack webhook URL) over plain http, except to a
/// loopback address (a local test server): anyone on the path would read it. `what` names the
/// source; the URL is not quoted, since for Slack it is the secret.
pub fn require_https_for_credentials(what: &str, url: &reqwest::Url) -> Result<()> {
    if url.scheme() == "https" {
        return Ok(());
    }
    let host = url.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if url.scheme() == "http" && loopback {
        return Ok(());
    }
    Err(FeedsError::InvalidInput(format!(
        "{what}: a credential is sent only over https (plain http only to a loopback test server \
         such as 127.0.0.1); use the https:// address"
    )))
}

/// `base` joined with `path` (base's own path kept, e.g. a reverse-proxy prefix).
pub(crate) fn endpoint(base: &reqwest::Url, path: &str) -> reqwest::Url {
    let mut url = base.clone();
    let joined = format!("{}/{}", base.path().trim_end_matches('/'), path.trim_start_matches('/'));
    url.set_path(&joined);
    url
}

/// Unix seconds as RFC 3339 (UTC).
pub fn rfc3339(unix_seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix_seconds)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .format(&time::format_description::well_known::Rfc3339)
        .expect("a UTC time formats as RFC 3339")
}

#[cfg(test)]
mod credential_transport_tests {
    use super::*;

    #[test]
    fn credentials_go_over_https_or_to_loopback_only() {
        for ok in [
            "https://sentry.io",
            "https://hooks.slack.com/services/T/B/x",
            "http://127.0.0.1:9000",
            "http://127.8.9.10/",
            "http://localhost:3000/hook",
            "http://[::1]:8080/",
        ] {
            let url = reqwest::Url::parse(ok).unwrap();
            assert!(require_https_for_credentials("Sentry", &url).is_ok(), "{ok}");
        }
        for refused in [
            "http://sentry.example.com",
            "http://10.0.0.5/hook",
            "http://localhost.evil.example/",
            "http://[::ffff:8.8.8.8]/",
            "ftp://files.example.org/",
        ] {
            let url = reqwest::Url::parse(refused).unwrap();
            let e = require_https_for_credentials("Slack webhook", &url).unwrap_err();
            assert!(e.to_string().contains("only over https"), "{refused}: {e}");
            assert!(!e.to_string().contains(url.host_str().unwrap()), "the URL is not quoted");
        }
    }
}
