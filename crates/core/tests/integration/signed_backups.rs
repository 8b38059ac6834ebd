//! Signed manifests through core, against a real Garage and keychain, with two "machines" (two
//! data dirs and keychain namespaces) sharing one bucket: the signing key is made on the first
//! backup and stays in the keychain; another machine's backups are refused until its key is
//! trusted (and again once untrusted); a planted manifest is refused by restore and verify and
//! ignored by prune; an upload in progress elsewhere survives a run's cleanup; old unsigned
//! backups are adopted; the break-glass copy carries the trusted keys; no secret key material in
//! errors, audit subjects or the data dir.

use crate::TestApp;
use rampart_backup::testkit::{BUCKET, Garage, KEY_ID, SECRET, plant_by_hand, seal, write};
use rampart_core::backups::{
    RestoreTo, RetentionSpec, SIGNING_KEY_ITEM, Selector, SourceSpec, SourceWhat, TargetSpec,
    Trigger,
};
use rampart_core::{CoreError, CredentialKind, SecretString};

/// A machine backing up `dir` as source `app` to the shared bucket under `prefix`.
/// With no recipient, the machine makes its own age identity and encrypts to it.
fn machine(g: &Garage, prefix: &str, dir: &std::path::Path, recipient: Option<&str>) -> TestApp {
    let t = TestApp::new(time::OffsetDateTime::now_utc().unix_timestamp());
    let recipient = match recipient {
        Some(r) => r.to_owned(),
        None => t.app.backup_keygen().unwrap(),
    };
    for (name, value) in [("k", KEY_ID), ("s", SECRET)] {
        let v = SecretString::new(value.into());
        t.app.vault_add(name, CredentialKind::Password, &v, vec![]).unwrap();
    }
    t.app
        .backup_target_add(&TargetSpec {
            name: "g".into(),
            endpoint: Some(g.endpoint()),
            region: "garage".into(),
            bucket: BUCKET.into(),
            prefix: prefix.into(),
            path_style: true,
            access_key_from: "k".into(),
            secret_key_from: "s".into(),
            storage_class: None,
        })
        .unwrap();
    t.app
        .backup_source_add(&SourceSpec {
            name: "app".into(),
            what: SourceWhat::Dir { path: dir.to_owned(), excludes: vec![] },
            env: vec![],
            target: "g".into(),
            recipients: vec![recipient],
            schedule: None,
            retention: RetentionSpec { keep_last: 1, ..Default::default() },
        })
        .unwrap();
    t
}

fn conflict(e: CoreError, what: &str) -> String {
    let text = e.to_string();
    assert!(matches!(e, CoreError::Conflict(_)), "{what}: {text}");
    assert!(text.contains("not signed by a key this machine trusts"), "{what}: {text}");
    text
}

