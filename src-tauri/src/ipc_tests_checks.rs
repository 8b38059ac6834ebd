//! The checklist payloads (core's checks views and rampart-checks' report) against types.ts.

use crate::ipc_tests::{json_fields, ts_fields};
use rampart_core::checks::{AttestationView, Target, TargetView, catalog};

#[test]
fn every_checklist_payload_has_exactly_the_fields_the_ui_contract_names() {
    let attestation = AttestationView {
        item: "code.review".into(),
        note: "n".into(),
        by: "ana".into(),
        date: "2026-01-01T00:00:00Z".into(),
        expires: None,
        expired: false,
    };
    let target = Target { name: "t".into(), url: Some("https://x".into()), ..Default::default() };
    let review = rampart_core::checks::review_of(&target, 1_767_225_600, None, 1_767_225_600);
    let view = TargetView {
        target: target.clone(),
        created_at: "2026-01-01T00:00:00Z".into(),
        attestations: vec![attestation.clone()],
        review: review.clone(),
    };
    let item = catalog::item("transport.hsts").unwrap();
    assert_eq!(json_fields(item), ts_fields("CheckItem"), "CheckItem drifted");
    assert_eq!(json_fields(&target), ts_fields("CheckTarget"), "CheckTarget drifted");
    assert_eq!(json_fields(&attestation), ts_fields("AttestationView"), "AttestationView drifted");
    let mut own = ts_fields("CheckTarget");
    own.extend(["createdAt".to_owned(), "attestations".to_owned(), "review".to_owned()]);
    assert_eq!(json_fields(&review), ts_fields("CheckReview"), "CheckReview drifted");
    assert_eq!(json_fields(&view), own, "CheckTargetView drifted");

    // A report: the unknown item carries `reason`, the optional fields are declared optional.
    let items = catalog::select(&["code.review".into()]).unwrap();
    let report = rampart_checks_report(items);
    assert_eq!(json_fields(&report), ts_fields("CheckReport"), "CheckReport drifted");
    let item = serde_json::to_value(&report.items[0]).unwrap();
    let ts = ts_fields("CheckItemResult");
    for key in item.as_object().unwrap().keys() {
        assert!(ts.contains(key), "CheckItemResult lacks {key}");
    }

    // A run with its regressions, a stored run, a run summary.
    let regression = rampart_core::checks::Regression {
        id: "transport.hsts",
        title: "HSTS header",
        was: "pass",
        since: "2026-01-01T00:00:00Z".into(),
        summary: "s".into(),
    };
    assert_eq!(json_fields(&regression), ts_fields("CheckRegression"), "CheckRegression drifted");
    let run =
        crate::commands::checks::RunView { report: report.clone(), regressions: vec![regression] };
    let mut own = ts_fields("CheckReport");
    own.insert("regressions".to_owned());
    assert_eq!(json_fields(&run), own, "CheckRunView drifted");
    let stored = rampart_core::checks::StoredRun { id: 7, report };
    let mut own = ts_fields("CheckReport");
    own.insert("id".to_owned());
    assert_eq!(json_fields(&stored), own, "CheckStoredRun drifted");
    let summary = rampart_core::checks::RunSummary {
        id: 7,
        target: "t".into(),
        started: "s".into(),
        finished: "f".into(),
        pass: 1,
        fail: 0,
        warn: 0,
        unknown: 0,
        attested: 0,
        na: 0,
    };
    assert_eq!(json_fields(&summary), ts_fields("CheckRunSummary"), "CheckRunSummary drifted");
}

fn rampart_checks_report(
    items: Vec<&'static rampart_core::checks::Item>,
) -> rampart_core::checks::Report {
    rampart_core::checks::Report {
        target: "t".into(),
        started: "2026-01-01T00:00:00Z".into(),
        finished: "2026-01-01T00:00:01Z".into(),
        rule_pack: "p",
        items: items
            .into_iter()
            .map(|i| rampart_core::checks::ItemResult {
                id: i.id,
                section: i.section,
                title: i.title,
                status: rampart_core::checks::Status::unknown("r"),
                summary: "s".into(),
                evidence: vec![],
                remediation: i.remediation,
                snippet: Some("x"),
                asvs: i.asvs,
            })
            .collect(),
        headers: None,
        tls: None,
    }
}
