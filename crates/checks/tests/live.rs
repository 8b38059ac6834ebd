//! Live probes against servers started here on loopback: a helmet-like HTTPS API (rcgen CA),
//! an Express app making the guide's mistakes, hostile servers (silent, endless body), a real
//! redis-server with and without requirepass, and a MongoDB-wire fake.

use rampart_checks::probe::client::Limits;
use rampart_checks::run::{RunInput, run};
use rampart_checks::target::{Target, ValidTarget};
use rampart_checks::{Report, Status, catalog};
use rampart_feeds::testkit::{Hostile, HostileServer, Response, TestCert, TestServer};
use std::collections::HashMap;
use std::time::{Duration, Instant};

use rampart_checks::probe::observatory::HELMET_DEFAULTS as HELMET;

fn limits() -> Limits {
    Limits {
        timeout: Duration::from_secs(2),
        body_cap: 64 * 1024,
        interval: Duration::from_millis(5),
    }
}

async fn check(target: Target, only: &[&str]) -> Report {
    let valid: ValidTarget = target.validate().expect("a valid target");
    let only: Vec<String> = only.iter().map(|s| s.to_string()).collect();
    let input = RunInput {
        target: &valid,
        selected: catalog::select(&only).unwrap(),
        attestations: HashMap::new(),
        limits: limits(),
        started: "2026-01-01T00:00:00Z".into(),
        records: Vec::new(),
    };
    run(input, || "2026-01-01T00:00:01Z".into()).await
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
    for kind in [Hostile::Silent, Hostile::Endless, Hostile::Trickle] {
        let server = HostileServer::start(kind).await;
        let target =
            Target { name: "hostile".into(), url: Some(server.url("/")), ..Default::default() };
        let started = Instant::now();
        let r = check(target, &["transport.hsts", "code.security-headers", "api.cors"]).await;
        let took = started.elapsed();
        for id in ["transport.hsts", "code.security-headers", "api.cors"] {
            match status(&r, id) {
                Status::Unknown { reason } => assert!(!reason.is_empty()),
                other => panic!("{kind:?} {id}: {other:?}"),
            }
        }
        // Every request is bounded by the 2 s timeout; the CORS matrix is 12 of them.
        assert!(took < Duration::from_secs(40), "{kind:?} took {took:?}");
        eprintln!("{kind:?}: {took:?}");
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
