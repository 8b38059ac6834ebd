//! The audit chain keyed and anchored in a real keychain, against an attacker who can write the
//! database file but not the keychain; and the actions audited besides secrets (settings
//! changes, failed restores).

use crate::TestApp;
use rampart_core::audit::{ANCHOR_ITEM, KEY_ITEM};
use rampart_core::backups::{RestoreTo, Selector, SourceSpec, SourceWhat, TargetSpec};
use rampart_core::settings::Settings;
use rampart_core::{CredentialKind, SecretString};
use rampart_store::audit_seal::legacy_hash;
use rampart_store::rusqlite;

fn s(v: &str) -> SecretString {
    SecretString::new(v.into())
}

fn with_entries(n: usize) -> TestApp {
    let t = TestApp::new(1_000);
    t.app.vault_add("k", CredentialKind::Password, &s("v"), vec![]).unwrap();
    for _ in 1..n {
        t.app.vault_reveal("k").unwrap();
    }
    t
}

/// A raw connection to the database, as an attacker with file access has, guards dropped.
fn attacker(t: &TestApp) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(t.dir.path().join("rampart.db")).unwrap();
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;",
    )
    .unwrap();
    conn
}

#[test]
fn the_key_and_the_anchor_live_in_the_keychain() {
    let t = with_entries(3);
    let key = t.app.keychain().get(KEY_ITEM).unwrap();
    assert!(key.expose().starts_with("v1:1:") && key.expose().len() == 5 + 64);
    let anchor = t.app.keychain().get(ANCHOR_ITEM).unwrap();
    let newest = &t.app.audit_log(1).unwrap()[0];
    assert_eq!(*anchor.expose(), format!("3:{}", newest.hash));
    let report = t.app.audit_verify().unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!((report.keyed_from, report.anchored_entries), (Some(1), Some(3)));
}

#[test]
fn deleting_the_newest_entries_from_the_file_is_caught() {
    let t = with_entries(5);
    attacker(&t).execute("DELETE FROM audit_log WHERE seq > 3", []).unwrap();
    let report = t.app.audit_verify().unwrap();
    assert!(!report.ok, "{report:?}");
    assert_eq!(report.first_broken, Some(4));
    assert!(report.reason.unwrap().contains("newest entries 4..5 were deleted"));
}

#[test]
fn rewriting_the_whole_file_with_a_recomputed_sha256_chain_is_caught() {
    let t = with_entries(3);
    let conn = attacker(&t);
    let rows: Vec<(i64, i64, String, String)> = conn
        .prepare("SELECT seq, at, action, subject FROM audit_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    conn.execute("DELETE FROM audit_log", []).unwrap();
    // Edit what entry 2 says, then recompute every hash: all that can be done without the key.
    let mut prev = rampart_store::audit::GENESIS.to_owned();
    for (seq, at, action, mut subject) in rows {
        if seq == 2 {
            subject = "vault:innocent".into();
        }
        let hash = legacy_hash(&prev, seq, at, &action, &subject);
        conn.execute(
            "INSERT INTO audit_log VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![seq, at, action, subject, prev, hash],
        )
        .unwrap();
        prev = hash;
    }
    let report = t.app.audit_verify().unwrap();
    assert!(!report.ok, "{report:?}");
    assert_eq!(report.first_broken, Some(1));
    assert!(report.reason.unwrap().contains("rehashed without the key"));
}

#[test]
fn a_deleted_anchor_is_reported_and_the_next_entry_restores_it() {
    let t = with_entries(2);
    t.app.keychain().delete(ANCHOR_ITEM).unwrap();
    let report = t.app.audit_verify().unwrap();
    assert!(!report.ok && report.first_broken.is_none(), "{report:?}");
    assert!(report.reason.unwrap().contains("anchor is missing"));
    t.app.vault_reveal("k").unwrap();
    assert!(t.app.audit_verify().unwrap().ok);
}

#[test]
fn every_settings_change_is_audited_with_what_changed() {
    let t = TestApp::new(1_000);
    t.app.set_settings(Settings { idle_lock_minutes: 5, ..Settings::default() }).unwrap();
    let newest = &t.app.audit_log(1).unwrap()[0];
    assert_eq!(newest.action, "settings");
    assert_eq!(newest.subject, "settings: idleLockMinutes 15 -> 5");

    let feeds = rampart_core::feeds::notify::FeedsSettings { muted: true, ..Default::default() };
    t.app.set_feeds_settings(feeds.clone()).unwrap();
    let newest = &t.app.audit_log(1).unwrap()[0];
    assert_eq!(newest.subject, "feeds-settings: muted false -> true");

    t.app.set_feeds_settings(feeds).unwrap();
    assert_eq!(t.app.audit_log(10).unwrap().len(), 2, "saving without a change is no change");
    assert!(t.app.audit_verify().unwrap().ok);
}

#[test]
fn a_failed_restore_is_audited_with_the_kind_of_failure() {
    let t = TestApp::new(1_000);
    std::fs::create_dir(t.dir.path().join("src")).unwrap();
    let public = t.app.backup_keygen().unwrap();
    for name in ["ak", "sk"] {
        t.app.vault_add(name, CredentialKind::Password, &s("not-a-real-key"), vec![]).unwrap();
    }
    t.app
        .backup_target_add(&TargetSpec {
            name: "dead".into(),
            endpoint: Some("http://127.0.0.1:9".into()),
            region: "garage".into(),
            bucket: "b".into(),
            prefix: String::new(),
            path_style: true,
            access_key_from: "ak".into(),
            secret_key_from: "sk".into(),
            storage_class: None,
        })
        .unwrap();
    t.app
        .backup_source_add(&SourceSpec {
            name: "app".into(),
            what: SourceWhat::Dir { path: t.dir.path().join("src"), excludes: vec![] },
            env: vec![],
            target: "dead".into(),
            recipients: vec![public],
            schedule: None,
            retention: Default::default(),
        })
        .unwrap();
    let to = RestoreTo::Dir(t.dir.path().join("restored"));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let result = rt.block_on(t.app.backup_restore("app", &Selector::Latest, &to, None, None));
    let Err(error) = result else { panic!("nothing listens there: the restore must fail") };
    let kind = serde_json::to_value(error.kind()).unwrap();
    let newest = &t.app.audit_log(1).unwrap()[0];
    assert_eq!(newest.action, "failed-restore");
    let dest = t.dir.path().join("restored");
    let expected = format!("backup:app/latest -> {} ({})", dest.display(), kind.as_str().unwrap());
    assert_eq!(newest.subject, expected);
    assert!(!newest.subject.contains("not-a-real-key"));

    let rt_err = rt.block_on(t.app.backup_restore("nope", &Selector::Latest, &to, None, None));
    assert!(rt_err.is_err());
    assert!(t.app.audit_log(1).unwrap()[0].subject.starts_with("backup:nope/latest -> "));
    assert!(t.app.audit_verify().unwrap().ok);
}
