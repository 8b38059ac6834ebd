//! Signed manifests against a real Garage, read as an attacker who can write to the bucket:
//! planted, repointed, foreign-signed and tampered manifests are listed as untrusted and never
//! restored, verified, pruned or cleaned up by; cleanup keeps a grace period; adopting an
//! unsigned backup; and the stock `minisign` tool verifies what is stored.

mod common;

use common::*;
use rampart_backup::{
    BackupError, BackupRequest, DEFAULT_CLEANUP_GRACE, Engine, ManifestSigner, RetentionPolicy,
    Selector, Source, Trust, TrustedKeys, keys,
};
use std::path::Path;
use std::sync::Arc;

fn request(path: &Path, key: &keys::GeneratedKey) -> BackupRequest {
    BackupRequest {
        source_name: "app".into(),
        source: Source::Directory { path: path.into(), excludes: vec![] },
        recipients: vec![key.recipient.clone()],
        signer: signer(),
        on_upload: None,
        progress: None,
    }
}

fn stranger() -> ManifestSigner {
    let generated = ManifestSigner::generate_from(&[0x33; 32], *b"stranger");
    ManifestSigner::from_secret(&generated.secret).unwrap()
}

fn assert_untrusted(err: BackupError, what: &str) {
    let text = err.to_string();
    assert!(matches!(err, BackupError::Untrusted { .. }), "{what}: {text}");
    assert!(text.contains("not signed by a key this machine trusts"), "{what}: {text}");
}

/// A tar of one file, as the stock tools would make it.
fn tar_of(name: &str, data: &[u8]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    b.append_data(&mut h, name, data).unwrap();
    b.into_inner().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_and_repointed_manifests_are_never_acted_upon() {
    let g = Garage::start();
    let engine = g.engine("p");
    let key = keys::generate();
    let src = tempfile::tempdir().unwrap();
    write(&src.path().join("real.txt"), b"the real data", 0o644);
    let real = engine.backup(request(src.path(), &key)).await.unwrap();
    assert!(g.keys("p/").await.iter().any(|k| k.ends_with(".manifest.json.minisig")));

    // An attacker plants a newer backup that decrypts with the real identity (age needs only
    // the public key), unsigned, straight into the bucket.
    let evil = tar_of("real.txt", b"attacker's data");
    let planted_id = "29990101T000000Z-0000beef";
    let cipher = seal(&evil, &key.recipient);
    plant_by_hand(&g, "p/app", planted_id, &evil, cipher, &key.recipient, true, None).await;

    let listed = engine.list("app").await.unwrap();
    assert_eq!(listed.len(), 2, "listing still shows it");
    let planted = listed.iter().find(|b| b.manifest.id == planted_id).unwrap();
    assert_eq!(planted.trust(), &Trust::Unsigned);
    assert!(listed.iter().find(|b| b.manifest.id == real.id).unwrap().is_trusted());

    // Restore/verify by its id: refused, with what to do.
    let err = engine.find("app", &Selector::Id(planted_id.into())).await.unwrap_err();
    assert_untrusted(err, "find by id");
    let out = tempfile::tempdir().unwrap();
    let ids = identities(&key);
    assert_untrusted(
        engine.restore_to_dir(planted, &ids, &out.path().join("t"), None).await.unwrap_err(),
        "restore",
    );
    assert_untrusted(engine.verify_quick(planted).await.unwrap_err(), "verify quick");
    assert_untrusted(engine.verify_full(planted, &ids).await.unwrap_err(), "verify full");
    assert!(engine.delete(planted).await.is_err());
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0, "nothing was written");

    // `latest` passes over it to the newest trusted backup.
    let latest = engine.find("app", &Selector::Latest).await.unwrap();
    assert_eq!(latest.manifest.id, real.id);
    engine.restore_to_dir(&latest, &ids, &out.path().join("t"), None).await.unwrap();
    assert_eq!(std::fs::read(out.path().join("t/real.txt")).unwrap(), b"the real data");

    // Retention sees only the trusted backup, and prune deletes nothing of the planted one.
    let policy = RetentionPolicy { keep_last: 1, ..Default::default() };
    let (backups, decisions) = engine.plan_retention("app", &policy).await.unwrap();
    assert_eq!(decisions.len(), 1, "{decisions:?}");
    assert_eq!(decisions[0].id, real.id);
    assert!(decisions[0].keep);
    assert!(engine.prune(&backups, &decisions).await.unwrap().is_empty());

    // A signed manifest repointed at the real backup's object (so that pruning or cleaning
    // the planted one would delete the real one) is refused even though it is signed.
    let repointed_id = "29990102T000000Z-0000dead";
    let m =
        plant_by_hand(&g, "p/app", repointed_id, b"x", b"y".to_vec(), &key.recipient, false, None)
            .await;
    let mut json = serde_json::to_value(&m).unwrap();
    json["object"] = serde_json::json!(real.object);
    json["ciphertextSize"] = serde_json::json!(real.ciphertext_size);
    let bytes = serde_json::to_vec(&json).unwrap();
    let mkey = engine
        .layout()
        .manifest_key("app", &rampart_backup::BackupId::parse(repointed_id).unwrap());
    g.put(&format!("{mkey}.minisig"), signer().sign(&bytes, "repointed").into_bytes()).await;
    g.put(&mkey, bytes).await;
    let b = engine.manifest(&mkey).await.unwrap();
    assert!(matches!(b.trust(), Trust::Misplaced { .. }), "{:?}", b.trust());
    assert_untrusted(
        engine.find("app", &Selector::Id(repointed_id.into())).await.unwrap_err(),
        "repointed",
    );
    assert_untrusted(engine.delete(&b).await.unwrap_err(), "delete repointed");

    // Cleanup long after (every grace passed) keeps the real backup and the planted objects
    // (an untrusted manifest is acted upon in no way, not even to delete its objects).
    let later = engine_at(&g, "p", 48);
    let report = later.cleanup(DEFAULT_CLEANUP_GRACE).await.unwrap();
    assert!(report.deleted_orphans.is_empty(), "{report:?}");
    let left = g.keys("p/").await;
    assert!(left.contains(&real.object), "{left:?}");
    assert!(left.iter().any(|k| k.contains(planted_id) && k.ends_with(".age")), "{left:?}");
    engine.verify_full(&latest, &ids).await.unwrap();
}

