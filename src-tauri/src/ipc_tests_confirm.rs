//! The powerful commands through the real IPC path: with an app passphrase set they answer
//! `passphraseRequired` until it is sent again, `wrongPassword` for a wrong one, and run
//! with the right one; restoring into an empty directory needs no confirmation.

use crate::commands::handler;
use crate::ipc_tests::request;
use crate::state::Shared;
use rampart_core::{Config, CredentialKind, Keychain, Rampart, SecretString};
use serde_json::json;
use std::sync::Arc;
use tauri::test::{get_ipc_response, mock_builder};

#[test]
fn powerful_commands_ask_for_the_passphrase_again() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().to_owned(),
        keychain: Keychain::new(format!("rampart-ipc-confirm-{}", std::process::id())),
    };
    let rampart = Rampart::open(config).unwrap();
    let secret = SecretString::new("hunter2-but-longer".into());
    let id = rampart.vault_add("db", CredentialKind::Password, &secret, vec![]).unwrap().id;
    let passphrase = SecretString::new("a long passphrase".into());
    rampart.set_passphrase(None, Some(&passphrase)).unwrap();
    let shared = Arc::new(Shared::new(rampart, None));
    let app = mock_builder()
        .invoke_handler(handler())
        .manage(shared.clone())
        .build(tauri::generate_context!("tauri.conf.json"))
        .unwrap();
    let webview =
        tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    let invoke = |cmd: &str, body: serde_json::Value| {
        get_ipc_response(&webview, request(cmd, body))
            .map(|b| b.deserialize::<serde_json::Value>().unwrap())
    };

    invoke("lock_unlock", json!({"passphrase": "a long passphrase"})).unwrap();
    let err = invoke("vault_reveal", json!({"id": id})).unwrap_err();
    assert_eq!(err["kind"], "passphraseRequired", "{err}");
    assert_eq!(err["message"], "enter your app passphrase to confirm: reveal the secret db");
    let err = invoke("vault_reveal", json!({"id": id, "passphrase": "nope"})).unwrap_err();
    assert_eq!(err["kind"], "wrongPassword", "{err}");
    assert!(!err.to_string().contains("hunter2"), "{err}");
    let value = invoke("vault_reveal", json!({"id": id, "passphrase": "a long passphrase"}));
    assert_eq!(value.unwrap(), json!("hunter2-but-longer"));

    let err = invoke("backup_export_identity", json!({})).unwrap_err();
    assert_eq!(err["kind"], "passphraseRequired", "{err}");

    // Restoring over files asks first; into an empty directory it goes straight to the work
    // (which here fails because there is no such source).
    let occupied = tempfile::tempdir().unwrap();
    std::fs::write(occupied.path().join("keep.txt"), "data").unwrap();
    let empty = tempfile::tempdir().unwrap();
    let restore = |path: &std::path::Path| {
        json!({"source": "nope", "at": {"kind": "latest"}, "to": {"kind": "dir", "path": path},
               "identityFile": null, "onProgress": "__CHANNEL__:1"})
    };
    let err = invoke("backup_restore", restore(occupied.path())).unwrap_err();
    assert_eq!(err["kind"], "passphraseRequired", "{err}");
    assert!(err["message"].as_str().unwrap().contains("over the files in"), "{err}");
    let err = invoke("backup_restore", restore(empty.path())).unwrap_err();
    assert_eq!(err["kind"], "notFound", "{err}");

    let actions: Vec<(String, String)> = shared
        .background(|app| app.audit_log(20))
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.subject))
        .collect();
    assert!(
        actions.contains(&("failed-unlock".into(), "reveal the secret db".into())),
        "{actions:?}"
    );
    assert!(actions.contains(&("confirm-passphrase".into(), "reveal the secret db".into())));

    shared
        .background(|app| {
            app.set_passphrase(Some(&passphrase), None)?;
            app.vault_delete(&id)?;
            for item in [rampart_core::audit::KEY_ITEM, rampart_core::audit::ANCHOR_ITEM] {
                app.keychain().delete(item)?;
            }
            Ok(())
        })
        .unwrap();
}
