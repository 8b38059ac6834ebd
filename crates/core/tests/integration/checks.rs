//! The checklist service against a real Secret Service: targets stored and audited,
//! attestations (refused for unknown ids, expiring into unknown), and the items Rampart's own
//! records prove (backup schedule, runs, drills and encryption, vault rotation, the audit chain,
//! the Slack webhook).

use crate::TestApp;
use rampart_core::backups::{RunOutcome, SourceSpec, SourceWhat, TargetSpec, Trigger};
use rampart_core::checks::{Report, Status, Target};
use rampart_core::{CredentialKind, ErrorKind, SecretString, backups::DrillView};

const NOW: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const DAY: i64 = 86_400;

fn repo_target(t: &TestApp, name: &str, links: &[&str]) -> Target {
    Target {
        name: name.into(),
        repo: Some(t.dir.path().to_owned()),
        links: links.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn run(t: &TestApp, name: &str, only: &[&str]) -> Report {
    let only: Vec<String> = only.iter().map(|s| s.to_string()).collect();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(t.app.check_run(name, &only, false)).unwrap()
}

fn item<'a>(r: &'a Report, id: &str) -> &'a rampart_core::checks::ItemResult {
    r.items.iter().find(|i| i.id == id).unwrap_or_else(|| panic!("{id} missing"))
}

#[test]
fn targets_are_stored_validated_and_removed_with_their_attestations_audited() {
    let t = TestApp::new(NOW);
    let app = &t.app;
    let target = Target {
        name: "staging".into(),
        url: Some("https://api.example.com".into()),
        paths: vec!["/api/users".into()],
        databases: vec!["redis://10.0.0.5".into()],
        ..Default::default()
    };
    let view = app.check_target_add(&target).unwrap();
    assert_eq!(view.target.url.as_deref(), Some("https://api.example.com"));
    assert_eq!(view.created_at, "2026-01-01T00:00:00Z");
    let e = app.check_target_add(&target).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    let bad = Target { name: "x".into(), url: Some("ftp://h".into()), ..Default::default() };
    assert!(app.check_target_add(&bad).unwrap_err().to_string().contains("must be http"));
    let unlinked = Target { links: vec!["nope".into()], ..repo_target(&t, "y", &[]) };
    let e = app.check_target_add(&unlinked).unwrap_err();
    assert!(e.to_string().contains("\"nope\" names no backup source"), "{e}");

    let expires = rampart_core::checks::parse_expiry("90d", NOW).unwrap();
    let e = app.check_attest("staging", "auth.nope", "n", "ana", expires).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("valid ids: auth.jwt-secret, auth.password-hashing"), "{e}");
    let e = app.check_attest("prod", "code.review", "n", "ana", expires).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(app.check_attest("staging", "code.review", " ", "ana", expires).is_err());

    let a = app.check_attest("staging", "code.review", "PR #42 reviewed", "ana", expires).unwrap();
    assert_eq!((a.by.as_str(), a.expires.as_deref()), ("ana", Some("2026-04-01T00:00:00Z")));
    let last = &app.audit_log(1).unwrap()[0];
    assert_eq!(last.action, "attest");
    assert_eq!(last.subject, "check-target:staging code.review by ana until 2026-04-01T00:00:00Z");
    app.check_attest("staging", "code.review", "PR #43 too", "bo", expires).unwrap();
    let list = app.check_target("staging").unwrap().attestations;
    assert_eq!(list.len(), 1, "attesting again replaces");
    assert_eq!((list[0].note.as_str(), list[0].expired), ("PR #43 too", false));
    t.clock.advance(91 * DAY);
    assert!(app.check_target("staging").unwrap().attestations[0].expired);

    app.check_unattest("staging", "code.review").unwrap();
    assert_eq!(app.audit_log(1).unwrap()[0].action, "unattest");
    let e = app.check_unattest("staging", "code.review").unwrap_err();
    assert!(e.to_string().contains("is not attested for staging"), "{e}");

    app.check_attest("staging", "compliance.gdpr", "DPA signed", "ana", NOW + 200 * DAY).unwrap();
    app.check_target_remove("staging").unwrap();
    assert!(app.check_targets().unwrap().is_empty());
    assert_eq!(app.audit_log(1).unwrap()[0].subject, "check-target:staging");
    let e = app.check_target_remove("staging").unwrap_err();
    assert!(e.to_string().contains("no check target named \"staging\""), "{e}");
}

#[test]
fn a_run_applies_attestations_until_they_expire_and_is_audited() {
    let t = TestApp::new(NOW);
    t.app.check_target_add(&repo_target(&t, "svc", &[])).unwrap();
    t.app.check_attest("svc", "compliance.gdpr", "DPA signed", "ana", NOW + 30 * DAY).unwrap();
    let r = run(&t, "svc", &["compliance"]);
    let gdpr = item(&r, "compliance.gdpr");
    assert_eq!(gdpr.status.name(), "attested");
    assert_eq!(gdpr.summary, "attested by ana on 2026-01-01, expires 2026-01-31: DPA signed");
    assert_eq!(item(&r, "compliance.terms").status.name(), "unknown");
    let last = &t.app.audit_log(1).unwrap()[0];
    assert_eq!(last.action, "check");
    assert_eq!(last.subject, "check-target:svc run: unknown 3, attested 1");

    t.clock.advance(31 * DAY);
    let r = run(&t, "svc", &["compliance.gdpr"]);
    let Status::Unknown { reason } = &item(&r, "compliance.gdpr").status else { panic!() };
    assert!(reason.starts_with("attestation expired on 2026-01-31"), "{reason}");
}

