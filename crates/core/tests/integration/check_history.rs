//! Checklist run history through the service: runs kept per target (pruned to the newest
//! RUNS_KEPT), the last run read back whole, regressions (pass or attested before, fail now)
//! returned and audited, and the errors for an unknown target.

use crate::TestApp;
use rampart_core::ErrorKind;
use rampart_core::checks::{RUNS_KEPT, Target};

const NOW: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

fn run(
    t: &TestApp,
    name: &str,
    only: &[&str],
) -> (rampart_core::checks::Report, Vec<rampart_core::checks::Regression>) {
    let only: Vec<String> = only.iter().map(|s| s.to_string()).collect();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(t.app.check_run_recorded(name, &only, false, |_| {})).unwrap()
}

#[test]
fn runs_are_kept_read_back_and_regressions_returned_and_audited() {
    let t = TestApp::new(NOW);
    let repo = tempfile::tempdir().unwrap();
    let env = repo.path().join(".env");
    std::fs::write(&env, "JWT_SECRET=9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a49382\n").unwrap();
    let target =
        Target { name: "svc".into(), repo: Some(repo.path().to_owned()), ..Default::default() };
    t.app.check_target_add(&target).unwrap();
    assert!(t.app.check_last_run("svc").unwrap().is_none(), "no run yet");
    assert!(t.app.check_history("svc", 10).unwrap().is_empty());

    let only = ["auth.jwt-secret", "compliance.gdpr"];
    let (first, regressions) = run(&t, "svc", &only);
    assert_eq!(first.items[0].status.name(), "pass", "{:?}", first.items[0]);
    assert!(regressions.is_empty());

    // The secret becomes the guide's placeholder and GDPR is attested, then both go bad.
    std::fs::write(&env, "JWT_SECRET=changeme\n").unwrap();
    t.clock.advance(60);
    let expires = rampart_core::checks::parse_expiry("30d", t.app.now()).unwrap();
    t.app.check_attest("svc", "compliance.gdpr", "DPA signed", "ana", expires).unwrap();
    let (second, regressions) = run(&t, "svc", &only);
    assert_eq!(second.items[0].status.name(), "fail");
    let ids: Vec<(&str, &str)> = regressions.iter().map(|r| (r.id, r.was)).collect();
    assert_eq!(ids, [("auth.jwt-secret", "pass")]);
    assert_eq!(regressions[0].since, first.started);

    let last = t.app.check_last_run("svc").unwrap().unwrap();
    assert_eq!(last.report.started, second.started);
    assert_eq!(last.report.items[1].status.name(), "attested");
    assert_eq!(
        serde_json::to_value(&last.report).unwrap(),
        serde_json::to_value(&second).unwrap(),
        "the last run reads back as it was"
    );
    let history = t.app.check_history("svc", 10).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!((history[0].fail, history[0].attested, history[1].pass), (1, 1, 1));
    assert_eq!(history[0].id, last.id);

    let log = t.app.audit_log(10).unwrap();
    assert!(
        log.iter().any(|e| e.action == "check"
            && e.subject.contains(
                "check-target:svc run: fail 1, attested 1; regressions: auth.jwt-secret"
            )),
        "{log:#?}"
    );

    // Only the newest RUNS_KEPT are kept.
    for _ in 0..RUNS_KEPT {
        run(&t, "svc", &["compliance.gdpr"]);
    }
    let history = t.app.check_history("svc", 1000).unwrap();
    assert_eq!(history.len(), RUNS_KEPT);

    for e in
        [t.app.check_history("nope", 1).unwrap_err(), t.app.check_last_run("nope").unwrap_err()]
    {
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }
    let mut stray = second.clone();
    stray.target = "nope".into();
    assert_eq!(t.app.check_record(&stray).unwrap_err().kind(), ErrorKind::NotFound);
}

#[test]
fn reviews_fall_due_an_interval_after_the_last_run_or_the_creation() {
    let t = TestApp::new(NOW);
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(repo.path().join("README.md"), "service\n").unwrap();
    let add = |name: &str, every: Option<u32>| {
        let target = Target {
            name: name.into(),
            repo: Some(repo.path().to_owned()),
            review_every_days: every,
            ..Default::default()
        };
        t.app.check_target_add(&target).unwrap()
    };
    let quarterly = add("quarterly", None);
    assert_eq!(quarterly.review.every_days, 90);
    assert_eq!(quarterly.review.due, "2026-04-01T00:00:00Z");
    assert!(!quarterly.review.since_run && !quarterly.review.overdue);
    add("weekly", Some(7));
    assert!(t.app.check_reviews_due(NOW).unwrap().is_empty(), "nothing due on the first day");

    // Ten days on, the weekly one is overdue; a run resets its clock.
    t.clock.advance(10 * 86_400);
    let due = t.app.check_reviews_due(t.app.now()).unwrap();
    assert_eq!(due.iter().map(|r| r.target.as_str()).collect::<Vec<_>>(), ["weekly"]);
    assert_eq!(due[0].due, "2026-01-08T00:00:00Z");
    assert!(t.app.check_target("weekly").unwrap().review.overdue, "the view says so too");
    run(&t, "weekly", &["compliance.gdpr"]);
    assert!(t.app.check_reviews_due(t.app.now()).unwrap().is_empty());
    let review = t.app.check_review("weekly", t.app.now()).unwrap();
    assert!(review.since_run);
    assert_eq!(review.due, "2026-01-18T00:00:00Z");

    // A hundred days on, both are due, the most overdue first.
    t.clock.advance(90 * 86_400);
    let due = t.app.check_reviews_due(t.app.now()).unwrap();
    assert_eq!(due.iter().map(|r| r.target.as_str()).collect::<Vec<_>>(), ["weekly", "quarterly"]);
    let err = t.app.check_review("nope", NOW).unwrap_err();
    assert_eq!(err.kind(), rampart_core::ErrorKind::NotFound);
    let bad = Target { review_every_days: Some(0), ..t.app.check_target("weekly").unwrap().target };
    let err = t.app.check_target_add(&Target { name: "bad".into(), ..bad }).unwrap_err();
    assert!(err.to_string().contains("review interval of 0 days"), "{err}");
}
