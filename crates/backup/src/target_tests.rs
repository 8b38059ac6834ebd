//! Manifest reads against a fake S3 endpoint that misbehaves (loopback, ephemeral port, a
//! thread per connection): one that accepts and never answers, one that sends an endless body,
//! one that trickles a byte a second, plus a well-behaved one. Each read must end within the
//! manifest timeout (here 1 s) or at the manifest cap, with an error that says which.

use super::{S3Target, Store};
use crate::engine::Engine;
use crate::error::BackupError;
use rampart_sensitive::SecretString;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug)]
enum Fake {
    Silent,
    Endless,
    Trickle,
    Manifest,
}

/// Serves `fake` on 127.0.0.1 (a free port) from a background thread; returns the endpoint.
fn serve(fake: Fake) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().expect("a bound address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer(stream, fake));
        }
    });
    format!("http://127.0.0.1:{port}")
}

fn answer(mut stream: TcpStream, fake: Fake) {
    let mut head = [0u8; 8192];
    let _ = stream.read(&mut head);
    let ok =
        |extra: &str| format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{extra}\r\n");
    match fake {
        Fake::Silent => std::thread::sleep(Duration::from_secs(10)),
        Fake::Endless => {
            let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
            chunk.extend(std::iter::repeat_n(b' ', 64 * 1024));
            chunk.extend_from_slice(b"\r\n");
            let _ = stream.write_all(ok("transfer-encoding: chunked\r\n").as_bytes());
            while stream.write_all(&chunk).is_ok() {
                std::thread::sleep(Duration::from_millis(4));
            }
        }
        Fake::Trickle => {
            let _ = stream.write_all(ok("content-length: 100000\r\n").as_bytes());
            while stream.write_all(b" ").is_ok() {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        Fake::Manifest => {
            let body = b"{\"not\": \"a manifest\"}";
            let head = ok(&format!("content-length: {}\r\n", body.len()));
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body);
        }
    }
}

/// Reads a manifest from `fake` with a 1 s manifest timeout; the error and how long it took.
async fn read_manifest(fake: Fake) -> (BackupError, Duration) {
    let mut target = S3Target::new(
        Some(serve(fake)),
        "us-east-1",
        "bucket",
        "AKIDTEST",
        SecretString::new("not-a-secret".into()),
    );
    target.max_attempts = 1;
    target.manifest_timeout = Duration::from_secs(1);
    let engine = Engine::new(&target).unwrap();
    let started = Instant::now();
    let key = "db/2026/01/01/20260101T000000Z-0000abcd.manifest.json";
    let read = tokio::time::timeout(Duration::from_secs(5), engine.manifest(key)).await;
    let Ok(result) = read else { panic!("{fake:?}: the manifest read was still going after 5 s") };
    (result.expect_err("not a manifest"), started.elapsed())
}

fn assert_timed_out(fake: Fake, err: &BackupError, elapsed: Duration) {
    let text = err.to_string();
    assert!(elapsed < Duration::from_millis(1800), "{fake:?} took {elapsed:?}: {text}");
    assert!(text.contains("timed out after 1 s") && err.is_retryable(), "{fake:?}: {text}");
}

#[tokio::test]
async fn a_silent_endpoint_fails_the_manifest_read_within_its_timeout() {
    let (err, elapsed) = read_manifest(Fake::Silent).await;
    assert_timed_out(Fake::Silent, &err, elapsed);
}

#[tokio::test]
async fn a_trickling_endpoint_fails_the_manifest_read_within_its_timeout() {
    let (err, elapsed) = read_manifest(Fake::Trickle).await;
    assert_timed_out(Fake::Trickle, &err, elapsed);
}

#[tokio::test]
async fn an_endless_manifest_is_refused_at_the_cap() {
    let (err, elapsed) = read_manifest(Fake::Endless).await;
    let text = err.to_string();
    assert!(matches!(err, BackupError::BadManifest { .. }), "{text}");
    assert!(text.contains("larger than the 256 KiB a manifest may be"), "{text}");
    assert!(elapsed < Duration::from_millis(1000), "took {elapsed:?}");
}

#[tokio::test]
async fn a_small_body_is_read_and_then_checked() {
    let (err, _) = read_manifest(Fake::Manifest).await;
    assert!(matches!(err, BackupError::BadManifest { .. }), "{err}");
    assert!(!err.to_string().contains("larger than"), "{err}");
}

#[test]
fn debug_redacts_the_credentials() {
    let target = S3Target::new(
        Some("http://127.0.0.1:3900".into()),
        "garage",
        "backups",
        "GKa1b2c3d4e5f6a7b8c9d0e1f2",
        SecretString::new("s3cr3t-s3cr3t-s3cr3t".into()),
    );
    let store = Store::new(&target).unwrap();
    for text in [format!("{target:?}"), format!("{target:#?}"), format!("{store:?}")] {
        assert!(!text.contains("a1b2c3d4e5f6"), "access key id in Debug: {text}");
        assert!(!text.contains("s3cr3t"), "secret key in Debug: {text}");
        assert!(text.contains("backups"), "the bucket is still shown: {text}");
    }
}
