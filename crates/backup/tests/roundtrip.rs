//! Round trips against a real Garage: directory and command sources, selectors, verify,
//! retention applied, cleanup, restore into a command, and interop both ways with the stock
//! `aws`, `age`, `zstd` and `tar` tools.

mod common;

use common::*;
use rampart_backup::{
    BackupError, BackupRequest, CommandSpec, Engine, Progress, ProgressFn, RetentionPolicy,
    Selector, Source, keys,
};
use rampart_sensitive::SecretString;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn sample_tree(root: &Path) {
    write(&root.join("app/config.json"), br#"{"db":"mongo"}"#, 0o600);
    write(&root.join("app/bin/run.sh"), b"#!/bin/sh\necho hi\n", 0o755);
    write(&root.join("app/empty.txt"), b"", 0o644);
    write(&root.join("données/ünïcødé 文件.txt"), "héllo wörld".as_bytes(), 0o640);
    write(&root.join("deep/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z/long-name-that-needs-a-gnu-or-pax-header.bin"), &[7u8; 10_000], 0o644);
    write(&root.join("cache/big.tmp"), &[1u8; 1000], 0o644);
    write(&root.join("logs/app.log"), b"log", 0o644);
    write(&root.join("app/keep.log.txt"), b"kept", 0o644);
    std::fs::create_dir_all(root.join("empty-dir")).unwrap();
    std::os::unix::fs::symlink("config.json", root.join("app/current")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(root.join("deep/a"), std::fs::Permissions::from_mode(0o700)).unwrap();
}

fn dir_request(path: &Path, excludes: &[&str], key: &keys::GeneratedKey) -> BackupRequest {
    BackupRequest {
        source_name: "app-data".into(),
        source: Source::Directory {
            path: path.into(),
            excludes: excludes.iter().map(|s| s.to_string()).collect(),
        },
        recipients: vec![key.recipient.clone()],
        signer: rampart_backup::testkit::signer(),
        on_upload: None,
        progress: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directory_round_trip_with_excludes_and_progress() {
    let g = Garage::start();
    let engine = g.engine("backups/prod");
    let key = keys::generate();
    let src = tempfile::tempdir().unwrap();
    sample_tree(src.path());

    let reports: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let sink = Arc::clone(&reports);
    let progress: ProgressFn = Arc::new(move |p: &Progress| sink.lock().unwrap().push(p.clone()));
    let mut req = dir_request(src.path(), &["cache", "logs/*.log", "**/*.tmp"], &key);
    req.progress = Some(progress);
    let m = engine.backup(req).await.unwrap();

    assert!(m.object.starts_with("backups/prod/app-data/"), "{}", m.object);
    assert!(m.object.ends_with(&format!("{}.tar.zst.age", m.id)));
    assert_eq!(m.recipients, vec![key.recipient.to_string()]);
    assert!(m.tool.starts_with("rampart-backup "));
    assert_eq!(m.command_exit_status, None);
    let last = reports.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.bytes_read, m.plaintext_size);
    assert_eq!(last.bytes_transferred, m.ciphertext_size);
    assert!(last.total.is_some());

    let keys_now = g.keys("backups/prod/").await;
    assert_eq!(keys_now.len(), 3, "object, signature, manifest: {keys_now:?}");

    // Restore into a fresh target and into an existing one (replaced atomically).
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("restored");
    let b = engine.find("app-data", &Selector::Latest).await.unwrap();
    assert_eq!(b.manifest, m);
    let report = engine.restore_to_dir(&b, &identities(&key), &target, None).await.unwrap();
    assert_eq!(report.plaintext_sha256, m.plaintext_sha256);

    let mut want = snapshot(src.path(), false);
    want.retain(|k, _| !(k.starts_with("cache") || k == "logs/app.log"));
    want.remove("");
    let mut got = snapshot(&target, false);
    got.remove("");
    assert_eq!(got, want);
    assert!(target.join("logs").is_dir(), "the directory stays, its *.log files go");

    std::fs::write(target.join("stale-file"), b"old").unwrap();
    engine.restore_to_dir(&b, &identities(&key), &target, None).await.unwrap();
    assert!(!target.join("stale-file").exists(), "the old target was swapped out whole");
    let leftovers: Vec<_> =
        std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no staging or old dirs left: {leftovers:?}");

    engine.verify_quick(&b).await.unwrap();
    let full = engine.verify_full(&b, &identities(&key)).await.unwrap();
    assert_eq!(full.ciphertext_size, m.ciphertext_size);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_round_trip_secret_env_and_pipe_restore() {
    let g = Garage::start();
    let engine = g.engine("");
    let key = keys::generate();
    let secret = SecretString::new("mongodb://root:s3cr3t-pw@db:27017".into());
    let cmd = CommandSpec::new([
        "sh",
        "-c",
        r#"printf 'dump of %s\n' "$DB_URI"; printf 'line2\000binary\n'"#,
    ])
    .env("DB_URI", secret.clone());
    let m = engine
        .backup(BackupRequest {
            source_name: "mongo".into(),
            source: Source::Command(cmd),
            recipients: vec![key.recipient.clone(), keys::generate().recipient],
            signer: rampart_backup::testkit::signer(),
            on_upload: None,
            progress: None,
        })
        .await
        .unwrap();
    assert_eq!(m.command_exit_status, Some(0));
    assert!(m.object.ends_with(".zst.age"));
    assert_eq!(m.recipients.len(), 2);
    let manifest_json =
        String::from_utf8(g.get(&m.object.replace(".zst.age", ".manifest.json")).await).unwrap();
    assert!(!manifest_json.contains("s3cr3t"), "the manifest never holds env secrets");

    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("dump.bin");
    let restore = CommandSpec::new(["sh", "-c", &format!("cat > '{}'", file.display())]);
    let b = engine.find("mongo", &Selector::Id(m.id.clone())).await.unwrap();
    engine.restore_to_command(&b, &identities(&key), &restore, None).await.unwrap();
    let expected = b"dump of mongodb://root:s3cr3t-pw@db:27017\nline2\0binary\n";
    assert_eq!(std::fs::read(&file).unwrap(), expected);

    // A restore command that fails is reported with its status.
    let bad = CommandSpec::new(["sh", "-c", "cat >/dev/null; echo nope >&2; exit 3"]);
    let err = engine.restore_to_command(&b, &identities(&key), &bad, None).await.unwrap_err();
    assert!(matches!(err, BackupError::RestoreCommandFailed { .. }), "{err}");
    assert!(err.to_string().contains("exit status 3") && err.to_string().contains("nope"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_command_leaves_nothing_behind() {
    let g = Garage::start();
    let engine = g.engine("p");
    let key = keys::generate();
    let secret = SecretString::new("postgres://u:very-secret-pw@h/db".into());
    // Enough output for several parts before the failure, and a secret echoed to stderr.
    let script = r#"head -c 20000000 /dev/urandom; for i in $(seq 1 50); do echo "noise $i" >&2; done; echo "could not connect to $PGURI" >&2; exit 7"#;
    let err = engine
        .backup(BackupRequest {
            source_name: "pg".into(),
            source: Source::Command(CommandSpec::new(["sh", "-c", script]).env("PGURI", secret)),
            recipients: vec![key.recipient.clone()],
            signer: rampart_backup::testkit::signer(),
            on_upload: None,
            progress: None,
        })
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, BackupError::CommandFailed { .. }), "{text}");
    assert!(text.contains("exit status 7"), "{text}");
    assert!(text.contains("could not connect to <redacted>"), "{text}");
    assert!(!text.contains("very-secret-pw"), "{text}");
    assert!(!text.contains("noise 1\n"), "the stderr tail is capped: {text}");
    assert!(g.keys("").await.is_empty(), "no object, no manifest");
    assert!(g.uploads().await.is_empty(), "no multipart upload left");

    // A missing program is a clear, non-retryable error.
    let err = engine
        .backup(BackupRequest {
            source_name: "pg".into(),
            source: Source::Command(CommandSpec::new(["/nonexistent/pg_dump"])),
            recipients: vec![key.recipient.clone()],
            signer: rampart_backup::testkit::signer(),
            on_upload: None,
            progress: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, BackupError::CommandSpawn { .. }) && !err.is_retryable(), "{err}");
    assert!(g.uploads().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selectors_retention_and_cleanup() {
    use time::macros::datetime;
    let g = Garage::start();
    let key = keys::generate();
    let times = [
        datetime!(2026-01-01 10:00 UTC),
        datetime!(2026-01-02 10:00 UTC),
        datetime!(2026-01-03 10:00 UTC),
        datetime!(2026-01-03 18:00 UTC),
    ];
    let mut ids = Vec::new();
    for t in times {
        let engine = g.engine("r").with_clock(Arc::new(move || t));
        let cmd = CommandSpec::new(["sh", "-c", &format!("echo backup at {t}")]);
        let m = engine
            .backup(BackupRequest {
                source_name: "db".into(),
                source: Source::Command(cmd),
                recipients: vec![key.recipient.clone()],
                signer: rampart_backup::testkit::signer(),
                on_upload: None,
                progress: None,
            })
            .await
            .unwrap();
        ids.push(m.id);
    }
    let engine = g.engine("r");
    assert_eq!(engine.sources().await.unwrap(), vec!["db".to_string()]);
    let listed: Vec<String> =
        engine.list("db").await.unwrap().into_iter().map(|b| b.manifest.id).collect();
    assert_eq!(listed, ids);
    assert_eq!(engine.find("db", &Selector::Latest).await.unwrap().manifest.id, ids[3]);
    let before =
        engine.find("db", &Selector::Before(datetime!(2026-01-02 23:00 UTC))).await.unwrap();
    assert_eq!(before.manifest.id, ids[1]);
    let err =
        engine.find("db", &Selector::Before(datetime!(2025-01-01 00:00 UTC))).await.unwrap_err();
    assert!(matches!(err, BackupError::NotFound { .. }), "{err}");
    assert!(engine.find("db", &Selector::Id("20990101T000000Z-00000000".into())).await.is_err());

    // keep-daily 2: the newest of Jan 3 and of Jan 2.
    let policy = RetentionPolicy { keep_daily: 2, ..Default::default() };
    let (backups, plan) = engine.plan_retention("db", &policy).await.unwrap();
    let doomed: Vec<&str> = plan.iter().filter(|d| !d.keep).map(|d| d.id.as_str()).collect();
    assert_eq!(doomed, vec![ids[2].as_str(), ids[0].as_str()]);
    assert_eq!(engine.list("db").await.unwrap().len(), 4, "planning deletes nothing");
    let deleted = engine.prune(&backups, &plan).await.unwrap();
    assert_eq!(deleted.len(), 2);
    let left: Vec<String> =
        engine.list("db").await.unwrap().into_iter().map(|b| b.manifest.id).collect();
    assert_eq!(left, vec![ids[1].clone(), ids[3].clone()]);
    assert_eq!(g.keys("r/").await.len(), 6, "objects and signatures went with their manifests");

    // Orphans: an object without manifest and an unfinished upload; the grace period protects
    // fresh ones, an expired grace removes them.
    g.put("r/db/2026/01/05/20260105T000000Z-0000abcd.zst.age", b"orphan".to_vec()).await;
    g.client()
        .create_multipart_upload()
        .bucket(BUCKET)
        .key("r/db/2026/01/05/x.zst.age")
        .send()
        .await
        .unwrap();
    let kept = engine.cleanup(Duration::from_secs(3600)).await.unwrap();
    assert!(kept.aborted_uploads.is_empty() && kept.deleted_orphans.is_empty(), "{kept:?}");
    let later =
        engine.with_clock(Arc::new(|| time::OffsetDateTime::now_utc() + time::Duration::hours(2)));
    let report = later.cleanup(Duration::from_secs(3600)).await.unwrap();
    assert_eq!(report.aborted_uploads, vec!["r/db/2026/01/05/x.zst.age".to_string()]);
    assert_eq!(
        report.deleted_orphans,
        vec!["r/db/2026/01/05/20260105T000000Z-0000abcd.zst.age".to_string()]
    );
    assert!(report.missing_objects.is_empty());
    assert!(g.uploads().await.is_empty());
    assert_eq!(g.keys("r/").await.len(), 6, "real backups untouched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stock_tools_restore_a_rampart_backup() {
    let g = Garage::start();
    let engine = g.engine("stock");
    let key = keys::generate();
    let src = tempfile::tempdir().unwrap();
    sample_tree(src.path());
    let m = engine.backup(dir_request(src.path(), &[], &key)).await.unwrap();

    let work = tempfile::tempdir().unwrap();
    let key_file = work.path().join("key.txt");
    std::fs::write(&key_file, format!("{}\n", key.identity.expose())).unwrap();
    let out = work.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let script = format!(
        "{aws} --endpoint-url \"$AWS_ENDPOINT\" s3 cp s3://{BUCKET}/{key} - | age -d -i {kf} | zstd -d | tar -x -C {out}",
        aws = aws_bin(),
        key = m.object,
        kf = key_file.display(),
        out = out.display()
    );
    bash(&script, &g.aws_env());
    let mut want = snapshot(src.path(), false);
    let mut got = snapshot(&out, false);
    want.remove("");
    got.remove("");
    assert_eq!(got, want);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rampart_restores_a_stock_tools_backup() {
    let g = Garage::start();
    let key = keys::generate();
    let src = tempfile::tempdir().unwrap();
    sample_tree(src.path());
    let work = tempfile::tempdir().unwrap();
    let (tar_file, sealed) = (work.path().join("plain.tar"), work.path().join("sealed.age"));
    bash(
        &format!(
            "tar -C {src} -cf {tar} . && zstd -q -c {tar} | age -r {r} > {sealed}",
            src = src.path().display(),
            tar = tar_file.display(),
            r = key.recipient,
            sealed = sealed.display()
        ),
        &[],
    );
    let plain = std::fs::read(&tar_file).unwrap();
    let cipher = std::fs::read(&sealed).unwrap();
    let id = "20260102T030405Z-5eed5eed";
    let object = format!("stock/app/2026/01/02/{id}.tar.zst.age");
    bash(
        &format!(
            "{} --endpoint-url \"$AWS_ENDPOINT\" s3 cp - s3://{BUCKET}/{object} < {}",
            aws_bin(),
            sealed.display()
        ),
        &g.aws_env(),
    );
    // The manifest, written by hand; the object is the one `aws` uploaded.
    upload_by_hand(&g, "stock/app", id, &plain, cipher, &key.recipient, false).await;

    let engine: Engine = g.engine("stock");
    let b = engine.find("app", &Selector::Latest).await.unwrap();
    assert_eq!(b.manifest.id, id);
    engine.verify_quick(&b).await.unwrap();
    let target = work.path().join("restored");
    engine.restore_to_dir(&b, &identities(&key), &target, None).await.unwrap();
    let mut want = snapshot(src.path(), false);
    let mut got = snapshot(&target, false);
    want.remove("");
    got.remove("");
    assert_eq!(got, want);
}

/// A finished backup is never overwritten. Garage 2.5 ignores `If-None-Match: *` on PutObject
/// (the probe below shows the second PUT succeeding), so the engine's HEAD-before-write checks
/// (before the upload starts and before the manifest is written) are what protect it there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finished_backups_are_never_overwritten() {
    use aws_sdk_s3::primitives::ByteStream;
    let g = Garage::start();
    let c = g.client();
    let put = |body: &'static [u8]| {
        c.put_object()
            .bucket(BUCKET)
            .key("probe.json")
            .if_none_match("*")
            .body(ByteStream::from_static(body))
            .send()
    };
    put(b"first").await.unwrap();
    let honoured = match put(b"second").await {
        Ok(_) => false,
        Err(e) => e.raw_response().map(|r| r.status().as_u16()) == Some(412),
    };
    eprintln!("garage honours If-None-Match on PutObject: {honoured}");

    let key = keys::generate();
    let t = time::macros::datetime!(2026-05-05 05:05:05 UTC);
    let engine = g.engine("o").with_clock(Arc::new(move || t)).with_random(Arc::new(|| 42));
    let req = |text: &str| BackupRequest {
        source_name: "s".into(),
        source: Source::Command(CommandSpec::new(["echo", text])),
        recipients: vec![key.recipient.clone()],
        signer: rampart_backup::testkit::signer(),
        on_upload: None,
        progress: None,
    };
    let first = engine.backup(req("first")).await.unwrap();
    let err = engine.backup(req("second")).await.unwrap_err();
    assert!(matches!(err, BackupError::ManifestExists { .. }) && !err.is_retryable(), "{err}");
    assert!(g.uploads().await.is_empty());
    let b = engine.find("s", &Selector::Latest).await.unwrap();
    assert_eq!(b.manifest, first);
    engine.verify_full(&b, &identities(&key)).await.unwrap();
}
