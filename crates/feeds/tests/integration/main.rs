//! rampart-feeds against real servers on loopback: hand-rolled HTTP(S) services for health
//! checks, Sentry and Slack (following their documented APIs), and the real Prometheus and
//! Alertmanager binaries. Nothing is skipped: a missing binary fails with advice.

mod conditions;
mod fd_budget;
mod health;
mod hostile;
mod prometheus_alertmanager;
mod sentry;
mod slack;

use rampart_feeds::{ClientOptions, http_client};

/// The shared client, trusting `extra_roots` (test CAs).
pub fn client(extra_roots: &[&str]) -> rampart_feeds::reqwest::Client {
    let options = ClientOptions {
        extra_roots_pem: extra_roots.iter().map(|s| s.to_string()).collect(),
        ..ClientOptions::default()
    };
    http_client(&options).unwrap()
}
