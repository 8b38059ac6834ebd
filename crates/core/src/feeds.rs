//! Health checks and alert feeds over `rampart-feeds`: services and sources are configured in
//! SQLite, Sentry tokens are read from the vault by credential name (never logged, never in an
//! error), check results land in the history. Every request goes through the app's one HTTP
//! client (callers never build one). The async operations here are what the CLI and the
//! desktop both call; the desktop's monitor ([`runner`]) takes a [`FeedsSnapshot`], does the
//! network work on its own tasks and hands the results back with [`Rampart::record_check`].

use crate::{CoreError, Rampart, Result};
pub use rampart_feeds::alertmanager::{Alert, AlertGroup, Alertmanager, AmAlert, Matcher, Silence};
use rampart_feeds::health;
pub use rampart_feeds::health::{CheckResult, Condition, Service, StateChange, Status};
pub use rampart_feeds::prometheus::{PromAlert, Prometheus, Readiness, Rule, RuleGroup};
use rampart_feeds::reqwest;
pub use rampart_feeds::sentry::{SentryIssue, SentryProject};
pub use rampart_feeds::slack::{Delivery, Level, SlackConfig, SlackMessage, SlackSender};
pub use rampart_feeds::{FeedsError, tokio};
use rampart_store::feeds::{CheckRow, ServiceRow};
use serde::Serialize;
use std::time::Duration;

pub mod history;
pub mod monitor;
pub mod notify;
pub mod ops;
mod report;
pub mod runner;
mod sources;
pub use monitor::{FeedsOverview, FeedsSummary, FiringAlert, MonitorState, SentryView};
pub use notify::{FeedEvent, FeedsSettings, Severity};
pub use ops::{ServiceDetail, ServiceInput, SilenceView, SilencesReport};
pub use report::{
    AlertsReport, HealthReport, PromReport, SentryReport, SilenceCreated, SourceError,
};
pub use sources::MonitorConfig;

/// Maps a feeds error onto the application's error; the message keeps "retrying may help" or
/// "retrying will not help".
pub fn feed_error(e: FeedsError) -> CoreError {
    match e {
        FeedsError::InvalidInput(_) => CoreError::InvalidInput(e.to_string()),
        other => CoreError::Network { retryable: other.retryable(), message: other.to_string() },
    }
}

/// Parses an SMTP TLS mode (`none`, `starttls`, `tls`).
pub fn email_tls(text: &str) -> Result<rampart_feeds::email::SmtpTls> {
    rampart_feeds::email::SmtpTls::parse(text).map_err(feed_error)
}

/// A service with its last check and uptime, for lists and detail views.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ServiceView {
    #[serde(flatten)]
    pub service: Service,
    pub last: Option<CheckResult>,
    /// Percent up over 24 h / 7 d / 30 d / 90 d (None without checks in the window).
    pub uptime: [Option<f64>; 4],
}

/// A configured Alertmanager, Prometheus or Sentry project (never its token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SourceView {
    #[cfg_attr(feature = "ts", ts(type = "\"alertmanager\" | \"prometheus\" | \"sentry\""))]
    pub kind: String,
    pub name: String,
    pub url: String,
    pub token_from: Option<String>,
}

/// Everything the network side needs, detached from the database.
#[derive(Debug, Clone)]
pub struct FeedsSnapshot {
    pub(crate) client: reqwest::Client,
    pub services: Vec<Service>,
    pub alertmanagers: Vec<Alertmanager>,
    pub prometheus: Vec<Prometheus>,
    pub sentry: Vec<(String, SentryProject)>,
}

const DAY_MS: i64 = 86_400_000;
const KIND_AM: &str = "alertmanager";
const KIND_PROM: &str = "prometheus";
const KIND_SENTRY: &str = "sentry";

fn validate_name(what: &str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name.chars().all(|c| c.is_alphanumeric() || "-_./@:".contains(c));
    if ok {
        return Ok(());
    }
    Err(CoreError::InvalidInput(format!(
        "{name:?} is not a valid {what} name: use 1-128 letters, digits and - _ . / @ :"
    )))
}

fn to_service(row: &ServiceRow) -> Result<Service> {
    Ok(Service {
        name: row.name.clone(),
        environment: row.environment.clone(),
        url: row.url.clone(),
        interval: Duration::from_millis(row.interval_ms as u64),
        timeout: Duration::from_millis(row.timeout_ms as u64),
        conditions: serde_json::from_str(&row.conditions).map_err(|e| {
            CoreError::Internal(format!("service {}: stored conditions unreadable: {e}", row.name))
        })?,
    })
}

