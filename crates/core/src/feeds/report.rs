//! The network side of the feeds facade: gathering alerts, Sentry issues and silences from a
//! [`FeedsSnapshot`]. One unreachable source never hides the others: its failure is listed in
//! the report next to what the other sources returned.

use super::{FeedsSnapshot, feed_error, find_alerts};
use crate::{CoreError, Result};
use rampart_feeds::alertmanager::{self, AlertGroup};
use rampart_feeds::health::{CheckResult, StateChange};
use rampart_feeds::prometheus::{PromAlert, Readiness, RuleGroup};
use rampart_feeds::sentry::SentryIssue;
use rampart_feeds::tokio;
use serde::Serialize;
use std::time::Duration;

/// What one health pass found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthReport {
    pub results: Vec<CheckResult>,
    pub changes: Vec<StateChange>,
}

/// A source that did not answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceError {
    pub source: String,
    pub message: String,
    pub retryable: bool,
}

impl SourceError {
    fn new(source: &str, e: &rampart_feeds::FeedsError) -> Self {
        Self { source: source.to_owned(), message: e.to_string(), retryable: e.retryable() }
    }
}

/// One Prometheus server's view.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PromReport {
    pub name: String,
    pub readiness: Option<Readiness>,
    pub alerts: Vec<PromAlert>,
    pub rule_groups: Vec<RuleGroup>,
}

/// Alerts from every source.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertsReport {
    pub groups: Vec<AlertGroup>,
    pub prometheus: Vec<PromReport>,
    pub errors: Vec<SourceError>,
}

/// Unresolved issues per Sentry project.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SentryReport {
    pub projects: Vec<(String, Vec<SentryIssue>)>,
    pub errors: Vec<SourceError>,
}

/// A silence Rampart created.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SilenceCreated {
    pub alertmanager: String,
    pub silence_id: String,
    pub alerts: usize,
}

pub(super) async fn alerts(snapshot: &FeedsSnapshot) -> AlertsReport {
    let mut errors = Vec::new();
    let mut tasks = tokio::task::JoinSet::new();
    for (index, am) in snapshot.alertmanagers.iter().cloned().enumerate() {
        tasks.spawn(async move { (index, am.name.clone(), am.alerts().await) });
    }
    let mut fetched = Vec::new();
    while let Some(Ok(done)) = tasks.join_next().await {
        fetched.push(done);
    }
    fetched.sort_by_key(|(index, _, _)| *index);
    let mut per_source = Vec::new();
    for (_, name, result) in fetched {
        match result {
            Ok(alerts) => per_source.push((name, alerts)),
            Err(e) => errors.push(SourceError::new(&format!("Alertmanager {name}"), &e)),
        }
    }
    let mut prometheus = Vec::new();
    for p in &snapshot.prometheus {
        let (ready, alerts, rules) = tokio::join!(p.ready(), p.alerts(), p.rules());
        let mut report = PromReport {
            name: p.name.clone(),
            readiness: None,
            alerts: Vec::new(),
            rule_groups: Vec::new(),
        };
        let source = format!("Prometheus {}", p.name);
        match ready {
            Ok(r) => report.readiness = Some(r),
            Err(e) => errors.push(SourceError::new(&source, &e)),
        }
        match (alerts, rules) {
            (Ok(a), Ok(r)) => (report.alerts, report.rule_groups) = (a, r),
            (Err(e), _) | (_, Err(e)) => {
                if report.readiness.is_some() {
                    errors.push(SourceError::new(&source, &e));
                }
            }
        }
        prometheus.push(report);
    }
    AlertsReport {
        groups: alertmanager::group(alertmanager::merge(per_source)),
        prometheus,
        errors,
    }
}

pub(super) async fn sentry(snapshot: &FeedsSnapshot, max_pages: usize) -> SentryReport {
    let mut report = SentryReport { projects: Vec::new(), errors: Vec::new() };
    for (name, project) in &snapshot.sentry {
        match project.unresolved_issues(&snapshot.client, max_pages).await {
            Ok(issues) => report.projects.push((name.clone(), issues)),
            Err(e) => report.errors.push(SourceError::new(&format!("Sentry {name}"), &e)),
        }
    }
    report
}

pub(super) async fn silence(
    snapshot: &FeedsSnapshot,
    alert: &str,
    now: i64,
    duration: Duration,
    comment: &str,
    created_by: &str,
) -> Result<Vec<SilenceCreated>> {
    if snapshot.alertmanagers.is_empty() {
        return Err(CoreError::InvalidInput(
            "no Alertmanager is configured: add one with `rampart alertmanager add NAME --url URL`"
                .into(),
        ));
    }
    let mut created = Vec::new();
    let mut failures = Vec::new();
    for am in &snapshot.alertmanagers {
        let alerts = match am.alerts().await {
            Ok(a) => alertmanager::merge(vec![(am.name.clone(), a)]),
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let matching = find_alerts(&alerts, alert);
        if matching.is_empty() {
            continue;
        }
        let new = alertmanager::silence_for(
            &matching,
            now,
            duration.as_secs() as i64,
            created_by,
            comment,
        )
        .map_err(feed_error)?;
        match am.create_silence(&new).await {
            Ok(id) => created.push(SilenceCreated {
                alertmanager: am.name.clone(),
                silence_id: id,
                alerts: matching.len(),
            }),
            Err(e) => failures.push(e),
        }
    }
    match (created.is_empty(), failures.is_empty()) {
        (_, false) if created.is_empty() => Err(CoreError::Network {
            retryable: failures.iter().any(|f| f.retryable()),
            message: failures.iter().map(|f| f.to_string()).collect::<Vec<_>>().join("; "),
        }),
        (true, true) => Err(CoreError::NotFound(format!(
            "no alert named {alert:?} or with that fingerprint is firing; `rampart alerts` lists them"
        ))),
        _ => {
            for f in failures {
                tracing::warn!(failure = %f, "silence not created on every Alertmanager");
            }
            Ok(created)
        }
    }
}
