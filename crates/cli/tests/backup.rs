//! `rampart backup` as a real process against a real Garage S3 server, a real PostgreSQL and a
//! real keychain (run under tests/support/with-keyring.sh): keygen -> target -> source -> run ->
//! list --json -> restore -> verify --full -> drill; command sources with vault secrets in their
//! environment; pg_dump restored with pg_restore; a failing dump and a killed run leave nothing
//! behind; retention dry-run on a synthetic history. No secret may appear in any output or in
//! any file of the data dir.

use rampart_backup::testkit::{
    BUCKET, Garage, KEY_ID, Postgres, SECRET, pg_bin_dir, sha256_hex, snapshot, write,
};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

mod common;

use common::Cli;

/// Keygen, S3 keys in the vault, and the target `garage` (prefix `t`).
fn setup(cli: &Cli, g: &Garage) -> String {
    let public = cli.ok(&["backup", "keygen"], "").trim().to_owned();
    assert!(public.starts_with("age1"), "{public}");
    cli.vault_set("s3-key", KEY_ID);
    cli.vault_set("s3-secret", SECRET);
    cli.ok(
        &[
            "backup",
            "target",
            "add",
            "garage",
            "--endpoint",
            &g.endpoint(),
            "--bucket",
            BUCKET,
            "--prefix",
            "t",
            "--region",
            "garage",
            "--path-style",
            "--access-key",
            "s3-key",
            "--secret-key",
            "s3-secret",
        ],
        "",
    );
    public
}

/// No secret in anything printed, nor in any file of the data dir (database, logs).
fn assert_no_secrets(cli: &Cli, extra: &[&str]) {
    let identity = {
        let out = cli.run(&["backup", "export-identity", "--yes"], "");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let line = text.lines().find(|l| l.starts_with("AGE-SECRET-KEY-1")).unwrap().to_owned();
        // The export itself is the one place the identity is printed.
        cli.forget_seen(&line, "<exported>");
        line
    };
    // The manifest-signing secret key, read straight from the keychain (never printed).
    let signing = Command::new("secret-tool")
        .args(["lookup", "service", cli.service(), "username", "backup-signing-key"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let seed = signing.rsplit(':').next().unwrap_or_default().to_owned();
    let mut secrets = vec![SECRET, identity.as_str()];
    if !signing.is_empty() {
        assert_eq!(seed.len(), 64, "a signing key was made and is in the keychain");
        secrets.push(&seed);
    }
    secrets.extend_from_slice(extra);
    let seen = cli.seen();
    let mut files = String::new();
    for e in walkdir(&cli.data_dir()) {
        files.push_str(&String::from_utf8_lossy(&std::fs::read(e).unwrap_or_default()));
    }
    for s in secrets {
        assert!(!seen.contains(s), "a secret was printed");
        assert!(!files.contains(s), "a secret was written to the data dir");
    }
}

fn walkdir(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(root).into_iter().flatten().flatten() {
        if e.path().is_dir() { out.extend(walkdir(&e.path())) } else { out.push(e.path()) }
    }
    out
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

fn keys_under(rt: &tokio::runtime::Runtime, g: &Garage, prefix: &str) -> Vec<String> {
    rt.block_on(g.keys(prefix))
}

#[path = "backup/flows.rs"]
mod flows;
