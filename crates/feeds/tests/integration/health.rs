//! Health checks against local services: healthy, slow, 500, invalid JSON, huge body, redirect
//! loop, connection refused, TLS (valid, expiring, expired), and the scheduler's events.

use super::client;
use rampart_feeds::health::{
    CheckOptions, Condition, HealthEvent, Scheduler, Service, Status, check_all, check_service,
};
use rampart_feeds::testkit::{Response, TestCert, TestServer};
use serde_json::json;
use std::time::{Duration, Instant};

fn guide_health() -> serde_json::Value {
    json!({"status": "ok", "version": "2.3.1", "environment": "production", "uptime": 86400,
           "memory": {"rss": 52428800}, "checks": {"database": {"status": "ok"}, "redis": "ok"}})
}

fn service(name: &str, url: String) -> Service {
    Service { timeout: Duration::from_millis(800), ..Service::new(name, url) }
}

async fn check(s: &Service) -> rampart_feeds::health::CheckResult {
    check_service(&client(&[]), s, CheckOptions::default(), 0).await
}

#[tokio::test]
async fn a_healthy_service_is_up_with_the_guides_fields() {
    let server = TestServer::start(|_| Response::json(200, guide_health())).await;
    let r = check(&service("api", server.url("/health"))).await;
    assert_eq!(r.status, Status::Up, "{:?}", r.reasons);
    assert_eq!(r.http_status, Some(200));
    let h = r.health.unwrap();
    assert_eq!((h.version.as_deref(), h.database.as_deref()), (Some("2.3.1"), Some("ok")));
    assert_eq!(h.redis.as_deref(), Some("ok"));
    assert_eq!(h.raw.unwrap()["memory"]["rss"], 52428800);
}

#[tokio::test]
async fn failures_are_down_with_a_reason_that_says_why() {
    let ok = TestServer::start(|_| Response::json(200, guide_health())).await;
    let slow =
        TestServer::start(|_| Response::json(200, guide_health()).delay(Duration::from_secs(3)))
            .await;
    let error = TestServer::start(|_| Response::json(500, json!({"status": "error"}))).await;
    let html = TestServer::start(|_| Response::text(200, "<html>fine</html>")).await;
    let huge = TestServer::start(|_| Response::text(200, &"x".repeat(2 * 1024 * 1024))).await;
    let redirect = TestServer::start(|_| Response::text(302, "").header("location", "/loop")).await;
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let services = vec![
        service("ok", ok.url("/health")),
        service("slow", slow.url("/health")),
        service("error", error.url("/health")),
        service("html", html.url("/health")),
        service("huge", huge.url("/health")),
        service("redirect", redirect.url("/loop")),
        service("refused", format!("http://127.0.0.1:{refused}/health")),
    ];
    let started = Instant::now();
    let results = check_all(&client(&[]), &services, 8, CheckOptions::default()).await;
    let elapsed = started.elapsed();
    // The slow service costs its timeout (0.8 s), not 3 s, and does not delay the others.
    assert!(elapsed < Duration::from_millis(2500), "one pass took {elapsed:?}");
    let reasons = |name: &str| {
        let r = results.iter().find(|r| r.service == name).unwrap();
        assert_eq!(r.status, if name == "ok" { Status::Up } else { Status::Down }, "{r:?}");
        r.reasons.join(" | ")
    };
    assert_eq!(reasons("ok"), "");
    assert_eq!(reasons("slow"), "timed out after 800 ms");
    let r = reasons("error");
    assert!(r.contains("HTTP status 500 is not 200") && r.contains("status is \"error\""), "{r}");
    let r = reasons("html");
    assert!(r.contains("cannot evaluate status == \"ok\": the body is not JSON"), "{r}");
    assert_eq!(reasons("huge"), "the body is larger than the 1 MiB limit");
    assert_eq!(reasons("redirect"), "too many redirects (a redirect loop?)");
    assert!(reasons("refused").starts_with("connection refused"), "{}", reasons("refused"));
    assert!(redirect.requests().len() >= 6, "the loop was followed 5 times, then stopped");
    println!("one pass over 7 services (one 3 s slow, timeout 0.8 s): {elapsed:?}");
}

