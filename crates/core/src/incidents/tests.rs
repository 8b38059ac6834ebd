//! Incidents against a real store with an injected clock (run under with-keyring.sh: every
//! change is audited, and the audit key lives in the keychain).

use super::*;
use crate::feeds::{CheckResult, Service, Status as Health};
use crate::{Clock, Config, FixedClock, Keychain};
use rampart_store::alert_history::AlertObservation;
use std::sync::Arc;

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

#[test]
fn the_timer_moves_an_unacknowledged_p1_up_and_acknowledging_stops_it() {
    let dir = tempfile::tempdir().unwrap();
    let (app, clock) = app(dir.path());
    let mut n = new(Origin::Manual);
    n.title = "Data breach suspected".into();
    n.severity = Some(Priority::P1);
    let id = app.incident_open(&n).unwrap().id;
    let levels = |app: &Rampart| -> Vec<u32> {
        app.incident_due_steps().unwrap().into_iter().map(|s| s.level).collect()
    };
    assert_eq!(levels(&app), [1], "the on-call engineer at once");
    assert!(levels(&app).is_empty(), "a step is taken once");
    clock.advance(14 * 60);
    assert!(levels(&app).is_empty());
    clock.advance(60);
    let step = app.incident_escalation_step(id, false).unwrap().unwrap();
    assert_eq!((step.level, step.level_name.as_str()), (2, "Security team"));
    assert_eq!(step.reason, "unacknowledged for 15 min");
    assert_eq!(step.contacts[0].email.as_deref(), Some("security@alawael.com"));
    let slack = notify::slack_message(&step, 0).payload();
    assert_eq!(slack["attachments"][0]["color"], "#FF0000");
    assert_eq!(slack["text"], "[P1] Incident #1: Data breach suspected");
    let mail = notify::email_for(&step).unwrap();
    assert!(mail.body.contains("Escalated to level 2 (Security team), unacknowledged for 15 min"));
    app.incident_ack(id, Some("alice")).unwrap();
    clock.advance(3600);
    assert!(levels(&app).is_empty(), "acknowledged: the timer stopped");
    // By hand it still moves, one level at a time, up to the last.
    assert_eq!(app.incident_escalation_step(id, true).unwrap().unwrap().level, 3);
    assert_eq!(app.incident_escalation_step(id, true).unwrap().unwrap().level, 4);
    let e = app.incident_escalation_step(id, true).unwrap_err();
    assert!(e.to_string().contains("already at the last level (External)"), "{e}");
    let t = app.incident_timeline(id).unwrap();
    assert_eq!(t.iter().filter(|e| e.kind == "escalation").count(), 4);
    let audit = app.audit_log(5).unwrap();
    assert!(
        audit.iter().any(|e| e.action == "escalate"
            && e.subject.starts_with("incident:1 level 2 (Security team)"))
    );
}

