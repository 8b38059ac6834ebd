//! The KPI dashboard against a real Prometheus (Debian's package, scraping itself): a default
//! query that has data, an edited query, a query with a syntax error (Prometheus's own message,
//! the other KPIs unaffected), one with no data, and the KPIs from Rampart's own records.

use crate::TestApp;
use rampart_core::SecretString;
use rampart_core::kpi::{KpiRange, KpiReport};
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

        // Before a Prometheus is configured, the Prometheus KPIs say how to add one.
        let report = t.app.kpi_report(KpiRange::Day, None).await.unwrap();
        assert_eq!(by_id(&report, "cpu-usage").note.as_deref(), Some("no Prometheus configured"));
        assert!(report.prometheus.is_none());
        let err = t.app.kpi_query("up", None).await.unwrap_err();
        assert!(err.to_string().starts_with("no Prometheus configured: add one"), "{err}");

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
            let plan = t.app.kpi_plan(KpiRange::Day, Some("local")).unwrap();
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
        let up = t.app.kpi_query(r#"up{job="prometheus"}"#, None).await.unwrap();
        assert_eq!(up[0].points[0].1, 1.0);
        let err = t.app.kpi_query("rate(", Some("local")).await.unwrap_err();
        assert!(err.to_string().contains("parse error"), "{err}");
        let err = t.app.kpi_query("up", Some("elsewhere")).await.unwrap_err();
        assert!(err.to_string().contains("no Prometheus named \"elsewhere\""), "{err}");

        // Restoring the default, and every edit, is audited.
        t.app.kpi_query_set("failed-logins", None).unwrap();
        let subjects: Vec<String> =
            t.app.audit_log(20).unwrap().into_iter().map(|e| e.subject).collect();
        assert!(subjects.contains(&"kpi query api-error-rate: edited".to_owned()), "{subjects:?}");
        assert!(subjects.contains(&"kpi query failed-logins: default".to_owned()));
    });
}

/// The weekly security report against the real Prometheus: each Prometheus KPI is asked at the
/// end of this period and of the one before (`vector(time())` tells the two instants apart),
/// Rampart's KPIs are computed over both periods; breached first, unknown last with the reason;
/// both renderings written, never over a file without force.
#[test]
fn the_security_report_compares_two_periods_from_prometheus_and_rampart() {
    use rampart_core::kpi::report::{Trend, render_html, render_markdown};
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let stack = PromStack::start(&[]).await;
        let now = unix_now();
        let t = TestApp::new(now);
        t.app.prometheus_add("local", &stack.prometheus_url).unwrap();
        // Breached (the time is far above 0.8 cores), and it grew by exactly a week.
        t.app.kpi_query_set("cpu-usage", Some("vector(time())")).unwrap();
        t.app.kpi_query_set("api-error-rate", Some("vector(0.01)")).unwrap();
        t.app.kpi_query_set("failed-logins", Some("sum(rate(")).unwrap();
        // Has data now, none a week ago (Prometheus just started).
        t.app.kpi_query_set("response-time", Some(r#"up{job="prometheus"} * 0.25"#)).unwrap();
        t.app.set_passphrase(None, Some(&SecretString::new("a long passphrase".into()))).unwrap();
        let mut lock = AppLock::new(true, t.app.now());
        t.app.unlock(&mut lock, &SecretString::new("wrong guess".into())).unwrap_err();

        let report = eventually(Duration::from_secs(30), || {
            t.clock.set(unix_now());
            let plan = t.app.kpi_report_plan(KpiRange::Week, None).unwrap();
            async move {
                let report = plan.run().await;
                let rt = report.kpis.iter().find(|k| k.def.id == "response-time").unwrap();
                rt.current.is_some().then_some(report)
            }
        })
        .await
        .expect("Prometheus scraped itself");
        let ids: Vec<&str> = report.kpis.iter().map(|k| k.def.id).collect();
        assert_eq!(
            ids,
            [
                "cpu-usage",
                "api-error-rate",
                "response-time",
                "security-events",
                "failed-logins",
                "database-performance",
                "memory-usage",
                "uptime",
                "backup-success-rate"
            ],
            "breached, then known, then unknown, each in the guide's order"
        );
        let k = |id: &str| report.kpis.iter().find(|k| k.def.id == id).unwrap();
        let cpu = k("cpu-usage");
        assert!(cpu.breached);
        assert_eq!(cpu.change, Some(7.0 * 86_400.0), "{cpu:?}");
        assert_eq!(cpu.trend, Trend::Worse);
        let errors = k("api-error-rate");
        assert_eq!(
            (errors.current, errors.previous, errors.trend),
            (Some(0.01), Some(0.01), Trend::Same)
        );
        let rt_kpi = k("response-time");
        assert_eq!(
            (rt_kpi.current, rt_kpi.previous, rt_kpi.trend),
            (Some(0.25), None, Trend::Unknown)
        );
        assert!(rt_kpi.previous_note.as_deref().unwrap().starts_with("no data"), "{rt_kpi:?}");
        let events = k("security-events");
        assert_eq!((events.current, events.previous), (Some(1.0 / 7.0), Some(0.0)));
        assert_eq!(events.trend, Trend::Worse);
        let bad = k("failed-logins");
        assert!(bad.current.is_none() && bad.note.as_deref().unwrap().contains("parse error"));
        assert!(k("uptime").note.as_deref().unwrap().contains("add a service"));
        assert_eq!(report.prometheus.as_deref(), Some("local"));

        let md = render_markdown(&report);
        assert!(md.contains("**1 of 9 KPIs past their threshold, 5 unknown.**"), "{md}");
        let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| ")).collect();
        assert!(rows[1].starts_with("| CPU usage |") && rows[1].contains("**BREACHED**"), "{md}");
        assert!(rows[1].contains("▲ +604800.00 cores (worse)"), "{}", rows[1]);
        assert!(
            rows[5].starts_with("| Failed login attempts | unknown |")
                && rows[5].contains("parse error"),
            "{}",
            rows[5]
        );
        assert!(md.contains("Average response time: previous period unknown: no data"), "{md}");
        let html = render_html(&report);
        assert!(html.contains("<tr class=\"breached\"><td>CPU usage</td>"), "{html}");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("weekly.html");
        t.app.kpi_report_write(&report, "html", &path, false).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), html);
        let e = t.app.kpi_report_write(&report, "md", &path, false).unwrap_err();
        assert!(e.to_string().contains("weekly.html already exists"), "{e}");
        t.app.kpi_report_write(&report, "md", &path, true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), md);
        let subjects: Vec<String> =
            t.app.audit_log(5).unwrap().into_iter().map(|e| e.subject).collect();
        assert!(subjects.contains(&"kpi report 7d md".to_owned()), "{subjects:?}");
    });
}
