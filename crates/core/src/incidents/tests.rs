//! Incidents against a real store with an injected clock (run under with-keyring.sh: every
//! change is audited, and the audit key lives in the keychain).

use super::*;
use crate::feeds::{CheckResult, Service, Status as Health};
use crate::{Clock, Config, FixedClock, Keychain};
use rampart_store::alert_history::AlertObservation;
use std::sync::Arc;

#[path = "tests/escalation.rs"]
mod escalating;
#[path = "tests/postmortem.rs"]
mod postmortems;

const T0: i64 = 1_800_000_000;

fn app(dir: &std::path::Path) -> (Rampart, Arc<FixedClock>) {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "rampart-incidents-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let clock = Arc::new(FixedClock::new(T0));
    let config = Config { data_dir: dir.into(), keychain: Keychain::new(&name) };
    (Rampart::open_with_clock(config, clock.clone()).unwrap(), clock)
}

fn seen(fp: &str, name: &str, severity: &str, state: &str) -> AlertObservation {
    AlertObservation {
        fingerprint: fp.into(),
        alertname: name.into(),
        severity: severity.into(),
        service: "api".into(),
        summary: format!("{name} summary"),
        state: state.into(),
        detail: if state == "silenced" { "sil-1".into() } else { String::new() },
    }
}

fn check(app: &Rampart, at_s: i64, up: bool) {
    let r = CheckResult {
        service: "api".into(),
        at_ms: at_s * 1000,
        status: if up { Health::Up } else { Health::Down },
        latency_ms: 5,
        http_status: Some(if up { 200 } else { 503 }),
        reasons: Vec::new(),
        cert_days_left: None,
        health: None,
    };
    app.record_check(&r).unwrap();
}

fn new(origin: Origin) -> NewIncident {
    NewIncident {
        title: String::new(),
        severity: None,
        origin,
        services: vec![],
        alerts: vec![],
        owner: None,
    }
}

#[test]
fn severities_are_suggested_from_the_source_with_the_guides_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _clock) = app(dir.path());
    app.service_add(&Service::new("api", "http://127.0.0.1:9/health")).unwrap();
    check(&app, T0 - 60, false);
    let alerts = [
        seen("c1", "DatabaseDown", "critical", "firing"),
        seen("w1", "HighCPUUsage", "warning", "firing"),
        seen("i1", "Note", "info", "firing"),
    ];
    app.store.record_alert_states(&alerts, (T0 - 30) * 1000, true).unwrap();

    let s = |o: Origin| app.incident_suggestion(&o).unwrap();
    assert_eq!(s(Origin::Alert { alert: "DatabaseDown".into() }).severity, Priority::P1);
    assert_eq!(s(Origin::Alert { alert: "w1".into() }).severity, Priority::P2);
    assert_eq!(s(Origin::Alert { alert: "Note".into() }).severity, Priority::P3);
    let down = s(Origin::Service { service: "api".into() });
    assert_eq!((down.severity, down.reason.as_str()), (Priority::P1, "the service is down"));
    assert_eq!(down.definition, "Critical: system down, data breach, security exploit");
    assert_eq!(s(Origin::Sentry { issue: "BACKEND-1".into() }).severity, Priority::P3);
    assert_eq!(s(Origin::Manual).definition, "Medium: minor bugs, warnings");
    let err = app.incident_suggestion(&Origin::Alert { alert: "Nope".into() }).unwrap_err();
    assert!(err.to_string().contains("`rampart alerts`"), "{err}");
    assert_eq!(Priority::P4.definition(), "Low: documentation, improvements");
    assert!(Priority::parse("p5").unwrap_err().to_string().contains("use P1, P2, P3 or P4"));

    // Opened from the down service: P1, titled and linked.
    let i = app.incident_open(&new(Origin::Service { service: "api".into() })).unwrap();
    assert_eq!(
        (i.severity, i.title.as_str(), i.status),
        (Priority::P1, "api is down", Status::Investigating)
    );
    assert_eq!(i.links, vec![LinkView { kind: "service".into(), target: "api".into() }]);
    assert_eq!(i.opened_at, "2027-01-15T08:00:00Z");
    // A chosen severity wins over the suggestion; a blank title by hand is refused.
    let mut by_hand = new(Origin::Manual);
    by_hand.severity = Some(Priority::P4);
    let e = app.incident_open(&by_hand).unwrap_err();
    assert!(e.to_string().contains("pass --title"), "{e}");
    by_hand.title = "Docs: runbook out of date".into();
    assert_eq!(app.incident_open(&by_hand).unwrap().severity, Priority::P4);
    let mut ghost = new(Origin::Manual);
    ghost.title = "x".into();
    ghost.services = vec!["ghost".into()];
    assert!(matches!(app.incident_open(&ghost), Err(CoreError::NotFound(_))));
    assert_eq!(app.incident_list(false).unwrap().len(), 2, "the refused ones left nothing");
}

