//! The monitor's in-memory picture: the latest check per service, the latest alerts and Sentry
//! reports, and per-source errors ([`MonitorState`], pure and synchronous), plus the views the
//! desktop shows from it without touching the network ([`FeedsOverview`], [`FeedsSummary`]).
//! It also decides which alerts are *newly* firing: the first poll is the baseline (starting the
//! app is not an event), and a source that fails a poll does not make its alerts "new" again
//! when it comes back.

use super::{AlertGroup, AlertsReport, CheckResult, PromReport, SentryIssue, SentryReport};
use super::{Service, SourceError, Status};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// An alert that started firing (active: neither silenced nor inhibited).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FiringAlert {
    pub fingerprint: String,
    pub alertname: String,
    pub severity: String,
    pub service: String,
    /// The `summary` (or `description`) annotation.
    pub summary: String,
    /// RFC 3339.
    pub starts_at: String,
}

/// A service's latest state.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ServiceStatus {
    pub name: String,
    pub environment: String,
    pub url: String,
    /// None until the first check.
    pub status: Option<Status>,
    pub last_checked_ms: Option<i64>,
    pub latency_ms: Option<u64>,
    pub reasons: Vec<String>,
}

/// Firing alerts per severity label (unknown labels count as warnings).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SeverityCounts {
    pub critical: u32,
    pub error: u32,
    pub warning: u32,
    pub info: u32,
}

/// The headline numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedsCounts {
    pub services: u32,
    pub services_down: u32,
    pub firing: SeverityCounts,
    pub firing_total: u32,
    /// Alerts silenced or inhibited.
    pub muted: u32,
    /// Unresolved Sentry issues first seen in the last 24 h.
    pub new_sentry_issues: u32,
    pub source_errors: u32,
}

/// What `feeds://changed` carries.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedsSummary {
    pub counts: FeedsCounts,
    pub alerts_updated_ms: Option<i64>,
    pub sentry_updated_ms: Option<i64>,
}

/// One Sentry project's unresolved issues.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SentryProjectIssues {
    pub project: String,
    pub issues: Vec<SentryIssue>,
}

/// The Sentry page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SentryView {
    pub projects: Vec<SentryProjectIssues>,
    pub errors: Vec<SourceError>,
    pub updated_ms: Option<i64>,
}

/// The overview page: counts, then the lists.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FeedsOverview {
    pub counts: FeedsCounts,
    pub services: Vec<ServiceStatus>,
    pub alerts: Vec<AlertGroup>,
    pub prometheus: Vec<PromReport>,
    pub sentry: Vec<SentryProjectIssues>,
    pub errors: Vec<SourceError>,
    pub alerts_updated_ms: Option<i64>,
    pub sentry_updated_ms: Option<i64>,
}

const DAY_MS: i64 = 86_400_000;

/// The monitor's latest picture.
#[derive(Debug, Default)]
pub struct MonitorState {
    services: Vec<Service>,
    has_alertmanager: bool,
    last: HashMap<String, CheckResult>,
    alerts: Option<AlertsReport>,
    alerts_at: Option<i64>,
    sentry: Option<SentryReport>,
    sentry_at: Option<i64>,
    config_errors: Vec<SourceError>,
    slack_error: Option<SourceError>,
    seen_firing: Option<BTreeSet<String>>,
}

fn label<'a>(labels: &'a std::collections::BTreeMap<String, String>, key: &str) -> &'a str {
    labels.get(key).map_or("", String::as_str)
}

impl MonitorState {
    /// A new configuration: the services (with their stored last results), whether any
    /// Alertmanager is configured, and what could not be set up. Results of removed services
    /// are dropped.
    pub fn set_config(
        &mut self,
        services: Vec<Service>,
        last: Vec<CheckResult>,
        has_alertmanager: bool,
        errors: Vec<SourceError>,
    ) {
        let names: BTreeSet<&str> = services.iter().map(|s| s.name.as_str()).collect();
        self.last.retain(|name, _| names.contains(name.as_str()));
        for r in last {
            let newer = self.last.get(&r.service).is_none_or(|old| old.at_ms <= r.at_ms);
            if names.contains(r.service.as_str()) && newer {
                self.last.insert(r.service.clone(), r);
            }
        }
        self.services = services;
        self.has_alertmanager = has_alertmanager;
        self.config_errors = errors;
    }

    /// A new check result (ignored for a service no longer configured).
    pub fn apply_check(&mut self, result: CheckResult) {
        if self.services.iter().any(|s| s.name == result.service) {
            self.last.insert(result.service.clone(), result);
        }
    }

    /// The Slack sender's last outcome (None = delivered).
    pub fn set_slack_error(&mut self, error: Option<SourceError>) {
        self.slack_error = error;
    }

    /// The alerts currently firing: Alertmanager's active alerts, or Prometheus's firing ones
    /// when no Alertmanager is configured.
    pub fn firing(&self) -> Vec<FiringAlert> {
        let Some(report) = &self.alerts else { return Vec::new() };
        let summary = |a: &std::collections::BTreeMap<String, String>| {
            a.get("summary").or_else(|| a.get("description")).cloned().unwrap_or_default()
        };
        if self.has_alertmanager {
            return report
                .groups
                .iter()
                .flat_map(|g| &g.alerts)
                .filter(|a| a.alert.status.state == "active")
                .map(|a| FiringAlert {
                    fingerprint: a.alert.fingerprint.clone(),
                    alertname: a.alertname().to_owned(),
                    severity: label(&a.alert.labels, "severity").to_owned(),
                    service: label(&a.alert.labels, "service").to_owned(),
                    summary: summary(&a.alert.annotations),
                    starts_at: a.alert.starts_at.clone(),
                })
                .collect();
        }
        let mut seen = BTreeSet::new();
        let mut firing = Vec::new();
        for a in report.prometheus.iter().flat_map(|p| &p.alerts).filter(|a| a.state == "firing") {
            let fingerprint = super::history::prom_fingerprint(&a.labels);
            if seen.insert(fingerprint.clone()) {
                firing.push(FiringAlert {
                    fingerprint,
                    alertname: label(&a.labels, "alertname").to_owned(),
                    severity: label(&a.labels, "severity").to_owned(),
                    service: label(&a.labels, "service").to_owned(),
                    summary: summary(&a.annotations),
                    starts_at: a.active_at.clone().unwrap_or_default(),
                });
            }
        }
        firing
    }

