//! Gathering from many sources: all at once, each failure listed under its own source, in the
//! configured order.

use super::*;
use rampart_feeds::alertmanager::Alertmanager;
use rampart_feeds::prometheus::Prometheus;
use rampart_feeds::testkit::{Response, TestServer};
use std::time::Instant;

#[test]
fn slow_sources_are_asked_at_once_and_each_failure_is_named() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        // Every answer takes 600 ms: four Prometheus servers and two Alertmanagers one after
        // the other would take at least 3.6 s.
        let slow = TestServer::start(|_| {
            Response::text(503, "overloaded").delay(Duration::from_millis(600))
        })
        .await;
        let client = rampart_feeds::reqwest::Client::new();
        let snapshot = FeedsSnapshot {
            client: client.clone(),
            services: Vec::new(),
            alertmanagers: (1..=2)
                .map(|i| {
                    Alertmanager::new(&format!("am{i}"), &slow.url(""), client.clone()).unwrap()
                })
                .collect(),
            prometheus: (1..=4)
                .map(|i| {
                    Prometheus::new(&format!("prom{i}"), &slow.url(""), client.clone()).unwrap()
                })
                .collect(),
            sentry: Vec::new(),
        };
        let started = Instant::now();
        let report = alerts(&snapshot).await;
        let took = started.elapsed();
        assert!(took < Duration::from_millis(2_400), "asked one after another: {took:?}");
        let sources: Vec<&str> = report.errors.iter().map(|e| e.source.as_str()).collect();
        assert_eq!(
            sources,
            [
                "Alertmanager am1",
                "Alertmanager am2",
                "Prometheus prom1",
                "Prometheus prom2",
                "Prometheus prom3",
                "Prometheus prom4"
            ]
        );
        let names: Vec<&str> = report.prometheus.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["prom1", "prom2", "prom3", "prom4"]);
    });
}
