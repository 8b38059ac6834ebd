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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PromReport {
    pub name: String,
    pub readiness: Option<Readiness>,
    pub alerts: Vec<PromAlert>,
    pub rule_groups: Vec<RuleGroup>,
}

/// Alerts from every source.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SilenceCreated {
    pub alertmanager: String,
    pub silence_id: String,
    pub alerts: usize,
}

/// Runs `fetch` for every item at once and returns the results in the items' order: a stalled
/// source costs its own timeout, not the others'.
async fn all_at_once<T, R, F>(items: Vec<T>, fetch: impl Fn(T) -> F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: std::future::Future<Output = R> + Send + 'static,
{
    let mut tasks = tokio::task::JoinSet::new();
    for (index, item) in items.into_iter().enumerate() {
        let fetching = fetch(item);
        tasks.spawn(async move { (index, fetching.await) });
    }
    let mut done = Vec::new();
    while let Some(Ok(one)) = tasks.join_next().await {
        done.push(one);
    }
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
}

/// One Prometheus server's readiness, alerts and rules, with what failed.
async fn prometheus_report(
    p: rampart_feeds::prometheus::Prometheus,
) -> (PromReport, Vec<SourceError>) {
    let (ready, alerts, rules) = tokio::join!(p.ready(), p.alerts(), p.rules());
    let mut errors = Vec::new();
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
    (report, errors)
}

/// Every Alertmanager and Prometheus at once.
pub(super) async fn alerts(snapshot: &FeedsSnapshot) -> AlertsReport {
    let (fetched, proms) = tokio::join!(
        all_at_once(snapshot.alertmanagers.clone(), |am| async move {
            let alerts = am.alerts().await;
            (am.name, alerts)
        }),
        all_at_once(snapshot.prometheus.clone(), prometheus_report),
    );
    let mut errors = Vec::new();
    let mut per_source = Vec::new();
    for (name, result) in fetched {
        match result {
            Ok(alerts) => per_source.push((name, alerts)),
            Err(e) => errors.push(SourceError::new(&format!("Alertmanager {name}"), &e)),
        }
    }
    let mut prometheus = Vec::new();
    for (report, failed) in proms {
        prometheus.push(report);
        errors.extend(failed);
    }
    AlertsReport {
        groups: alertmanager::group(alertmanager::merge(per_source)),
        prometheus,
        errors,
    }
}

/// Every Sentry project at once.
pub(super) async fn sentry(snapshot: &FeedsSnapshot, max_pages: usize) -> SentryReport {
    let client = snapshot.client.clone();
    let fetched = all_at_once(snapshot.sentry.clone(), move |(name, project)| {
        let client = client.clone();
        async move {
            let issues = project.unresolved_issues(&client, max_pages).await;
            (name, issues)
        }
    })
    .await;
    let mut report = SentryReport { projects: Vec::new(), errors: Vec::new() };
    for (name, result) in fetched {
        match result {
            Ok(issues) => report.projects.push((name, issues)),
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

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
