//! The backup flows, one Garage per test.

use super::*;

#[test]
fn directory_round_trip_list_restore_verify_drill() {
    let rt = runtime();
    let g = Garage::start();
    let cli = Cli::new();
    setup(&cli, &g);
    let src = cli.work_dir().join("src");
    write(&src.join("app/config.json"), br#"{"db":"mongo"}"#, 0o600);
    write(&src.join("app/bin/run.sh"), b"#!/bin/sh\necho hi\n", 0o755);
    write(&src.join("données/ünï.txt"), "héllo".as_bytes(), 0o640);
    write(&src.join("cache/big.tmp"), &[1u8; 4000], 0o644);
    cli.ok(
        &[
            "backup",
            "source",
            "add",
            "app",
            "--dir",
            src.to_str().unwrap(),
            "--exclude",
            "*.tmp",
            "--target",
            "garage",
            "--keep-within",
            "30d",
        ],
        "",
    );
    // A bad source is refused with a reason.
    let (_, err) = cli.fails_with_code(
        &["backup", "source", "add", "x", "--dir", "/nonexistent", "--target", "garage"],
        "",
    );
    assert!(err.contains("not a directory"), "{err}");
    let (_, err) = cli.fails_with_code(
        &[
            "backup",
            "source",
            "add",
            "x",
            "--command",
            "true",
            "--target",
            "garage",
            "--recipient",
            "age1nope",
        ],
        "",
    );
    assert!(err.contains("age"), "{err}");
    let (_, err) = cli.fails_with_code(
        &[
            "backup",
            "source",
            "add",
            "x",
            "--command",
            "true",
            "--target",
            "garage",
            "--schedule",
            "daily",
        ],
        "",
    );
    assert!(err.contains("cron"), "{err}");

    let id = cli.ok(&["backup", "run", "app"], "").trim().to_owned();
    let list = cli.json(&["backup", "list", "--json"]);
    let b = &list.as_array().unwrap()[0];
    assert_eq!(b["id"], id.as_str());
    assert_eq!(b["source"], "app");
    assert!(b["finished"].as_str().unwrap().starts_with("20"), "{b}");
    let object = b["object"].as_str().unwrap();
    assert!(object.starts_with("t/app/") && object.ends_with(".tar.zst.age"), "{object}");
    assert!(keys_under(&rt, &g, "t/app/").contains(&object.to_owned()));

    let dest = cli.work_dir().join("restored");
    cli.ok(&["backup", "restore", "app", "--to", dest.to_str().unwrap()], "");
    let mut want = snapshot(&src, false);
    want.retain(|k, _| !k.ends_with(".tmp"));
    assert_eq!(snapshot(&dest, false), want);
    // By id and by date too; an unknown id says what to do.
    cli.ok(&["backup", "restore", "app", "--id", &id, "--to", dest.to_str().unwrap()], "");
    let (_, err) = cli.fails_with_code(
        &["backup", "restore", "app", "--at", "2001-01-01", "--to", dest.to_str().unwrap()],
        "",
    );
    assert!(err.contains("list the backups"), "{err}");
    assert_eq!(snapshot(&dest, false), want, "a failed restore leaves the target alone");

    assert!(cli.ok(&["backup", "verify", &id, "--full"], "").contains("matches"));
    cli.ok(&["backup", "verify", &id], "");
    let drill = cli.json(&["backup", "drill", "app", "--json"]);
    assert_eq!(drill["ok"], true, "{drill}");
    assert!(drill["message"].as_str().unwrap().contains("restored 3 files"), "{drill}");
    let sources = cli.json(&["backup", "source", "list", "--json"]);
    assert_eq!(sources[0]["lastDrill"]["ok"], true);
    assert_eq!(sources[0]["lastRun"]["backupId"], id.as_str());
    let audit = cli.ok(&["audit", "log"], "");
    for action in ["keygen", "backup", "restore", "verify", "drill"] {
        assert!(audit.contains(action), "audit lacks {action}: {audit}");
    }
    assert_no_secrets(&cli, &[]);
}

#[test]
fn command_source_gets_vault_secrets_in_its_environment_only() {
    let rt = runtime();
    let g = Garage::start();
    let cli = Cli::new();
    setup(&cli, &g);
    let token = "tok-5f1d9b2e-very-secret";
    cli.vault_set("dump-token", token);
    // The dump proves it saw the secret without printing it, then streams some data.
    let hash = &sha256_hex(token.as_bytes())[..16];
    let script = format!(
        r#"test "$(printf %s "$DUMP_TOKEN" | sha256sum | cut -c1-16)" = {hash} && echo env-ok && seq 1 200000"#
    );
    cli.ok(
        &[
            "backup",
            "source",
            "add",
            "dump",
            "--command",
            &format!("sh -c '{script}'"),
            "--env",
            "DUMP_TOKEN=dump-token",
            "--target",
            "garage",
        ],
        "",
    );
    let id = cli.ok(&["backup", "run", "dump"], "").trim().to_owned();
    let out = cli.work_dir().join("out.txt");
    cli.ok(
        &[
            "backup",
            "restore",
            "dump",
            "--id",
            &id,
            "--pipe",
            &format!("sh -c 'cat > {}'", out.display()),
        ],
        "",
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("env-ok\n1\n2\n") && text.ends_with("200000\n"));
    let runs = cli.json(&["backup", "history", "dump", "--json"]);
    assert_eq!(runs[0]["ok"], true);
    assert!(runs[0]["bytesIn"].as_u64().unwrap() > 1_000_000);
    // A directory restore of a command dump is refused with a reason.
    let (_, err) = cli.fails_with_code(
        &["backup", "restore", "dump", "--to", cli.work_dir().join("d").to_str().unwrap()],
        "",
    );
    assert!(err.contains("command dump"), "{err}");
    let _ = rt;
    assert_no_secrets(&cli, &[token]);
}

#[test]
fn a_failing_command_aborts_with_no_manifest_and_no_upload() {
    let rt = runtime();
    let g = Garage::start();
    let cli = Cli::new();
    setup(&cli, &g);
    let token = "tok-failing-3c9a7e";
    cli.vault_set("tok", token);
    let script = r#"head -c 9000000 /dev/urandom; echo "cannot reach db with $TOK" >&2; exit 3"#;
    cli.ok(
        &[
            "backup",
            "source",
            "add",
            "bad",
            "--command",
            &format!("sh -c '{script}'"),
            "--env",
            "TOK=tok",
            "--target",
            "garage",
        ],
        "",
    );
    let (code, err) = cli.fails_with_code(&["backup", "run", "bad"], "");
    assert!(err.contains("exit status 3") && err.contains("nothing was stored"), "{err}");
    assert!(err.contains("cannot reach db with <redacted>"), "{err}");
    assert_eq!(code, 75, "a failed dump may succeed on retry: {err}");
    assert!(keys_under(&rt, &g, "t/").is_empty());
    assert!(rt.block_on(g.uploads()).is_empty(), "the multipart upload was aborted");
    let runs = cli.json(&["backup", "history", "--json"]);
    assert_eq!(
        (runs[0]["ok"].as_bool(), runs[0]["retryable"].as_bool()),
        (Some(false), Some(true))
    );
    assert!(runs[0]["error"].as_str().unwrap().contains("exit status 3"));
    assert_no_secrets(&cli, &[token]);
}

#[test]
fn killed_run_leaves_no_manifest_and_the_next_run_cleans_up() {
    let rt = runtime();
    let g = Garage::start();
    let cli = Cli::new();
    setup(&cli, &g);
    let flag = cli.work_dir().join("slow");
    std::fs::write(&flag, b"").unwrap();
    let script = format!(
        "head -c 24000000 /dev/urandom; if [ -e {0} ]; then exec sleep 30; fi",
        flag.display()
    );
    cli.ok(
        &[
            "backup",
            "source",
            "add",
            "slow",
            "--command",
            &format!("sh -c '{script}'"),
            "--target",
            "garage",
        ],
        "",
    );
    let mut child = cli.command(&["backup", "run", "slow"]).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    // Wait until parts are uploaded (the dump then sleeps with the upload open).
    loop {
        let parts = rt.block_on(async {
            let c = g.client();
            let ups = c.list_multipart_uploads().bucket(BUCKET).send().await.unwrap();
            let Some(u) = ups.uploads().first() else { return 0 };
            let parts = c
                .list_parts()
                .bucket(BUCKET)
                .key(u.key().unwrap())
                .upload_id(u.upload_id().unwrap())
                .send()
                .await
                .unwrap();
            parts.parts().len()
        });
        if parts >= 2 {
            break;
        }
        assert!(Instant::now() < deadline, "the backup never uploaded parts");
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!keys_under(&rt, &g, "t/").iter().any(|k| k.ends_with(".manifest.json")));
    assert_eq!(rt.block_on(g.uploads()).len(), 1, "the killed run left its upload");
    std::fs::remove_file(&flag).unwrap();
    let id = cli.ok(&["backup", "run", "slow"], "").trim().to_owned();
    assert!(rt.block_on(g.uploads()).is_empty(), "the next run removed the orphan upload");
    let list = cli.json(&["backup", "list", "slow", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], id.as_str());
}

#[test]
fn postgres_dump_restores_with_pg_restore() {
    let g = Garage::start();
    let pg = Postgres::start();
    let cli = Cli::new();
    setup(&cli, &g);
    pg.query("postgres", "CREATE DATABASE appdb");
    pg.query("appdb", "CREATE TABLE users (id int primary key, name text); INSERT INTO users SELECT i, 'user ' || i FROM generate_series(1, 5000) i");
    cli.vault_set("pg-pass", &pg.password);
    let bin = pg_bin_dir();
    let port = pg.port.to_string();
    let dump =
        format!("{} -Fc -h 127.0.0.1 -p {port} -U rampart appdb", bin.join("pg_dump").display());
    cli.ok(
        &[
            "backup",
            "source",
            "add",
            "pg",
            "--command",
            &dump,
            "--env",
            "PGPASSWORD=pg-pass",
            "--target",
            "garage",
        ],
        "",
    );
    cli.ok(&["backup", "run", "pg"], "");
    pg.query("postgres", "CREATE DATABASE restored");
    let restore = format!(
        "{} -h 127.0.0.1 -p {port} -U rampart -d restored --no-owner",
        bin.join("pg_restore").display()
    );
    cli.ok(&["backup", "restore", "pg", "--pipe", &restore, "--env", "PGPASSWORD=pg-pass"], "");
    assert_eq!(pg.query("restored", "SELECT count(*), max(name) FROM users"), "5000|user 999");
    // Without the password the dump fails clearly and nothing is stored.
    cli.ok(&["backup", "source", "add", "pg-nopass", "--command", &dump, "--target", "garage"], "");
    let (_, err) = cli.fails_with_code(&["backup", "run", "pg-nopass"], "");
    assert!(err.contains("pg_dump") && err.contains("password"), "{err}");
    assert_no_secrets(&cli, &[&pg.password]);
}

#[test]
fn retention_dry_run_previews_and_prune_applies_on_a_synthetic_history() {
    let rt = runtime();
    let g = Garage::start();
    let cli = Cli::new();
    setup(&cli, &g);
    let src = cli.work_dir().join("src");
    write(&src.join("f"), b"x", 0o644);
    cli.ok(
        &[
            "backup",
            "source",
            "add",
            "hist",
            "--dir",
            src.to_str().unwrap(),
            "--target",
            "garage",
            "--keep-last",
            "3",
        ],
        "",
    );
    // Ten daily manifests, as ten earlier runs would have left them.
    for day in 1..=10u32 {
        let id = format!("202601{day:02}T030000Z-{day:08x}");
        let key = format!("t/hist/2026/01/{day:02}/{id}");
        let m = serde_json::json!({
            "id": id, "source": "hist", "kind": "directory", "object": format!("{key}.tar.zst.age"),
            "started": format!("2026-01-{day:02}T03:00:00Z"), "finished": format!("2026-01-{day:02}T03:00:05Z"),
            "plaintextSize": 1, "ciphertextSize": 1, "plaintextSha256": "a".repeat(64),
            "ciphertextSha256": "b".repeat(64), "recipients": [],
        });
        rt.block_on(g.put(&format!("{key}.tar.zst.age"), b"x".to_vec()));
        rt.block_on(g.put(&format!("{key}.manifest.json"), serde_json::to_vec(&m).unwrap()));
    }
    // Made before manifests were signed: listed as untrusted, refused, never pruned...
    let list = cli.ok(&["backup", "list", "hist"], "");
    assert_eq!(list.matches("UNTRUSTED: not signed").count(), 10, "{list}");
    let plan = cli.json(&["backup", "prune", "--json"]);
    assert!(plan[0]["decisions"].as_array().unwrap().is_empty(), "{plan}");
    assert_eq!(keys_under(&rt, &g, "t/hist/").len(), 20);
    let (_, err) = cli.fails_with_code(&["backup", "verify", "20260110T030000Z-0000000a"], "");
    assert!(err.contains("not signed by a key this machine trusts"), "{err}");
    assert!(err.contains("rampart backup adopt"), "{err}");
    // ... until adopted after confirmation (refused without it when stdin is no terminal).
    let (_, err) = cli.fails_with_code(&["backup", "adopt", "hist"], "");
    assert!(err.contains("refusing to adopt without --yes"), "{err}");
    let shown = cli.ok(&["backup", "adopt", "hist", "--yes"], "");
    assert_eq!(shown.lines().count(), 10, "each adopted backup is shown: {shown}");
    let key = cli.ok(&["backup", "keys", "show"], "").trim().to_owned();
    assert!(key.starts_with("RW"), "{key}");
    let keys = cli.json(&["backup", "keys", "list", "--json"]);
    assert_eq!(keys[0]["publicKey"], key.as_str());
    assert_eq!(keys[0]["thisMachine"], true);
    let (_, err) = cli.fails_with_code(&["backup", "keys", "untrust", &key], "");
    assert!(err.contains("always trusted"), "{err}");
    let (_, err) = cli.fails_with_code(&["backup", "keys", "trust", "RWQnotakey"], "");
    assert!(err.contains("not a minisign public key"), "{err}");
    cli.ok(&["backup", "verify", "20260110T030000Z-0000000a"], "");

    let before = keys_under(&rt, &g, "t/hist/");
    let plan = cli.json(&["backup", "prune", "--dry-run", "--json"]);
    let decisions = plan[0]["decisions"].as_array().unwrap();
    let kept: Vec<_> =
        decisions.iter().filter(|d| d["keep"] == true).map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(
        kept,
        vec!["20260110T030000Z-0000000a", "20260109T030000Z-00000009", "20260108T030000Z-00000008"]
    );
    assert_eq!(decisions.len(), 10);
    assert_eq!(keys_under(&rt, &g, "t/hist/"), before, "a dry run deletes nothing");
    let text = cli.ok(&["backup", "prune", "--dry-run"], "");
    assert!(text.contains("would delete"), "{text}");
    cli.ok(&["backup", "prune"], "");
    assert_eq!(cli.json(&["backup", "list", "hist", "--json"]).as_array().unwrap().len(), 3);
    assert_eq!(keys_under(&rt, &g, "t/hist/").len(), 9, "3 manifests, signatures, objects");
}
