//! The Tools page's IPC payloads (core's tool results) against ui/src/lib/ipc/types.ts, built
//! from real results; the shared field readers live in [`crate::ipc_tests`].

use crate::ipc_tests::{json_fields, ts_fields};
use rampart_core::{Config, Keychain, Rampart};

/// The Tools page's payloads (core's tool results) against types.ts, from real results.
#[test]
fn every_tools_payload_has_exactly_the_fields_the_ui_contract_names() {
    use rampart_core::tools::*;
    let dir = tempfile::tempdir().unwrap();
    let config = Config { data_dir: dir.path().to_owned(), keychain: Keychain::new("unused") };
    let app = Rampart::open(config).unwrap();
    // {"alg":"HS256"}.{"sub":"1","iat":1,"exp":2}
    let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwiaWF0IjoxLCJleHAiOjJ9.c2ln";
    let decoded = app.jwt_decode(token).unwrap();
    let check = JwtCheck { name: "exp", ok: false, detail: "d".into() };
    let report = JwtReport {
        valid: false,
        decoded: decoded.clone(),
        checks: vec![check.clone()],
        secret_warnings: vec![],
    };
    let signed = JwtSigned { token: token.into(), decoded: decoded.clone() };
    let info =
        hash_inspect("$2b$10$abcdefghijklmnopqrstuu5Ud6e0Ihl8JhZ7Xq4yJvYlE0h.c8yWm").unwrap();
    let hash_check = HashCheck { matches: false, info: info.clone() };
    let decrypted = FieldDecrypted {
        layout: Layout::Lines,
        values: vec![serde_json::json!(1)],
        text: "1".into(),
    };
    let encrypted = FieldEncrypted { layout: Layout::Single, count: 1, text: "{}".into() };
    let checks = [
        ("JwtDecoded", json_fields(&decoded)),
        ("JwtTime", json_fields(&decoded.times[0])),
        ("JwtCheck", json_fields(&check)),
        ("JwtVerifyReport", json_fields(&report)),
        ("JwtSigned", json_fields(&signed)),
        ("HashInfo", json_fields(&info)),
        ("HashCheck", json_fields(&hash_check)),
        ("FieldDecryptResult", json_fields(&decrypted)),
        ("FieldEncryptResult", json_fields(&encrypted)),
        ("FieldRotateResult", json_fields(&encrypted)),
    ];
    for (name, rust) in checks {
        assert_eq!(rust, ts_fields(name), "{name}: Rust payload and types.ts drifted");
    }
    assert_eq!(serde_json::to_value(Layout::Array).unwrap(), "array");
    assert_eq!(decoded.times[0].claim, "exp");
}

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
    assert_eq!(serde_json::to_value(cpu.def.source).unwrap(), "prometheus");
    assert_eq!(serde_json::to_value(&series).unwrap()["points"], serde_json::json!([[1.0, 2.0]]));
}

/// The incident payloads against types.ts, from a real incident with a note and a link.
#[test]
fn every_incident_payload_has_exactly_the_fields_the_ui_contract_names() {
    use rampart_core::incidents::{NewIncident, Origin, Priority};
    // Opening an incident is audited: this needs the test keyring (tests/support/with-keyring.sh).
    let dir = tempfile::tempdir().unwrap();
    let service = format!("rampart-ipc-incidents-{}", std::process::id());
    let config = Config { data_dir: dir.path().to_owned(), keychain: Keychain::new(service) };
    let app = Rampart::open(config).unwrap();
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
    assert_eq!(serde_json::to_value(view.status).unwrap(), "investigating");
    assert_eq!(serde_json::to_value(view.severity).unwrap(), "P1");
}