impl Rampart {
    /// Adds a monitored service.
    pub fn service_add(&self, service: &Service) -> Result<ServiceView> {
        validate_name("service", &service.name)?;
        rampart_feeds::parse_base_url(&format!("service {}", service.name), &service.url)
            .map_err(feed_error)?;
        if service.interval < Duration::from_secs(1) || service.timeout.is_zero() {
            return Err(CoreError::InvalidInput(
                "the interval must be at least 1 s and the timeout more than 0".into(),
            ));
        }
        if service.timeout > service.interval {
            return Err(CoreError::InvalidInput(format!(
                "the timeout ({} ms) must not exceed the interval ({} ms)",
                service.timeout.as_millis(),
                service.interval.as_millis()
            )));
        }
        let conditions = serde_json::to_string(&service.conditions)
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        self.store.insert_service(&ServiceRow {
            name: service.name.clone(),
            environment: service.environment.clone(),
            url: service.url.trim().to_owned(),
            interval_ms: service.interval.as_millis() as i64,
            timeout_ms: service.timeout.as_millis() as i64,
            conditions,
            created_at: self.now(),
            last_up: None,
            last_checked_ms: None,
            last_result: None,
        })?;
        self.audit(crate::AuditAction::Add, &format!("service:{}", service.name))?;
        self.service_view(&service.name)
    }

    /// One service with its last result and uptime.
    pub fn service_view(&self, name: &str) -> Result<ServiceView> {
        let row = self.store.service(name)?;
        let now_ms = self.now_ms();
        let mut uptime = [None; 4];
        for (slot, days) in uptime.iter_mut().zip([1, 7, 30, 90]) {
            let u = self.store.uptime(name, now_ms - days * DAY_MS)?;
            *slot = (u.checks > 0).then(|| 100.0 * u.ups as f64 / u.checks as f64);
        }
        Ok(ServiceView {
            service: to_service(&row)?,
            last: row.last_result.as_deref().and_then(|j| serde_json::from_str(j).ok()),
            uptime,
        })
    }

    /// Every service, by name.
    pub fn service_list(&self) -> Result<Vec<ServiceView>> {
        self.store.list_services()?.iter().map(|r| self.service_view(&r.name)).collect()
    }

    /// Removes a service and its history.
    pub fn service_remove(&self, name: &str) -> Result<()> {
        self.store.delete_service(name)?;
        self.audit(crate::AuditAction::Delete, &format!("service:{name}"))
    }

    /// Mean response time per `step_ms` since `since_ms` (raw + rollups), for charts.
    pub fn service_latency(
        &self,
        name: &str,
        since_ms: i64,
        step_ms: i64,
    ) -> Result<Vec<(i64, f64)>> {
        Ok(self.store.latency_series(name, since_ms, step_ms)?)
    }

    /// Stores a check result; returns the up/down transition it makes, if any.
    pub fn record_check(&self, result: &CheckResult) -> Result<Option<StateChange>> {
        let previous = self.store.service(&result.service)?.last_up;
        let mut tracker = health::StateTracker::with_known(
            previous.map(|up| (result.service.clone(), if up { Status::Up } else { Status::Down })),
        );
        let json = serde_json::to_string(result).map_err(|e| CoreError::Internal(e.to_string()))?;
        let row = CheckRow {
            at_ms: result.at_ms,
            up: result.is_up(),
            latency_ms: result.latency_ms as i64,
            http_status: result.http_status.map(i64::from),
            reasons: serde_json::to_string(&result.reasons).unwrap_or_else(|_| "[]".into()),
        };
        self.store.record_check(&result.service, &row, &json)?;
        Ok(tracker.observe(result))
    }

    /// Rolls old check history up: raw results kept `raw_days` (default 7), hourly buckets to
    /// 30 days, daily buckets to 400 days. Alert transitions older than 400 days go too (each
    /// alert's latest one stays).
    pub fn compact_check_history(&self, raw_days: i64) -> Result<usize> {
        let now_ms = self.now_ms();
        self.store.prune_alert_transitions(now_ms - 400 * DAY_MS)?;
        Ok(self.store.compact_check_history(now_ms, raw_days.max(1), 30, 400)?)
    }

    /// Silences every alert named `alert` (or the one with that fingerprint) on each
    /// Alertmanager that reports it, for `duration`.
    pub async fn silence(
        &self,
        alert: &str,
        duration: Duration,
        comment: &str,
        created_by: &str,
    ) -> Result<Vec<SilenceCreated>> {
        let snapshot = self.alert_snapshot()?;
        let created =
            report::silence(&snapshot, alert, self.now(), duration, comment, created_by).await?;
        self.audit_silences(&created)?;
        Ok(created)
    }

    /// Expires a silence on the named Alertmanager.
    pub async fn expire_silence(&self, alertmanager: &str, id: &str) -> Result<()> {
        let snapshot = self.alert_snapshot()?;
        ops::expire_on(&snapshot, alertmanager, id).await?;
        self.audit_silence_expired(alertmanager, id)
    }

    /// Expires silence `id` on `alertmanager`, or when None on the first Alertmanager that
    /// lists it as active or pending (HA peers share silences).
    pub async fn expire_silence_by_id(
        &self,
        alertmanager: Option<&str>,
        id: &str,
    ) -> Result<String> {
        let name = match alertmanager {
            Some(name) => name.to_owned(),
            None => {
                let report = self.silences().await?;
                let live = report
                    .silences
                    .iter()
                    .find(|s| s.silence.id == id && s.silence.status.state != "expired");
                match (live, report.errors.first()) {
                    (Some(s), _) => s.alertmanager.clone(),
                    (None, Some(e)) => {
                        return Err(CoreError::Network {
                            message: e.message.clone(),
                            retryable: e.retryable,
                        });
                    }
                    (None, None) => {
                        return Err(CoreError::NotFound(format!(
                            "no active or pending silence {id:?}: `rampart silences` lists them"
                        )));
                    }
                }
            }
        };
        self.expire_silence(&name, id).await?;
        Ok(name)
    }

