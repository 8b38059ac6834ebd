//! IPC contract tests through Tauri's mock runtime with the real context (ACL included):
//! the command list matches the UI contract and the capability file, granted commands answer
//! with the documented shapes, and what is not granted (e.g. reading the clipboard from the
//! webview) is refused. The payload types themselves are generated (see `ipc_export`).

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
fn the_command_list_matches_the_handler_the_ui_contract_and_the_capability_file() {
    let mut ours: Vec<_> = COMMANDS.iter().map(|c| c.to_string()).collect();
    ours.sort();
    let mut theirs = ui_contract_commands();
    theirs.sort();
    assert_eq!(ours, theirs, "src-tauri COMMANDS and ui/src/lib/ipc/types.ts Commands drifted");
    // The capability grants exactly the app's commands (plugins' permissions have a `:`).
    let capability: serde_json::Value =
        serde_json::from_str(include_str!("../capabilities/main.json")).unwrap();
    let mut granted: Vec<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .filter(|p| !p.contains(':'))
        .map(|p| p.strip_prefix("allow-").expect("an allow- permission").replace('-', "_"))
        .collect();
    granted.sort();
    assert_eq!(ours, granted, "capabilities/main.json does not grant exactly COMMANDS");
    // generate_handler! registers exactly COMMANDS.
    let source = include_str!("commands/mod.rs");
    let list = source.split("generate_handler![").nth(1).expect("generate_handler!");
    let mut handled: Vec<String> = list
        .split(']')
        .next()
        .unwrap()
        .split(',')
        .map(|path| path.trim().rsplit("::").next().unwrap().to_owned())
        .filter(|name| !name.is_empty())
        .collect();
    handled.sort();
    assert_eq!(
        ours, handled,
        "generate_handler! in commands/mod.rs does not list exactly COMMANDS"
    );
}

pub(crate) fn request(cmd: &str, body: serde_json::Value) -> InvokeRequest {
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
