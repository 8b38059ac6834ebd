//! IPC contract tests through Tauri's mock runtime with the real context (ACL included):
//! the command list matches the UI contract and the capability file, granted commands answer
//! with the documented shapes, and what is not granted (e.g. reading the clipboard from the
//! webview) is refused.

use crate::commands::{COMMANDS, handler};
use crate::state::Shared;
use rampart_core::{Config, Keychain, Rampart};
use std::sync::Arc;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;

fn ui_contract_commands() -> Vec<String> {
    let types = include_str!("../../ui/src/lib/ipc/types.ts");
    let body = types.split("export interface Commands {").nth(1).expect("Commands interface");
    let body = body.split("\n}").next().unwrap();
    body.lines()
        .filter_map(|l| l.strip_prefix("  ").and_then(|l| l.split_once(": {")).map(|(k, _)| k))
        .filter(|k| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_command_list_matches_the_ui_contract_and_the_capability_file() {
    let mut ours: Vec<_> = COMMANDS.iter().map(|c| c.to_string()).collect();
    let mut theirs = ui_contract_commands();
    ours.sort();
    theirs.sort();
    assert_eq!(ours, theirs, "src-tauri COMMANDS and ui/src/lib/ipc/types.ts Commands drifted");
    let capability = include_str!("../capabilities/main.json");
    for c in COMMANDS {
        let grant = format!("\"allow-{}\"", c.replace('_', "-"));
        assert!(capability.contains(&grant), "capabilities/main.json does not grant {c}");
    }
}

fn request(cmd: &str, body: serde_json::Value) -> InvokeRequest {
    InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    }
}

#[test]
fn granted_commands_answer_and_ungranted_ones_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().to_owned(),
        keychain: Keychain::new(format!("rampart-ipc-test-{}", std::process::id())),
    };
    let shared = Arc::new(Shared::new(Rampart::open(config).unwrap(), None));
    let app = mock_builder()
        .invoke_handler(handler())
        .manage(shared)
        .build(tauri::generate_context!("tauri.conf.json"))
        .unwrap();
    let webview =
        tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();

    let state = get_ipc_response(&webview, request("lock_state", serde_json::json!({})))
        .map(|b| b.deserialize::<serde_json::Value>().unwrap())
        .expect("lock_state is granted");
    assert_eq!(
        state,
        serde_json::json!({"locked": false, "hasPassphrase": false, "idleMinutes": 15})
    );

    let codes = get_ipc_response(&webview, request("otp_codes", serde_json::json!({})))
        .map(|b| b.deserialize::<serde_json::Value>().unwrap())
        .unwrap();
    assert_eq!(codes, serde_json::json!([]));

    let err =
        get_ipc_response(&webview, request("vault_reveal", serde_json::json!({"id": "nope"})))
            .expect_err("an unknown credential is an error");
    assert_eq!(err["kind"], "notFound", "{err}");
    assert!(err["message"].as_str().unwrap().contains("no credential"), "{err}");

    let refused = get_ipc_response(
        &webview,
        request("plugin:clipboard-manager|read_text", serde_json::json!({})),
    )
    .expect_err("the webview may not read the clipboard");
    assert!(refused.to_string().contains("not allowed"), "{refused}");
}

/// The field names of `interface NAME { ... }` in the UI contract.
fn ts_fields(name: &str) -> std::collections::BTreeSet<String> {
    let types = include_str!("../../ui/src/lib/ipc/types.ts");
    let body = types
        .split(&format!("export interface {name} {{"))
        .nth(1)
        .unwrap_or_else(|| panic!("no interface {name} in types.ts"));
    let body = body.split("\n}").next().unwrap();
    body.lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| !l.starts_with(' ') && !l.starts_with('/') && !l.starts_with('*'))
        .filter_map(|l| l.split_once(':').map(|(k, _)| k.trim_end_matches('?').to_owned()))
        .collect()
}

fn json_fields(value: impl serde::Serialize) -> std::collections::BTreeSet<String> {
    match serde_json::to_value(value).unwrap() {
        serde_json::Value::Object(map) => map.keys().cloned().collect(),
        other => panic!("not an object: {other}"),
    }
}

#[test]
fn every_payload_has_exactly_the_fields_the_ui_contract_names() {
    use rampart_core::views::*;
    let code = CodeView {
        id: "i".into(),
        issuer: "I".into(),
        account: "a".into(),
        kind: rampart_core::otp::OtpKind::Totp,
        code: "123456".into(),
        next_code: None,
        period: 30,
        valid_until: 0,
        digits: 6,
        counter: None,
        pinned: false,
    };
    let credential = CredentialView {
        id: "i".into(),
        name: "n".into(),
        kind: rampart_core::CredentialKind::Note,
        tags: vec![],
        created_at: "t".into(),
        rotated_at: "t".into(),
        age_days: 0,
        stale: false,
    };
    let entry = ImportEntry { label: "l".into(), status: ImportStatus::Imported, reason: None };
    let draft = crate::commands::otp::EnrollDraftView {
        draft_id: "d".into(),
        issuer: "I".into(),
        account: "a".into(),
        otpauth_uri: "u".into(),
        qr_svg: "s".into(),
        expires_at: 0,
    };
    let checks = [
        ("CodeView", json_fields(&code)),
        ("CredentialView", json_fields(&credential)),
        ("ImportEntry", json_fields(&entry)),
        (
            "ImportReport",
            json_fields(ImportReport { format: "f".into(), entries: vec![entry.clone()] }),
        ),
        ("EnrollDraft", json_fields(&draft)),
        ("VerifyResult", json_fields(VerifyResult { valid: true, offset: Some(0) })),
        ("CopyResult", json_fields(crate::commands::CopyResult { clears_in_seconds: 20 })),
        (
            "ExportResult",
            json_fields(crate::commands::otp::ExportResult { path: None, accounts: 0 }),
        ),
        (
            "GenerateResult",
            json_fields(crate::commands::vault::GenerateResult {
                credential,
                revealed_value: None,
            }),
        ),
        (
            "LockState",
            json_fields(rampart_core::lock::LockState {
                locked: false,
                has_passphrase: false,
                idle_minutes: 15,
            }),
        ),
        ("Settings", json_fields(rampart_core::settings::Settings::default())),
        (
            "AuditEntry",
            json_fields(AuditView {
                seq: 1,
                at: "t".into(),
                action: "a".into(),
                subject: "s".into(),
                hash: "h".into(),
            }),
        ),
        (
            "AuditVerify",
            json_fields(rampart_core::ChainReport {
                ok: true,
                entries: 0,
                first_broken: None,
                reason: None,
            }),
        ),
        ("IpcError", json_fields(crate::error::IpcError::from(rampart_core::CoreError::Locked))),
    ];
    for (name, rust) in checks {
        assert_eq!(
            rust,
            ts_fields(name),
            "{name}: Rust payload and ui/src/lib/ipc/types.ts drifted"
        );
    }
}
