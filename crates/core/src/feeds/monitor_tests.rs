use super::*;
use crate::feeds::{Alert, PromAlert, SentryReport};
use rampart_feeds::alertmanager::{AlertStatus, AmAlert, group};
use std::collections::BTreeMap;

const NOW: i64 = 1_800_000_000_000;

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn am_alert(fp: &str, name: &str, severity: &str, state: &str) -> Alert {
    Alert {
        alert: AmAlert {
            fingerprint: fp.into(),
            labels: labels(&[("alertname", name), ("severity", severity), ("service", "api")]),
            annotations: labels(&[("summary", "it broke")]),
            starts_at: "2027-01-15T08:00:00Z".into(),
            ends_at: None,
            generator_url: None,
            status: AlertStatus {
                state: state.into(),
                silenced_by: if state == "suppressed" { vec!["s1".into()] } else { vec![] },
                inhibited_by: vec![],
            },
        },
        sources: vec!["am".into()],
    }
}

fn report(alerts: Vec<Alert>, errors: Vec<SourceError>) -> AlertsReport {
    AlertsReport { groups: group(alerts), prometheus: vec![], errors }
}

fn check(service: &str, up: bool, at_ms: i64) -> CheckResult {
    CheckResult {
        service: service.into(),
        at_ms,
        status: if up { Status::Up } else { Status::Down },
        latency_ms: 7,
        http_status: Some(if up { 200 } else { 500 }),
        reasons: if up { vec![] } else { vec!["HTTP status 500 is not 200".into()] },
        cert_days_left: None,
        health: None,
    }
}

fn state_with(services: &[&str], has_am: bool) -> MonitorState {
    let mut s = MonitorState::default();
    let services = services.iter().map(|n| Service::new(*n, "http://127.0.0.1:9/")).collect();
    s.set_config(services, vec![], has_am, vec![]);
    s
}

#[test]
fn the_first_poll_is_a_baseline_and_later_ones_report_only_new_firing_alerts() {
    let mut s = state_with(&[], true);
    let first = report(vec![am_alert("a", "DatabaseDown", "critical", "active")], vec![]);
    assert!(s.apply_alerts(first, NOW).is_empty(), "starting the app is not an event");
    let second = report(
        vec![
            am_alert("a", "DatabaseDown", "critical", "active"),
            am_alert("b", "HighCPUUsage", "warning", "active"),
            am_alert("c", "SlowQuery", "warning", "suppressed"),
        ],
        vec![],
    );
    let new = s.apply_alerts(second, NOW + 30_000);
    assert_eq!(new.len(), 1);
    assert_eq!(
        (new[0].alertname.as_str(), new[0].severity.as_str(), new[0].service.as_str()),
        ("HighCPUUsage", "warning", "api")
    );
    assert_eq!(new[0].summary, "it broke");
    let counts = s.counts(NOW);
    assert_eq!(counts.firing, SeverityCounts { critical: 1, error: 0, warning: 1, info: 0 });
    assert_eq!((counts.firing_total, counts.muted), (2, 1));

    // "b" resolves, then fires again: that is new again.
    s.apply_alerts(report(vec![am_alert("a", "DatabaseDown", "critical", "active")], vec![]), NOW);
    let again = report(vec![am_alert("b", "HighCPUUsage", "warning", "active")], vec![]);
    assert_eq!(s.apply_alerts(again, NOW).len(), 1);
}

#[test]
fn a_source_that_fails_a_poll_does_not_make_its_alerts_new_again() {
    let mut s = state_with(&[], true);
    s.apply_alerts(report(vec![am_alert("a", "DatabaseDown", "critical", "active")], vec![]), NOW);
    let down = SourceError {
        source: "Alertmanager am".into(),
        message: "refused".into(),
        retryable: true,
    };
    assert!(s.apply_alerts(report(vec![], vec![down.clone()]), NOW).is_empty());
    assert_eq!(s.errors(), vec![down]);
    assert_eq!(s.counts(NOW).source_errors, 1);
    let back = report(vec![am_alert("a", "DatabaseDown", "critical", "active")], vec![]);
    assert!(s.apply_alerts(back, NOW).is_empty(), "same alert, not new");
    assert!(s.errors().is_empty());
}