    /// A new alerts poll; returns the alerts that started firing since the previous one.
    pub fn apply_alerts(&mut self, report: AlertsReport, now_ms: i64) -> Vec<FiringAlert> {
        let partial = !report.errors.is_empty();
        self.alerts = Some(report);
        self.alerts_at = Some(now_ms);
        let firing = self.firing();
        let mut current: BTreeSet<String> = firing.iter().map(|a| a.fingerprint.clone()).collect();
        let new = match &self.seen_firing {
            None => Vec::new(),
            Some(seen) => firing.into_iter().filter(|a| !seen.contains(&a.fingerprint)).collect(),
        };
        if partial && let Some(seen) = &self.seen_firing {
            current.extend(seen.iter().cloned());
        }
        self.seen_firing = Some(current);
        new
    }

    /// A new Sentry poll.
    pub fn apply_sentry(&mut self, report: SentryReport, now_ms: i64) {
        self.sentry = Some(report);
        self.sentry_at = Some(now_ms);
    }

    fn services_status(&self) -> Vec<ServiceStatus> {
        self.services
            .iter()
            .map(|s| {
                let last = self.last.get(&s.name);
                ServiceStatus {
                    name: s.name.clone(),
                    environment: s.environment.clone(),
                    url: s.url.clone(),
                    status: last.map(|r| r.status),
                    last_checked_ms: last.map(|r| r.at_ms),
                    latency_ms: last.map(|r| r.latency_ms),
                    reasons: last.map(|r| r.reasons.clone()).unwrap_or_default(),
                }
            })
            .collect()
    }

    /// Every source error: configuration, alerts, Sentry, Slack.
    pub fn errors(&self) -> Vec<SourceError> {
        let mut all = self.config_errors.clone();
        all.extend(self.alerts.iter().flat_map(|r| r.errors.iter().cloned()));
        all.extend(self.sentry.iter().flat_map(|r| r.errors.iter().cloned()));
        all.extend(self.slack_error.iter().cloned());
        all
    }

    /// The headline numbers at `now_ms`.
    pub fn counts(&self, now_ms: i64) -> FeedsCounts {
        let mut counts = FeedsCounts {
            services: self.services.len() as u32,
            services_down: self.last.values().filter(|r| !r.is_up()).count() as u32,
            source_errors: self.errors().len() as u32,
            ..Default::default()
        };
        for a in self.firing() {
            counts.firing_total += 1;
            let slot = match super::Severity::from_label(&a.severity) {
                super::Severity::Critical => &mut counts.firing.critical,
                super::Severity::Error => &mut counts.firing.error,
                super::Severity::Warning => &mut counts.firing.warning,
                super::Severity::Info => &mut counts.firing.info,
            };
            *slot += 1;
        }
        if self.has_alertmanager
            && let Some(report) = &self.alerts
        {
            counts.muted = report
                .groups
                .iter()
                .flat_map(|g| &g.alerts)
                .filter(|a| a.alert.status.state == "suppressed")
                .count() as u32;
        }
        let since = now_ms - DAY_MS;
        counts.new_sentry_issues = self
            .sentry
            .iter()
            .flat_map(|r| r.projects.iter().flat_map(|(_, issues)| issues))
            .filter(|i| rfc3339_ms(&i.first_seen).is_some_and(|ms| ms >= since))
            .count() as u32;
        counts
    }

    /// What `feeds://changed` carries.
    pub fn summary(&self, now_ms: i64) -> FeedsSummary {
        FeedsSummary {
            counts: self.counts(now_ms),
            alerts_updated_ms: self.alerts_at,
            sentry_updated_ms: self.sentry_at,
        }
    }

    /// The latest alerts report (empty before the first poll).
    pub fn alerts(&self) -> AlertsReport {
        self.alerts.clone().unwrap_or(AlertsReport {
            groups: Vec::new(),
            prometheus: Vec::new(),
            errors: Vec::new(),
        })
    }

    /// The latest Sentry issues.
    pub fn sentry(&self) -> SentryView {
        let report = self.sentry.as_ref();
        SentryView {
            projects: report
                .map(|r| {
                    r.projects
                        .iter()
                        .map(|(p, i)| SentryProjectIssues { project: p.clone(), issues: i.clone() })
                        .collect()
                })
                .unwrap_or_default(),
            errors: report.map(|r| r.errors.clone()).unwrap_or_default(),
            updated_ms: self.sentry_at,
        }
    }

    /// The overview page.
    pub fn overview(&self, now_ms: i64) -> FeedsOverview {
        let alerts = self.alerts();
        FeedsOverview {
            counts: self.counts(now_ms),
            services: self.services_status(),
            alerts: alerts.groups,
            prometheus: alerts.prometheus,
            sentry: self.sentry().projects,
            errors: self.errors(),
            alerts_updated_ms: self.alerts_at,
            sentry_updated_ms: self.sentry_at,
        }
    }
}

/// RFC 3339 as unix milliseconds.
fn rfc3339_ms(text: &str) -> Option<i64> {
    let t =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    Some((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

#[cfg(test)]
#[path = "monitor_tests.rs"]
mod tests;
