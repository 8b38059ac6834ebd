//! The leak scenario's harness: `rampart` run with RUST_LOG=trace in one data dir and keychain
//! namespace, every byte it prints kept except deliberate reveals; `outputs/` for the files the
//! scenario writes that must hold no secret, `deliberate/` for exports that carry them by design.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub struct Run {
    work: tempfile::TempDir,
    pub service: String,
    /// stderr of every command, and stdout of every command that is not a deliberate reveal.
    pub captured: Vec<u8>,
}

impl Run {
    pub fn new() -> Self {
        let work = tempfile::tempdir().unwrap();
        std::fs::create_dir(work.path().join("outputs")).unwrap();
        std::fs::create_dir(work.path().join("deliberate")).unwrap();
        Self {
            work,
            service: format!("rampart-leak-test-{}", std::process::id()),
            captured: vec![],
        }
    }

    /// Scratch space for inputs (source trees, a repository, policy files).
    pub fn work(&self) -> &Path {
        self.work.path()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.work.path().join("data")
    }

    /// Files written that must hold no secret (reports, postmortems, restored data).
    pub fn outputs(&self) -> PathBuf {
        self.work.path().join("outputs")
    }

    /// Exports that carry secrets by design (seeds for another authenticator).
    pub fn deliberate(&self) -> PathBuf {
        self.work.path().join("deliberate")
    }

    /// A `rampart` process for this scenario, pipes captured.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rampart"));
        cmd.args(["--data-dir", self.data_dir().to_str().unwrap()])
            .args(args)
            .env("RAMPART_KEYRING_SERVICE", &self.service)
            .env_remove("RAMPART_DATA_DIR")
            .env("RUST_LOG", "trace") // log as much as possible: nothing secret may reach it
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Runs and keeps what it printed (stdout too unless `reveal`), whatever the exit status.
    pub fn status(&mut self, args: &[&str], stdin: &str, reveal: bool) -> Output {
        let mut child = self.command(args).spawn().unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        self.keep(&out, reveal);
        out
    }

    /// Runs, asserts success and returns stdout.
    pub fn cmd(&mut self, args: &[&str], stdin: &str, reveal: bool) -> String {
        let out = self.status(args, stdin, reveal);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn keep(&mut self, out: &Output, reveal: bool) {
        self.captured.extend_from_slice(&out.stderr);
        if !reveal {
            self.captured.extend_from_slice(&out.stdout);
        }
    }

    fn quiet(&self, args: &[&str]) -> String {
        let out = self.command(args).stdin(Stdio::null()).output().unwrap();
        String::from_utf8(out.stdout).unwrap_or_default()
    }
}

impl Drop for Run {
    /// Empties this scenario's keychain namespace, also when an assertion failed.
    fn drop(&mut self) {
        let list = |args: &[&str], key: &str| -> Vec<String> {
            serde_json::from_str::<Vec<serde_json::Value>>(&self.quiet(args))
                .unwrap_or_default()
                .iter()
                .filter_map(|v| v[key].as_str().map(str::to_owned))
                .collect()
        };
        for name in list(&["vault", "list", "--json"], "name") {
            self.quiet(&["vault", "rm", &name]);
        }
        for id in list(&["otp", "list", "--json"], "id") {
            self.quiet(&["otp", "rm", &id]);
        }
        for item in ["backup-identity", "backup-signing-key", "audit:key", "audit:anchor"] {
            let _ = Command::new("secret-tool")
                .args(["clear", "service", &self.service, "username", item])
                .status();
        }
    }
}

/// Every file under `dir` with its bytes.
pub fn all_bytes_under(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all_bytes_under(&path, out);
        } else {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
}

/// Where `needle` occurs in `haystack`: up to 120 bytes before it (never the needle itself), so
/// a failure says where a secret leaked without printing it.
pub fn text_before(haystack: &[u8], needle: &[u8]) -> Option<String> {
    let at = haystack.windows(needle.len()).position(|w| w == needle)?;
    Some(String::from_utf8_lossy(&haystack[at.saturating_sub(120)..at]).into_owned())
}
