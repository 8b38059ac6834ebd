//! A run's report: one [`ItemResult`] per selected item (its findings combined, the worst
//! verdict wins, attestations applied where nothing was proved), the header and TLS grades, and
//! the rule pack's version, serialized as stable camelCase JSON.

use crate::catalog::{Item, Section};
use crate::status::{Attestation, Evidence, Finding, Status};
use serde::Serialize;
use std::collections::HashMap;

/// Version of the rules that produced a report (bumped when a verdict's rule changes).
pub const RULE_PACK: &str = "rampart-checks/1 (observatory v6, ssl-labs 2009r subset)";

/// One item in a report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemResult {
    pub id: &'static str,
    pub section: Section,
    pub title: &'static str,
    #[serde(flatten)]
    pub status: Status,
    pub summary: String,
    pub evidence: Vec<Evidence>,
    pub remediation: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<&'static str>,
    pub asvs: &'static [&'static str],
}

/// The Observatory-compatible header grade (of `/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeaderGrade {
    pub score: i32,
    pub grade: String,
}

/// The SSL-Labs-style TLS grade with every cap reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TlsGrade {
    pub grade: String,
    pub caps: Vec<String>,
}

/// A whole run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub target: String,
    /// RFC 3339.
    pub started: String,
    pub finished: String,
    pub rule_pack: &'static str,
    pub items: Vec<ItemResult>,
    pub headers: Option<HeaderGrade>,
    pub tls: Option<TlsGrade>,
}

impl Report {
    /// True when any item failed (the CLI exits non-zero).
    pub fn any_failed(&self) -> bool {
        self.items.iter().any(|i| i.status == Status::Fail)
    }

    /// How many items have each status name.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        ["pass", "fail", "warn", "unknown", "attested", "na"]
            .into_iter()
            .map(|n| (n, self.items.iter().filter(|i| i.status.name() == n).count()))
            .collect()
    }
}

/// What to say for an item no probe spoke about.
fn unproved_reason(item: &Item) -> String {
    use crate::catalog::Proof;
    if item.proof.contains(&Proof::RampartRecord) {
        "link a Rampart source for this target (backups, alerts, Sentry, Slack, vault), or attest it"
            .into()
    } else if item.proof == [Proof::AttestOnly] {
        "not observable from outside: attest it (`rampart check attest`)".into()
    } else if item.proof.contains(&Proof::Live) && item.proof.contains(&Proof::Repository) {
        "nothing to check it against: give the target a URL or a repository, or attest it".into()
    } else if item.proof.contains(&Proof::Repository) {
        "no repository given for this target (--repo), or attest it".into()
    } else {
        "no live probe reached it for this target, or attest it".into()
    }
}

/// The date part of an RFC 3339 time (`2026-01-01T00:00:00Z` -> `2026-01-01`).
fn day(rfc3339: &str) -> &str {
    rfc3339.split_once('T').map_or(rfc3339, |(d, _)| d)
}