#[test]
fn another_machines_backups_need_its_key_and_planted_ones_are_refused() {
    let g = Garage::start();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("src");
    write(&src.join("a.txt"), b"hello", 0o644);

    // Machine A: identity, first backup (which makes the signing key).
    let a = machine(&g, "shared", &src, None);
    let recipient = a.app.backup_public_key().unwrap().unwrap();
    assert!(!a.app.keychain().contains(SIGNING_KEY_ITEM).unwrap(), "made lazily");
    let run = rt.block_on(a.app.backup_run("app", Trigger::Manual, None)).unwrap();
    assert!(run.ok, "{:?}", run.error);
    assert!(a.app.keychain().contains(SIGNING_KEY_ITEM).unwrap());
    let a_key = a.app.backup_signing_key().unwrap();
    let keys = a.app.backup_keys_list().unwrap();
    assert_eq!(keys.len(), 1);
    assert!(keys[0].this_machine && keys[0].public_key == a_key.to_base64());
    let id = run.backup_id.clone().unwrap();
    let listed = rt.block_on(a.app.backup_list(Some("app"))).unwrap();
    assert!(listed[0].trusted, "{:?}", listed[0]);

    // The break-glass copy carries the trusted keys.
    let export = a.app.backup_export_identity().unwrap();
    assert_eq!(export.trusted_keys, vec![a_key.to_base64()]);
    assert!(export.text.expose().contains(&a_key.to_base64()));
    let identity_file = work.path().join("identity.txt");
    std::fs::write(&identity_file, export.text.expose()).unwrap();

    // Machine B restores with the break-glass identity: refused until it trusts A's key.
    let b = machine(&g, "shared", &src, Some(&recipient));
    let to = RestoreTo::Dir(work.path().join("out"));
    let by_id = Selector::Id(id.clone());
    let restore = |sel: &Selector| {
        rt.block_on(b.app.backup_restore("app", sel, &to, Some(&identity_file), None))
    };
    let text = conflict(restore(&by_id).unwrap_err(), "untrusted key");
    assert!(text.contains(&a_key.key_id()) && text.contains("keys trust"), "{text}");
    conflict(restore(&Selector::Latest).unwrap_err(), "latest, all untrusted");
    let err = rt.block_on(b.app.backup_verify(&id, false, None)).unwrap_err();
    conflict(err, "verify");
    let listed = rt.block_on(b.app.backup_list(Some("app"))).unwrap();
    assert!(!listed[0].trusted && listed[0].trust.contains("untrusted key"), "{listed:?}");
    let pruned = rt.block_on(b.app.backup_prune(false)).unwrap();
    assert!(pruned[0].decisions.is_empty() && pruned[0].deleted.is_empty(), "{pruned:?}");

    b.app.backup_key_trust(&a_key.to_minisign_file(), "laptop A").unwrap();
    assert!(b.app.backup_key_trust(&a_key.to_base64(), "again").is_err());
    let done = restore(&by_id).unwrap();
    assert_eq!(done.backup.id, id);
    assert_eq!(std::fs::read(work.path().join("out/a.txt")).unwrap(), b"hello");
    rt.block_on(b.app.backup_verify(&id, true, Some(&identity_file))).unwrap();
    let audit = b.app.audit_log(50).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.subject.contains("backup-trusted-key:") && e.subject.ends_with("added"))
    );

    // A planted manifest that decrypts with the real identity: refused by restore and verify,
    // passed over by `latest`, and never counted or deleted by prune.
    let plain = b"planted".to_vec();
    let rec = rampart_backup::Recipient::parse(&recipient).unwrap();
    let cipher = seal(&plain, &rec);
    let planted = "29990101T000000Z-0000beef";
    rt.block_on(plant_by_hand(&g, "shared/app", planted, &plain, cipher, &rec, true, None));
    let err = restore(&Selector::Id(planted.into())).unwrap_err();
    let text = conflict(err, "planted");
    assert!(text.contains("planted") && text.contains("rampart backup adopt"), "{text}");
    conflict(
        rt.block_on(b.app.backup_verify(planted, true, Some(&identity_file))).unwrap_err(),
        "v",
    );
    assert_eq!(restore(&Selector::Latest).unwrap().backup.id, id);
    a.clock.set(time::OffsetDateTime::now_utc().unix_timestamp() + 60);
    let run2 = rt.block_on(a.app.backup_run("app", Trigger::Manual, None)).unwrap();
    let pruned = rt.block_on(a.app.backup_prune(false)).unwrap();
    assert_eq!(pruned[0].deleted, vec![id.clone()], "keep-last 1 over trusted backups only");
    let keys_left = rt.block_on(g.keys("shared/"));
    assert!(keys_left.iter().any(|k| k.contains(planted) && k.ends_with(".age")), "{keys_left:?}");
    assert!(keys_left.iter().any(|k| k.contains(run2.backup_id.as_deref().unwrap())));

    // Untrusting A's key: refused again. B's own key cannot be untrusted.
    b.app.backup_key_untrust(&a_key.key_id()).unwrap();
    let second = Selector::Id(run2.backup_id.clone().unwrap());
    conflict(restore(&second).unwrap_err(), "untrusted again");
    let own = b.app.backup_signing_key().unwrap();
    assert!(b.app.backup_key_untrust(&own.key_id()).is_err());

    // The secret key is in the keychain only: not in errors, audit subjects or the data dir.
    let secret = a.app.keychain().get(SIGNING_KEY_ITEM).unwrap();
    let seed = secret.expose().rsplit(':').next().unwrap().to_owned();
    assert_eq!(seed.len(), 64);
    let mut seen = text.clone();
    for e in a.app.audit_log(100).unwrap() {
        seen.push_str(&e.subject);
    }
    seen.push_str(&format!("{:?}", a.app.backup_signer().unwrap()));
    assert!(!seen.contains(&seed));
    for path in files_under(a.dir.path()) {
        let bytes = std::fs::read(&path).unwrap();
        let found = bytes.windows(seed.len()).any(|w| w == seed.as_bytes());
        assert!(!found, "the signing key is in {}", path.display());
    }
    for t in [&a, &b] {
        let _ = t.app.keychain().delete(SIGNING_KEY_ITEM);
    }
}

#[test]
fn a_run_leaves_another_machines_upload_alone_and_old_backups_are_adopted() {
    let g = Garage::start();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("src");
    write(&src.join("a.txt"), b"hello", 0o644);
    let key = rampart_backup::keys::generate();
    let t = machine(&g, "grace", &src, Some(&key.recipient.to_string()));

    // Another machine is uploading a backup of the same source name right now.
    let upload_key = "grace/app/2026/01/01/20260101T000000Z-00000001.tar.zst.age";
    rt.block_on(g.client().create_multipart_upload().bucket(BUCKET).key(upload_key).send())
        .unwrap();
    let run = rt.block_on(t.app.backup_run("app", Trigger::Manual, None)).unwrap();
    assert!(run.ok, "{:?}", run.error);
    assert_eq!(rt.block_on(g.uploads()), vec![upload_key.to_string()], "the upload survives");

    // A backup made before manifests were signed: listed as unsigned, refused, then adopted.
    let plain = b"old".to_vec();
    let cipher = seal(&plain, &key.recipient);
    let old = "20250101T000000Z-00000001";
    rt.block_on(plant_by_hand(&g, "grace/app", old, &plain, cipher, &key.recipient, true, None));
    let unsigned = rt.block_on(t.app.backup_unsigned("app")).unwrap();
    assert_eq!(unsigned.iter().map(|b| b.id.as_str()).collect::<Vec<_>>(), vec![old]);
    let adopted = rt.block_on(t.app.backup_adopt("app", &unsigned)).unwrap();
    assert_eq!(adopted, vec![old.to_string()]);
    assert!(rt.block_on(t.app.backup_unsigned("app")).unwrap().is_empty());
    rt.block_on(t.app.backup_verify(old, false, None)).unwrap();
    let audit = t.app.audit_log(50).unwrap();
    assert!(audit.iter().any(|e| e.subject == format!("backup:app/{old} adopted")));
    let _ = t.app.keychain().delete(SIGNING_KEY_ITEM);
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let ft = e.file_type().unwrap();
        if ft.is_dir() {
            out.extend(files_under(&e.path()));
        } else if ft.is_file() {
            out.push(e.path());
        }
    }
    out
}
