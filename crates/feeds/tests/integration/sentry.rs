//! Sentry against a local server that follows its documented API: slug -> id lookup, the
//! organization issues endpoint, Link-header pagination over three pages, 429 + Retry-After,
//! and a refused token. The token never appears in an error.

use super::client;
use rampart_feeds::SecretString;
use rampart_feeds::sentry::{SentryProject, parse_link_header};
use rampart_feeds::testkit::{Request, Response, TestServer};
use serde_json::json;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

const TOKEN: &str = "sntrys_secret_token_value_123";

fn issue(n: u32) -> serde_json::Value {
    json!({"id": n.to_string(), "shortId": format!("BACKEND-{n}"), "title": format!("Error {n}"),
           "culprit": "app.views", "permalink": format!("https://sentry.example/issues/{n}/"),
           "level": "error", "status": "unresolved", "count": (n * 10).to_string(),
           "userCount": n, "firstSeen": "2026-08-01T10:00:00Z", "lastSeen": "2026-08-20T10:00:00Z",
           "project": {"id": "42", "slug": "backend", "name": "Backend"}})
}

fn link(base: &str, prev: Option<&str>, next: Option<&str>) -> String {
    let one = |rel: &str, c: Option<&str>| {
        format!(
            "<{base}>; rel=\"{rel}\"; results=\"{}\"; cursor=\"{}\"",
            c.is_some(),
            c.unwrap_or("0:0:0")
        )
    };
    format!("{}, {}", one("previous", prev), one("next", next))
}

fn sentry_api(req: &Request, throttled: &AtomicU32) -> Response {
    if req.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
        return Response::json(401, json!({"detail": "Invalid token"}));
    }
    match req.path.as_str() {
        "/api/0/projects/acme/backend/" => {
            Response::json(200, json!({"id": "42", "slug": "backend"}))
        }
        "/api/0/organizations/acme/issues/" => {
            assert_eq!(req.param("project").as_deref(), Some("42"));
            assert_eq!(req.param("query").as_deref(), Some("is:unresolved"));
            let base = "http://sentry.test/api/0/organizations/acme/issues/";
            match req.param("cursor").as_deref() {
                None => Response::json(200, json!([issue(1), issue(2)]))
                    .header("link", &link(base, None, Some("1:100:0"))),
                Some("1:100:0") if throttled.fetch_add(1, Ordering::SeqCst) == 0 => {
                    Response::json(429, json!({"detail": "slow down"})).header("retry-after", "1")
                }
                Some("1:100:0") => Response::json(200, json!([issue(3)]))
                    .header("link", &link(base, Some("1:0:1"), Some("1:200:0"))),
                Some("1:200:0") => Response::json(200, json!([issue(4)]))
                    .header("link", &link(base, Some("1:100:1"), None)),
                other => Response::json(400, json!({"detail": format!("bad cursor {other:?}")})),
            }
        }
        _ => Response::json(404, json!({"detail": "not found"})),
    }
}

fn project(server: &TestServer, token: &str) -> SentryProject {
    SentryProject {
        base: server.url("/").parse().unwrap(),
        org: "acme".into(),
        project: "backend".into(),
        token: SecretString::new(token.into()),
    }
}

#[tokio::test]
async fn unresolved_issues_follow_the_link_header_and_wait_out_a_429() {
    let throttled = std::sync::Arc::new(AtomicU32::new(0));
    let t = throttled.clone();
    let server = TestServer::start(move |r| sentry_api(r, &t)).await;
    let started = Instant::now();
    let issues = project(&server, TOKEN).unresolved_issues(&client(&[]), 10).await.unwrap();
    let waited = started.elapsed();
    let ids: Vec<&str> = issues.iter().map(|i| i.short_id.as_str()).collect();
    assert_eq!(ids, ["BACKEND-1", "BACKEND-2", "BACKEND-3", "BACKEND-4"]);
    assert_eq!((issues[2].count, issues[2].user_count), (30, 3));
    assert_eq!(issues[0].permalink, "https://sentry.example/issues/1/");
    assert_eq!(issues[3].last_seen, "2026-08-20T10:00:00Z");
    assert_eq!(throttled.load(Ordering::SeqCst), 2, "the throttled page was asked twice");
    assert!(waited >= Duration::from_secs(1), "Retry-After: 1 was honoured ({waited:?})");
    let cursors: Vec<Option<String>> =
        server.requests().iter().map(|r| r.param("cursor")).collect();
    assert_eq!(cursors.len(), 5, "project lookup + 3 pages + one 429: {cursors:?}");
    // Page limit: one page only.
    let first = project(&server, TOKEN).unresolved_issues(&client(&[]), 1).await.unwrap();
    assert_eq!(first.len(), 2);
}

#[tokio::test]
async fn a_refused_token_is_reported_without_the_token() {
    let t = std::sync::Arc::new(AtomicU32::new(0));
    let server = TestServer::start(move |r| sentry_api(r, &t)).await;
    let wrong = "sntrys_wrong_token_value_456";
    let err = project(&server, wrong).unresolved_issues(&client(&[]), 1).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("HTTP 401") && text.contains("event:read"), "{text}");
    assert!(!err.retryable());
    assert!(!text.contains(wrong) && !format!("{err:?}").contains(wrong), "{text}");
    let p = project(&server, wrong);
    assert!(!format!("{p:?}").contains(wrong), "Debug of the project hides the token");
}

#[test]
fn link_headers_parse_like_sentrys() {
    let h = "<https://sentry.io/api/0/organizations/acme/issues/?cursor=0:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\", <https://sentry.io/api/0/organizations/acme/issues/?cursor=0:100:0>; rel=\"next\"; results=\"true\"; cursor=\"0:100:0\"";
    let links = parse_link_header(h);
    assert_eq!(links.len(), 2);
    assert_eq!((links[0].rel.as_str(), links[0].results), ("previous", false));
    assert_eq!((links[1].rel.as_str(), links[1].results), ("next", true));
    assert_eq!(links[1].cursor.as_deref(), Some("0:100:0"));
}
