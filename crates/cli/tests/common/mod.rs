//! The CLI test harness shared by the test binaries: a `rampart` process with its own temp data
//! dir and keychain namespace (run under tests/support/with-keyring.sh), cleaned up on drop.
#![allow(dead_code)] // each test binary uses its own subset

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

pub struct Cli {
    dir: tempfile::TempDir,
    service: String,
}

impl Cli {
    pub fn new() -> Self {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let service =
            format!("rampart-cli-test-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst));
        Self { dir: tempfile::tempdir().unwrap(), service }
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
        self.run_env(args, stdin, &[])
    }

    pub fn run_env(&self, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rampart"));
        cmd.args(["--data-dir", self.dir.path().to_str().unwrap()])
            .args(args)
            .env("RAMPART_KEYRING_SERVICE", &self.service)
            .env_remove("RAMPART_DATA_DIR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
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
        let out = self.run(args, stdin);
        assert!(!out.status.success(), "rampart {args:?} should have failed");
        String::from_utf8(out.stderr).unwrap()
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
    }
}

impl Cli {
    pub fn ok_quiet(&self, args: &[&str]) -> String {
        String::from_utf8(self.run(args, "").stdout).unwrap_or_default()
    }
}
