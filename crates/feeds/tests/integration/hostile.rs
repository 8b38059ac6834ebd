//! Servers that stall or flood, against every feed client: one that accepts and never answers,
//! one that sends an endless body, one that trickles a byte a second. Each must fail as that
//! source's own error within its (here 1 s) timeout or at its (here 1 MiB) body cap, saying
//! which, and a healthy source queried alongside must answer at once.

use super::client;
use rampart_feeds::alertmanager::Alertmanager;
use rampart_feeds::prometheus::Prometheus;
use rampart_feeds::sentry::SentryProject;
use rampart_feeds::slack::{Level, SlackMessage, post_within};
use rampart_feeds::testkit::{Hostile, HostileServer, Response, TestServer};
use rampart_feeds::{FeedsError, Limits, RetryPolicy, SecretString};
use std::time::{Duration, Instant};

const LIMITS: Limits = Limits { timeout: Duration::from_secs(1), body_cap: 1024 * 1024 };
/// Longest a hostile case may take: its timeout plus scheduling slack.
const BUDGET: Duration = Duration::from_millis(1800);

/// Runs `call` against a fresh server of `kind` and checks the error it gives.
async fn against<T: std::fmt::Debug, Fut: Future<Output = Result<T, FeedsError>>>(
    kind: Hostile,
    source: &str,
    call: impl FnOnce(String) -> Fut,
) {
    let server = HostileServer::start(kind).await;
    let started = Instant::now();
    let outcome = tokio::time::timeout(Duration::from_secs(5), call(server.url("/"))).await;
    let elapsed = started.elapsed();
    let Ok(result) = outcome else {
        panic!("{source} against a {kind:?} server: no answer after 5 s (no timeout applied)")
    };
    let err = match result {
        Ok(v) => panic!("{source} against a {kind:?} server succeeded: {v:?}"),
        Err(e) => e,
    };
    let text = err.to_string();
    assert!(elapsed < BUDGET, "{source} against {kind:?} took {elapsed:?}: {text}");
    assert!(text.starts_with(source), "the error names the source: {text}");
    match kind {
        Hostile::Silent | Hostile::Trickle => {
            assert!(text.contains("timed out after 1 s"), "{kind:?}: {text}");
            assert!(text.contains("retrying may help") && err.retryable(), "{text}");
        }
        Hostile::Endless => {
            assert!(text.contains("the body is larger than the 1 MiB limit"), "{text}");
            assert!(text.contains("retrying will not help") && !err.retryable(), "{text}");
        }
        // The checklist's probes meet these (crates/checks/tests/live.rs); here only the error.
        Hostile::RedirectLoop | Hostile::HugeHeaders | Hostile::Garbage => {}
    }
    println!("{source} vs {kind:?}: {elapsed:?}: {text}");
}

async fn alertmanager(url: String) -> Result<impl std::fmt::Debug, FeedsError> {
    Alertmanager::new("stuck", &url, client(&[]))?.with_limits(LIMITS).alerts().await
}

async fn prometheus_alerts(url: String) -> Result<impl std::fmt::Debug, FeedsError> {
    Prometheus::new("stuck", &url, client(&[]))?.with_limits(LIMITS).alerts().await
}

async fn prometheus_ready(url: String) -> Result<impl std::fmt::Debug, FeedsError> {
    Prometheus::new("stuck", &url, client(&[]))?.with_limits(LIMITS).ready().await
}

async fn sentry(url: String) -> Result<impl std::fmt::Debug, FeedsError> {
    let project = SentryProject {
        base: url.parse().unwrap(),
        org: "acme".into(),
        project: "42".into(),
        token: SecretString::new("sntrys_test".into()),
    };
    project.unresolved_issues_within(&client(&[]), 3, LIMITS).await
}

async fn slack(url: String) -> Result<(), FeedsError> {
    let message = SlackMessage {
        level: Level::Error,
        title: "api down".into(),
        text: "HTTP 503".into(),
        fields: vec![],
        at: 0,
    };
    let webhook = SecretString::new(format!("{url}services/T0/B0/secret"));
    let policy = RetryPolicy { base_backoff: Duration::from_millis(50), ..Default::default() };
    let result = post_within(&client(&[]), &webhook, &message, policy, LIMITS).await;
    if let Err(e) = &result {
        assert!(!e.to_string().contains("secret"), "the webhook leaked: {e}");
    }
    result
}

/// One test per client and kind of server, so each failure shows on its own.
macro_rules! hostile {
    ($($test:ident: $kind:ident, $source:literal, $call:ident;)*) => {$(
        #[tokio::test]
        async fn $test() {
            against(Hostile::$kind, $source, $call).await;
        }
    )*};
}

hostile! {
    alertmanager_silent: Silent, "Alertmanager stuck", alertmanager;
    alertmanager_endless: Endless, "Alertmanager stuck", alertmanager;
    alertmanager_trickle: Trickle, "Alertmanager stuck", alertmanager;
    prometheus_alerts_silent: Silent, "Prometheus stuck", prometheus_alerts;
    prometheus_alerts_endless: Endless, "Prometheus stuck", prometheus_alerts;
    prometheus_alerts_trickle: Trickle, "Prometheus stuck", prometheus_alerts;
    prometheus_ready_silent: Silent, "Prometheus stuck", prometheus_ready;
    prometheus_ready_endless: Endless, "Prometheus stuck", prometheus_ready;
    prometheus_ready_trickle: Trickle, "Prometheus stuck", prometheus_ready;
    sentry_silent: Silent, "Sentry acme/42", sentry;
    sentry_endless: Endless, "Sentry acme/42", sentry;
    sentry_trickle: Trickle, "Sentry acme/42", sentry;
    slack_silent: Silent, "Slack webhook", slack;
    slack_endless: Endless, "Slack webhook", slack;
    slack_trickle: Trickle, "Slack webhook", slack;
}

#[tokio::test]
async fn a_stalled_alertmanager_does_not_hold_up_a_healthy_one() {
    let stalled = HostileServer::start(Hostile::Silent).await;
    let healthy = TestServer::start(|_| Response::json(200, serde_json::json!([]))).await;
    let c = client(&[]);
    let ams = [
        Alertmanager::new("stalled", &stalled.url("/"), c.clone()).unwrap().with_limits(LIMITS),
        Alertmanager::new("healthy", &healthy.url("/"), c.clone()).unwrap().with_limits(LIMITS),
    ];
    let started = Instant::now();
    let timed = |am: Alertmanager| async move {
        let result = tokio::time::timeout(Duration::from_secs(5), am.alerts()).await;
        let result = result.unwrap_or_else(|_| panic!("{}: no answer after 5 s", am.name));
        (result, started.elapsed())
    };
    let ((stalled, stalled_at), (healthy, healthy_at)) =
        tokio::join!(timed(ams[0].clone()), timed(ams[1].clone()));
    assert_eq!(healthy.unwrap(), vec![]);
    assert!(healthy_at < Duration::from_millis(500), "the healthy one waited {healthy_at:?}");
    let err = stalled.unwrap_err().to_string();
    assert!(err.starts_with("Alertmanager stalled is unreachable: timed out after 1 s"), "{err}");
    assert!(stalled_at < BUDGET, "the stalled one took {stalled_at:?}");
}