#[test]
fn an_alert_group_incident_runs_its_course_and_its_timeline_fills_itself() {
    let dir = tempfile::tempdir().unwrap();
    let (app, clock) = app(dir.path());
    app.service_add(&Service::new("api", "http://127.0.0.1:9/health")).unwrap();
    check(&app, T0 - 120, true);
    check(&app, T0 - 90, false);
    let group = [
        seen("a1", "DatabaseDown", "critical", "firing"),
        seen("a2", "DatabaseDown", "critical", "firing"),
    ];
    app.store.record_alert_states(&group, (T0 - 60) * 1000, true).unwrap();

    let i = app.incident_open(&new(Origin::Alert { alert: "DatabaseDown".into() })).unwrap();
    assert_eq!((i.id, i.severity), (1, Priority::P1));
    assert_eq!(i.title, "DatabaseDown: DatabaseDown summary");
    let kinds: Vec<(&str, &str)> =
        i.links.iter().map(|l| (l.kind.as_str(), l.target.as_str())).collect();
    assert_eq!(
        kinds,
        [("alert", "a1"), ("alert", "a2"), ("service", "api")],
        "the whole group and its service"
    );

    clock.advance(60);
    app.incident_ack(1, Some("alice")).unwrap();
    let e = app.incident_ack(1, Some("bob")).unwrap_err();
    assert!(e.to_string().contains("acknowledged already"), "{e}");
    assert_eq!(app.incident_view(1).unwrap().owner.as_deref(), Some("alice"));
    clock.advance(60);
    app.incident_note(1, "primary is out of disk", Some("alice")).unwrap();
    assert!(app.incident_note(1, "   ", None).unwrap_err().to_string().contains("empty"));
    assert!(app.incident_note(1, "bad\u{1b}[31m", None).is_err(), "terminal escapes are refused");
    app.incident_set_status(1, Status::Identified, None, false).unwrap();
    // A silence on one alert, then both resolve; the service comes back.
    clock.advance(60);
    app.store
        .record_alert_states(
            &[seen("a1", "DatabaseDown", "critical", "silenced"), group[1].clone()],
            clock.now() * 1000,
            true,
        )
        .unwrap();

    // Resolving: a summary is required, and firing alerts block it unless forced.
    let e = app.incident_set_status(1, Status::Resolved, None, false).unwrap_err();
    assert!(e.to_string().contains("needs a summary"), "{e}");
    let e = app.incident_set_status(1, Status::Resolved, Some("disk freed"), false).unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::Conflict);
    assert!(
        e.to_string().contains("DatabaseDown (a1), DatabaseDown (a2)")
            && e.to_string().contains("--force"),
        "{e}"
    );
    clock.advance(60);
    app.store.record_alert_states(&[], clock.now() * 1000, true).unwrap();
    check(&app, clock.now(), true);
    clock.advance(60);
    let done = app.incident_set_status(1, Status::Resolved, Some("disk freed"), false).unwrap();
    assert_eq!((done.status, done.summary.as_str()), (Status::Resolved, "disk freed"));
    assert_eq!(done.resolved_at.as_deref(), Some("2027-01-15T08:05:00Z"));
    assert!(app.incident_list(true).unwrap().is_empty());

    // Things after resolving are outside the timeline.
    clock.advance(60);
    check(&app, clock.now(), false);
    let timeline = app.incident_timeline(1).unwrap();
    let lines: Vec<(String, &str, &str)> = timeline
        .iter()
        .map(|e| (e.at[11..19].to_owned(), e.kind.as_str(), e.text.as_str()))
        .collect();
    let want = [
        ("07:58:30", "health", "api is down"),
        ("07:59:00", "alert", "alert DatabaseDown [critical] on api firing: DatabaseDown summary"),
        ("07:59:00", "alert", "alert DatabaseDown [critical] on api firing: DatabaseDown summary"),
        (
            "08:00:00",
            "opened",
            "opened as P1 (Critical: system down, data breach, security exploit) from alert:DatabaseDown; suggested P1: a critical alert",
        ),
        ("08:01:00", "ack", "acknowledged by alice; owner now alice"),
        ("08:02:00", "note", "primary is out of disk [alice]"),
        ("08:02:00", "status", "investigating -> identified"),
        ("08:03:00", "alert", "alert DatabaseDown on api silenced (by sil-1)"),
        ("08:04:00", "alert", "alert DatabaseDown on api resolved"),
        ("08:04:00", "alert", "alert DatabaseDown on api resolved"),
        ("08:04:00", "health", "api is up"),
        ("08:05:00", "resolved", "resolved: disk freed"),
    ];
    for (got, want) in lines.iter().zip(&want) {
        assert_eq!((got.0.as_str(), got.1), (want.0, want.1), "{lines:#?}");
        assert!(got.2.starts_with(want.2), "{} vs {}", got.2, want.2);
    }
    assert_eq!(lines.len(), want.len(), "{lines:#?}");
    assert!(timeline.iter().all(|e| e.at.ends_with('Z')), "exported in UTC");

    // Reopening clears the resolution; every change is audited.
    app.incident_set_status(1, Status::Monitoring, None, false).unwrap();
    assert_eq!(app.incident_view(1).unwrap().resolved_at, None);
    let audit: Vec<String> = app
        .audit_log(50)
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {}", e.action, e.subject))
        .collect();
    for want in [
        "incident incident:1 opened P1 from alert:DatabaseDown",
        "incident incident:1 ack",
        "incident incident:1 note",
        "incident incident:1 status resolved",
        "incident incident:1 status monitoring",
    ] {
        assert!(audit.iter().any(|a| a == want), "{want} missing from {audit:#?}");
    }
    assert!(
        !audit.iter().any(|a| a.contains("out of disk")),
        "note texts stay out of the audit log"
    );
}

