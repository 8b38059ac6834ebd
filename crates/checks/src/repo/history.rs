//! Secrets in git history: `git log -p --all` (a subprocess, bounded by a timeout and an output
//! cap, read as a stream) with the working tree's secret rules applied to every added line. A
//! secret added and later removed is still found, with the commit that added it (the oldest
//! sighting), its file and line, the rule and the secret masked; it must be rotated, so
//! `api.keys-rotated` warns too. A scan cut short by the bounds is `unknown`, never a pass.

use super::secrets::{Rules, mask};
use crate::status::{Evidence, Finding, Status};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// Bounds of one history scan.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub timeout: Duration,
    /// Most bytes of `git log -p` output read.
    pub output_cap: u64,
}

impl Default for Bounds {
    fn default() -> Self {
        Self { timeout: Duration::from_secs(60), output_cap: 512 << 20 }
    }
}

/// A secret found in history (never the secret itself: it is masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The commit that added it (the oldest one seen).
    pub commit: String,
    pub file: String,
    pub line: usize,
    pub rule: &'static str,
    pub masked: String,
}

/// What a scan read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub hits: Vec<Hit>,
    pub commits: usize,
    pub bytes: u64,
    /// Why the scan stopped early, if it did.
    pub cut: Option<String>,
}

/// Where the parser is in `git log -p` output.
#[derive(Default)]
struct Parser {
    commit: String,
    file: Option<String>,
    in_header: bool,
    next_line: usize,
    commits: usize,
    /// (rule, file, secret) -> index in `hits`; the secret stays in memory only.
    seen: HashMap<(&'static str, String, String), usize>,
    hits: Vec<Hit>,
}

impl Parser {
    fn line(&mut self, rules: &Rules, line: &str) {
        if let Some(sha) = line.strip_prefix('\u{1}') {
            self.commit = sha.trim().to_owned();
            self.commits += 1;
            self.file = None;
            self.in_header = false;
        } else if line.starts_with("diff --git ") {
            self.file = None;
            self.in_header = true;
        } else if self.in_header && line.starts_with("+++ ") {
            self.file = line[4..].strip_prefix("b/").map(str::to_owned);
        } else if line.starts_with("@@ ") {
            self.in_header = false;
            // @@ -a[,b] +c[,d] @@
            self.next_line = line
                .split(' ')
                .find_map(|p| p.strip_prefix('+'))
                .and_then(|p| p.split(',').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
        } else if !self.in_header
            && let Some(added) = line.strip_prefix('+')
        {
            let n = self.next_line;
            self.next_line += 1;
            let Some(file) = self.file.as_deref().filter(|f| Rules::scans(f)) else { return };
            let Some(hit) = rules.check(added) else { return };
            let found = Hit {
                commit: self.commit.clone(),
                file: file.to_owned(),
                line: n,
                rule: hit.rule,
                masked: mask(hit.secret),
            };
            let key = (hit.rule, file.to_owned(), hit.secret.to_owned());
            match self.seen.get(&key) {
                // Newest first: a later sighting is an older commit, the one that added it.
                Some(&i) => self.hits[i] = found,
                None => {
                    self.seen.insert(key, self.hits.len());
                    self.hits.push(found);
                }
            }
        } else if !self.in_header && line.starts_with(' ') {
            self.next_line += 1;
        }
    }
}

/// Scans every added line of `git log -p --all` in `root` within `bounds`. `Err` when git
/// cannot run there (not a repository, git missing), with git's reason.
pub fn scan(root: &Path, bounds: Bounds) -> Result<Scan, String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "-c",
            "core.quotePath=false",
            "log",
            "-p",
            "--all",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "-U0",
            "--format=%x01%H",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not run git: {e}"))?;
    let stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ =
            std::io::Read::read_to_string(&mut std::io::Read::take(&mut stderr, 4096), &mut text);
        text
    });
    let child = Arc::new(Mutex::new(child));
    let (done, wait) = mpsc::channel::<()>();
    let timed_out = Arc::new(Mutex::new(false));
    let watchdog = {
        let (child, timed_out) = (child.clone(), timed_out.clone());
        std::thread::spawn(move || {
            if wait.recv_timeout(bounds.timeout) == Err(mpsc::RecvTimeoutError::Timeout) {
                *timed_out.lock().unwrap_or_else(|p| p.into_inner()) = true;
                let _ = child.lock().unwrap_or_else(|p| p.into_inner()).kill();
            }
        })
    };
    let rules = Rules::compile();
    let mut parser = Parser::default();
    let mut reader = BufReader::with_capacity(1 << 16, stdout);
    let mut buf = Vec::new();
    let mut bytes = 0u64;
    let mut cut = None;
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(n) => bytes += n as u64,
            Err(e) => {
                cut = Some(format!("reading git's output failed: {e}"));
                break;
            }
        }
        if bytes > bounds.output_cap {
            cut =
                Some(format!("stopped after {} MiB of history (the cap)", bounds.output_cap >> 20));
            let _ = child.lock().unwrap_or_else(|p| p.into_inner()).kill();
            break;
        }
        let line = String::from_utf8_lossy(&buf);
        parser.line(&rules, line.trim_end_matches(['\n', '\r']));
    }
    let _ = done.send(());
    let _ = watchdog.join();
    let status = child.lock().unwrap_or_else(|p| p.into_inner()).wait();
    let stderr = err_reader.join().unwrap_or_default();
    if *timed_out.lock().unwrap_or_else(|p| p.into_inner()) {
        cut = Some(format!("stopped after {} s (the timeout)", bounds.timeout.as_secs()));
    }
    if cut.is_none() {
        match status {
            Ok(s) if s.success() => {}
            Ok(_) if parser.commits == 0 => {
                return Err(format!("git log failed: {}", crate::status::trim(&stderr)));
            }
            Ok(s) => {
                cut = Some(format!("git log ended with {s}: {}", crate::status::trim(&stderr)))
            }
            Err(e) => cut = Some(format!("git log: {e}")),
        }
    }
    Ok(Scan { hits: parser.hits, commits: parser.commits, bytes, cut })
}