#[tokio::test]
async fn tls_certificate_expiry_is_checked() {
    let healthy = |_: &_| Response::json(200, guide_health());
    let long = TestCert::valid_for_days(90);
    let short = TestCert::valid_for_days(10);
    let expired = TestCert::expired_days_ago(3);
    let (s_long, s_short, s_expired) = (
        TestServer::start_tls(healthy, &long).await,
        TestServer::start_tls(healthy, &short).await,
        TestServer::start_tls(healthy, &expired).await,
    );
    let c = client(&[&long.ca_pem, &short.ca_pem, &expired.ca_pem]);
    let with_cert = |url: String| Service {
        conditions: vec![
            Condition::Status { codes: vec![200] },
            Condition::CertExpiresInMoreThan { days: 30 },
        ],
        ..service("tls", url)
    };
    let r = check_service(&c, &with_cert(s_long.url("/health")), CheckOptions::default(), now_ms())
        .await;
    assert_eq!(r.status, Status::Up, "{:?}", r.reasons);
    assert!(matches!(r.cert_days_left, Some(88..=90)), "{:?}", r.cert_days_left);
    let r =
        check_service(&c, &with_cert(s_short.url("/health")), CheckOptions::default(), now_ms())
            .await;
    assert_eq!(r.status, Status::Down);
    let reason = &r.reasons[0];
    assert!(
        reason.starts_with("TLS certificate expires in")
            && reason.ends_with("day(s), not more than 30"),
        "{reason}"
    );
    assert!(matches!(r.cert_days_left, Some(9 | 10)), "{:?}", r.cert_days_left);
    let r =
        check_service(&c, &with_cert(s_expired.url("/health")), CheckOptions::default(), now_ms())
            .await;
    assert_eq!(r.status, Status::Down);
    assert!(r.reasons[0].starts_with("TLS certificate expired"), "{:?}", r.reasons);
    // Without any certificate condition an expired certificate still fails the handshake.
    let r = check_service(
        &c,
        &service("tls", s_expired.url("/health")),
        CheckOptions::default(),
        now_ms(),
    )
    .await;
    assert!(r.reasons[0].starts_with("TLS certificate expired"), "{:?}", r.reasons);
}

fn now_ms() -> i64 {
    rampart_feeds::health::scheduler::now_ms()
}

#[tokio::test]
async fn the_scheduler_reports_down_and_recovery_as_events() {
    let healthy = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let flag = healthy.clone();
    let server = TestServer::start(move |_| {
        if flag.load(std::sync::atomic::Ordering::SeqCst) {
            Response::json(200, guide_health())
        } else {
            Response::json(503, json!({"status": "down"}))
        }
    })
    .await;
    let slow =
        TestServer::start(|_| Response::json(200, guide_health()).delay(Duration::from_secs(5)))
            .await;
    let fast = Service {
        interval: Duration::from_millis(200),
        ..service("flappy", server.url("/health"))
    };
    let stuck =
        Service { interval: Duration::from_secs(1), ..service("stuck", slow.url("/health")) };
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let handle = Scheduler::new(client(&[]), vec![fast, stuck]).spawn(tx);
    let mut changes = Vec::new();
    let mut flappy_checks = 0;
    let deadline = Instant::now() + Duration::from_secs(10);
    while changes.len() < 2 && Instant::now() < deadline {
        let Ok(Some(event)) = tokio::time::timeout(Duration::from_secs(2), rx.recv()).await else {
            continue;
        };
        match event {
            HealthEvent::Checked(r) if r.service == "flappy" => {
                flappy_checks += 1;
                // Up for a few checks, then down for a few, then up again.
                let down = (3..6).contains(&flappy_checks);
                healthy.store(!down, std::sync::atomic::Ordering::SeqCst);
            }
            HealthEvent::Checked(_) => {}
            HealthEvent::Changed(c) => changes.push(c),
        }
    }
    handle.stop();
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert_eq!((changes[0].from, changes[0].to), (Status::Up, Status::Down));
    assert!(changes[0].reasons.iter().any(|r| r.contains("HTTP status 503")), "{changes:?}");
    assert_eq!((changes[1].from, changes[1].to), (Status::Down, Status::Up));
    assert_eq!(changes[0].service, "flappy");
}
