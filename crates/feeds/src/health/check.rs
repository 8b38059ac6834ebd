//! One health check: GET the service's URL with the shared client, within the service's timeout,
//! reading at most [`CheckOptions::body_limit`] bytes, then evaluate every condition. Transport
//! failures (refused, timeout, TLS, redirect loop, oversize body) are a down result whose reason
//! says what happened; this function never returns an error. The body is read through
//! [`crate::bounded::read_body`], and each check asks for `Connection: close`, so a check never
//! leaves an idle connection behind (1,000 services must not hold 1,000 sockets) and every
//! check measures a fresh connection.

use super::condition::{Condition, Observation, evaluate};
use super::{CheckResult, HealthFields, Service, Status, tls};
use crate::bounded::{BodyError, read_body, show_duration};
use crate::error::describe;
use std::time::Instant;

/// Limits applied to every check.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions {
    /// Largest body read; a bigger one fails the check.
    pub body_limit: usize,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self { body_limit: 1024 * 1024 }
    }
}

/// Checks `service` once. `at_ms` is "now" in unix milliseconds (passed in, for tests).
pub async fn check_service(
    client: &reqwest::Client,
    service: &Service,
    options: CheckOptions,
    at_ms: i64,
) -> CheckResult {
    let started = Instant::now();
    let outcome =
        tokio::time::timeout(service.timeout, fetch(client, service, options.body_limit)).await;
    let latency_ms = started.elapsed().as_millis() as u64;
    let mut result = CheckResult {
        service: service.name.clone(),
        at_ms,
        status: Status::Down,
        latency_ms,
        http_status: None,
        reasons: Vec::new(),
        cert_days_left: None,
        health: None,
    };
    let fetched = match outcome {
        Err(_) => {
            result.reasons.push(format!("timed out after {}", show_duration(service.timeout)));
            return result;
        }
        Ok(Err(failure)) => {
            result.http_status = failure.status;
            result.reasons.push(failure.reason);
            return result;
        }
        Ok(Ok(fetched)) => fetched,
    };
    result.http_status = Some(fetched.status);
    let cert_days_left = match &fetched.peer_cert {
        Some(der) => tls::days_left(der, at_ms.div_euclid(1000)),
        None => Err("the service is not served over HTTPS".to_owned()),
    };
    result.cert_days_left = cert_days_left.as_ref().ok().copied();
    let (health, reasons) =
        judge(&service.conditions, fetched.status, latency_ms, &fetched.body, cert_days_left);
    result.health = health;
    result.reasons = reasons;
    if result.reasons.is_empty() {
        result.status = Status::Up;
    }
    result
}

/// Judges one response, the pure part of a check: parses the body (JSON or not), extracts the
/// guide's health fields and evaluates every condition. Returns the fields and one reason per
/// failed condition (empty when up). Untrusted bodies come through here, so it never panics.
pub fn judge(
    conditions: &[Condition],
    status: u16,
    latency_ms: u64,
    body: &[u8],
    cert_days_left: Result<i64, String>,
) -> (Option<HealthFields>, Vec<String>) {
    let json: Result<serde_json::Value, String> = if body.is_empty() {
        Err("the body is empty, not JSON".to_owned())
    } else {
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON ({e})"))
    };
    let health = json.as_ref().ok().and_then(|value| HealthFields::extract(value, body.len()));
    let obs = Observation { status, latency_ms, body, json: &json, cert_days_left };
    let mut reasons: Vec<String> =
        conditions.iter().filter_map(|c| evaluate(c, &obs).err()).collect();
    if conditions.is_empty() && !(200..400).contains(&status) {
        reasons.push(format!("HTTP status {status} (no conditions configured)"));
    }
    (health, reasons)
}

struct Fetched {
    status: u16,
    body: Vec<u8>,
    peer_cert: Option<Vec<u8>>,
}

struct Failure {
    status: Option<u16>,
    reason: String,
}

async fn fetch(
    client: &reqwest::Client,
    service: &Service,
    limit: usize,
) -> Result<Fetched, Failure> {
    let failed = |reason: String| Failure { status: None, reason };
    let request = client.get(&service.url).header(reqwest::header::CONNECTION, "close");
    let mut response = request.send().await.map_err(|e| failed(explain(&e)))?;
    let status = response.status().as_u16();
    let peer_cert = response
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|info| info.peer_certificate())
        .map(<[u8]>::to_vec);
    let body = read_body(&mut response, limit).await.map_err(|e| Failure {
        status: Some(status),
        reason: match e {
            BodyError::Read(e) => format!("reading the body failed: {}", explain(&e)),
            too_big => too_big.reason(),
        },
    })?;
    Ok(Fetched { status, body, peer_cert })
}

/// A transport failure as a reason: redirect loops, refused connections and TLS trouble named.
fn explain(err: &reqwest::Error) -> String {
    if err.is_redirect() {
        return "too many redirects (a redirect loop?)".to_owned();
    }
    let detail = describe(err);
    if detail.contains("Connection refused") || detail.contains("connection refused") {
        return format!("connection refused ({detail})");
    }
    tls::explain_handshake_failure(&detail).unwrap_or(detail)
}
