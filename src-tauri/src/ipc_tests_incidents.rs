//! The Incidents page's IPC payloads (core's incident views and timeline) against
//! ui/src/lib/ipc/types.ts; the shared field readers live in [`crate::ipc_tests`].

use crate::ipc_tests::{json_fields, ts_fields};
use rampart_core::{Config, Keychain, Rampart};

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
