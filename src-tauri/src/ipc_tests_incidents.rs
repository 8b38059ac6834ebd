//! The Incidents page's IPC payloads (core's incident views and timeline) against
//! ui/src/lib/ipc/types.ts; the shared field readers live in [`crate::ipc_tests`].

use crate::ipc_tests::{json_fields, ts_fields};
use rampart_core::{Config, Keychain, Rampart};

/// A Rampart in a temp dir with its own keychain namespace (keep the dir while it is used).
fn test_app(name: &str) -> (tempfile::TempDir, Rampart) {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::new(format!("{name}-{}", std::process::id()));
    let config = Config { data_dir: dir.path().to_owned(), keychain };
    let app = Rampart::open(config).unwrap();
    (dir, app)
}

/// The incident payloads against types.ts, from a real incident with a note and a link.
#[test]
fn every_incident_payload_has_exactly_the_fields_the_ui_contract_names() {
    use rampart_core::incidents::{NewIncident, Origin, Priority};
    // Opening an incident is audited: this needs the test keyring (tests/support/with-keyring.sh).
    let (_dir, app) = test_app("rampart-ipc-incidents");
    let new = NewIncident {
        title: "API down".into(),
        severity: Some(Priority::P1),
        origin: Origin::Manual,
        services: vec![],
        alerts: vec!["abc123".into()],
        owner: None,
    };
    let view = app.incident_open(&new).unwrap();
    let detail = app.incident_detail(view.id).unwrap();
    let checks = [
        ("IncidentView", json_fields(&view)),
        ("IncidentLink", json_fields(&view.links[0])),
        ("TimelineEntry", json_fields(&detail.timeline[0])),
    ];
    for (name, rust) in checks {
        assert_eq!(rust, ts_fields(name), "{name}: Rust payload and types.ts drifted");
    }
    let mut detail_fields = json_fields(&detail);
    for own in ["timeline", "stillFiring"] {
        assert!(detail_fields.remove(own), "IncidentDetail has {own}");
    }
    assert_eq!(detail_fields, ts_fields("IncidentView"), "IncidentDetail flattens IncidentView");
    let contact = rampart_core::incidents::escalation::Contact {
        name: "ana".into(),
        email: Some("ana@example.test".into()),
        phone: Some("+15550100".into()),
        slack: Some("U123".into()),
    };
    assert_eq!(json_fields(&contact), ts_fields("Contact"), "Contact drifted");
    let mut policy = app.escalation_policy().unwrap();
    policy.rota.overrides.push(rampart_core::incidents::oncall::Override {
        contact: "Security team".into(),
        from: 0,
        until: 1,
    });
    let shapes = [
        ("EscalationPolicy", json_fields(&policy)),
        ("EscalationLevel", json_fields(&policy.levels[0])),
        ("EscalationWaits", json_fields(policy.wait_minutes)),
        ("Rota", json_fields(&policy.rota)),
        ("RotaOverride", json_fields(&policy.rota.overrides[0])),
    ];
    for (name, rust) in shapes {
        assert_eq!(rust, ts_fields(name), "{name}: Rust payload and types.ts drifted");
    }
    let template = crate::commands::incidents::TemplateView {
        template: app.postmortem_template_get().unwrap(),
        is_default: true,
    };
    assert_eq!(
        json_fields(&template),
        ts_fields("PostmortemTemplate"),
        "PostmortemTemplate drifted"
    );
    let email: rampart_core::incidents::notify::EmailSettings = serde_json::from_value(
        serde_json::json!({"server": "smtp.example.test", "port": 587, "tls": "startTls",
                           "from": "rampart@example.test", "username": "u", "passwordFrom": "smtp"}),
    )
    .unwrap();
    assert_eq!(json_fields(&email), ts_fields("EmailSettings"), "EmailSettings drifted");
    let on_call = app.on_call_now().unwrap();
    assert_eq!(on_call.on_call, None, "no policy contacts yet");
    assert_eq!(json_fields(&on_call), ts_fields("OnCallNow"), "OnCallNow drifted");
    assert_eq!(serde_json::to_value(view.status).unwrap(), "investigating");
    assert_eq!(serde_json::to_value(view.severity).unwrap(), "P1");
}

