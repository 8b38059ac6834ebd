//! The app passphrase (Argon2id hash in the keychain), the idle lock and the audit chain.

use crate::TestApp;
use rampart_core::lock::AppLock;
use rampart_core::{CredentialKind, ErrorKind, SecretString};

fn s(v: &str) -> SecretString {
    SecretString::new(v.into())
}

#[test]
fn passphrase_unlocks_and_a_wrong_one_is_refused_and_audited() {
    let t = TestApp::new(1_000);
    let err = t.app.set_passphrase(None, Some(&s("short"))).unwrap_err();
    assert!(err.to_string().contains("at least 8"), "{err}");
    t.app.set_passphrase(None, Some(&s("a long passphrase"))).unwrap();
    let mut lock = AppLock::new(t.app.has_passphrase().unwrap(), t.app.now());
    assert!(lock.is_locked());

    let err = t.app.unlock(&mut lock, &s("not it at all")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WrongPassword);
    assert!(lock.is_locked());
    assert_eq!(t.app.audit_log(1).unwrap()[0].action, "failed-unlock");

    t.app.unlock(&mut lock, &s("a long passphrase")).unwrap();
    assert!(!lock.is_locked());

    let err = t.app.set_passphrase(Some(&s("wrong current")), None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WrongPassword);
    t.app.set_passphrase(Some(&s("a long passphrase")), None).unwrap();
    assert!(!t.app.has_passphrase().unwrap());
}

#[test]
fn every_sensitive_action_is_in_an_intact_chain() {
    let t = TestApp::new(1_000);
    t.app.vault_add("k", CredentialKind::Password, &s("v"), vec![]).unwrap();
    t.app.vault_reveal("k").unwrap();
    t.app.vault_value_for_copy("k").unwrap();
    t.app.vault_rotate("k", &s("w")).unwrap();
    t.app.vault_delete("k").unwrap();
    let actions: Vec<_> =
        t.app.audit_log(10).unwrap().into_iter().rev().map(|e| e.action).collect();
    assert_eq!(actions, ["add", "reveal", "copy", "rotate", "delete"]);
    let report = t.app.audit_verify().unwrap();
    assert!(report.ok && report.entries == 5, "{report:?}");
    let subjects = serde_json::to_string(&t.app.audit_log(10).unwrap()).unwrap();
    assert!(!subjects.contains("\"v\"") && !subjects.contains("\"w\""), "no values in the log");
}
