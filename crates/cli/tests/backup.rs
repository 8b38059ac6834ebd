//! `rampart backup` as a real process against a real Garage S3 server, a real PostgreSQL and a
//! real keychain (run under tests/support/with-keyring.sh): keygen -> target -> source -> run ->
//! list --json -> restore -> verify --full -> drill; command sources with vault secrets in their
//! environment; pg_dump restored with pg_restore; a failing dump and a killed run leave nothing
//! behind; retention dry-run on a synthetic history. No secret may appear in any output or in
//! any file of the data dir.

use rampart_backup::testkit::{
    BUCKET, Garage, KEY_ID, Postgres, SECRET, pg_bin_dir, sha256_hex, snapshot, write,
};
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

struct Cli {
    dir: tempfile::TempDir,
    service: String,
    /// Everything the binary printed, to check for secrets.
    seen: std::cell::RefCell<String>,
}

impl Cli {
    fn new() -> Self {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let service = format!("rampart-cli-backup-test-{}-{n}", std::process::id());
        Self { dir: tempfile::tempdir().unwrap(), service, seen: Default::default() }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_rampart"));
        c.args(["--data-dir", self.dir.path().join("data").to_str().unwrap()])
            .args(args)
            .env("RAMPART_KEYRING_SERVICE", &self.service)
            .env_remove("RAMPART_DATA_DIR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self.command(args).spawn().unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let mut seen = self.seen.borrow_mut();
        seen.push_str(&String::from_utf8_lossy(&out.stdout));
        seen.push_str(&String::from_utf8_lossy(&out.stderr));
        out
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args, "");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "rampart {args:?} failed: {err}");
        String::from_utf8(out.stdout).unwrap()
    }

    fn fails(&self, args: &[&str]) -> (i32, String) {
        let out = self.run(args, "");
        assert!(!out.status.success(), "rampart {args:?} should have failed");
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    fn vault_set(&self, name: &str, value: &str) {
        let out = self.run(&["vault", "set", name], value);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }

    /// Keygen, S3 keys in the vault, and the target `garage` (prefix `t`).
    fn setup(&self, g: &Garage) -> String {
        let public = self.ok(&["backup", "keygen"]).trim().to_owned();
        assert!(public.starts_with("age1"), "{public}");
        self.vault_set("s3-key", KEY_ID);
        self.vault_set("s3-secret", SECRET);
        self.ok(&[
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
        ]);
        public
    }

    /// No secret in anything printed, nor in any file of the data dir (database, logs).
    fn assert_no_secrets(&self, extra: &[&str]) {
        let identity = {
            let out = self.run(&["backup", "export-identity", "--yes"], "");
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let line = text.lines().find(|l| l.starts_with("AGE-SECRET-KEY-1")).unwrap().to_owned();
            // The export itself is the one place the identity is printed.
            let mut seen = self.seen.borrow_mut();
            *seen = seen.replace(&line, "<exported>");
            line
        };
        // The manifest-signing secret key, read straight from the keychain (never printed).
        let signing = std::process::Command::new("secret-tool")
            .args(["lookup", "service", &self.service, "username", "backup-signing-key"])
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
        let seen = self.seen.borrow();
        let mut files = String::new();
        for e in walkdir(self.dir.path()) {
            files.push_str(&String::from_utf8_lossy(&std::fs::read(e).unwrap_or_default()));
        }
        for s in secrets {
            assert!(!seen.contains(s), "a secret was printed");
            assert!(!files.contains(s), "a secret was written to the data dir");
        }
    }
}

fn walkdir(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(root).into_iter().flatten().flatten() {
        if e.path().is_dir() { out.extend(walkdir(&e.path())) } else { out.push(e.path()) }
    }
    out
}

impl Drop for Cli {
    fn drop(&mut self) {
        let list = String::from_utf8(self.run(&["vault", "list", "--json"], "").stdout);
        if let Ok(Value::Array(items)) = serde_json::from_str(&list.unwrap_or_default()) {
            for c in items {
                let _ = self.run(&["vault", "rm", c["name"].as_str().unwrap_or_default()], "");
            }
        }
        for item in ["backup-identity", "backup-signing-key"] {
            let _ = std::process::Command::new("secret-tool")
                .args(["clear", "service", &self.service, "username", item])
                .status();
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

fn keys_under(rt: &tokio::runtime::Runtime, g: &Garage, prefix: &str) -> Vec<String> {
    rt.block_on(g.keys(prefix))
}

#[path = "backup/flows.rs"]
mod flows;