#[test]
fn postmortems_fill_the_template_once_and_the_html_escapes_hostile_fields() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _clock) = app(dir.path());
    let evil = "<script>alert(1)</script> & \"quoted\" 'x' {{summary}}";
    let mut n = new(Origin::Manual);
    n.title = evil.into();
    n.alerts = vec!["<img src=x onerror=alert(2)>".into()];
    let id = app.incident_open(&n).unwrap().id;
    app.incident_note(id, "<iframe src=javascript:alert(3)>", None).unwrap();
    let fields = lifecycle::PostmortemFields {
        impact: Some("Users saw 500s for 12 min".into()),
        root_cause: Some("</p><a href=\"javascript:alert(4)\">x</a>".into()),
        action_items: Some(vec!["Alert on disk > 80%".into()]),
    };
    app.incident_set_postmortem(id, &fields).unwrap();
    app.incident_set_status(id, Status::Resolved, Some("freed disk"), true).unwrap();

    let md = app.incident_export(id, "md").unwrap();
    assert!(md.starts_with(&format!("# Postmortem: {evil} (incident #1)")), "{md}");
    assert!(md.contains("## Impact\nUsers saw 500s for 12 min"), "{md}");
    assert!(md.contains("- [ ] Alert on disk > 80%"), "{md}");
    assert!(md.contains("- alert: <img src=x onerror=alert(2)>"), "{md}");
    assert!(md.contains("_Blameless"), "{md}");
    assert_eq!(
        md.matches("freed disk").count(),
        2,
        "summary and the timeline, {{summary}} in a field stays: {md}"
    );

    let html = app.incident_export(id, "html").unwrap();
    // The default template's sections, in its order.
    let order: Vec<usize> = [
        "<h1>Postmortem: ",
        "<em>Blameless",
        "<li>Severity: P3",
        "<h2>Summary</h2>",
        "<h2>Impact</h2>",
        "<h2>Timeline (UTC)</h2>\n<table>",
        "<h2>Root cause</h2>",
        "<h2>Action items</h2>",
        "<h2>Linked alerts and services</h2>\n<ul>\n<li>alert: &lt;img",
    ]
    .iter()
    .map(|h| html.find(h).unwrap_or_else(|| panic!("{h} missing: {html}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    for bad in ["<script", "<img", "<iframe", "<a href", "javascript:alert(4)\">"] {
        assert!(!html.contains(bad), "{bad} got through: {html}");
    }
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#39;x&#39;"),
        "{html}"
    );
    assert!(html.contains("default-src 'none'"), "the page loads nothing");
    assert!(html.contains("<h2>Summary</h2>\n<p>freed disk</p>"), "{html}");
    assert!(!html.contains("_(to be written)_"), "{html}");
    assert!(html.contains("<li>Alert on disk &gt; 80%</li>"));

    // Both exports follow an edited template; unknown placeholders are refused when saving.
    let e = app.postmortem_template_set("## {{title}}\n{{nope}} {{root_cause}}").unwrap_err();
    assert!(e.to_string().contains("{{nope}} is not a placeholder: use title, id"), "{e}");
    assert!(
        app.postmortem_template_set("no placeholders")
            .unwrap_err()
            .to_string()
            .contains("uses no placeholder")
    );
    assert!(
        app.postmortem_template_set("{{title").unwrap_err().to_string().contains("never closed")
    );
    assert!(
        app.postmortem_template_set("{{title}}\u{1b}[2J")
            .unwrap_err()
            .to_string()
            .contains("control characters")
    );
    assert!(app.postmortem_template_is_default().unwrap());
    let custom = "# Review of {{title}}\n_No blame._ Owner: {{owner}}\n\n## What we saw\n{{timeline}}\n\n## Fixes\n{{action_items}}\n- follow up in a week\n\n## Why\n{{root_cause}}\n";
    app.postmortem_template_set(custom).unwrap();
    assert_eq!(app.postmortem_template_get().unwrap(), custom);
    assert!(!app.postmortem_template_is_default().unwrap());
    let md = app.incident_export(id, "md").unwrap();
    assert!(md.starts_with(&format!("# Review of {evil}\n_No blame._")), "{md}");
    assert!(!md.contains("## Impact"), "{md}");
    let html = app.incident_export(id, "html").unwrap();
    assert!(html.contains("<h1>Review of &lt;script&gt;alert(1)&lt;/script&gt; &amp;"), "{html}");
    assert!(html.contains("<p><em>No blame.</em> Owner: "), "{html}");
    assert!(html.contains("<h2>What we saw</h2>\n<table>"), "{html}");
    assert!(html.contains("<h2>Fixes</h2>\n<ul class=\"todo\">\n<li>Alert on disk &gt; 80%</li>\n</ul>\n<ul>\n<li>follow up in a week</li>"), "{html}");
    assert!(html.contains("<h2>Why</h2>\n<p>&lt;/p&gt;&lt;a href=&quot;javascript:alert(4)&quot;&gt;x&lt;/a&gt;</p>"), "{html}");
    assert!(
        !html.contains("Impact") && !html.contains("<script") && !html.contains("<a href"),
        "{html}"
    );
    app.postmortem_template_reset().unwrap();
    assert!(app.postmortem_template_is_default().unwrap());
    assert!(app.incident_export(id, "md").unwrap().contains("## Impact"));
    assert!(app.incident_export(id, "pdf").unwrap_err().to_string().contains("use md or html"));
    let audit: Vec<String> = app
        .audit_log(20)
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {}", e.action, e.subject))
        .collect();
    assert!(audit.contains(&"export incident:1 postmortem md".to_owned()), "{audit:?}");
    assert!(audit.contains(&"settings postmortem template".to_owned()), "{audit:?}");
    assert!(audit.contains(&"settings postmortem template: default".to_owned()), "{audit:?}");
    // Unknown placeholders in a stored template (from an older version) stay as written.
    let d = app.incident_detail(id).unwrap();
    assert_eq!(postmortem::render_markdown("{{nope}} {{id}}", &d), "{{nope}} 1");
    assert_eq!(
        postmortem::render_html("{{nope}} {{id}}", &d).matches("<p>{{nope}} 1</p>").count(),
        1
    );
}

