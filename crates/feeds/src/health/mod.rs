//! Health checks: what a monitored service is ([`Service`]), what one check found
//! ([`CheckResult`], with the guide's `/health` fields in [`HealthFields`]), and the modules that
//! do the work: [`condition`] (typed conditions), [`check`] (one HTTP check), [`scheduler`]
//! (periodic checks with bounded concurrency and state-change events), [`tls`] (certificate
//! expiry).

pub mod check;
pub mod condition;
pub mod scheduler;
pub mod tls;

pub use check::{CheckOptions, check_service, judge};
pub use condition::{CompareOp, Condition, Expected};
pub use scheduler::{HealthEvent, Scheduler, StateChange, StateTracker, check_all};

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Default time between two checks of a service.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);
/// Default time a check may take before it counts as down.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// A monitored HTTP endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Service {
    pub name: String,
    /// Free text such as `production` or `staging`; empty when not set.
    #[serde(default)]
    pub environment: String,
    pub url: String,
    #[serde(with = "millis")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub interval: Duration,
    #[serde(with = "millis")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub timeout: Duration,
    /// Every condition must hold for the service to be up.
    pub conditions: Vec<Condition>,
}

impl Service {
    /// A service with the default interval, timeout and conditions (the guide's `/health`:
    /// HTTP 200 and `status == "ok"`).
    pub fn new(name: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            environment: String::new(),
            url: url.into(),
            interval: DEFAULT_INTERVAL,
            timeout: DEFAULT_TIMEOUT,
            conditions: Condition::defaults(),
        }
    }
}

/// Up or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "HealthStatus"))]
pub enum Status {
    Up,
    Down,
}

/// What one check of one service found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    pub service: String,
    /// Unix milliseconds when the check started.
    pub at_ms: i64,
    pub status: Status,
    /// Time from sending the request to the end of the body (or to the failure).
    pub latency_ms: u64,
    /// None when no response arrived (refused, timed out, TLS failure).
    pub http_status: Option<u16>,
    /// One line per failed condition or transport failure; empty when up.
    pub reasons: Vec<String>,
    /// Days until the server's certificate expires (HTTPS only; negative when expired).
    pub cert_days_left: Option<i64>,
    /// The guide's health fields, when the body carried them.
    pub health: Option<HealthFields>,
}

impl CheckResult {
    pub fn is_up(&self) -> bool {
        self.status == Status::Up
    }
}

/// Largest JSON body kept verbatim in [`HealthFields::raw`].
pub const RAW_JSON_CAP: usize = 16 * 1024;

/// The fields of the guide's `/health` JSON, plus the raw JSON (capped) for everything else.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HealthFields {
    pub status: Option<String>,
    pub version: Option<String>,
    pub environment: Option<String>,
    /// Uptime as the service reports it (seconds as a number, or a string).
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub uptime: Option<serde_json::Value>,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub memory: Option<serde_json::Value>,
    /// `checks.database` (its `status` when it is an object).
    pub database: Option<String>,
    /// `checks.redis` (its `status` when it is an object).
    pub redis: Option<String>,
    /// The whole body when it is at most [`RAW_JSON_CAP`] bytes.
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub raw: Option<serde_json::Value>,
    /// True when the body was larger than the cap and `raw` was left out.
    pub raw_truncated: bool,
}

impl HealthFields {
    /// Extracts the fields from a parsed body of `len` bytes; None for non-objects.
    pub fn extract(json: &serde_json::Value, len: usize) -> Option<Self> {
        let obj = json.as_object()?;
        let text = |key: &str| obj.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        let check = |key: &str| {
            let v = obj.get("checks")?.get(key)?;
            match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Object(o) => {
                    o.get("status").map(|s| s.as_str().map(str::to_owned).unwrap_or(s.to_string()))
                }
                other => Some(other.to_string()),
            }
        };
        let small = len <= RAW_JSON_CAP;
        Some(Self {
            status: text("status"),
            version: text("version"),
            environment: text("environment"),
            uptime: obj.get("uptime").cloned(),
            memory: obj.get("memory").cloned(),
            database: check("database"),
            redis: check("redis"),
            raw: small.then(|| json.clone()),
            raw_truncated: !small,
        })
    }
}

/// Serde for a `Duration` as integer milliseconds (JSON and SQLite friendly).
pub mod millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guides_health_fields_are_extracted() {
        let body = serde_json::json!({
            "status": "ok", "version": "1.4.2", "environment": "production", "uptime": 3600.5,
            "memory": {"heapUsed": 1, "rss": 2},
            "checks": {"database": {"status": "ok", "latencyMs": 3}, "redis": "degraded"}
        });
        let f = HealthFields::extract(&body, 200).unwrap();
        assert_eq!(f.version.as_deref(), Some("1.4.2"));
        assert_eq!(f.database.as_deref(), Some("ok"));
        assert_eq!(f.redis.as_deref(), Some("degraded"));
        assert_eq!(f.uptime, Some(serde_json::json!(3600.5)));
        assert!(f.raw.is_some());
        let big = HealthFields::extract(&body, RAW_JSON_CAP + 1).unwrap();
        assert!(big.raw.is_none() && big.raw_truncated);
        assert!(HealthFields::extract(&serde_json::json!([1]), 3).is_none());
    }

    #[test]
    fn a_new_service_has_the_defaults() {
        let s = Service::new("api", "http://x/health");
        assert_eq!((s.interval, s.timeout), (DEFAULT_INTERVAL, DEFAULT_TIMEOUT));
        assert_eq!(s.conditions, Condition::defaults());
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["interval"], 30_000);
        assert_eq!(serde_json::from_value::<Service>(json).unwrap(), s);
    }
}
