//! Vault operations with real keychain items.

use crate::TestApp;
use rampart_core::vault::Encoding;
use rampart_core::{CoreError, CredentialKind, ErrorKind, SecretString};

fn s(v: &str) -> SecretString {
    SecretString::new(v.into())
}

#[test]
fn add_reveal_rotate_rename_delete_round_trip_through_the_keychain() {
    let t = TestApp::new(1_700_000_000);
    let app = &t.app;
    let added = app
        .vault_add("sentry-token", CredentialKind::ApiToken, &s("tok-123"), vec!["prod".into()])
        .unwrap();
    assert_eq!(added.kind, CredentialKind::ApiToken);
    assert_eq!(app.vault_reveal("sentry-token").unwrap().expose(), "tok-123");
    let item = format!("credential:{}", added.id);
    assert!(app.keychain().contains(&item).unwrap());
    let other_namespace =
        rampart_core::Keychain::new(format!("{}-other", app.keychain().service()));
    assert!(!other_namespace.contains(&item).unwrap(), "the search is by namespace and item");
    assert!(!app.keychain().contains(&format!("{item}x")).unwrap(), "and by the whole item key");

    t.clock.advance(86_400 * 3);
    let rotated = app.vault_rotate("sentry-token", &s("tok-456")).unwrap();
    assert_eq!(rotated.created_at, added.created_at, "rotation keeps the creation date");
    assert_ne!(rotated.rotated_at, added.rotated_at);
    assert_eq!(app.vault_reveal(&added.id).unwrap().expose(), "tok-456");

    app.vault_rename("sentry-token", "sentry-api").unwrap();
    assert_eq!(app.vault_reveal("sentry-api").unwrap().expose(), "tok-456");
    assert_eq!(app.vault_search("api").unwrap().len(), 1);

    app.vault_delete("sentry-api").unwrap();
    assert!(app.vault_list().unwrap().is_empty());
    assert!(!app.keychain().contains(&format!("credential:{}", added.id)).unwrap());
    let err = app.vault_reveal("sentry-api").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[test]
fn a_name_in_use_is_a_conflict_and_the_first_value_survives() {
    let t = TestApp::new(1_700_000_000);
    t.app.vault_add("db", CredentialKind::Password, &s("first"), vec![]).unwrap();
    let err = t.app.vault_add("db", CredentialKind::Password, &s("second"), vec![]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.to_string().contains("already in use"), "{err}");
    assert_eq!(t.app.vault_reveal("db").unwrap().expose(), "first");
}

#[test]
fn an_oversize_secret_is_refused_and_nothing_is_stored() {
    let t = TestApp::new(1_700_000_000);
    let big = SecretString::new("x".repeat(70 * 1024));
    let err = t.app.vault_add("big", CredentialKind::Note, &big, vec![]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("at most"), "{err}");
    assert!(t.app.vault_list().unwrap().is_empty(), "no metadata row may be left behind");
}

#[test]
fn bad_names_and_shapes_are_explained() {
    let t = TestApp::new(1_700_000_000);
    let err = t.app.vault_add("has space", CredentialKind::Password, &s("v"), vec![]).unwrap_err();
    assert!(err.to_string().contains("not a valid name"), "{err}");
    let err = t.app.vault_add("hook", CredentialKind::WebhookUrl, &s("nope"), vec![]).unwrap_err();
    assert!(matches!(err, CoreError::InvalidInput(_)));
    assert!(!err.to_string().contains("nope"));
}

#[test]
fn generated_secrets_have_the_asked_length_and_land_in_the_keychain() {
    let t = TestApp::new(1_700_000_000);
    let (view, value) = t
        .app
        .vault_generate("jwt-secret", CredentialKind::EncryptionKey, 32, Encoding::Hex, true)
        .unwrap();
    let value = value.expect("asked to see the value");
    assert_eq!(value.expose().len(), 64);
    assert_eq!(t.app.audit_log(1).unwrap()[0].action, "reveal", "showing it once is a reveal");
    assert_eq!(t.app.vault_reveal(&view.id).unwrap().expose(), value.expose());
    let err = t
        .app
        .vault_generate("weak", CredentialKind::EncryptionKey, 4, Encoding::Hex, false)
        .unwrap_err();
    assert!(err.to_string().contains("between 16 and 1024"), "{err}");
}

#[test]
fn staleness_follows_the_rotate_after_setting() {
    let t = TestApp::new(1_700_000_000);
    t.app.vault_add("old", CredentialKind::Password, &s("v"), vec![]).unwrap();
    t.clock.advance(86_400 * 100);
    assert!(t.app.vault_list().unwrap()[0].stale);
    let mut settings = t.app.settings().unwrap();
    settings.rotate_after_days = 365;
    t.app.set_settings(settings).unwrap();
    let v = &t.app.vault_list().unwrap()[0];
    assert!(!v.stale);
    assert_eq!(v.age_days, 100);
}