#[test]
fn the_escalation_timer_is_prepared_run_without_the_app_and_recorded() {
    use notify::{EscalationOutcome, PreparedEscalation};
    fn is_send<T: Send + 'static>(_: &T) {}
    let rt = rampart_feeds::tokio::runtime::Runtime::new().unwrap();
    let slack = rt.block_on(rampart_feeds::testkit::TestServer::start(|_| {
        rampart_feeds::testkit::Response::text(200, "ok")
    }));
    let dir = tempfile::tempdir().unwrap();
    let (app, clock) = app(dir.path());
    let hook = crate::SecretString::new(slack.url("/services/T0/B0/hooksecret"));
    app.vault_add("hook", crate::CredentialKind::WebhookUrl, &hook, vec![]).unwrap();
    app.set_slack_webhook(Some("hook")).unwrap();
    let client = crate::feeds::reqwest::Client::new();

    // Nothing open: nothing due, nothing to deliver or record.
    let prepared = app.escalation_prepare_due(&client).unwrap();
    assert!(prepared.is_empty() && prepared.escalated().is_empty());
    let outcome = rt.block_on(prepared.run());
    assert_eq!(outcome, EscalationOutcome::default());
    assert!(app.escalation_record(&outcome).unwrap().is_empty());

    let mut n = new(Origin::Manual);
    n.title = "Brute force on /login".into();
    n.severity = Some(Priority::P1);
    let id = app.incident_open(&n).unwrap().id;
    let mut p4 = new(Origin::Manual);
    p4.title = "Docs".into();
    p4.severity = Some(Priority::P4);
    app.incident_open(&p4).unwrap();
    clock.advance(15 * 60);
    // P1 at 15 min is due level 2 (it skipped level 1's tick); the P4 is due level 1.
    let prepared: PreparedEscalation = app.escalation_prepare_due(&client).unwrap();
    is_send(&prepared);
    let escalated = prepared.escalated();
    assert_eq!(escalated.len(), 2, "{escalated:?}");
    let p1 = escalated.iter().find(|e| e.id == id).unwrap();
    assert_eq!(
        (p1.level, p1.level_name.as_str(), p1.severity, p1.title.as_str()),
        (2, "Security team", Priority::P1, "Brute force on /login")
    );
    // A second tick before the first is delivered takes nothing again.
    assert!(app.escalation_prepare_due(&client).unwrap().is_empty(), "taken once");
    // The responder acknowledges while the notifications are on their way.
    app.incident_ack(id, Some("alice")).unwrap();
    let outcome = rt.block_on(prepared.run());
    assert_eq!(slack.requests().len(), 2, "one message per step, no more");
    assert!(outcome.deliveries.iter().all(|d| d.outcomes == ["Slack: delivered"]), "{outcome:?}");
    let recorded = app.escalation_record(&outcome).unwrap();
    assert_eq!(recorded, escalated);
    clock.advance(3600);
    assert!(app.escalation_prepare_due(&client).unwrap().is_empty(), "acknowledged");
    assert_eq!(slack.requests().len(), 2, "no second notification");

    let t = app.incident_timeline(id).unwrap();
    let kinds: Vec<&str> = t.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["opened", "escalation", "ack", "notify"], "{t:#?}");
    assert!(
        t[1].text.starts_with("escalated to level 2 (Security team), unacknowledged for 15 min")
    );
    assert_eq!(t[3].text, "Slack: delivered");
    let audit: Vec<String> = app.audit_log(20).unwrap().into_iter().map(|e| e.subject).collect();
    assert!(audit.contains(&"incident:1 level 2 notified: 1 delivered, 0 failed".to_owned()));
    assert!(audit.iter().any(|s| s.starts_with("incident:1 level 2 (Security team)")));
    assert!(!audit.iter().any(|s| s.contains("hooksecret")));

    // By hand: one step, through the same three calls.
    let prepared = app.escalation_prepare(&client, id).unwrap();
    assert_eq!(prepared.escalated()[0].level, 3);
    let outcome = rt.block_on(prepared.run());
    app.escalation_record(&outcome).unwrap();
    assert_eq!(slack.requests().len(), 3);
    let e = app.escalation_prepare(&client, 99).err().unwrap();
    assert!(matches!(e, CoreError::NotFound(_)), "{e}");
}
