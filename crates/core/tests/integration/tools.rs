//! The responder's tools with keys from a real keychain: every key use is audited by name and
//! tool (never the data), keys never appear in results or errors, and a batch that does not
//! fully decrypt gives nothing.

use crate::TestApp;
use rampart_core::tools::{self, JwtProfile, Layout};
use rampart_core::{CredentialKind, ErrorKind, SecretString};

const NOW: i64 = 1_800_000_000;
const KEY: &str = "8c1f0e2d3b4a59687766554433221100ffeeddccbbaa99887766554433221100";
const NEW_KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const JWT_SECRET: &str = "b6f1c2e9a4d7085f3e2c1b0a9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c";

fn app_with_keys() -> TestApp {
    let t = TestApp::new(NOW);
    for (name, value) in [("prod-key", KEY), ("new-key", NEW_KEY), ("jwt", JWT_SECRET)] {
        t.app
            .vault_add(
                name,
                CredentialKind::EncryptionKey,
                &SecretString::new(value.into()),
                vec![],
            )
            .unwrap();
    }
    t.app
        .vault_add(
            "not-hex",
            CredentialKind::Password,
            &SecretString::new("hunter2".into()),
            vec![],
        )
        .unwrap();
    t
}

fn audit_subjects(t: &TestApp, action: &str) -> Vec<String> {
    let log = t.app.audit_log(100).unwrap();
    log.into_iter().filter(|e| e.action == action).map(|e| e.subject).rev().collect()
}

#[test]
fn fields_round_trip_rotate_and_every_key_use_is_audited() {
    let t = app_with_keys();
    let sealed = t.app.field_encrypt("prod-key", "{\"ssn\":\"078-05-1120\"}\n[1]\n", true).unwrap();
    assert_eq!((sealed.layout, sealed.count), (Layout::Lines, 2));
    assert!(!sealed.text.contains(KEY) && !sealed.text.contains("078-05"));

    let opened = t.app.field_decrypt("prod-key", &sealed.text).unwrap();
    assert_eq!(opened.values[0]["ssn"], "078-05-1120");

    let rotated = t.app.field_rotate("prod-key", "new-key", &sealed.text).unwrap();
    assert_eq!(rotated.count, 2);
    let e = t.app.field_decrypt("prod-key", &rotated.text).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().starts_with("line 1: the auth tag does not match"), "{e}");
    assert_eq!(t.app.field_decrypt("new-key", &rotated.text).unwrap().values, opened.values);

    assert_eq!(
        audit_subjects(&t, "use-key"),
        [
            "vault:prod-key by field-encrypt",
            "vault:prod-key by field-decrypt",
            "vault:prod-key by field-rotate",
            "vault:new-key by field-rotate",
            "vault:prod-key by field-decrypt",
            "vault:new-key by field-decrypt",
        ]
    );
    let log = serde_json::to_string(&t.app.audit_log(100).unwrap()).unwrap();
    assert!(!log.contains("078-05") && !log.contains(KEY));
    assert!(t.app.audit_verify().unwrap().ok);
}

#[test]
fn bad_keys_and_inputs_say_what_to_do_and_quote_no_secret() {
    let t = app_with_keys();
    let e = t.app.field_encrypt("not-hex", "1", false).unwrap_err();
    assert!(e.to_string().starts_with("the vault item \"not-hex\": the key has 7 characters"));
    assert!(!e.to_string().contains("hunter2"));
    let e = t.app.field_decrypt("missing", "{\"iv\":\"00\",\"data\":\"\",\"authTag\":\"00\"}");
    assert_eq!(e.unwrap_err().kind(), ErrorKind::NotFound);
    let e = t.app.field_rotate(
        "prod-key",
        "prod-key",
        "{\"iv\":\"00\",\"data\":\"\",\"authTag\":\"00\"}",
    );
    assert!(e.unwrap_err().to_string().contains("the same vault item"));
    let before = audit_subjects(&t, "use-key").len();
    let e = t.app.jwt_verify("not a token", "jwt", &JwtProfile::guide()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(audit_subjects(&t, "use-key").len(), before, "no key read for a malformed token");
}

#[test]
fn tokens_signed_with_a_vault_secret_verify_against_the_guides_profile() {
    let t = app_with_keys();
    let claims = r#"{"sub":"42","iss":"alawael-api","aud":"alawael-users"}"#;
    let signed = t.app.jwt_sign("jwt", "HS256", claims, Some("15m")).unwrap();
    assert_eq!(signed.decoded.expires_in_seconds, Some(900));
    let report = t.app.jwt_verify(&signed.token, "jwt", &JwtProfile::guide()).unwrap();
    assert!(report.valid, "{:?}", report.checks);
    let report = t.app.jwt_verify(&signed.token, "new-key", &JwtProfile::guide()).unwrap();
    assert!(!report.valid);
    t.clock.advance(901);
    let later = t.app.jwt_verify(&signed.token, "jwt", &JwtProfile::guide()).unwrap();
    assert_eq!(later.checks.iter().filter(|c| !c.ok).map(|c| c.name).collect::<Vec<_>>(), ["exp"]);
    assert_eq!(t.app.jwt_decode(&signed.token).unwrap().expires_in_seconds, Some(-1));
    let e = t.app.jwt_sign("jwt", "HS256", claims, Some("forever")).unwrap_err();
    assert!(e.to_string().contains("15m, 1h, 7d"));
    assert_eq!(
        audit_subjects(&t, "use-key"),
        [
            "vault:jwt by jwt-sign",
            "vault:jwt by jwt-verify",
            "vault:new-key by jwt-verify",
            "vault:jwt by jwt-verify"
        ]
    );
    let check = tools::hash_check(
        "$2b$04$abcdefghijklmnopqrstuu5Ud6e0Ihl8JhZ7Xq4yJvYlE0h.c8yWm",
        &SecretString::new("x".into()),
    );
    assert!(check.is_ok_and(|c| !c.matches && !c.info.meets_minimum));
}
