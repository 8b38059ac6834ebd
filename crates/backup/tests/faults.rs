//! Faults against a real Garage: the S3 server killed mid-upload, Rampart's backup dropped
//! mid-upload, and restores of tampered, truncated, wrongly keyed and path-escaping archives,
//! each leaving the restore target exactly as it was.

mod common;

use common::*;
use rampart_backup::{
    BackupError, BackupRequest, CommandSpec, Progress, ProgressFn, Selector, Source, keys,
};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

fn big_stream_request(key: &keys::GeneratedKey, bytes: u64, progress: ProgressFn) -> BackupRequest {
    BackupRequest {
        source_name: "big".into(),
        source: Source::Command(CommandSpec::new([
            "head",
            "-c",
            &bytes.to_string(),
            "/dev/urandom",
        ])),
        recipients: vec![key.recipient.clone()],
        signer: rampart_backup::testkit::signer(),
        on_upload: None,
        progress: Some(progress),
    }
}

fn after_first_part(notify: Arc<Notify>) -> ProgressFn {
    Arc::new(move |p: &Progress| {
        if p.bytes_transferred >= 8 * 1024 * 1024 {
            notify.notify_one();
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_server_killed_mid_upload() {
    let mut g = Garage::start();
    let mut target = g.target("k");
    target.max_attempts = 2;
    target.connect_timeout = Duration::from_secs(2);
    let engine = rampart_backup::Engine::new(&target).unwrap();
    let key = keys::generate();
    let notify = Arc::new(Notify::new());
    let req = big_stream_request(&key, 2_000_000_000, after_first_part(Arc::clone(&notify)));
    let task = tokio::spawn(async move { engine.backup(req).await });
    tokio::time::timeout(Duration::from_secs(120), notify.notified())
        .await
        .expect("a part was uploaded");
    g.kill();
    let err = tokio::time::timeout(Duration::from_secs(120), task)
        .await
        .expect("the backup gives up")
        .unwrap()
        .unwrap_err();
    eprintln!("error after the S3 server was killed: {err}");
    assert!(err.is_retryable(), "{err}");
    assert!(matches!(err, BackupError::Storage { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("UploadPart") || text.contains("S3"), "{text}");
    assert!(!text.contains("00112233445566778899"), "no secret key in errors: {text}");

    g.restart();
    assert!(g.keys("k/").await.iter().all(|k| !k.ends_with(".manifest.json")), "no manifest");
    assert_eq!(g.uploads().await.len(), 1, "the unfinished upload survived the crash");
    let engine = g.engine("k");
    let report = engine.cleanup(Duration::ZERO).await.unwrap();
    assert_eq!(report.aborted_uploads.len(), 1, "{report:?}");
    assert!(g.uploads().await.is_empty(), "no orphan multipart upload after cleanup");
    assert!(g.keys("k/").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rampart_dropped_mid_upload_is_cleaned_up() {
    let g = Garage::start();
    let engine = g.engine("d");
    let key = keys::generate();
    let notify = Arc::new(Notify::new());
    let req = big_stream_request(&key, 2_000_000_000, after_first_part(Arc::clone(&notify)));
    let engine = Arc::new(engine);
    let e2 = Arc::clone(&engine);
    let task = tokio::spawn(async move { e2.backup(req).await });
    tokio::time::timeout(Duration::from_secs(120), notify.notified()).await.unwrap();
    task.abort(); // as if Rampart were killed: no chance to abort the upload
    let _ = task.await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(g.uploads().await.len(), 1);
    let report = engine.cleanup(Duration::ZERO).await.unwrap();
    assert_eq!(report.aborted_uploads.len(), 1);
    assert!(g.uploads().await.is_empty());
    assert!(g.keys("d/").await.is_empty());
}

/// A target with content whose snapshot (including mtimes) must not change.
fn existing_target(root: &Path) -> std::path::PathBuf {
    let t = root.join("target");
    write(&t.join("precious.txt"), b"keep me", 0o644);
    write(&t.join("sub/data.bin"), &[9u8; 4096], 0o600);
    t
}

fn assert_untouched(root: &Path, before: &std::collections::BTreeMap<String, String>) {
    assert_eq!(&snapshot(&root.join("target"), true), before, "the target changed");
    let names: Vec<_> = std::fs::read_dir(root).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("target")], "no staging dir left behind");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_or_foreign_backups_are_refused_and_the_target_is_untouched() {
    let g = Garage::start();
    let engine = g.engine("t");
    let key = keys::generate();
    let src = tempfile::tempdir().unwrap();
    let noise: Vec<u8> = (0..300_000).map(|_| rand::random::<u8>()).collect();
    write(&src.path().join("a.txt"), &noise, 0o644);
    write(&src.path().join("b/c.txt"), b"c", 0o644);
    let req = BackupRequest {
        source_name: "site".into(),
        source: Source::Directory { path: src.path().into(), excludes: vec![] },
        recipients: vec![key.recipient.clone()],
        signer: rampart_backup::testkit::signer(),
        on_upload: None,
        progress: None,
    };
    let m = engine.backup(req).await.unwrap();
    let original = g.get(&m.object).await;
    let b = engine.find("site", &Selector::Latest).await.unwrap();
    let work = tempfile::tempdir().unwrap();
    let target = existing_target(work.path());
    let before = snapshot(&target, true);

    // Wrong key.
    let stranger = keys::generate();
    let err = engine.restore_to_dir(&b, &identities(&stranger), &target, None).await.unwrap_err();
    assert!(matches!(err, BackupError::WrongKey { .. }), "{err}");
    assert!(
        err.to_string().contains(&key.recipient.to_string()),
        "says which key is needed: {err}"
    );
    for secret in [stranger.identity.expose(), key.identity.expose()] {
        assert!(!err.to_string().contains(secret.as_str()), "{err}");
    }
    assert_untouched(work.path(), &before);

    // One flipped byte in the payload.
    let mut tampered = original.clone();
    let mid = tampered.len() / 2;
    tampered[mid] ^= 0x01;
    g.put(&m.object, tampered).await;
    engine.verify_quick(&b).await.expect("same size: only a full verify can tell");
    let err = engine.verify_full(&b, &identities(&key)).await.unwrap_err();
    assert!(matches!(err, BackupError::Integrity { .. }) && !err.is_retryable(), "{err}");
    let err = engine.restore_to_dir(&b, &identities(&key), &target, None).await.unwrap_err();
    assert!(matches!(err, BackupError::Integrity { .. }), "{err}");
    assert_untouched(work.path(), &before);

    // A flipped byte in the age header (the right key was given).
    let mut header = original.clone();
    header[60] ^= 0x01;
    g.put(&m.object, header).await;
    let err = engine.restore_to_dir(&b, &identities(&key), &target, None).await.unwrap_err();
    assert!(matches!(err, BackupError::Integrity { .. }), "{err}");
    assert_untouched(work.path(), &before);

    // Truncated exactly after the second 64 KiB age chunk (every chunk authenticates, only the
    // missing final-chunk flag tells), mid-chunk, and inside the header.
    let header_end = original.windows(5).position(|w| w == b"\n--- ").unwrap();
    let mac_end =
        header_end + 1 + original[header_end + 1..].iter().position(|&c| c == b'\n').unwrap() + 1;
    let payload = mac_end + 16; // after the 16-byte stream nonce
    for cut in [payload + 2 * (65536 + 16), original.len() - 17, 40] {
        g.put(&m.object, original[..cut].to_vec()).await;
        assert!(matches!(
            engine.verify_quick(&b).await.unwrap_err(),
            BackupError::Integrity { .. }
        ));
        let err = engine.restore_to_dir(&b, &identities(&key), &target, None).await.unwrap_err();
        assert!(matches!(err, BackupError::Integrity { .. }), "cut at {cut}: {err}");
        assert_untouched(work.path(), &before);
    }

    // The object is gone.
    g.client().delete_object().bucket(BUCKET).key(&m.object).send().await.unwrap();
    let err = engine.verify_quick(&b).await.unwrap_err();
    assert!(err.to_string().contains("missing"), "{err}");
    assert!(engine.restore_to_dir(&b, &identities(&key), &target, None).await.is_err());
    assert_untouched(work.path(), &before);

    // Put back intact: the restore now replaces the target.
    g.put(&m.object, original).await;
    engine.restore_to_dir(&b, &identities(&key), &target, None).await.unwrap();
    assert_eq!(std::fs::read(target.join("b/c.txt")).unwrap(), b"c");
    assert!(!target.join("precious.txt").exists());
}

fn raw_entry(
    b: &mut tar::Builder<Vec<u8>>,
    ty: tar::EntryType,
    path: &str,
    link: &str,
    data: &[u8],
) {
    let mut h = tar::Header::new_gnu();
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_entry_type(ty);
    h.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
    h.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
    h.set_cksum();
    b.append(&h, data).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_escaping_archives_are_refused() {
    use tar::EntryType::{Link, Regular, Symlink};
    let g = Garage::start();
    let engine = g.engine("esc");
    let key = keys::generate();
    let work = tempfile::tempdir().unwrap();
    let outside = work.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let evil_abs = outside.join("abs-evil");
    type Build<'a> = Box<dyn Fn(&mut tar::Builder<Vec<u8>>) + 'a>;
    let cases: Vec<(&str, Build)> = vec![
        ("dotdot", Box::new(|b| raw_entry(b, Regular, "../evil", "", b"x"))),
        ("absolute", Box::new(|b| raw_entry(b, Regular, evil_abs.to_str().unwrap(), "", b"x"))),
        ("symlink out", Box::new(|b| raw_entry(b, Symlink, "link", "../outside", b""))),
        ("symlink abs", Box::new(|b| raw_entry(b, Symlink, "link", "/etc", b""))),
        (
            "write via symlink",
            Box::new(|b| {
                raw_entry(b, Symlink, "dir", ".", b"");
                raw_entry(b, Symlink, "dir/up", "..", b"");
            }),
        ),
        ("hardlink out", Box::new(|b| raw_entry(b, Link, "h", "../../etc/passwd", b""))),
        (
            // `d/s -> ../x` names `x` inside the target; the same link hard-linked at the
            // root would point one level up, out of the target.
            "hardlink to symlink",
            Box::new(|b| {
                raw_entry(b, Regular, "x", "", b"x");
                raw_entry(b, Symlink, "d/s", "../x", b"");
                raw_entry(b, Link, "h", "d/s", b"");
            }),
        ),
    ];
    for (i, (name, build)) in cases.iter().enumerate() {
        let mut b = tar::Builder::new(Vec::new());
        raw_entry(&mut b, Regular, "ok.txt", "", b"fine"); // a harmless entry first
        build(&mut b);
        let plain = b.into_inner().unwrap();
        let cipher = seal(&plain, &key.recipient);
        let id = format!("20260101T0000{i:02}Z-0000000{i}");
        upload_by_hand(&g, "esc/evil", &id, &plain, cipher, &key.recipient, true).await;
        let bk = engine.find("evil", &Selector::Id(id)).await.unwrap();

        let root = work.path().join(format!("case{i}"));
        std::fs::create_dir(&root).unwrap();
        let target = existing_target(&root);
        let before = snapshot(&target, true);
        let err = engine.restore_to_dir(&bk, &identities(&key), &target, None).await.unwrap_err();
        assert!(matches!(err, BackupError::UnsafeArchive { .. }), "{name}: {err}");
        assert!(!err.is_retryable());
        assert_untouched(&root, &before);
        assert!(!work.path().join("evil").exists() && !evil_abs.exists(), "{name} wrote outside");
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0, "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_space_and_bad_targets_are_refused_before_download() {
    let g = Garage::start();
    let key = keys::generate();
    let engine = g.engine("sp");
    let plain = b"tiny".to_vec();
    let cipher = seal(&plain, &key.recipient);
    let mut m = upload_by_hand(
        &g,
        "sp/s",
        "20260101T000000Z-00000001",
        &plain,
        cipher,
        &key.recipient,
        true,
    )
    .await;
    m.plaintext_size = u64::MAX / 4; // claims to be enormous
    let mkey = "sp/s/2026/01/01/20260101T000000Z-00000001.manifest.json";
    let bk = rampart_backup::Backup::assume_trusted(mkey, m);
    let work = tempfile::tempdir().unwrap();
    let err = engine
        .restore_to_dir(&bk, &identities(&key), &work.path().join("t"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, BackupError::InsufficientSpace { .. }), "{err}");
    assert!(err.to_string().contains("Free some space"), "{err}");
    assert_eq!(std::fs::read_dir(work.path()).unwrap().count(), 0);
}