/// An engine whose clock is `hours` ahead of now.
fn engine_at(g: &Garage, prefix: &str, hours: i64) -> Engine {
    let ahead = time::Duration::hours(hours);
    g.engine(prefix).with_clock(Arc::new(move || time::OffsetDateTime::now_utc() + ahead))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_keys_are_trusted_only_when_added_and_one_byte_breaks_trust() {
    let g = Garage::start();
    let key = keys::generate();
    let src = tempfile::tempdir().unwrap();
    write(&src.path().join("f"), b"data", 0o644);
    let other = stranger();
    let mut req = request(src.path(), &key);
    req.signer = Arc::new(stranger());
    let made_elsewhere = g.engine("f").backup(req).await.unwrap();

    let engine = g.engine("f");
    let selector = Selector::Id(made_elsewhere.id.clone());
    let err = engine.find("app", &selector).await.unwrap_err();
    assert_untrusted(err, "foreign key");
    let text = engine.find("app", &selector).await.unwrap_err().to_string();
    assert!(text.contains(&other.public_key().key_id()), "names the key: {text}");
    assert!(text.contains("rampart backup keys trust"), "says what to do: {text}");

    let both = TrustedKeys::new([signer().public_key(), other.public_key()]);
    let trusting = g.engine("f").with_trusted_keys(both.clone());
    let b = trusting.find("app", &selector).await.unwrap();
    trusting.verify_full(&b, &identities(&key)).await.unwrap();

    // One changed byte in the stored manifest (whitespace, a hash digit, the tool's name,
    // each leaving valid JSON): refused.
    let stored = g.get(&b.manifest_key).await;
    let text = String::from_utf8(stored.clone()).unwrap();
    let hash = text.find(&made_elsewhere.ciphertext_sha256).unwrap();
    let tool = text.find("rampart-backup ").unwrap();
    let edits = [
        (text.find('\n').unwrap(), b' '),
        (hash, b'0' + (stored[hash] == b'0') as u8),
        (tool, b'R'),
    ];
    for (i, byte) in edits {
        let mut tampered = stored.clone();
        tampered[i] = byte;
        assert_ne!(tampered, stored);
        g.put(&b.manifest_key, tampered).await;
        let err = trusting.find("app", &selector).await.unwrap_err();
        assert_untrusted(err, &format!("byte {i}"));
        let listed = trusting.list("app").await.unwrap();
        assert!(
            matches!(listed[0].trust(), Trust::BadSignature { .. }),
            "byte {i}: {:?}",
            listed[0].trust()
        );
    }
    g.put(&b.manifest_key, stored).await;
    assert!(trusting.find("app", &selector).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleanup_waits_out_its_grace_period() {
    let g = Garage::start();
    let engine = g.engine("c");
    // Another machine is uploading right now: an open multipart upload and a sealed object
    // whose signature and manifest are not written yet.
    g.client()
        .create_multipart_upload()
        .bucket(BUCKET)
        .key("c/app/2026/01/01/20260101T000000Z-00000001.tar.zst.age")
        .send()
        .await
        .unwrap();
    let id = "20260101T000000Z-00000002";
    let orphan = format!("c/app/2026/01/01/{id}.tar.zst.age");
    g.put(&orphan, b"sealed".to_vec()).await;
    g.put(&format!("c/app/2026/01/01/{id}.manifest.json.minisig"), b"sig".to_vec()).await;

    let now = engine.cleanup(DEFAULT_CLEANUP_GRACE).await.unwrap();
    assert!(now.aborted_uploads.is_empty() && now.deleted_orphans.is_empty(), "{now:?}");
    let now = engine.cleanup_source("app", DEFAULT_CLEANUP_GRACE).await.unwrap();
    assert!(now.aborted_uploads.is_empty() && now.deleted_orphans.is_empty(), "{now:?}");
    assert_eq!(g.keys("c/").await.len(), 2);

    let late = engine_at(&g, "c", 25).cleanup_source("app", DEFAULT_CLEANUP_GRACE).await.unwrap();
    assert_eq!(late.deleted_orphans.len(), 2, "the object and the lone signature: {late:?}");
    assert_eq!(late.aborted_uploads.len(), 1, "{late:?}");
    assert!(g.keys("c/").await.is_empty());
    assert!(g.uploads().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsigned_backups_are_adopted_only_as_listed() {
    let g = Garage::start();
    let engine = g.engine("a");
    let key = keys::generate();
    let plain = tar_of("old.txt", b"made before signing");
    let id = "20250101T000000Z-00000001";
    let cipher = seal(&plain, &key.recipient);
    plant_by_hand(&g, "a/app", id, &plain, cipher, &key.recipient, true, None).await;
    let listed = engine.list("app").await.unwrap();
    assert_eq!(listed[0].trust(), &Trust::Unsigned);

    // Swapped after it was listed: not signed.
    let mkey = listed[0].manifest_key.clone();
    let original = g.get(&mkey).await;
    let mut swapped: serde_json::Value = serde_json::from_slice(&original).unwrap();
    swapped["finished"] = serde_json::json!("2025-01-01T00:00:09Z");
    g.put(&mkey, serde_json::to_vec(&swapped).unwrap()).await;
    let err = engine.adopt(&listed[0], &signer()).await.unwrap_err().to_string();
    assert!(err.contains("changed since it was listed"), "{err}");
    g.put(&mkey, original).await;

    engine.adopt(&listed[0], &signer()).await.unwrap();
    let b = engine.find("app", &Selector::Latest).await.unwrap();
    assert!(b.is_trusted());
    engine.verify_full(&b, &identities(&key)).await.unwrap();
    // Only unsigned backups are adopted.
    let err = engine.adopt(&b, &signer()).await.unwrap_err().to_string();
    assert!(err.contains("only unsigned backups"), "{err}");
}

/// The stock `minisign` verifies a manifest as stored, with the machine's public key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn minisign_verifies_a_stored_manifest() {
    let g = Garage::start();
    let engine = g.engine("m");
    let key = keys::generate();
    let src = tempfile::tempdir().unwrap();
    write(&src.path().join("f"), b"data", 0o644);
    let m = engine.backup(request(src.path(), &key)).await.unwrap();
    let mkey =
        engine.layout().manifest_key("app", &rampart_backup::BackupId::parse(&m.id).unwrap());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.manifest.json"), g.get(&mkey).await).unwrap();
    std::fs::write(
        dir.path().join("x.manifest.json.minisig"),
        g.get(&format!("{mkey}.minisig")).await,
    )
    .unwrap();
    let pk = signer().public_key().to_base64();
    let said = bash(
        &format!("cd '{}' && minisign -V -P {pk} -m x.manifest.json", dir.path().display()),
        &[],
    );
    assert!(said.contains(&format!("rampart-backup app/{}", m.id)), "{said}");
}