#[test]
fn a_health_change_within_the_same_second_as_opening_and_resolving_stays_in_order() {
    // Health results carry real milliseconds; an incident opened and resolved within the
    // second a check found the service down must still show that check, before "opened".
    let dir = tempfile::tempdir().unwrap();
    let (app, clock) = app(dir.path());
    app.service_add(&Service::new("api", "http://127.0.0.1:9/health")).unwrap();
    clock.advance_ms(300);
    let mut r = CheckResult {
        service: "api".into(),
        at_ms: clock.now_ms(),
        status: Health::Down,
        latency_ms: 5,
        http_status: Some(503),
        reasons: Vec::new(),
        cert_days_left: None,
        health: None,
    };
    app.record_check(&r).unwrap();
    clock.advance_ms(200);
    let mut n = new(Origin::Service { service: "api".into() });
    n.services = vec!["api".into()];
    app.incident_open(&n).unwrap();
    clock.advance_ms(200);
    r.at_ms = clock.now_ms();
    r.status = Health::Up;
    app.record_check(&r).unwrap();
    clock.advance_ms(200);
    app.incident_set_status(1, Status::Resolved, Some("restarted"), true).unwrap();
    let kinds: Vec<(String, String)> = app
        .incident_timeline(1)
        .unwrap()
        .into_iter()
        .map(|e| (e.kind, e.text))
        .filter(|(k, _)| k != "link")
        .collect();
    let kinds: Vec<(&str, &str)> = kinds.iter().map(|(k, t)| (k.as_str(), t.as_str())).collect();
    assert_eq!(kinds[0], ("health", "api is down"), "{kinds:#?}");
    assert_eq!(kinds[1].0, "opened", "{kinds:#?}");
    assert_eq!(kinds[2], ("health", "api is up"), "{kinds:#?}");
    assert_eq!(kinds[3].0, "resolved", "{kinds:#?}");
}

