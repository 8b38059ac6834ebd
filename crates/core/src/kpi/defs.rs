//! The guide's nine security KPIs ("Security Metrics Dashboard"): what each measures, its
//! default PromQL (the metric names of the guide's alert rules, as shipped in
//! deploy/prometheus/rampart-rules.yml), and the threshold that rule alerts at. Uptime, backup
//! success rate and security events per day come from Rampart's own history instead.

use serde::Serialize;

/// Where a KPI's figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum KpiSource {
    /// A PromQL query against the configured Prometheus (editable).
    Prometheus,
    /// Rampart's own records: health checks, backup runs, the audit log.
    Rampart,
}

/// A line a KPI should stay on one side of.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "KpiThreshold"))]
pub struct Threshold {
    pub value: f64,
    /// True when values above `value` are bad (false: below is bad, e.g. uptime).
    pub above_is_bad: bool,
    /// Where the line comes from (an alert rule, the checklist).
    pub from: &'static str,
}

impl Threshold {
    pub fn breached(&self, value: f64) -> bool {
        if self.above_is_bad { value > self.value } else { value < self.value }
    }
}

/// One KPI.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct KpiDef {
    /// Stable id (CLI, settings, JSON).
    pub id: &'static str,
    pub title: &'static str,
    /// `ratio`, `seconds`, `cores`, `perHour`, `perDay`.
    pub unit: &'static str,
    pub source: KpiSource,
    /// The default PromQL (Prometheus KPIs).
    pub default_query: Option<&'static str>,
    pub threshold: Option<Threshold>,
}

const fn prom(
    id: &'static str,
    title: &'static str,
    unit: &'static str,
    query: &'static str,
    threshold: Option<Threshold>,
) -> KpiDef {
    KpiDef { id, title, unit, source: KpiSource::Prometheus, default_query: Some(query), threshold }
}

const fn rampart(
    id: &'static str,
    title: &'static str,
    unit: &'static str,
    threshold: Option<Threshold>,
) -> KpiDef {
    KpiDef { id, title, unit, source: KpiSource::Rampart, default_query: None, threshold }
}

const fn above(value: f64, from: &'static str) -> Option<Threshold> {
    Some(Threshold { value, above_is_bad: true, from })
}

/// The nine, in the guide's order.
pub const KPIS: [KpiDef; 9] = [
    prom(
        "failed-logins",
        "Failed login attempts",
        "perHour",
        r#"sum(increase(http_requests_total{route=~".*login.*", code=~"401|403|429"}[1h]))"#,
        None,
    ),
    prom(
        "api-error-rate",
        "API error rate",
        "ratio",
        r#"sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))"#,
        above(0.05, "alert HighErrorRate"),
    ),
    prom(
        "response-time",
        "Average response time",
        "seconds",
        "sum(rate(http_request_duration_seconds_sum[5m])) / sum(rate(http_request_duration_seconds_count[5m]))",
        above(1.0, "the guide's SlowQueryResponse (1 s)"),
    ),
    prom(
        "database-performance",
        "Database performance (p95 query time)",
        "seconds",
        "histogram_quantile(0.95, sum by (le) (rate(db_query_duration_seconds_bucket[5m])))",
        above(0.5, "alert SlowQueryResponse"),
    ),
    prom(
        "memory-usage",
        "Memory usage",
        "ratio",
        "max(process_resident_memory_bytes / on (instance) group_left node_memory_MemTotal_bytes)",
        above(0.9, "alert HighMemoryUsage"),
    ),
    prom(
        "cpu-usage",
        "CPU usage",
        "cores",
        "max(rate(process_cpu_seconds_total[5m]))",
        above(0.8, "alert HighCPUUsage"),
    ),
    rampart(
        "uptime",
        "Uptime percentage",
        "ratio",
        Some(Threshold { value: 0.999, above_is_bad: false, from: "a 99.9% target" }),
    ),
    rampart("security-events", "Security events per day", "perDay", None),
    rampart(
        "backup-success-rate",
        "Backup success rate",
        "ratio",
        Some(Threshold { value: 1.0, above_is_bad: false, from: "every backup should succeed" }),
    ),
];

/// The KPI with `id`, or an error listing the valid ids.
pub fn kpi(id: &str) -> crate::Result<&'static KpiDef> {
    KPIS.iter().find(|k| k.id == id).ok_or_else(|| {
        let ids: Vec<&str> = KPIS.iter().map(|k| k.id).collect();
        crate::CoreError::InvalidInput(format!("no KPI {id:?}: use one of {}", ids.join(", ")))
    })
}

/// Audit actions that count as security events (with security alerts starting to fire, see
/// [`is_security_alert`]).
pub const SECURITY_EVENTS: &[&str] = &["failed-unlock", "failed-restore"];

/// Words in an alert's name that make it a security alert (case-insensitive): the guide's
/// security concerns (failed logins, brute force, rate limits hit, intrusions, exploits).
pub const SECURITY_ALERT_WORDS: &[&str] = &[
    "security",
    "auth",
    "login",
    "brute",
    "intrusion",
    "breach",
    "exploit",
    "attack",
    "injection",
    "credential",
    "ratelimit",
];

/// Whether an alert counts as a security event: its name holds one of
/// [`SECURITY_ALERT_WORDS`] (`FailedLoginSpike`, `BruteForceSuspected`, `SecurityScanDetected`).
pub fn is_security_alert(alertname: &str) -> bool {
    let name = alertname.to_ascii_lowercase().replace(['_', '-'], "");
    SECURITY_ALERT_WORDS.iter().any(|w| name.contains(w))
}