/// Combines `findings` into one result per item of `selected`; `attestations` (by item id) turn
/// an `unknown` into `attested` while they have not expired (`now` is RFC 3339, compared as text
/// in the same UTC format). A failure that was proved is never hidden by an attestation.
pub fn combine(
    selected: &[&'static Item],
    findings: Vec<Finding>,
    attestations: &HashMap<String, Attestation>,
    now: &str,
) -> Vec<ItemResult> {
    let mut by_item: HashMap<&str, Vec<Finding>> = HashMap::new();
    for f in findings {
        by_item.entry(f.item).or_default().push(f);
    }
    selected
        .iter()
        .map(|item| {
            let found = by_item.remove(item.id).unwrap_or_default();
            let (mut status, mut summary, mut evidence) =
                match found.iter().max_by_key(|f| f.status.severity()) {
                    Some(worst) => (
                        worst.status.clone(),
                        worst.summary.clone(),
                        found.iter().flat_map(|f| f.evidence.clone()).collect::<Vec<_>>(),
                    ),
                    None => {
                        let reason = unproved_reason(item);
                        (Status::unknown(reason.clone()), reason, Vec::new())
                    }
                };
            if let (Status::Unknown { .. }, Some(a)) = (&status, attestations.get(item.id)) {
                match &a.expires {
                    Some(exp) if exp.as_str() <= now => {
                        let reason = format!(
                            "attestation expired on {}: attested by {} on {} ({}); check it again \
                             and attest anew",
                            day(exp),
                            a.by,
                            day(&a.date),
                            a.note
                        );
                        evidence.push(Evidence::note(format!(
                            "attestation by {} on {} expired on {}",
                            a.by,
                            day(&a.date),
                            day(exp)
                        )));
                        summary = reason.clone();
                        status = Status::unknown(reason);
                    }
                    _ => {
                        let until = a
                            .expires
                            .as_deref()
                            .map(|e| format!(", expires {}", day(e)))
                            .unwrap_or_default();
                        summary =
                            format!("attested by {} on {}{until}: {}", a.by, day(&a.date), a.note);
                        status = Status::Attested(a.clone());
                    }
                }
            }
            ItemResult {
                id: item.id,
                section: item.section,
                title: item.title,
                status,
                summary,
                evidence,
                remediation: item.remediation,
                snippet: item.snippet,
                asvs: item.asvs,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;

    fn att(expires: Option<&str>) -> Attestation {
        Attestation {
            note: "checked".into(),
            by: "ana".into(),
            date: "2026-01-01T00:00:00Z".into(),
            expires: expires.map(Into::into),
        }
    }

    #[test]
    fn the_worst_finding_wins_and_evidence_accumulates() {
        let items = catalog::select(&["transport.hsts".into()]).unwrap();
        let findings = vec![
            Finding::new("transport.hsts", Status::Pass, "ok on /").with(Evidence::note("a")),
            Finding::new("transport.hsts", Status::Warn, "short on /api").with(Evidence::note("b")),
        ];
        let out = combine(&items, findings, &HashMap::new(), "2026-02-01T00:00:00Z");
        assert_eq!(out[0].status, Status::Warn);
        assert_eq!(out[0].summary, "short on /api");
        assert_eq!(out[0].evidence.len(), 2);
    }

    #[test]
    fn attestations_fill_unknowns_until_they_expire_and_never_hide_a_failure() {
        let items = catalog::select(&["compliance".into(), "code.review".into()]).unwrap();
        let mut atts = HashMap::new();
        atts.insert("compliance.gdpr".to_string(), att(Some("2027-01-01T00:00:00Z")));
        atts.insert("compliance.terms".to_string(), att(Some("2025-01-01T00:00:00Z")));
        atts.insert("code.review".to_string(), att(None));
        let findings = vec![Finding::new("code.review", Status::Fail, "proved bad")];
        let out = combine(&items, findings, &atts, "2026-02-01T00:00:00Z");
        let by: HashMap<_, _> = out.iter().map(|r| (r.id, r)).collect();
        assert_eq!(by["compliance.gdpr"].status.name(), "attested");
        assert_eq!(
            by["compliance.gdpr"].summary,
            "attested by ana on 2026-01-01, expires 2027-01-01: checked"
        );
        let Status::Unknown { reason } = &by["compliance.terms"].status else {
            panic!("an expired attestation is unknown: {:?}", by["compliance.terms"].status)
        };
        assert!(
            reason.starts_with("attestation expired on 2025-01-01: attested by ana"),
            "{reason}"
        );
        assert!(by["compliance.terms"].evidence[0].text.contains("expired on 2025-01-01"));
        assert_eq!(by["compliance.retention"].status.name(), "unknown");
        assert_eq!(by["code.review"].status, Status::Fail);
    }

    #[test]
    fn a_report_serializes_to_the_issues_json_shape() {
        let items = catalog::select(&["backup.automated".into()]).unwrap();
        let report = Report {
            target: "staging".into(),
            started: "2026-02-01T00:00:00Z".into(),
            finished: "2026-02-01T00:00:02Z".into(),
            rule_pack: RULE_PACK,
            items: combine(&items, vec![], &HashMap::new(), "2026-02-01T00:00:00Z"),
            headers: Some(HeaderGrade { score: 130, grade: "A+".into() }),
            tls: None,
        };
        let v = serde_json::to_value(&report).unwrap();
        let item = &v["items"][0];
        for key in [
            "id",
            "section",
            "title",
            "status",
            "reason",
            "summary",
            "evidence",
            "remediation",
            "asvs",
        ] {
            assert!(item.get(key).is_some(), "{key} missing in {item}");
        }
        assert_eq!(item["section"], "backup");
        assert!(item["reason"].as_str().unwrap().contains("link a Rampart source"));
        assert_eq!(v["headers"], serde_json::json!({"score": 130, "grade": "A+"}));
        assert!(v.get("rulePack").is_some());
        assert!(!report.any_failed());
    }
}
