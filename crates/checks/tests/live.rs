//! Live probes against servers started here on loopback: a helmet-like HTTPS API (rcgen CA),
//! an Express app making the guide's mistakes, hostile servers (silent, endless body), a real
//! redis-server with and without requirepass, and a MongoDB-wire fake.

use rampart_checks::probe::client::Limits;
mod common;

use rampart_checks::run::RunInput;
use rampart_checks::target::Target;
use rampart_checks::{Report, Status, catalog};
use rampart_feeds::testkit::{Hostile, HostileServer, Response, TestCert, TestServer};
use std::collections::HashMap;
use std::time::{Duration, Instant};

use rampart_checks::probe::observatory::HELMET_DEFAULTS as HELMET;

fn limits() -> Limits {
    common::limits(Duration::from_secs(2))
}

async fn check(target: Target, only: &[&str]) -> Report {
    common::check_items(target, only, Duration::from_secs(2)).await
}

fn status<'a>(r: &'a Report, id: &str) -> &'a Status {
    &r.items.iter().find(|i| i.id == id).unwrap_or_else(|| panic!("{id} missing")).status
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_helmet_api_over_tls_passes_headers_cors_and_tls() {
    let cert = TestCert::valid_for_days(90);
    let server = TestServer::start_tls(
        |req| {
            let mut resp = if req.method == "POST" {
                Response::json(400, serde_json::json!({"error": "Bad Request"}))
            } else if req.path.starts_with("/rampart-check-not-found") {
                Response::json(404, serde_json::json!({"error": "Not found"}))
            } else {
                Response::json(200, serde_json::json!({"ok": true}))
            };
            for (n, v) in HELMET {
                resp = resp.header(n, v);
            }
            resp.header("ratelimit-policy", "100;w=60")
                .header("ratelimit", "limit=100, remaining=99, reset=42")
        },
        &cert,
    )
    .await;
    let ca = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(ca.path(), &cert.ca_pem).unwrap();
    let target = Target {
        name: "good".into(),
        url: Some(server.url("/")),
        paths: vec!["/api/users".into()],
        ca_file: Some(ca.path().to_owned()),
        plain_port: Some(free_port()),
        ..Default::default()
    };
    let started = Instant::now();
    let r = check(target, &["transport", "api", "code"]).await;
    let took = started.elapsed();
    for id in [
        "transport.https",
        "transport.certificate",
        "transport.hsts",
        "code.security-headers",
        "api.cors",
        "api.rate-limit",
        "api.input-validation",
        "code.error-leakage",
    ] {
        assert_eq!(
            status(&r, id),
            &Status::Pass,
            "{id}: {:#?}",
            r.items.iter().find(|i| i.id == id)
        );
    }
    assert_eq!(status(&r, "transport.csp"), &Status::Pass);
    assert_eq!(r.headers.as_ref().unwrap().score, 130);
    assert_eq!(r.tls.as_ref().unwrap().grade, "A+", "{:?}", r.tls);
    eprintln!("full run against the good target: {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_express_app_with_the_guides_mistakes_fails() {
    let server = TestServer::start(|req| {
        let origin = req.header("origin").map(str::to_owned);
        let mut resp = if req.method == "POST" {
            Response::text(500, "<pre>SyntaxError: Unexpected end of JSON input<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)\n    at parse (/usr/src/app/node_modules/body-parser/lib/types/json.js:89:19)</pre>")
        } else if req.path.starts_with("/rampart-check-not-found") {
            Response::text(404, "Cannot GET /rampart-check-not-found")
        } else {
            Response::json(200, serde_json::json!({"ok": true}))
        };
        resp = resp.header("x-powered-by", "Express");
        if let Some(o) = origin {
            resp = resp.header("access-control-allow-origin", &o).header("access-control-allow-credentials", "true");
        }
        resp
    })
    .await;
    let target = Target {
        name: "bad".into(),
        url: Some(server.url("/")),
        paths: vec!["/api/users".into()],
        ..Default::default()
    };
    let r = check(target, &["transport", "api", "code"]).await;
    for id in [
        "transport.https",
        "transport.hsts",
        "transport.csp",
        "api.cors",
        "api.input-validation",
        "code.error-leakage",
        "code.security-headers",
    ] {
        assert_eq!(
            status(&r, id),
            &Status::Fail,
            "{id}: {:#?}",
            r.items.iter().find(|i| i.id == id)
        );
    }
    assert_eq!(status(&r, "api.rate-limit"), &Status::Warn);
    assert!(r.any_failed());
    let h = r.headers.as_ref().unwrap();
    assert!(h.score <= 30, "{h:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_servers_give_unknown_within_the_timeout() {
    for kind in [
        Hostile::Silent,
        Hostile::Endless,
        Hostile::Trickle,
        Hostile::RedirectLoop,
        Hostile::HugeHeaders,
        Hostile::Garbage,
    ] {
        let server = HostileServer::start(kind).await;
        let mut ids = vec!["transport.hsts", "code.security-headers", "api.cors"];
        let mut target =
            Target { name: "hostile".into(), url: Some(server.url("/")), ..Default::default() };
        if kind == Hostile::Garbage {
            // Random bytes on the TLS port: the HTTPS requests and the TLS probe get garbage.
            target.url = Some(server.https_url("/"));
            target.plain_port = Some(free_port());
            ids.extend(["transport.https", "transport.certificate"]);
        }
        let started = Instant::now();
        let r = check(target, &ids).await;
        let took = started.elapsed();
        for id in &ids {
            match status(&r, id) {
                Status::Unknown { reason } => assert!(!reason.is_empty()),
                other => panic!("{kind:?} {id}: {other:?}"),
            }
        }
        let reason = |id: &str| match status(&r, id) {
            Status::Unknown { reason } => reason.clone(),
            _ => unreachable!(),
        };
        match kind {
            Hostile::RedirectLoop => {
                assert!(
                    reason("transport.hsts")
                        .contains("a redirect loop (/ -> /loop-a -> /loop-b -> /loop-a)"),
                    "{}",
                    reason("transport.hsts")
                );
                assert!(
                    reason("api.cors").contains("every answer to the CORS probes was a redirect"),
                    "{}",
                    reason("api.cors")
                );
            }
            Hostile::HugeHeaders => {
                assert!(
                    reason("transport.hsts").starts_with("GET /:"),
                    "{}",
                    reason("transport.hsts")
                )
            }
            Hostile::Garbage => {
                assert!(
                    reason("transport.certificate").starts_with("TLS:"),
                    "{}",
                    reason("transport.certificate")
                );
                assert!(
                    reason("transport.https").starts_with("TLS:"),
                    "{}",
                    reason("transport.https")
                );
            }
            _ => {}
        }
        // Every request is bounded by the 2 s timeout; the CORS matrix is 12 of them.
        assert!(took < Duration::from_secs(40), "{kind:?} took {took:?}");
        eprintln!(
            "{kind:?}: {took:?}: {:?}",
            r.items.iter().map(|i| (i.id, &i.status)).collect::<Vec<_>>()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_problems_are_caught() {
    let expired = TestCert::expired_days_ago(3);
    let server =
        TestServer::start_tls(|_| Response::json(200, serde_json::json!({})), &expired).await;
    let ca = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(ca.path(), &expired.ca_pem).unwrap();
    let target = Target {
        name: "expired".into(),
        url: Some(server.url("/")),
        ca_file: Some(ca.path().to_owned()),
        ..Default::default()
    };
    let r = check(target, &["transport.certificate"]).await;
    assert_eq!(status(&r, "transport.certificate"), &Status::Fail);
    assert_eq!(r.tls.as_ref().unwrap().grade, "T");

    // Valid, but the CA is not given: untrusted.
    let cert = TestCert::valid_for_days(10);
    let server = TestServer::start_tls(|_| Response::json(200, serde_json::json!({})), &cert).await;
    let target =
        Target { name: "untrusted".into(), url: Some(server.url("/")), ..Default::default() };
    let r = check(target, &["transport.certificate"]).await;
    assert_eq!(status(&r, "transport.certificate"), &Status::Fail);
    assert!(r.tls.as_ref().unwrap().caps.iter().any(|c| c.starts_with("T:")), "{:?}", r.tls);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_reports_every_item_once_as_its_group_finishes_before_the_report() {
    use rampart_checks::Finding;
    use rampart_checks::run::run_with_progress;
    use std::sync::{Arc, Mutex};
    let server = TestServer::start(|_| Response::json(200, serde_json::json!({"ok": true}))).await;
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join("package.json"),
        r#"{"dependencies":{"express":"^4.19.0","helmet":"^8.0.0"}}"#,
    )
    .unwrap();
    std::fs::write(repo.path().join("server.js"), "const app = require('express')();\n").unwrap();
    let target = Target {
        name: "progress".into(),
        url: Some(server.url("/")),
        repo: Some(repo.path().to_owned()),
        databases: vec![format!("redis://127.0.0.1:{}", free_port())],
        ..Default::default()
    };
    let valid = target.validate().unwrap();
    let selected = catalog::select(&[]).unwrap();
    let input = RunInput {
        target: &valid,
        selected: selected.clone(),
        attestations: HashMap::new(),
        limits: limits(),
        started: "2026-01-01T00:00:00Z".into(),
        records: vec![Finding::new("backup.strategy", Status::Pass, "scheduled with age")],
    };
    let seen: Arc<Mutex<Vec<(String, String, String)>>> = Arc::default();
    let sink = seen.clone();
    let report = run_with_progress(
        input,
        Vec::new(),
        || "2026-01-01T00:00:05Z".into(),
        move |item| {
            sink.lock().unwrap().push((
                item.id.to_owned(),
                item.status.name().to_owned(),
                item.summary.clone(),
            ))
        },
    )
    .await;
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), selected.len(), "each of the {} items once: {seen:#?}", selected.len());
    for item in &report.items {
        let got = seen.iter().find(|(id, ..)| id == item.id).expect("reported");
        assert_eq!(
            (got.1.as_str(), got.2.as_str()),
            (item.status.name(), item.summary.as_str()),
            "{}: the progress verdict is the report's",
            item.id
        );
    }
    let at = |id: &str| seen.iter().position(|(s, ..)| s == id).unwrap();
    // Rampart's records and the attest-only items first, then HTTP, then the databases, then
    // the repository (an item both HTTP and the repository speak about waits for both).
    assert!(at("backup.strategy") < at("transport.csp"));
    assert!(at("compliance.gdpr") < at("transport.csp"));
    assert!(at("transport.csp") < at("database.auth"));
    assert!(at("database.auth") < at("code.no-hardcoded-secrets"));
    assert!(at("api.cors") > at("database.auth"), "api.cors waits for the repository");
    assert_eq!(status(&report, "backup.strategy"), &Status::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_origin_redirects_are_followed_and_long_chains_refused() {
    use rampart_checks::probe::client::Client;
    use rampart_checks::run::follow;
    let server = TestServer::start(|req| match req.path.as_str() {
        "/" => Response::json(302, serde_json::json!({})).header("location", "/home"),
        "/away" => Response::json(302, serde_json::json!({}))
            .header("location", "https://elsewhere.example/"),
        p if p.starts_with("/hop/") => {
            let n: u32 = p[5..].parse().unwrap();
            Response::json(302, serde_json::json!({}))
                .header("location", &format!("/hop/{}", n + 1))
        }
        _ => Response::json(200, serde_json::json!({"ok": true})).header("x-landed", "yes"),
    })
    .await;
    let client = Client::new(server.url("/").parse().unwrap(), None, limits()).unwrap();
    let landed = follow(&client, "/").await.unwrap();
    assert_eq!((landed.status, landed.header("x-landed")), (200, Some("yes")));
    assert!(landed.url.ends_with("/home"), "{}", landed.url);
    // Another origin is not probed: the redirect itself is the answer.
    let away = follow(&client, "/away").await.unwrap();
    assert_eq!(away.status, 302);
    let e = follow(&client, "/hop/1").await.unwrap_err();
    assert!(e.starts_with("more than 5 redirects (/hop/1 -> /hop/2"), "{e}");
}
