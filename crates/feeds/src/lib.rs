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
//! - [`testkit`] (feature `testkit`): loopback HTTP(S) servers and a real Prometheus +
//!   Alertmanager harness for tests.

pub mod alertmanager;
pub mod bounded;
mod error;
pub mod health;
pub mod prometheus;
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
