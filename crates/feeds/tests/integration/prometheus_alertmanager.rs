//! The real Prometheus and Alertmanager (Debian packages): the shipped rules pass
//! `promtool check rules` and load with healthy status; the test alert fires, reaches
//! Alertmanager, shows up through Rampart's client; a silence created by Rampart is visible in
//! Alertmanager's API and suppresses the alert; expiring it un-suppresses it.

use super::client;
use rampart_feeds::alertmanager::{self, Alertmanager};
use rampart_feeds::prometheus::Prometheus;
use rampart_feeds::testkit::prom::{PROMTOOL, TEST_ALERT, require};
use rampart_feeds::testkit::{PromStack, eventually};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn rules_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../deploy/prometheus/rampart-rules.yml")
}

#[test]
fn the_shipped_rules_pass_promtool() {
    let out = std::process::Command::new(require(PROMTOOL))
        .args(["check", "rules"])
        .arg(rules_file())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "promtool check rules failed:\n{text}");
    assert!(text.contains("SUCCESS: 5 rules found"), "{text}");
    let yaml = std::fs::read_to_string(rules_file()).unwrap();
    for name in
        ["HighErrorRate", "DatabaseDown", "HighMemoryUsage", "HighCPUUsage", "SlowQueryResponse"]
    {
        assert!(yaml.contains(&format!("alert: {name}")), "{name} missing");
    }
    assert!(yaml.contains("histogram_quantile(0.95,\n            sum by (le, service) (rate(db_query_duration_seconds_bucket[5m]))"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_flow_from_prometheus_to_alertmanager_and_silences_work() {
    let stack = PromStack::start(&[rules_file().as_path()]).await;
    let c = client(&[]);
    let prom = Prometheus::new("local", &stack.prometheus_url, c.clone()).unwrap();
    let am = Alertmanager::new("local", &stack.alertmanager_url, c.clone()).unwrap();
    let ready = prom.ready().await.unwrap();
    assert!(ready.ready, "{ready:?}");

    // Prometheus: the test alert fires; the shipped rules are loaded and healthy.
    let started = Instant::now();
    let firing = eventually(Duration::from_secs(30), || async {
        let alerts = prom.alerts().await.ok()?;
        alerts.into_iter().find(|a| a.labels["alertname"] == TEST_ALERT && a.state == "firing")
    })
    .await
    .unwrap_or_else(|| panic!("the test alert never fired:\n{}", stack.log("prometheus.log")));
    assert_eq!(firing.labels["severity"], "critical");
    let groups = prom.rules().await.unwrap();
    let shipped =
        groups.iter().find(|g| g.name == "rampart-example").expect("shipped rules loaded");
    assert_eq!(shipped.rules.len(), 5);
    assert!(shipped.rules.iter().all(|r| r.health != "err"), "{:?}", shipped.rules);

    // Alertmanager: the alert arrives, active.
    let alert = eventually(Duration::from_secs(30), || async {
        let merged = alertmanager::merge(vec![("local".into(), am.alerts().await.ok()?)]);
        merged.into_iter().find(|a| a.alertname() == TEST_ALERT)
    })
    .await
    .unwrap_or_else(|| {
        panic!("the alert never reached Alertmanager:\n{}", stack.log("prometheus.log"))
    });
    println!(
        "alert firing in Prometheus and visible in Alertmanager after {:?}",
        started.elapsed()
    );
    assert_eq!(alert.alert.status.state, "active");
    assert_eq!(alert.alert.labels["service"], "rampart-test");
    let groups = alertmanager::group(vec![alert.clone()]);
    assert_eq!(
        (groups[0].alertname.as_str(), groups[0].severity.as_str()),
        (TEST_ALERT, "critical")
    );

    // Acknowledge: a silence from the alert's labels.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
        as i64;
    let new = alertmanager::silence_for(&[&alert], now, 7200, "rampart-test", "ack from the test")
        .unwrap();
    assert!(new.matchers.iter().any(|m| m.name == "alertname" && m.value == TEST_ALERT));
    let id = am.create_silence(&new).await.unwrap();
    let listed = am.silences().await.unwrap();
    let silence = listed.iter().find(|s| s.id == id).expect("the silence is listed");
    assert_eq!(
        (silence.status.state.as_str(), silence.created_by.as_str()),
        ("active", "rampart-test")
    );
    assert_eq!(silence.comment, "ack from the test");
    let suppressed = eventually(Duration::from_secs(15), || async {
        let alerts = am.alerts().await.ok()?;
        let a = alerts.into_iter().find(|a| a.labels["alertname"] == TEST_ALERT)?;
        (a.status.state == "suppressed" && a.status.silenced_by.contains(&id)).then_some(a)
    })
    .await;
    assert!(suppressed.is_some(), "the silence suppresses the alert");

    // Expire it: the silence is expired and the alert active again.
    am.expire_silence(&id).await.unwrap();
    let listed = am.silences().await.unwrap();
    assert_eq!(listed.iter().find(|s| s.id == id).unwrap().status.state, "expired");
    let active = eventually(Duration::from_secs(15), || async {
        let alerts = am.alerts().await.ok()?;
        let a = alerts.into_iter().find(|a| a.labels["alertname"] == TEST_ALERT)?;
        (a.status.state == "active").then_some(a)
    })
    .await;
    assert!(active.is_some(), "expiring the silence un-suppresses the alert");
    let err = am.expire_silence("not a silence id").await.unwrap_err();
    assert!(err.to_string().contains("not a silence id"), "{err}");
}

#[test]
fn merging_deduplicates_by_fingerprint_across_alertmanagers() {
    let a = |fp: &str, state: &str, silenced: &[&str], starts: &str| {
        serde_json::from_value::<alertmanager::AmAlert>(serde_json::json!({
            "fingerprint": fp, "labels": {"alertname": "DatabaseDown", "severity": "critical"},
            "annotations": {}, "startsAt": starts,
            "status": {"state": state, "silencedBy": silenced, "inhibitedBy": []}
        }))
        .unwrap()
    };
    let merged = alertmanager::merge(vec![
        ("am1".into(), vec![a("f1", "suppressed", &["s1"], "2026-08-20T10:00:05Z")]),
        (
            "am2".into(),
            vec![a("f1", "active", &[], "2026-08-20T10:00:00Z"), a("f2", "active", &[], "x")],
        ),
    ]);
    assert_eq!(merged.len(), 2);
    let f1 = &merged[0];
    assert_eq!(f1.sources, ["am1", "am2"]);
    assert_eq!(f1.alert.status.state, "active");
    assert_eq!(f1.alert.status.silenced_by, ["s1"]);
    assert_eq!(f1.alert.starts_at, "2026-08-20T10:00:00Z");
    let groups = alertmanager::group(merged);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].alerts.len(), 2);
}