/// The findings of a history scan of `root` (none when `root` is not a git repository).
pub fn findings(root: &Path, bounds: Bounds) -> Vec<Finding> {
    if !root.join(".git").exists() {
        return Vec::new();
    }
    let item = "code.no-hardcoded-secrets";
    let scan = match scan(root, bounds) {
        Ok(s) => s,
        Err(e) => {
            return vec![Finding::new(
                item,
                Status::unknown(format!("git history not scanned: {e}")),
                "git history not scanned",
            )];
        }
    };
    let mut out: Vec<Finding> = scan
        .hits
        .iter()
        .map(|h| {
            let short: String = h.commit.chars().take(12).collect();
            Finding::new(
                item,
                Status::Fail,
                format!(
                    "{} in {}:{} added in commit {short} (git history)",
                    h.rule, h.file, h.line
                ),
            )
            .with(Evidence::file(
                &h.file,
                Some(h.line),
                format!("{}: {} (commit {})", h.rule, h.masked, h.commit),
            ))
        })
        .collect();
    if let Some(first) = scan.hits.first() {
        out.push(Finding::new(
            "api.keys-rotated",
            Status::Warn,
            format!(
                "{} secret(s) were committed to git history (e.g. {} in {}): rotate them even if \
                 the file was changed since",
                scan.hits.len(),
                first.rule,
                first.file
            ),
        ));
    }
    match &scan.cut {
        Some(why) => out.push(Finding::new(
            item,
            Status::unknown(format!(
                "git history scanned only in part ({} commits): {why}",
                scan.commits
            )),
            "git history scanned in part",
        )),
        None if scan.hits.is_empty() => out.push(Finding::new(
            item,
            Status::Pass,
            format!("no secret in {} commits of git history", scan.commits),
        )),
        None => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_lines_are_numbered_and_the_oldest_commit_wins() {
        let rules = Rules::compile();
        let mut p = Parser::default();
        let log = "\u{1}bbbb\n\
diff --git a/src/config.js b/src/config.js\n\
--- a/src/config.js\n\
+++ b/src/config.js\n\
@@ -3 +2,0 @@\n\
-const id = 'AKIAZ3MXQ7PLN5RTW2KD';\n\
\u{1}aaaa\n\
diff --git a/src/config.js b/src/config.js\n\
new file mode 100644\n\
--- /dev/null\n\
+++ b/src/config.js\n\
@@ -0,0 +1,3 @@\n\
+// config\n\
+const x = 1;\n\
+const id = 'AKIAZ3MXQ7PLN5RTW2KD';\n\
diff --git a/test/fixture.js b/test/fixture.js\n\
+++ b/test/fixture.js\n\
@@ -0,0 +1 @@\n\
+const id = 'AKIAZ3MXQ7PLN5RTW2KD';\n\
diff --git a/x.bin b/x.bin\n\
Binary files /dev/null and b/x.bin differ\n";
        for line in log.lines() {
            p.line(&rules, line);
        }
        assert_eq!(p.commits, 2);
        assert_eq!(
            p.hits,
            [Hit {
                commit: "aaaa".into(),
                file: "src/config.js".into(),
                line: 3,
                rule: "aws-access-token",
                masked: "AKIA… (20 chars)".into(),
            }],
            "removed lines are not hits; test fixtures are allowed"
        );
    }
}
