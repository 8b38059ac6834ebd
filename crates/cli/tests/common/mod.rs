//! The CLI test harness shared by every test binary: a `rampart` process with its own temp work
//! dir (the data dir is `data/` inside it, so tests can put sources and restores beside it) and
//! keychain namespace (run under tests/support/with-keyring.sh). Everything the binary prints is
//! kept, so a test can prove no secret was ever printed. Cleaned up on drop.
#![allow(dead_code)] // each test binary uses its own subset

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub struct Cli {
    dir: tempfile::TempDir,
    service: String,
    /// Everything the binary printed (stdout and stderr), to check for secrets.
    seen: RefCell<String>,
}

impl Cli {
    pub fn new() -> Self {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let service =
            format!("rampart-cli-test-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst));
        Self { dir: tempfile::tempdir().unwrap(), service, seen: Default::default() }
    }

    /// The test's scratch directory (the data dir is inside it).
    pub fn work_dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The keychain service name (namespace) this test's items live under.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// A `rampart` command with this test's data dir and keychain namespace, all pipes captured.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rampart"));
        cmd.args(["--data-dir", self.data_dir().to_str().unwrap()])
            .args(args)
            .env("RAMPART_KEYRING_SERVICE", &self.service)
            .env_remove("RAMPART_DATA_DIR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
        self.run_env(args, stdin, &[])
    }

    pub fn run_env(&self, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
        let mut cmd = self.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let mut seen = self.seen.borrow_mut();
        seen.push_str(&String::from_utf8_lossy(&out.stdout));
        seen.push_str(&String::from_utf8_lossy(&out.stderr));
        out
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str], stdin: &str) -> String {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "rampart {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs and asserts failure; returns stderr.
    pub fn fails(&self, args: &[&str], stdin: &str) -> String {
        self.fails_with_code(args, stdin).1
    }

    /// Runs and asserts failure; returns the exit code and stderr.
    pub fn fails_with_code(&self, args: &[&str], stdin: &str) -> (i32, String) {
        let out = self.run(args, stdin);
        assert!(!out.status.success(), "rampart {args:?} should have failed");
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
    }

    /// Runs, asserts success and parses stdout as JSON.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args, "")).unwrap()
    }

    /// Stores `value` in the vault as `name`.
    pub fn vault_set(&self, name: &str, value: &str) {
        self.ok(&["vault", "set", name], value);
    }

    /// Everything printed so far.
    pub fn seen(&self) -> std::cell::Ref<'_, String> {
        self.seen.borrow()
    }

    /// Replaces `text` in what was printed (a deliberate reveal that later checks must skip).
    pub fn forget_seen(&self, text: &str, with: &str) {
        let mut seen = self.seen.borrow_mut();
        *seen = seen.replace(text, with);
    }

    pub fn ok_quiet(&self, args: &[&str]) -> String {
        String::from_utf8(self.run(args, "").stdout).unwrap_or_default()
    }
}

impl Drop for Cli {
    fn drop(&mut self) {
        // Clean the test keyring: remove what this test stored.
        if let Ok(list) = serde_json::from_str::<Vec<serde_json::Value>>(
            &self.ok_quiet(&["vault", "list", "--json"]),
        ) {
            for c in list {
                let _ = self.run(&["vault", "rm", c["name"].as_str().unwrap_or_default()], "");
            }
        }
        if let Ok(list) = serde_json::from_str::<Vec<serde_json::Value>>(
            &self.ok_quiet(&["otp", "list", "--json"]),
        ) {
            for a in list {
                let _ = self.run(&["otp", "rm", a["id"].as_str().unwrap_or_default()], "");
            }
        }
        for item in ["backup-identity", "backup-signing-key", "audit:key", "audit:anchor"] {
            let _ = Command::new("secret-tool")
                .args(["clear", "service", &self.service, "username", item])
                .status();
        }
    }
}