/// The tray's "Open incident" item: an incident for the newest firing alert, announced to the
/// window; while locked nothing is opened.
#[test]
fn the_trays_incident_item_opens_one_for_the_newest_alert_and_tells_the_window() {
    use crate::state::Shared;
    use rampart_core::feeds::{AlertsReport, PromAlert, PromReport};
    use rampart_core::incidents::Priority;
    use std::sync::{Arc, mpsc};
    use tauri::Listener;

    let (_dir, rampart) = test_app("rampart-ipc-tray-incident");
    let labels = [("alertname", "HighErrorRate"), ("severity", "critical"), ("service", "api")];
    let alert = PromAlert {
        labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        annotations: Default::default(),
        state: "firing".into(),
        active_at: None,
        value: None,
    };
    let prom = PromReport {
        name: "prom".into(),
        readiness: None,
        alerts: vec![alert],
        rule_groups: vec![],
    };
    let report = AlertsReport { groups: vec![], prometheus: vec![prom], errors: vec![] };
    rampart.record_alert_history(&report).unwrap();
    let shared = Arc::new(Shared::new(rampart, None));
    let app = tauri::test::mock_builder()
        .plugin(tauri_plugin_notification::init())
        .manage(shared.clone())
        .build(tauri::generate_context!("tauri.conf.json"))
        .unwrap();
    let (tx, rx) = mpsc::channel();
    app.listen(crate::tray::INCIDENT_OPENED, move |e| {
        let _ = tx.send(e.payload().to_owned());
    });

    let newest = shared.read_only(|a| a.newest_firing_alert()).unwrap().expect("one firing");
    crate::tray::open_incident(app.handle(), &shared, &newest.fingerprint);
    assert_eq!(rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap(), "1");
    let opened = shared.read_only(|a| a.incident_view(1)).unwrap();
    assert_eq!(opened.severity, Priority::P1, "a critical alert suggests P1");
    assert!(opened.title.starts_with("HighErrorRate"), "{}", opened.title);
    assert!(opened.links.iter().any(|l| l.kind == "alert" && l.target == newest.fingerprint));

    // Locked: nothing is opened and nothing announced.
    shared
        .with_lock(|app, lock| {
            lock.lock(true);
            app.lock_state(lock)
        })
        .unwrap();
    crate::tray::open_incident(app.handle(), &shared, &newest.fingerprint);
    assert!(rx.recv_timeout(std::time::Duration::from_millis(300)).is_err());
    assert_eq!(shared.background(|a| a.incident_list(false)).unwrap().len(), 1);
}

/// The escalation timer's tick in the desktop: an unacknowledged P1 reaches level 1 at once
/// (even while the app is locked), the outcome lands on its timeline, the window is told; a
/// second tick finds nothing due; acknowledging stops the timer.
#[test]
fn the_escalation_timer_moves_an_unacknowledged_p1_up_while_locked_and_tells_the_window() {
    use crate::state::Shared;
    use rampart_core::incidents::{NewIncident, Origin, Priority};
    use std::sync::{Arc, mpsc};
    use tauri::Listener;

    let (_dir, rampart) = test_app("rampart-ipc-escalation");
    let new = NewIncident {
        title: "API down".into(),
        severity: Some(Priority::P1),
        origin: Origin::Manual,
        services: vec![],
        alerts: vec![],
        owner: None,
    };
    let id = rampart.incident_open(&new).unwrap().id;
    let shared = Arc::new(Shared::new(rampart, None));
    shared
        .with_lock(|app, lock| {
            lock.lock(true);
            app.lock_state(lock)
        })
        .unwrap();
    let app = tauri::test::mock_builder()
        .plugin(tauri_plugin_notification::init())
        .manage(shared.clone())
        .build(tauri::generate_context!("tauri.conf.json"))
        .unwrap();
    let (tx, rx) = mpsc::channel();
    app.listen(crate::escalation::INCIDENTS_CHANGED, move |_| {
        let _ = tx.send(());
    });
    let client = rampart_core::feeds::http_client(&Default::default()).unwrap();
    let tick = || {
        tauri::async_runtime::block_on(crate::escalation::escalate_due(
            app.handle(),
            &shared,
            &client,
        ))
        .unwrap()
    };

    let moved = tick();
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(
        (moved[0].id, moved[0].level, moved[0].level_name.as_str()),
        (id, 1, "On-call engineer")
    );
    rx.recv_timeout(std::time::Duration::from_secs(5)).expect("the window hears of it");
    let timeline = shared.background(|a| a.incident_timeline(id)).unwrap();
    let kinds: Vec<&str> = timeline.iter().map(|e| e.kind.as_str()).collect();
    assert!(kinds.contains(&"escalation") && kinds.contains(&"notify"), "{kinds:?}");
    assert!(
        timeline.iter().any(|e| e.kind == "notify" && e.text.contains("nobody notified")),
        "no Slack or email configured says so: {timeline:?}"
    );
    assert!(tick().is_empty(), "level 1 reached: nothing more due before its wait");
    assert!(
        rx.recv_timeout(std::time::Duration::from_millis(200)).is_err(),
        "no event for nothing"
    );

    shared.background(|a| a.incident_ack(id, Some("ana"))).unwrap();
    assert!(!shared.background(|a| a.incidents_due_now()).unwrap(), "acknowledged: timer stopped");
}
