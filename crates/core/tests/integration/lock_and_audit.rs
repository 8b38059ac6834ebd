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

#[test]
fn repeated_wrong_passphrases_are_spaced_out_and_confirmations_audited() {
    let t = TestApp::new(1_000);
    t.app.set_passphrase(None, Some(&s("a long passphrase"))).unwrap();
    let mut lock = AppLock::new(true, t.app.now());
    for _ in 0..4 {
        t.app.unlock(&mut lock, &s("guess")).unwrap_err();
    }
    // The fifth attempt inside the back-off is refused before the passphrase is checked:
    // even the right one does not unlock until the wait is over.
    let err = t.app.unlock(&mut lock, &s("a long passphrase")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WrongPassword);
    assert!(err.to_string().contains("wait 5 s"), "{err}");
    assert!(lock.is_locked());
    t.clock.advance(5);
    t.app.unlock(&mut lock, &s("a long passphrase")).unwrap();
    assert!(!lock.is_locked());

    // Confirming a powerful action: missing and wrong passphrases are refused and audited
    // with what was about to happen; the right one passes and is audited too.
    let subject = "restore db-main into /srv/db";
    let err = t.app.confirm_passphrase(&mut lock, None, subject).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PassphraseRequired);
    assert_eq!(err.to_string(), format!("enter your app passphrase to confirm: {subject}"));
    let err = t.app.confirm_passphrase(&mut lock, Some(&s("nope")), subject).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WrongPassword);
    let last = &t.app.audit_log(1).unwrap()[0];
    assert_eq!((last.action.as_str(), last.subject.as_str()), ("failed-unlock", subject));
    t.app.confirm_passphrase(&mut lock, Some(&s("a long passphrase")), subject).unwrap();
    let last = &t.app.audit_log(1).unwrap()[0];
    assert_eq!((last.action.as_str(), last.subject.as_str()), ("confirm-passphrase", subject));

    // A changed passphrase from the running app goes through the same back-off.
    for _ in 0..4 {
        t.app.change_passphrase(&mut lock, Some(&s("guess")), None).unwrap_err();
    }
    let err = t.app.change_passphrase(&mut lock, Some(&s("a long passphrase")), None).unwrap_err();
    assert!(err.to_string().contains("wait"), "{err}");
    assert!(t.app.has_passphrase().unwrap());
}

#[test]
fn confirming_without_a_passphrase_set_passes_silently() {
    let t = TestApp::new(1_000);
    let mut lock = AppLock::new(false, t.app.now());
    t.app.confirm_passphrase(&mut lock, None, "reveal k").unwrap();
    assert!(t.app.audit_log(1).unwrap().is_empty(), "nothing to audit without a passphrase");
}
