//! The monitor loop against local HTTP services and a fake Alertmanager (the real one is covered
//! by the CLI tests): results stored, state changes and new firing alerts announced and
//! notified, a dead source reported without hiding the others, reload after a removal.

use super::*;
use crate::{Config, Keychain};
use rampart_feeds::testkit::{Response, TestServer, eventually};
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};

struct FakeHost {
    app: Mutex<Rampart>,
    events: Mutex<Vec<MonitorEvent>>,
}

impl MonitorHost for FakeHost {
    fn with_app<T>(&self, f: impl FnOnce(&Rampart) -> Result<T>) -> Result<T> {
        f(&self.app.lock().unwrap())
    }

    fn emit(&self, event: MonitorEvent) {
        self.events.lock().unwrap().push(event);
    }
}

impl FakeHost {
    fn events(&self) -> Vec<MonitorEvent> {
        self.events.lock().unwrap().clone()
    }
}

fn am_alert(fp: &str, name: &str, severity: &str) -> serde_json::Value {
    json!({
        "fingerprint": fp, "labels": {"alertname": name, "severity": severity, "service": "api"},
        "annotations": {"summary": format!("{name} summary")}, "startsAt": "2027-01-15T08:00:00Z",
        "status": {"state": "active", "silencedBy": [], "inhibitedBy": []}
    })
}

#[test]
fn the_monitor_records_checks_and_announces_changes_and_new_alerts() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let healthy = Arc::new(AtomicBool::new(true));
        let flag = healthy.clone();
        let service = TestServer::start(move |_| match flag.load(Ordering::SeqCst) {
            true => Response::json(200, json!({"status": "ok", "version": "2.0.0"})),
            false => Response::json(503, json!({"status": "down"})),
        })
        .await;
        let second_alert = Arc::new(AtomicBool::new(false));
        let flag = second_alert.clone();
        let am = TestServer::start(move |_| {
            let mut alerts = vec![am_alert("a1", "DatabaseDown", "critical")];
            if flag.load(Ordering::SeqCst) {
                alerts.push(am_alert("b2", "HighCPUUsage", "warning"));
            }
            Response::json(200, json!(alerts))
        })
        .await;

        let dir = tempfile::tempdir().unwrap();
        let config = Config { data_dir: dir.path().into(), keychain: Keychain::new("unused-runner") };
        let app = Rampart::open(config).unwrap();
        let svc = super::super::Service {
            interval: Duration::from_secs(1),
            timeout: Duration::from_secs(1),
            ..super::super::Service::new("api", service.url("/health"))
        };
        app.service_add(&svc).unwrap();
        app.alertmanager_add("am", &am.url("/")).unwrap();
        app.alertmanager_add("dead", "http://127.0.0.1:9/").unwrap();
        let host = Arc::new(FakeHost { app: Mutex::new(app), events: Mutex::default() });

        let options = MonitorOptions {
            alerts_every: Duration::from_millis(300),
            emit_every: Duration::from_millis(100),
            ..MonitorOptions::default()
        };
        let (monitor, runner) = Monitor::new(options);
        let task = tokio::spawn(runner.run(host.clone()));
        let secs = Duration::from_secs;

        // Up, with the health fields; the dead Alertmanager is an error, the live one answers.
        let o = eventually(secs(10), || async {
            let o = monitor.overview();
            (o.services.first().is_some_and(|s| s.status == Some(super::super::Status::Up))
                && o.alerts_updated_ms.is_some())
                .then_some(o)
        })
        .await
        .expect("the first check and poll arrive");
        assert_eq!(o.counts.firing.critical, 1);
        assert_eq!(o.errors.len(), 1, "{:?}", o.errors);
        assert!(o.errors[0].source.contains("dead") && o.errors[0].retryable, "{:?}", o.errors);
        assert!(host.events().iter().any(|e| matches!(e, MonitorEvent::Changed(_))));
        assert!(
            !host.events().iter().any(|e| matches!(e, MonitorEvent::AlertFiring(_))),
            "alerts firing at start are the baseline"
        );

        // The service goes down: stored, announced, notified.
        healthy.store(false, Ordering::SeqCst);
        let change = eventually(secs(10), || async {
            host.events().into_iter().find_map(|e| match e {
                MonitorEvent::ServiceChanged(c) => Some(c),
                _ => None,
            })
        })
        .await
        .expect("the down transition is announced");
        assert_eq!((change.service.as_str(), change.to), ("api", super::super::Status::Down));
        assert!(host.events().iter().any(|e| matches!(
            e,
            MonitorEvent::Notify { title, severity: Severity::Critical, .. } if title == "api is down"
        )));
        let stored = host.with_app(|app| app.service_view("api")).unwrap();
        assert!(!stored.last.unwrap().is_up());
        assert_eq!(monitor.summary().counts.services_down, 1);

        // A new alert fires: announced once, with its summary.
        second_alert.store(true, Ordering::SeqCst);
        let fired = eventually(secs(10), || async {
            host.events().into_iter().find_map(|e| match e {
                MonitorEvent::AlertFiring(a) => Some(a),
                _ => None,
            })
        })
        .await
        .expect("the new alert is announced");
        assert_eq!((fired.alertname.as_str(), fired.summary.as_str()), ("HighCPUUsage", "HighCPUUsage summary"));
        tokio::time::sleep(Duration::from_millis(700)).await;
        let firing_events =
            host.events().iter().filter(|e| matches!(e, MonitorEvent::AlertFiring(_))).count();
        assert_eq!(firing_events, 1, "later polls do not repeat it");
        // Both alerts are in the alert history, once each; the dead source resolves nothing.
        let fingerprints = ["a1".to_owned(), "b2".to_owned()];
        let history = eventually(secs(5), || async {
            let rows = host
                .with_app(|app| Ok(app.store.alert_transitions(&fingerprints, 0, i64::MAX)?))
                .unwrap();
            (rows.len() >= 2).then_some(rows)
        })
        .await
        .expect("the polls land in the alert history");
        let states: Vec<(&str, &str)> =
            history.iter().map(|t| (t.fingerprint.as_str(), t.state.as_str())).collect();
        assert_eq!(states, [("a1", "firing"), ("b2", "firing")]);

        // Removing the service and reloading drops it from the picture.
        host.with_app(|app| app.service_remove("api")).unwrap();
        monitor.reload();
        let empty = eventually(secs(5), || async {
            let o = monitor.overview();
            o.services.is_empty().then_some(o)
        })
        .await
        .expect("the reload drops the service");
        assert_eq!(empty.counts.services_down, 0);
        task.abort();
    });
}