    /// Every silence of every Alertmanager.
    pub async fn silences(&self) -> Result<SilencesReport> {
        Ok(ops::silences_on(&self.alert_snapshot()?).await)
    }

    /// One pass over every service: check, store, and report transitions.
    pub async fn health_pass(&self) -> Result<HealthReport> {
        let snapshot = self.feeds_snapshot()?;
        let options = health::CheckOptions::default();
        let results = health::check_all(&snapshot.client, &snapshot.services, 32, options).await;
        let mut changes = Vec::new();
        for result in &results {
            changes.extend(self.record_check(result)?);
        }
        Ok(HealthReport { results, changes })
    }

    /// Alerts from every Alertmanager (merged, grouped) and every Prometheus. What was seen lands in the alert history (incident timelines read it).
    pub async fn alerts(&self) -> Result<AlertsReport> {
        let report = report::alerts(&self.feeds_snapshot()?).await;
        self.record_alert_history(&report)?;
        Ok(report)
    }

    /// Unresolved issues of every Sentry project (at most `max_pages` pages each).
    pub async fn sentry_issues(&self, max_pages: usize) -> Result<SentryReport> {
        Ok(report::sentry(&self.feeds_snapshot()?, max_pages).await)
    }
}

/// The alerts with fingerprint `alert`, or else those named `alert`.
pub fn find_alerts<'a>(alerts: &'a [Alert], alert: &str) -> Vec<&'a Alert> {
    let by_fingerprint: Vec<&Alert> =
        alerts.iter().filter(|a| a.alert.fingerprint == alert).collect();
    if !by_fingerprint.is_empty() {
        return by_fingerprint;
    }
    alerts.iter().filter(|a| a.alertname() == alert).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, FixedClock, Keychain};
    use std::sync::Arc;

    fn result(service: &str, at_s: i64, up: bool) -> CheckResult {
        CheckResult {
            service: service.into(),
            at_ms: at_s * 1000,
            status: if up { Status::Up } else { Status::Down },
            latency_ms: 12,
            http_status: Some(if up { 200 } else { 503 }),
            reasons: if up { vec![] } else { vec!["HTTP status 503 is not 200".into()] },
            cert_days_left: None,
            health: None,
        }
    }

    #[test]
    fn recorded_checks_give_transitions_uptime_and_survive_compaction() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::new(1_000_000));
        let config = Config { data_dir: dir.path().into(), keychain: Keychain::new("unused") };
        let app = Rampart::open_with_clock(config, clock.clone()).unwrap();
        let bad = Service { timeout: Duration::from_secs(60), ..Service::new("api", "http://x/") };
        assert!(app.service_add(&bad).unwrap_err().to_string().contains("must not exceed"));
        assert!(app.service_add(&Service::new("a b", "http://x/")).is_err());
        app.service_add(&Service::new("api", "http://127.0.0.1:9/health")).unwrap();
        assert!(app.service_view("api").unwrap().last.is_none());

        assert_eq!(app.record_check(&result("api", 999_000, true)).unwrap(), None);
        let down = app.record_check(&result("api", 999_100, false)).unwrap().unwrap();
        assert_eq!((down.from, down.to), (Status::Up, Status::Down));
        assert_eq!(app.record_check(&result("api", 999_200, false)).unwrap(), None);
        let up = app.record_check(&result("api", 999_300, true)).unwrap().unwrap();
        assert_eq!(up.to, Status::Up);
        let view = app.service_view("api").unwrap();
        assert_eq!(view.uptime[0], Some(50.0));
        assert_eq!(view.last.unwrap().at_ms, 999_300_000);

        clock.advance(8 * 86_400);
        assert_eq!(app.compact_check_history(7).unwrap(), 4);
        assert_eq!(app.service_view("api").unwrap().uptime, [None, None, Some(50.0), Some(50.0)]);
        app.service_remove("api").unwrap();
        assert!(matches!(app.service_view("api"), Err(CoreError::NotFound(_))));
    }

    #[test]
    fn feed_errors_keep_their_retry_advice() {
        let e = feed_error(FeedsError::status("Alertmanager prod", 503, "busy"));
        assert_eq!(e.kind(), crate::ErrorKind::Network);
        assert!(e.retryable());
        assert!(e.to_string().contains("retrying may help"), "{e}");
        let e = feed_error(FeedsError::status("Sentry acme/api", 403, "no access"));
        assert_eq!(e.kind(), crate::ErrorKind::Network);
        assert!(!e.retryable(), "a 403 stays a 403");
        assert!(e.to_string().contains("retrying will not help"), "{e}");
        let e = feed_error(FeedsError::InvalidInput("bad URL".into()));
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
    }
}