#[test]
fn the_newest_alert_still_firing_is_what_the_tray_offers() {
    let dir = tempfile::tempdir().unwrap();
    let (app, clock) = app(dir.path());
    assert!(app.newest_firing_alert().unwrap().is_none(), "nothing recorded yet");
    let old = seen("a1", "DiskFull", "warning", "firing");
    app.store.record_alert_states(std::slice::from_ref(&old), clock.now_ms(), true).unwrap();
    clock.advance(60);
    let newer = seen("a2", "HighErrorRate", "critical", "firing");
    app.store.record_alert_states(&[old.clone(), newer.clone()], clock.now_ms(), true).unwrap();
    let top = app.newest_firing_alert().unwrap().unwrap();
    assert_eq!((top.fingerprint.as_str(), top.alertname.as_str()), ("a2", "HighErrorRate"));
    // Silenced, then gone: neither is offered; the older one still firing is.
    clock.advance(60);
    let muted = seen("a2", "HighErrorRate", "critical", "silenced");
    app.store.record_alert_states(&[old.clone(), muted], clock.now_ms(), true).unwrap();
    assert_eq!(app.newest_firing_alert().unwrap().unwrap().fingerprint, "a1");
    clock.advance(60);
    app.store.record_alert_states(&[], clock.now_ms(), true).unwrap();
    assert!(app.newest_firing_alert().unwrap().is_none(), "all resolved");
}

#[test]
fn links_are_checked_and_forced_resolution_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _clock) = app(dir.path());
    let mut n = new(Origin::Sentry { issue: "BACKEND-7".into() });
    n.alerts = vec!["fp-9".into()];
    let i = app.incident_open(&n).unwrap();
    assert_eq!(i.title, "Sentry issue BACKEND-7");
    assert!(
        app.incident_link(i.id, "planet", "x")
            .unwrap_err()
            .to_string()
            .contains("service, alert, sentry or backup")
    );
    assert!(matches!(app.incident_link(i.id, "service", "nope"), Err(CoreError::NotFound(_))));
    assert!(matches!(app.incident_link(i.id, "backup", "nope"), Err(CoreError::NotFound(_))));
    app.incident_link(i.id, "sentry", "BACKEND-8").unwrap();
    app.incident_link(i.id, "sentry", "BACKEND-8").unwrap();
    app.incident_unlink(i.id, "sentry", "BACKEND-7").unwrap();
    let links: Vec<String> =
        app.incident_view(i.id).unwrap().links.into_iter().map(|l| l.target).collect();
    assert_eq!(links, ["fp-9", "BACKEND-8"]);
    assert!(app.incident_unlink(i.id, "sentry", "BACKEND-7").is_err());

    app.store
        .record_alert_states(&[seen("fp-9", "DiskFull", "warning", "firing")], T0 * 1000, true)
        .unwrap();
    let forced =
        app.incident_set_status(i.id, Status::Resolved, Some("accepted risk"), true).unwrap();
    assert_eq!(forced.status, Status::Resolved);
    let t = app.incident_timeline(i.id).unwrap();
    assert!(
        t.iter().any(|e| e.kind == "resolved"
            && e.text
                .starts_with("resolved (forced while firing: DiskFull (fp-9)): accepted risk")),
        "{t:#?}"
    );
    assert!(matches!(app.incident_view(99), Err(CoreError::NotFound(_))));
}
