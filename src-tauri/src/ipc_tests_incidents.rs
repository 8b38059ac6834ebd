//! The incidents events through Tauri's mock runtime: the tray's "Open incident" item and the
//! escalation timer tell the window (the payload types are generated: see `ipc_export`).

use rampart_core::{Config, Keychain, Rampart};

/// A Rampart in a temp dir with its own keychain namespace (keep the dir while it is used).
fn test_app(name: &str) -> (tempfile::TempDir, Rampart) {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::new(format!("{name}-{}", std::process::id()));
    let config = Config { data_dir: dir.path().to_owned(), keychain };
    let app = Rampart::open(config).unwrap();
    (dir, app)
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
    let tick = || {
        tauri::async_runtime::block_on(crate::escalation::escalate_due(app.handle(), &shared))
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
