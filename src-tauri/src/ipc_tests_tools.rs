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
