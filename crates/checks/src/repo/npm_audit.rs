//! `npm audit --json` (report version 2, npm 7 and later): counted by advisory (unique
//! `source`), not by package. A saved report (`npm-audit.json` or `audit.json` at the root) is
//! parsed; without one, a repository with a `package-lock.json` is audited now by running
//! `npm audit` (bounded by a timeout and an output cap). An unknown schema, an `error` object
//! or no answer from the registry is `unknown` with the reason, never a pass.

use crate::status::{Evidence, Finding, Status};
use std::collections::HashSet;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ITEM: &str = "code.npm-audit";

/// Judges a report's JSON text.
pub fn judge(text: &str, source: &str) -> Finding {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return Finding::new(
            ITEM,
            Status::unknown(format!("{source} is not JSON")),
            "unreadable audit report",
        );
    };
    if let Some(e) = v.get("error") {
        // npm 10+ leaves summary empty and says what failed in the top-level message.
        let summary = [e.get("summary"), v.get("message"), e.get("detail")]
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str())
            .find(|s| !s.trim().is_empty())
            .unwrap_or("an error");
        return Finding::new(
            ITEM,
            Status::unknown(format!("npm audit failed: {}", crate::status::trim(summary))),
            "npm audit failed",
        );
    }
    if v.get("auditReportVersion").and_then(|n| n.as_u64()) != Some(2) {
        return Finding::new(
            ITEM,
            Status::unknown(format!(
                "{source} is not an npm audit report version 2 (npm 7 or later)"
            )),
            "unknown audit schema",
        );
    }
    let Some(vulns) = v.get("vulnerabilities").and_then(|x| x.as_object()) else {
        return Finding::new(
            ITEM,
            Status::unknown(format!("{source} has no vulnerabilities object")),
            "unknown audit schema",
        );
    };
    let mut seen = HashSet::new();
    let mut counts = [0usize; 5];
    let rank =
        |s: &str| ["info", "low", "moderate", "high", "critical"].iter().position(|x| *x == s);
    for vuln in vulns.values() {
        for via in vuln.get("via").and_then(|x| x.as_array()).into_iter().flatten() {
            if let (Some(src), Some(sev)) =
                (via.get("source"), via.get("severity").and_then(|s| s.as_str()).and_then(rank))
                && seen.insert(src.to_string())
            {
                counts[sev] += 1;
            }
        }
    }
    let summary = format!(
        "advisories: {} critical, {} high, {} moderate, {} low",
        counts[4], counts[3], counts[2], counts[1]
    );
    let status = if counts[4] + counts[3] > 0 {
        Status::Fail
    } else if counts[2] > 0 {
        Status::Warn
    } else {
        Status::Pass
    };
    Finding::new(ITEM, status, summary).with(Evidence::file(source, None, "npm audit --json"))
}

/// Bounds of running `npm audit`.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub timeout: Duration,
    /// Most bytes of npm's output read.
    pub output_cap: usize,
}

impl Default for Bounds {
    fn default() -> Self {
        Self { timeout: Duration::from_secs(60), output_cap: 16 << 20 }
    }
}

/// What `npm audit` is run as.
pub const COMMAND: &str = "npm audit --json --omit=dev";

/// Runs `npm audit --json --omit=dev` in `root` (with `env` added, e.g. a registry) within
/// `bounds` and judges its output. npm missing, a timeout, an oversized output or no answer
/// from the registry are `unknown` with the reason, never a pass.
pub fn run(root: &Path, bounds: Bounds, env: &[(&str, &str)]) -> Finding {
    let unknown = |reason: String| Finding::new(ITEM, Status::unknown(reason), "npm audit not run");
    let mut cmd = Command::new("npm");
    cmd.args(["audit", "--json", "--omit=dev"])
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return unknown(
                "npm is not installed: install Node.js and npm, or save `npm audit --json \
                 --omit=dev > npm-audit.json` in the repository"
                    .into(),
            );
        }
        Err(e) => return unknown(format!("could not run npm: {e}")),
    };
    let stdout = child.stdout.take().expect("piped stdout");
    let cap = bounds.output_cap;
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.take(cap as u64 + 1).read_to_end(&mut out);
        out
    });
    let deadline = Instant::now() + bounds.timeout;
    let timed_out = loop {
        match child.try_wait() {
            Ok(Some(_)) => break false,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break true;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return unknown(format!("npm audit: {e}")),
        }
    };
    let out = reader.join().unwrap_or_default();
    if timed_out {
        return unknown(format!(
            "npm audit did not finish within {} s (the registry may be slow or unreachable)",
            bounds.timeout.as_secs()
        ));
    }
    if out.len() > cap {
        let _ = child.kill();
        return unknown(format!("npm audit printed more than {} MiB (the cap)", cap >> 20));
    }
    let mut f = judge(&String::from_utf8_lossy(&out), COMMAND);
    if let Status::Unknown { reason } = &f.status
        && reason.contains("request to")
    {
        f.status = Status::unknown(format!("no answer from the npm registry: {reason}"));
    }
    f
}

/// A saved report at the repository root; else, with a `package-lock.json`, `npm audit` run now
/// ([`run`]); else unknown with what to do.
pub fn from_repo(root: &Path) -> Finding {
    for name in ["npm-audit.json", "audit.json"] {
        if let Ok(text) = std::fs::read_to_string(root.join(name)) {
            return judge(&text, name);
        }
    }
    if root.join("package-lock.json").is_file() {
        return run(root, Bounds::default(), &[]);
    }
    Finding::new(
        ITEM,
        Status::unknown(
            "no saved report and no package-lock.json: run `npm audit --json --omit=dev > \
             npm-audit.json` in the repository",
        ),
        "no audit report",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_reports_count_advisories_and_other_schemas_are_unknown() {
        let report = r#"{"auditReportVersion":2,"vulnerabilities":{
          "lodash":{"name":"lodash","severity":"high","via":[{"source":1094,"name":"lodash","severity":"high","title":"Prototype Pollution"}],"fixAvailable":true},
          "express":{"name":"express","severity":"high","via":["lodash",{"source":1094,"severity":"high"}],"fixAvailable":false},
          "qs":{"name":"qs","severity":"moderate","via":[{"source":2001,"severity":"moderate"}]}},
          "metadata":{"vulnerabilities":{"info":0,"low":0,"moderate":1,"high":2,"critical":0,"total":3}}}"#;
        let f = judge(report, "npm-audit.json");
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.summary, "advisories: 0 critical, 1 high, 1 moderate, 0 low");
        let clean = r#"{"auditReportVersion":2,"vulnerabilities":{},"metadata":{}}"#;
        assert_eq!(judge(clean, "a").status, Status::Pass);
        let v1 = r#"{"advisories":{},"metadata":{"vulnerabilities":{}}}"#;
        assert_eq!(judge(v1, "a").status.name(), "unknown");
        assert_eq!(
            judge(r#"{"error":{"code":"ENOLOCK","summary":"no lockfile"}}"#, "a").status.name(),
            "unknown"
        );
    }
}