#[test]
fn without_an_alertmanager_prometheus_firing_alerts_count_once() {
    let mut s = state_with(&[], false);
    let alert = |state: &str| PromAlert {
        labels: labels(&[("alertname", "HighErrorRate"), ("severity", "critical")]),
        annotations: labels(&[("description", "5xx above 5%")]),
        state: state.into(),
        active_at: Some("2027-01-15T08:00:00Z".into()),
        value: None,
    };
    let prom = |name: &str| PromReport {
        name: name.into(),
        readiness: None,
        alerts: vec![alert("firing"), alert("pending")],
        rule_groups: vec![],
    };
    let r =
        AlertsReport { groups: vec![], prometheus: vec![prom("p1"), prom("p2")], errors: vec![] };
    s.apply_alerts(r, NOW);
    let firing = s.firing();
    assert_eq!(firing.len(), 1, "two servers with the same alert, and a pending one: {firing:?}");
    assert_eq!(firing[0].summary, "5xx above 5%");
    assert_eq!(s.counts(NOW).firing.critical, 1);
}

#[test]
fn services_keep_their_latest_check_and_removed_ones_drop_out() {
    let mut s = MonitorState::default();
    let services = vec![Service::new("api", "http://x/"), Service::new("web", "http://y/")];
    s.set_config(
        services,
        vec![check("api", true, NOW - 5_000), check("gone", false, NOW)],
        false,
        vec![],
    );
    let o = s.overview(NOW);
    assert_eq!(o.services.len(), 2);
    assert_eq!(o.services[0].status, Some(Status::Up));
    assert_eq!(o.services[1].status, None, "web is unchecked");
    assert_eq!(o.counts.services_down, 0, "a removed service's result does not count");

    s.apply_check(check("web", false, NOW));
    s.apply_check(check("gone", false, NOW));
    let o = s.overview(NOW);
    assert_eq!((o.counts.services, o.counts.services_down), (2, 1));
    assert_eq!(o.services[1].reasons, vec!["HTTP status 500 is not 200".to_string()]);
    assert_eq!(o.services[1].last_checked_ms, Some(NOW));

    // Reload without "web": its result is dropped; an older stored result does not win.
    s.set_config(
        vec![Service::new("api", "http://x/")],
        vec![check("api", true, NOW - 60_000)],
        false,
        vec![],
    );
    s.apply_check(check("api", false, NOW));
    s.set_config(
        vec![Service::new("api", "http://x/")],
        vec![check("api", true, NOW - 60_000)],
        false,
        vec![],
    );
    let o = s.overview(NOW);
    assert_eq!(o.services.len(), 1);
    assert_eq!(o.counts.services_down, 1, "the newer in-memory result is kept");
}

#[test]
fn new_sentry_issues_are_those_first_seen_in_the_last_day() {
    let mut s = MonitorState::default();
    let issue = |id: &str, first_seen: &str| SentryIssue {
        id: id.into(),
        short_id: format!("API-{id}"),
        title: "TypeError".into(),
        culprit: None,
        permalink: "https://sentry.example/issues/1/".into(),
        level: "error".into(),
        status: "unresolved".into(),
        count: 3,
        user_count: 1,
        first_seen: first_seen.into(),
        last_seen: first_seen.into(),
    };
    let now = 1_768_466_400_000; // 2026-01-15T08:40:00Z
    let r = SentryReport {
        projects: vec![(
            "acme/api".into(),
            vec![
                issue("1", "2026-01-15T08:00:00.123Z"),
                issue("2", "2026-01-10T08:00:00Z"),
                issue("3", "not a time"),
            ],
        )],
        errors: vec![],
    };
    s.apply_sentry(r, now);
    assert_eq!(s.counts(now).new_sentry_issues, 1);
    let view = s.sentry();
    assert_eq!(view.projects[0].project, "acme/api");
    assert_eq!(view.projects[0].issues.len(), 3);
    assert_eq!(view.updated_ms, Some(now));
    assert_eq!(s.summary(now).sentry_updated_ms, Some(now));
}

#[test]
fn slack_failures_show_as_a_source_error_until_a_delivery_succeeds() {
    let mut s = MonitorState::default();
    let e = SourceError {
        source: "Slack webhook".into(),
        message: "no_service".into(),
        retryable: false,
    };
    s.set_slack_error(Some(e.clone()));
    assert_eq!(s.overview(NOW).errors, vec![e]);
    s.set_slack_error(None);
    assert!(s.overview(NOW).errors.is_empty());
}
