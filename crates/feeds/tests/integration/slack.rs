//! Slack incoming webhooks against a local server: the guide's payload and colours, 1 message
//! per second, 429 + Retry-After honoured, Slack's error strings verbatim, 5xx retried, and the
//! webhook URL never in an error.

use super::client;
use rampart_feeds::slack::{Level, SlackConfig, SlackMessage, SlackSender, post};
use rampart_feeds::testkit::{Response, TestServer};
use rampart_feeds::{RetryPolicy, SecretString};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

fn message(level: Level, title: &str) -> SlackMessage {
    SlackMessage {
        level,
        title: title.into(),
        text: "api is down: HTTP status 503 is not 200".into(),
        fields: vec![("Service".into(), "api".into()), ("Environment".into(), "prod".into())],
        at: 1_760_000_000,
    }
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_backoff: Duration::from_millis(50),
        max_wait: Duration::from_secs(5),
    }
}

#[test]
fn the_payload_has_the_guides_shape_and_colours() {
    let p = message(Level::Error, "api down").payload();
    assert_eq!(p["text"], "api down");
    assert_eq!(p["attachments"][0]["color"], "#FF0000");
    assert_eq!(p["attachments"][0]["fields"][0]["title"], "Service");
    assert_eq!(message(Level::Warning, "w").payload()["attachments"][0]["color"], "#FFA500");
    assert_eq!(message(Level::Info, "i").payload()["attachments"][0]["color"], "#0099FF");
}

#[tokio::test]
async fn the_queue_paces_posts_honours_429_and_never_blocks_the_caller() {
    let hits = Arc::new(AtomicU32::new(0));
    let h = hits.clone();
    let server = TestServer::start(move |_| match h.fetch_add(1, Ordering::SeqCst) {
        1 => Response::text(429, "rate_limited").header("retry-after", "2"),
        _ => Response::text(200, "ok"),
    })
    .await;
    let webhook = SecretString::new(server.url("/services/T000/B000/XXXXSECRET"));
    let config = SlackConfig { retry: fast_retry(), ..SlackConfig::default() };
    let (sender, mut deliveries) = SlackSender::spawn(client(&[]), webhook, config);
    let queued = Instant::now();
    for n in 0..3 {
        sender.send(message(Level::Warning, &format!("m{n}"))).unwrap();
    }
    assert!(queued.elapsed() < Duration::from_millis(50), "send does not wait for delivery");
    for _ in 0..3 {
        let d = tokio::time::timeout(Duration::from_secs(15), deliveries.recv())
            .await
            .unwrap()
            .unwrap();
        d.result.unwrap();
    }
    let total = queued.elapsed();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 4, "three messages, one of them retried after the 429");
    assert_eq!(reqs[0].body_json()["attachments"][0]["color"], "#FFA500");
    // m0 at 0 s; m1 at >= 1 s gets 429 and waits 2 s; m2 at >= 1 s after that.
    assert!(total >= Duration::from_secs(4), "paced at 1/s and waited out Retry-After: {total:?}");
    println!("3 Slack messages with one 429 (Retry-After: 2) delivered in {total:?}");
}

#[tokio::test]
async fn slack_error_strings_come_back_verbatim_and_the_url_stays_secret() {
    for (status, error, attempts) in [
        (400, "invalid_payload", 1),
        (404, "no_service", 1),
        (410, "channel_is_archived", 1),
        (500, "rollup_error", 3),
    ] {
        let hits = Arc::new(AtomicU32::new(0));
        let h = hits.clone();
        let server = TestServer::start(move |_| {
            h.fetch_add(1, Ordering::SeqCst);
            Response::text(status, error)
        })
        .await;
        let url = server.url("/services/T000/B000/XXXXSECRET");
        let err = post(
            &client(&[]),
            &SecretString::new(url.clone()),
            &message(Level::Error, "x"),
            fast_retry(),
        )
        .await
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains(&format!("HTTP {status}: {error}")), "{text}");
        assert_eq!(err.retryable(), status >= 500, "{text}");
        assert_eq!(hits.load(Ordering::SeqCst), attempts, "{error}: 4xx is final, 5xx is retried");
        assert!(
            !text.contains("XXXXSECRET") && !format!("{err:?}").contains("XXXXSECRET"),
            "{text}"
        );
    }
    // A dead webhook host: the transport error names no URL either.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/services/T000/B000/XXXXSECRET");
    let err = post(&client(&[]), &SecretString::new(url), &message(Level::Info, "x"), fast_retry())
        .await
        .unwrap_err();
    assert!(err.retryable());
    assert!(
        !err.to_string().contains("XXXXSECRET") && !format!("{err:?}").contains("XXXXSECRET"),
        "{err}"
    );
}
