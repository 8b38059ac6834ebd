//! Bearer credentials (a Sentry token, a Slack webhook URL) go only over https, or plain http to
//! a loopback test server; the refusal names the source or vault item, never the URL.

use crate::TestApp;
use rampart_core::feeds::FeedsSettings;
use rampart_core::{CredentialKind, ErrorKind, SecretString};

#[test]
fn a_sentry_token_is_not_sent_over_plain_http() {
    let t = TestApp::new(1_800_000_000);
    let token = SecretString::new("sntrys_transport_test_token".into());
    t.app.vault_add("sentry-token", CredentialKind::ApiToken, &token, vec![]).unwrap();
    let e = t
        .app
        .sentry_add("acme/api", "sentry-token", Some("http://sentry.example.com"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("only over https"), "{e}");
    assert!(t.app.sources().unwrap().is_empty(), "nothing was stored");
    t.app.sentry_add("acme/local", "sentry-token", Some("http://127.0.0.1:9")).unwrap();
    t.app.sentry_add("acme/cloud", "sentry-token", None).unwrap();
    assert_eq!(t.app.sources().unwrap().len(), 2);
}

#[test]
fn a_slack_webhook_over_plain_http_is_refused_without_quoting_it() {
    let t = TestApp::new(1_800_000_000);
    let hook = SecretString::new("http://hooks.example.com/services/T0/B0/TransportCanary".into());
    t.app.vault_add("slack", CredentialKind::WebhookUrl, &hook, vec![]).unwrap();
    let settings = FeedsSettings { slack_webhook_from: Some("slack".into()), ..Default::default() };
    t.app.set_feeds_settings(settings).unwrap();
    let Err(e) = t.app.slack_test_message() else { panic!("an http webhook must be refused") };
    assert!(
        e.to_string().contains("vault item \"slack\"") && e.to_string().contains("https"),
        "{e}"
    );
    assert!(!e.to_string().contains("TransportCanary") && !e.to_string().contains("hooks.example"));

    let local = SecretString::new("http://127.0.0.1:9/services/T0/B0/x".into());
    t.app.vault_rotate("slack", &local).unwrap();
    assert!(t.app.slack_test_message().is_ok(), "a loopback test server is allowed");
}
