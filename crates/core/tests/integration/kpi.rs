//! The KPI dashboard against a real Prometheus (Debian's package, scraping itself): a default
//! query that has data, an edited query, a query with a syntax error (Prometheus's own message,
//! the other KPIs unaffected), one with no data, and the KPIs from Rampart's own records.

use crate::TestApp;
use rampart_core::SecretString;
use rampart_core::kpi::{KpiRange, KpiReport, run_query};
use rampart_core::lock::AppLock;
use rampart_feeds::testkit::{PromStack, eventually};
use std::time::Duration;

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn by_id<'a>(report: &'a KpiReport, id: &str) -> &'a rampart_core::kpi::KpiValue {
    report.kpis.iter().find(|k| k.def.id == id).unwrap()
}

#[test]
fn kpis_come_from_prometheus_and_rampart_and_a_bad_query_fails_alone() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let stack = PromStack::start(&[]).await;
        let t = TestApp::new(unix_now());
        let client = rampart_feeds::reqwest::Client::new();

        // Before a Prometheus is configured, the Prometheus KPIs say how to add one.
        let plan = t.app.kpi_plan(&client, KpiRange::Day, None).unwrap();
        let report = plan.run().await;
        assert_eq!(by_id(&report, "cpu-usage").note.as_deref(), Some("no Prometheus configured"));
        assert!(report.prometheus.is_none());

        t.app.prometheus_add("local", &stack.prometheus_url).unwrap();
        let errors = r#"sum(rate(prometheus_http_requests_total{code=~"5.."}[1m])) or vector(0)"#;
        t.app.kpi_query_set("api-error-rate", Some(errors)).unwrap();
        t.app.kpi_query_set("failed-logins", Some("sum(rate(")).unwrap();
        let err = t.app.kpi_query_set("uptime", Some("up")).unwrap_err();
        assert!(err.to_string().contains("Rampart's own records"), "{err}");

        // A security event: a wrong passphrase.
        t.app.set_passphrase(None, Some(&SecretString::new("a long passphrase".into()))).unwrap();
        let mut lock = AppLock::new(true, t.app.now());
        t.app.unlock(&mut lock, &SecretString::new("wrong guess".into())).unwrap_err();

        // process_cpu_seconds_total needs two scrapes for a rate.
        let report = eventually(Duration::from_secs(30), || {
            t.clock.set(unix_now());
            let plan = t.app.kpi_plan(&client, KpiRange::Day, Some("local")).unwrap();
            async move {
                let report = plan.run().await;
                by_id(&report, "cpu-usage").value.is_some().then_some(report)
            }
        })
        .await
        .expect("the CPU KPI gets a value from Prometheus scraping itself");

        assert_eq!(report.prometheus.as_deref(), Some("local"));
        let cpu = by_id(&report, "cpu-usage");
        assert!(cpu.value.unwrap() >= 0.0 && !cpu.points.is_empty());
        assert_eq!(cpu.query.as_deref(), Some("max(rate(process_cpu_seconds_total[5m]))"));
        let errors_kpi = by_id(&report, "api-error-rate");
        assert_eq!(errors_kpi.query.as_deref(), Some(errors));
        assert_eq!(errors_kpi.value, Some(0.0));
        assert!(!errors_kpi.breached);
        let bad = by_id(&report, "failed-logins");
        assert!(bad.value.is_none());
        assert!(bad.note.as_deref().unwrap().contains("parse error"), "{:?}", bad.note);
        let memory = by_id(&report, "memory-usage");
        assert!(memory.note.as_deref().unwrap().starts_with("no data"), "{:?}", memory.note);
        assert!(by_id(&report, "uptime").note.as_deref().unwrap().contains("add a service"));
        assert!(
            by_id(&report, "backup-success-rate")
                .note
                .as_deref()
                .unwrap()
                .contains("no backup runs")
        );
        assert_eq!(by_id(&report, "security-events").value, Some(1.0));

        // The "Run" button: the raw series, or Prometheus's error.
        let snapshot = t.app.feeds_snapshot(&client).unwrap();
        let prom = &snapshot.prometheus[0];
        let up = run_query(prom, r#"up{job="prometheus"}"#).await.unwrap();
        assert_eq!(up[0].points[0].1, 1.0);
        let err = run_query(prom, "rate(").await.unwrap_err();
        assert!(err.to_string().contains("parse error"), "{err}");

        // Restoring the default, and every edit, is audited.
        t.app.kpi_query_set("failed-logins", None).unwrap();
        let subjects: Vec<String> =
            t.app.audit_log(20).unwrap().into_iter().map(|e| e.subject).collect();
        assert!(subjects.contains(&"kpi query api-error-rate: edited".to_owned()), "{subjects:?}");
        assert!(subjects.contains(&"kpi query failed-logins: default".to_owned()));
    });
}
