//! `npm audit --json` (report version 2, npm 7 and later): counted by advisory (unique
//! `source`), not by package. A saved report (`npm-audit.json` or `audit.json` at the root) is
//! parsed; an unknown schema or an `error` object is `unknown` with the reason, never a pass.

use crate::status::{Evidence, Finding, Status};
use std::collections::HashSet;
use std::path::Path;

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
        let summary = e.get("summary").and_then(|s| s.as_str()).unwrap_or("an error");
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

/// The saved report at the repository root, if any.
pub fn from_repo(root: &Path) -> Finding {
    for name in ["npm-audit.json", "audit.json"] {
        if let Ok(text) = std::fs::read_to_string(root.join(name)) {
            return judge(&text, name);
        }
    }
    Finding::new(
        ITEM,
        Status::unknown(
            "no saved report: run `npm audit --json --omit=dev > npm-audit.json` in the repository",
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
