//! The on-call and incident side: a service found down, Sentry issues read with a vault
//! token, a Slack test through a vault webhook, an incident opened from the service and
//! escalated by hand to Slack and to email over SMTP with a vault password, resolved, and its
//! postmortem exported as Markdown and HTML.

use super::harness::Run;
use rampart_feeds::testkit::{Response, SmtpSink, TestServer};
use serde_json::json;
use std::time::Duration;

const SENTRY_TOKEN: &str = "sntrys_LeakCanary_token_31337";
const SMTP_PASSWORD: &str = "LeakCanary-smtp-pass-808";
const HOOK_PATH: &str = "/services/T000/B000/LeakCanaryHookPath";

pub fn run(run: &mut Run) -> Vec<String> {
    let rt = rampart_feeds::tokio::runtime::Runtime::new().unwrap();
    let down = rt.block_on(TestServer::start(|_| Response::json(503, json!({"status": "down"}))));
    let sentry = rt.block_on(TestServer::start(|req| {
        if req.header("authorization") != Some(&format!("Bearer {SENTRY_TOKEN}")) {
            return Response::json(401, json!({"detail": "Invalid token"}));
        }
        match req.path.as_str() {
            "/api/0/projects/acme/backend/" => Response::json(200, json!({"id": "42"})),
            _ => Response::json(
                200,
                json!([{"id": "1", "shortId": "BACKEND-1", "title": "TypeError",
                "permalink": "https://sentry.example/issues/1/", "count": "12", "userCount": 3,
                "firstSeen": "2026-08-01T00:00:00Z", "lastSeen": "2026-08-02T00:00:00Z"}]),
            ),
        }
    }));
    let slack = rt.block_on(TestServer::start(|_| Response::text(200, "ok")));
    let smtp = SmtpSink::start(Some(("rampart", SMTP_PASSWORD)));
    let hook = slack.url(HOOK_PATH);

    run.cmd(&["service", "add", "api", "--url", &down.url("/health")], "", false);
    assert!(!run.status(&["health"], "", false).status.success(), "api is down");
    run.cmd(&["vault", "set", "sentry-token", "--kind", "apiToken"], SENTRY_TOKEN, false);
    let sentry_url = sentry.url("/");
    let add = ["sentry", "add", "acme/backend", "--token-from", "sentry-token", "--url"];
    run.cmd(&[&add[..], &[sentry_url.as_str()]].concat(), "", false);
    let issues = run.cmd(&["sentry", "--json"], "", false);
    assert!(issues.contains("BACKEND-1"), "the token was used: {issues}");

    run.cmd(&["vault", "set", "slack-hook", "--kind", "webhookUrl"], &hook, false);
    run.cmd(&["slack", "set", "--webhook-from", "slack-hook"], "", false);
    run.cmd(&["slack", "test"], "", false);
    run.cmd(&["vault", "set", "smtp-password"], SMTP_PASSWORD, false);
    let port = smtp.port.to_string();
    let email = ["email", "set", "--server", "127.0.0.1", "--port", &port, "--tls", "none"];
    let login = ["--from", "rampart@example.test", "--user", "rampart"];
    run.cmd(&[&email[..], &login[..], &["--password-from", "smtp-password"]].concat(), "", false);
    let policy = run.work().join("policy.json");
    let chain = json!({
        "levels": [
            {"name": "On-call engineer", "contacts": [{"name": "ana", "email": "ana@example.test", "slack": "U123ANA"}]},
            {"name": "Security team", "contacts": []},
            {"name": "Management", "contacts": []},
            {"name": "External", "contacts": []}
        ],
        "waitMinutes": {"p1": 15, "p2": 60, "p3": null, "p4": null}
    });
    std::fs::write(&policy, chain.to_string()).unwrap();
    run.cmd(&["escalation", "set", "--file", policy.to_str().unwrap()], "", false);

    run.cmd(&["incident", "open", "--from-service", "api", "--json"], "", false);
    run.cmd(&["incident", "note", "1", "restarting the pod"], "", false);
    let out = run.cmd(&["incident", "escalate", "1"], "", false);
    assert!(out.contains("email to ana@example.test: delivered"), "{out}");
    let mails = smtp.wait_for(1, Duration::from_secs(10));
    assert_eq!(mails[0].login, "rampart", "logged in with the vault password");
    let posted = slack.requests();
    assert!(posted.len() >= 2 && posted.iter().all(|r| r.path == HOOK_PATH), "posted to the hook");
    run.cmd(&["incident", "ack", "1", "--by", "ana"], "", false);
    let resolve = ["incident", "resolve", "1", "--summary", "pod restarted", "--force"];
    run.cmd(&resolve, "", false);
    run.cmd(&["incident", "show", "1", "--json"], "", false);
    for format in ["md", "html"] {
        let out = run.outputs().join(format!("postmortem.{format}"));
        let export = ["incident", "export", "1", "--format", format, "--out"];
        run.cmd(&[&export[..], &[out.to_str().unwrap()]].concat(), "", false);
    }
    vec![SENTRY_TOKEN.to_owned(), SMTP_PASSWORD.to_owned(), hook, HOOK_PATH.to_owned()]
}
