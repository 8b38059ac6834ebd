//! The KPI dashboard's IPC payloads (core's KPI report and PromQL series) against
//! ui/src/lib/ipc/types.ts; the shared field readers live in [`crate::ipc_tests`].

use crate::ipc_tests::{json_fields, ts_fields};
use rampart_core::{Config, Keychain, Rampart};

/// The KPI dashboard's payloads against types.ts, from a real plan (no Prometheus: every
/// Prometheus KPI carries its note).
#[test]
fn every_kpi_payload_has_exactly_the_fields_the_ui_contract_names() {
    use rampart_core::kpi::{KpiRange, Series};
    let dir = tempfile::tempdir().unwrap();
    let config = Config { data_dir: dir.path().to_owned(), keychain: Keychain::new("unused") };
    let app = Rampart::open(config).unwrap();
    let client = rampart_core::feeds::reqwest::Client::new();
    let plan = app.kpi_plan(&client, KpiRange::Week, None).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let report = rt.block_on(plan.run());
    let cpu = report.kpis.iter().find(|k| k.def.id == "cpu-usage").unwrap();
    let series = Series { labels: Default::default(), points: vec![(1.0, 2.0)] };
    let checks = [
        ("KpiReport", json_fields(&report)),
        ("KpiValue", json_fields(cpu)),
        ("KpiThreshold", json_fields(cpu.def.threshold.unwrap())),
        ("PromSeries", json_fields(&series)),
    ];
    for (name, rust) in checks {
        assert_eq!(rust, ts_fields(name), "{name}: Rust payload and types.ts drifted");
    }
    assert_eq!(serde_json::to_value(report.range).unwrap(), "7d");
    for range in [KpiRange::Day, KpiRange::Week, KpiRange::Month] {
        assert_eq!(serde_json::to_value(range).unwrap(), range.as_str());
        assert_eq!(KpiRange::parse(range.as_str()).unwrap(), range);
    }
    assert_eq!(serde_json::to_value(cpu.def.source).unwrap(), "prometheus");
    assert_eq!(serde_json::to_value(&series).unwrap()["points"], serde_json::json!([[1.0, 2.0]]));
}