fn add_backup_source(t: &TestApp) {
    let app = &t.app;
    let public = app.backup_keygen().unwrap();
    for name in ["k", "s"] {
        let v = SecretString::new("not-a-real-key-0123456789".into());
        app.vault_add(name, CredentialKind::Password, &v, vec![]).unwrap();
    }
    app.backup_target_add(&TargetSpec {
        name: "g".into(),
        endpoint: Some("http://127.0.0.1:9".into()),
        region: "garage".into(),
        bucket: "b".into(),
        prefix: String::new(),
        path_style: true,
        access_key_from: "k".into(),
        secret_key_from: "s".into(),
        storage_class: None,
    })
    .unwrap();
    let src = t.dir.path().join("data");
    std::fs::create_dir_all(&src).unwrap();
    app.backup_source_add(&SourceSpec {
        name: "db".into(),
        what: SourceWhat::Dir { path: src, excludes: vec![] },
        env: vec![],
        target: "g".into(),
        recipients: vec![public],
        schedule: Some("0 3 * * *".into()),
        retention: rampart_core::backups::RetentionSpec { keep_daily: 7, ..Default::default() },
    })
    .unwrap();
}

fn ok_run(t: &TestApp, started: i64) {
    let manifest = serde_json::from_value(serde_json::json!({
        "id": "20260101T000000Z-ab12", "source": "db", "kind": "directory",
        "object": "db/x.tar.zst.age", "started": "2025-12-31T23:00:00Z",
        "finished": "2025-12-31T23:00:05Z", "plaintextSize": 10, "ciphertextSize": 99,
        "plaintextSha256": "00", "ciphertextSha256": "00", "recipients": ["age1x"],
    }))
    .unwrap();
    let outcome = RunOutcome {
        source: "db".into(),
        trigger: Trigger::Schedule,
        started_at: started,
        finished_at: started + 5,
        result: Ok(manifest),
        bytes_in: 10,
        bytes_out: 99,
    };
    t.app.backup_record_run(&outcome).unwrap();
}

#[test]
fn rampart_records_prove_backups_rotation_the_audit_chain_and_slack() {
    let t = TestApp::new(NOW);
    add_backup_source(&t);
    let v = SecretString::new("sk_live_0123456789abcdef".into());
    t.app.vault_add("stripe", CredentialKind::ApiToken, &v, vec!["svc".into()]).unwrap();
    t.app.check_target_add(&repo_target(&t, "svc", &["db"])).unwrap();
    let only = ["backup", "database.backups-encrypted", "api.keys-rotated", "monitoring"];

    let r = run(&t, "svc", &only);
    assert_eq!(item(&r, "backup.strategy").status, Status::Pass);
    assert_eq!(item(&r, "backup.encryption").status, Status::Pass);
    assert_eq!(item(&r, "database.backups-encrypted").status, Status::Pass);
    let automated = item(&r, "backup.automated");
    assert_eq!(automated.status, Status::Fail);
    assert!(automated.summary.contains("no successful run yet"), "{}", automated.summary);
    let tested = item(&r, "backup.recovery-tested");
    assert_eq!(tested.status, Status::Fail);
    assert!(tested.summary.contains("never drilled"), "{}", tested.summary);
    assert_eq!(item(&r, "api.keys-rotated").status, Status::Pass);
    assert_eq!(item(&r, "monitoring.audit-logs").status, Status::Pass);
    assert!(item(&r, "monitoring.audit-logs").summary.contains("verified"));
    let Status::Unknown { reason } = &item(&r, "monitoring.notifications").status else { panic!() };
    assert!(reason.contains("no Slack webhook"), "{reason}");
    assert_eq!(item(&r, "monitoring.alert-rules").status.name(), "unknown", "no Prometheus linked");

    // A run an hour ago is on schedule (next due 03:00); a drill today proves recovery.
    ok_run(&t, NOW - 3600);
    let drill = DrillView {
        source: "db".into(),
        backup_id: Some("20260101T000000Z-ab12".into()),
        at: NOW,
        ok: true,
        message: "restored 1 files".into(),
    };
    t.app.backup_record_drill(&drill).unwrap();
    let hook = SecretString::new("https://hooks.slack.com/services/T0/B0/x".into());
    t.app.vault_add("hook", CredentialKind::WebhookUrl, &hook, vec![]).unwrap();
    t.app.set_slack_webhook(Some("hook")).unwrap();
    let r = run(&t, "svc", &only);
    assert_eq!(item(&r, "backup.automated").status, Status::Pass);
    assert_eq!(item(&r, "backup.recovery-tested").status, Status::Pass);
    assert_eq!(item(&r, "monitoring.notifications").status, Status::Pass);

    // 45 days on: the 03:00 runs are missing, the drill is stale, the key is past 30 days.
    t.app
        .set_settings(rampart_core::settings::Settings {
            rotate_after_days: 30,
            ..t.app.settings().unwrap()
        })
        .unwrap();
    t.clock.advance(45 * DAY);
    let r = run(&t, "svc", &only);
    let automated = item(&r, "backup.automated");
    assert_eq!(automated.status, Status::Fail);
    assert!(
        automated.summary.contains("the run due 2026-01-01T03:00:00Z is missing"),
        "{}",
        automated.summary
    );
    assert_eq!(item(&r, "backup.recovery-tested").status, Status::Warn);
    let rotated = item(&r, "api.keys-rotated");
    assert_eq!(rotated.status, Status::Fail);
    assert!(rotated.summary.contains("stripe (45 days)"), "{}", rotated.summary);
    assert!(!serde_json::to_string(&r).unwrap().contains("sk_live"), "no secret in a report");
}
