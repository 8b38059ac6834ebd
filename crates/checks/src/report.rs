//! A run's report: one [`ItemResult`] per selected item (its findings combined, the worst
//! verdict wins, attestations applied where nothing was proved), the header and TLS grades, and
//! the rule pack's version, serialized as stable camelCase JSON.

use crate::catalog::{Item, Section};
use crate::status::{Attestation, Evidence, Finding, Status};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Version of the rules that produced a report (bumped when a verdict's rule changes).
pub const RULE_PACK: &str = "rampart-checks/1 (observatory v6, ssl-labs 2009r subset)";
/// Every rule pack this build can read a stored report of (the current one last).
pub const RULE_PACKS: &[&str] = &[RULE_PACK];

/// One item in a report.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "CheckItemResult"))]
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
    #[cfg_attr(feature = "ts", ts(optional))]
    pub snippet: Option<&'static str>,
    pub asvs: &'static [&'static str],
}

/// The Observatory-compatible header grade (of `/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HeaderGrade {
    pub score: i32,
    pub grade: String,
}

/// The SSL-Labs-style TLS grade with every cap reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TlsGrade {
    pub grade: String,
    pub caps: Vec<String>,
}

/// A whole run.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "CheckReport"))]
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

    /// Reads a report back from the JSON it serialized to (a stored run). Titles, remediation
    /// and ASVS ids come from this build's catalog; verdicts, summaries and evidence from the
    /// JSON. Refused with the reason: not JSON of a report, an unknown rule pack (a newer
    /// Rampart wrote it) or an item id the catalog does not know.
    pub fn from_json(text: &str) -> Result<Report, String> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct StoredItem {
            id: String,
            #[serde(flatten)]
            status: Status,
            summary: String,
            evidence: Vec<Evidence>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Stored {
            target: String,
            started: String,
            finished: String,
            rule_pack: String,
            items: Vec<StoredItem>,
            headers: Option<HeaderGrade>,
            tls: Option<TlsGrade>,
        }
        let stored: Stored =
            serde_json::from_str(text).map_err(|e| format!("not a stored report: {e}"))?;
        let rule_pack = RULE_PACKS.iter().find(|p| **p == stored.rule_pack).ok_or_else(|| {
            format!(
                "the report was made by rule pack {:?}, which this Rampart does not know \
                     (a newer Rampart wrote it)",
                stored.rule_pack
            )
        })?;
        let items = stored
            .items
            .into_iter()
            .map(|i| {
                let item = crate::catalog::item(&i.id)
                    .ok_or_else(|| format!("the report names an unknown item {:?}", i.id))?;
                Ok(ItemResult {
                    id: item.id,
                    section: item.section,
                    title: item.title,
                    status: i.status,
                    summary: i.summary,
                    evidence: i.evidence,
                    remediation: item.remediation,
                    snippet: item.snippet,
                    asvs: item.asvs,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Report {
            target: stored.target,
            started: stored.started,
            finished: stored.finished,
            rule_pack,
            items,
            headers: stored.headers,
            tls: stored.tls,
        })
    }
}

/// An item that was `pass` or `attested` in an earlier run and fails now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "CheckRegression"))]
pub struct Regression {
    pub id: &'static str,
    pub title: &'static str,
    /// The earlier status (`pass` or `attested`) and when that run started.
    pub was: &'static str,
    pub since: String,
    /// Why it fails now.
    pub summary: String,
}

/// The items of `now` that fail while their latest earlier verdict (from `earlier`, newest
/// first; a run that did not cover an item is skipped for it) was `pass` or `attested`.
pub fn regressions(now: &Report, earlier: &[Report]) -> Vec<Regression> {
    now.items
        .iter()
        .filter(|i| i.status == Status::Fail)
        .filter_map(|i| {
            let (run, before) = earlier
                .iter()
                .find_map(|r| r.items.iter().find(|p| p.id == i.id).map(|p| (r, p)))?;
            let was = match before.status {
                Status::Pass => "pass",
                Status::Attested(_) => "attested",
                _ => return None,
            };
            Some(Regression {
                id: i.id,
                title: i.title,
                was,
                since: run.started.clone(),
                summary: i.summary.clone(),
            })
        })
        .collect()
}

/// What to say for an item no probe spoke about: what to add to the target to prove it.
fn unproved_reason(item: &Item) -> String {
    use crate::catalog::Proof;
    if item.proof.contains(&Proof::RampartRecord) {
        "link a Rampart source for this target (backups, alerts, Sentry, Slack, vault), or attest it"
            .into()
    } else if item.proof == [Proof::AttestOnly] {
        "not observable from outside: attest it (`rampart check attest`)".into()
    } else if item.id == "auth.login-rate-limit" {
        "not probed: give the target its login path and allow the failed-login burst \
         (--login-path, --login-burst), or a repository (--repo), or attest it"
            .into()
    } else if item.proof.contains(&Proof::Live) && item.proof.contains(&Proof::Repository) {
        "neither the live probes nor a repository spoke about it: give the target a repository \
         (--repo), or attest it"
            .into()
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
    fn an_item_nothing_spoke_about_says_what_to_add_to_the_target() {
        let items = catalog::select(&["auth".into()]).unwrap();
        let out = combine(&items, vec![], &HashMap::new(), "2026-02-01T00:00:00Z");
        let reason = |id: &str| match &out.iter().find(|r| r.id == id).unwrap().status {
            Status::Unknown { reason } => reason.clone(),
            other => panic!("{id} is {other:?}"),
        };
        assert!(reason("auth.login-rate-limit").contains("--login-path, --login-burst"));
        assert!(reason("auth.jwt-secret").contains("--repo"), "{}", reason("auth.jwt-secret"));
        assert!(!out.iter().any(|r| r.summary.contains("nothing to check it against")));
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

    fn run_of(
        started: &str,
        verdicts: &[(&str, Status)],
        atts: &HashMap<String, Attestation>,
    ) -> Report {
        let ids: Vec<String> = verdicts.iter().map(|(id, _)| id.to_string()).collect();
        let items = catalog::select(&ids).unwrap();
        let findings = verdicts
            .iter()
            .map(|(id, s)| {
                Finding::new(catalog::item(id).unwrap().id, s.clone(), format!("{id} now"))
            })
            .collect();
        Report {
            target: "web".into(),
            started: started.into(),
            finished: started.into(),
            rule_pack: RULE_PACK,
            items: combine(&items, findings, atts, started),
            headers: Some(HeaderGrade { score: 90, grade: "A".into() }),
            tls: Some(TlsGrade { grade: "B".into(), caps: vec!["B: TLS 1.0 is offered".into()] }),
        }
    }

    #[test]
    fn a_stored_report_reads_back_and_bad_ones_are_refused() {
        let mut atts = HashMap::new();
        atts.insert("compliance.gdpr".to_string(), att(None));
        let r = run_of(
            "2026-02-01T00:00:00Z",
            &[("transport.hsts", Status::Warn), ("compliance.gdpr", Status::unknown("x"))],
            &atts,
        );
        let json = serde_json::to_string(&r).unwrap();
        let back = Report::from_json(&json).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), json, "a round trip is exact");
        assert_eq!(back.items[1].status.name(), "attested");

        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let mut newer = v.clone();
        newer["rulePack"] = "rampart-checks/99".into();
        let e = Report::from_json(&newer.to_string()).unwrap_err();
        assert!(e.contains("rule pack \"rampart-checks/99\""), "{e}");
        let mut unknown = v.clone();
        unknown["items"][0]["id"] = "auth.nope".into();
        assert!(Report::from_json(&unknown.to_string()).unwrap_err().contains("unknown item"));
        let mut bad_status = v.clone();
        bad_status["items"][0]["status"] = "great".into();
        assert!(
            Report::from_json(&bad_status.to_string())
                .unwrap_err()
                .starts_with("not a stored report")
        );
        for text in ["", "[]", "{\"target\": 1}", "null"] {
            assert!(Report::from_json(text).is_err(), "{text}");
        }
    }

    #[test]
    fn regressions_are_failures_of_items_that_passed_or_were_attested_before() {
        let mut atts = HashMap::new();
        atts.insert("compliance.gdpr".to_string(), att(None));
        let older = run_of(
            "2026-01-01T00:00:00Z",
            &[("transport.hsts", Status::Pass), ("api.cors", Status::Pass)],
            &HashMap::new(),
        );
        let prev = run_of(
            "2026-01-02T00:00:00Z",
            &[
                ("transport.hsts", Status::Pass),
                ("compliance.gdpr", Status::unknown("x")),
                ("code.review", Status::Warn),
            ],
            &atts,
        );
        let now = run_of(
            "2026-01-03T00:00:00Z",
            &[
                ("transport.hsts", Status::Fail),
                ("compliance.gdpr", Status::Fail),
                ("code.review", Status::Fail),
                ("api.cors", Status::Fail),
                ("transport.csp", Status::Fail),
            ],
            &HashMap::new(),
        );
        let found = regressions(&now, &[prev, older]);
        let got: Vec<(&str, &str, &str)> =
            found.iter().map(|r| (r.id, r.was, r.since.as_str())).collect();
        assert_eq!(
            got,
            [
                ("transport.hsts", "pass", "2026-01-02T00:00:00Z"),
                ("api.cors", "pass", "2026-01-01T00:00:00Z"),
                ("compliance.gdpr", "attested", "2026-01-02T00:00:00Z"),
            ]
        );
        assert!(regressions(&now, &[]).is_empty(), "a first run has no regressions");
    }
}
