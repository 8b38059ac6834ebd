//! What the checks crate's integration tests share: running the selected items against a target
//! with test limits and fixed timestamps.
#![allow(dead_code)] // each test binary uses its own subset

use rampart_checks::probe::client::Limits;
use rampart_checks::run::{RunInput, run};
use rampart_checks::target::Target;
use rampart_checks::{Report, catalog};
use std::collections::HashMap;
use std::time::Duration;

/// Test limits: `timeout` per request, a 64 KiB body cap, 5 ms between requests.
pub fn limits(timeout: Duration) -> Limits {
    Limits { timeout, body_cap: 64 * 1024, interval: Duration::from_millis(5) }
}

/// Runs the items (or sections) `only` against `target`.
pub async fn check_items(target: Target, only: &[&str], timeout: Duration) -> Report {
    let valid = target.validate().expect("a valid target");
    let only: Vec<String> = only.iter().map(|s| s.to_string()).collect();
    let input = RunInput {
        target: &valid,
        selected: catalog::select(&only).unwrap(),
        attestations: HashMap::new(),
        limits: limits(timeout),
        started: "2026-01-01T00:00:00Z".into(),
        records: Vec::new(),
    };
    run(input, || "2026-01-01T00:00:01Z".into()).await
}
