//! Escalation: the timer's steps with time passed in, and delivering them to Slack.

use super::*;

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

    // Nothing open: nothing due, nothing to deliver or record.
    let prepared = app.escalation_prepare_due().unwrap();
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
    let prepared: PreparedEscalation = app.escalation_prepare_due().unwrap();
    is_send(&prepared);
    let escalated = prepared.escalated();
    assert_eq!(escalated.len(), 2, "{escalated:?}");
    let p1 = escalated.iter().find(|e| e.id == id).unwrap();
    assert_eq!(
        (p1.level, p1.level_name.as_str(), p1.severity, p1.title.as_str()),
        (2, "Security team", Priority::P1, "Brute force on /login")
    );
    // A second tick before the first is delivered takes nothing again.
    assert!(app.escalation_prepare_due().unwrap().is_empty(), "taken once");
    // The responder acknowledges while the notifications are on their way.
    app.incident_ack(id, Some("alice")).unwrap();
    let outcome = rt.block_on(prepared.run());
    assert_eq!(slack.requests().len(), 2, "one message per step, no more");
    assert!(outcome.deliveries.iter().all(|d| d.outcomes == ["Slack: delivered"]), "{outcome:?}");
    let recorded = app.escalation_record(&outcome).unwrap();
    assert_eq!(recorded, escalated);
    clock.advance(3600);
    assert!(app.escalation_prepare_due().unwrap().is_empty(), "acknowledged");
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

    // By hand: one step, through the same three parts.
    let delivered = rt.block_on(app.incident_escalate(id)).unwrap();
    assert_eq!(
        (delivered.step.level, delivered.outcomes.as_slice()),
        (3, &["Slack: delivered".to_owned()][..])
    );
    assert_eq!(slack.requests().len(), 3);
    let e = rt.block_on(app.incident_escalate(99)).err().unwrap();
    assert!(matches!(e, CoreError::NotFound(_)), "{e}");
    // The timer's path: nothing due now (acknowledged), nothing sent.
    assert_eq!(rt.block_on(app.incident_escalate_due()).unwrap(), EscalationOutcome::default());
    assert_eq!(slack.requests().len(), 3);
}
