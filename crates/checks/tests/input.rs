//! Live input probes against loopback JSON APIs: malformed JSON, JSON sent as text/plain and a
//! 2 MB body. A careful API (400, 415, 413 as JSON) passes; one that answers with a 500 and a
//! stack trace, accepts the 2 MB body and sends HTML error pages fails, with the evidence.

mod common;

use rampart_checks::target::Target;
use rampart_checks::{Report, Status};
use rampart_feeds::testkit::{Response, TestServer};
use serde_json::json;
use std::time::Duration;

async fn check(url: String) -> Report {
    let target = Target {
        name: "api".into(),
        url: Some(url),
        paths: vec!["/api/users".into()],
        ..Default::default()
    };
    let only = ["api.input-validation", "code.error-leakage"];
    common::check_items(target, &only, Duration::from_secs(5)).await
}

fn item<'a>(r: &'a Report, id: &str) -> &'a rampart_checks::ItemResult {
    r.items.iter().find(|i| i.id == id).unwrap()
}

fn evidence(r: &Report, id: &str) -> String {
    item(r, id).evidence.iter().map(|e| e.text.as_str()).collect::<Vec<_>>().join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_careful_json_api_refuses_bad_input_with_the_apt_4xx() {
    let server = TestServer::start(|req| {
        if req.method != "POST" {
            return Response::json(200, json!({"users": []}));
        }
        if req.header("content-type") != Some("application/json") {
            return Response::json(415, json!({"error": "Unsupported Media Type"}));
        }
        if req.body.len() > 100 * 1024 {
            return Response::json(413, json!({"error": "Payload Too Large"}));
        }
        Response::json(400, json!({"error": "Bad Request"}))
    })
    .await;
    let r = check(server.url("/")).await;
    let input = item(&r, "api.input-validation");
    assert_eq!(input.status, Status::Pass, "{input:#?}");
    let ev = evidence(&r, "api.input-validation");
    for line in [
        "POST /api/users with malformed JSON -> 400",
        "POST /api/users (JSON sent as text/plain to /api/users) -> 415",
        "POST /api/users (a 2 MB JSON body to /api/users) -> 413",
    ] {
        assert!(ev.contains(line), "{line} missing in {ev}");
    }
    assert_eq!(item(&r, "code.error-leakage").status, Status::Pass);
    let sizes: Vec<usize> = server.requests().iter().map(|q| q.body.len()).collect();
    assert!(sizes.contains(&(2 * 1024 * 1024 + 2)), "the 2 MB body was sent: {sizes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_careless_api_fails_with_the_evidence() {
    let server = TestServer::start(|req| {
        if req.method != "POST" {
            return Response::json(200, json!({"users": []}));
        }
        match req.header("content-type") {
            Some("text/plain") => Response::text(
                500,
                "TypeError: Cannot read properties of undefined (reading 'email')\n    at /usr/src/app/routes/users.js:12:30",
            ),
            _ if req.body.len() > 100 * 1024 => Response::json(201, json!({"id": 1})),
            _ => Response::text(400, "<!DOCTYPE html><html><body><pre>Bad Request</pre></body></html>")
                .header("content-type", "text/html; charset=utf-8"),
        }
    })
    .await;
    let r = check(server.url("/")).await;
    let input = item(&r, "api.input-validation");
    assert_eq!(input.status, Status::Fail, "{input:#?}");
    assert_eq!(input.summary, "JSON sent as text/plain to /api/users gets a server error (500)");
    let ev = evidence(&r, "api.input-validation");
    assert!(ev.contains("(a 2 MB JSON body to /api/users) -> 201"), "{ev}");
    let leak = item(&r, "code.error-leakage");
    assert_eq!(leak.status, Status::Fail, "{leak:#?}");
    assert!(
        leak.summary.contains("a stack trace") || leak.summary.contains("a server file path"),
        "{}",
        leak.summary
    );
    let ev = evidence(&r, "code.error-leakage");
    assert!(ev.contains("POST /api/users with malformed JSON -> 400"), "the HTML page: {ev}");
    assert!(leak.evidence.len() >= 2, "{leak:#?}");
}
