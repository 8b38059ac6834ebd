//! TLS 1.0/1.1 offered, probed with hand-built ClientHellos: against `openssl s_server` with the
//! legacy versions enabled (offered: `transport.https` fails, the grade is capped), against one
//! speaking TLS 1.0 only, against the rustls test server (TLS 1.2/1.3 only: not offered), and
//! beside testssl.sh on the same openssl target (the protocols offered agree). testssl.sh is
//! skipped with a message only when it is absent and CI is not set.

use rampart_checks::probe::legacy_tls::{self, Legacy};
use rampart_checks::probe::tls;
use rampart_feeds::testkit::{Response, TestCert, TestServer};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const STEP: Duration = Duration::from_secs(3);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// An `openssl s_server` on loopback, killed on drop.
struct Openssl {
    child: Child,
    port: u16,
    cert: TestCert,
    _dir: tempfile::TempDir,
}

impl Openssl {
    fn start(protocols: &[&str]) -> Self {
        let cert = TestCert::valid_for_days(90);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("leaf.der"), &cert.leaf_der).unwrap();
        std::fs::write(dir.path().join("key.der"), &cert.leaf_key_der).unwrap();
        let port = free_port();
        let child = Command::new("openssl")
            .args(["s_server", "-accept", &format!("127.0.0.1:{port}"), "-www", "-quiet"])
            .args(["-cert", "leaf.der", "-certform", "DER", "-key", "key.der", "-keyform", "DER"])
            .args(["-cipher", "ALL:@SECLEVEL=0"])
            .args(protocols)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl is installed (the Makefile's system packages)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(10), "openssl s_server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, port, cert, _dir: dir }
    }

    fn url(&self) -> url::Url {
        url::Url::parse(&format!("https://127.0.0.1:{}/", self.port)).unwrap()
    }
}

impl Drop for Openssl {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn legacy_offered(port: u16) -> Vec<&'static str> {
    let mut out = Vec::new();
    for v in Legacy::ALL {
        if legacy_tls::offered("127.0.0.1", port, v, STEP).await.expect("an answer") {
            out.push(v.name());
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_versions_are_found_on_openssl_and_fail_the_item_with_a_grade_cap() {
    let server = Openssl::start(&["-min_protocol", "TLSv1", "-max_protocol", "TLSv1.2"]);
    assert_eq!(legacy_offered(server.port).await, ["TLS 1.0", "TLS 1.1"]);
    let (findings, grade) = tls::probe(&server.url(), Some(server.cert.ca_pem.as_bytes())).await;
    let https = findings.iter().find(|f| f.item == "transport.https").unwrap();
    assert_eq!(https.status, rampart_checks::Status::Fail, "{https:?}");
    assert!(https.summary.starts_with("TLS 1.0 and TLS 1.1 still offered"), "{}", https.summary);
    let (grade, caps) = grade.unwrap();
    assert_eq!(grade, "B", "{caps:?}");
    assert!(caps.contains(&"B: TLS 1.0 is offered".to_owned()), "{caps:?}");
    assert!(caps.contains(&"B: TLS 1.1 is offered".to_owned()), "{caps:?}");
    let cert = findings.iter().find(|f| f.item == "transport.certificate").unwrap();
    assert_eq!(cert.status, rampart_checks::Status::Pass, "the chain is read over TLS 1.2");

    let only10 = Openssl::start(&["-tls1"]);
    assert_eq!(legacy_offered(only10.port).await, ["TLS 1.0"]);
    let (findings, grade) = tls::probe(&only10.url(), Some(only10.cert.ca_pem.as_bytes())).await;
    let https = findings.iter().find(|f| f.item == "transport.https").unwrap();
    assert_eq!(https.summary, "only TLS 1.0 offered: neither TLS 1.2 nor 1.3");
    assert_eq!(grade.unwrap().0, "C");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rustls_server_does_not_offer_them_and_garbage_is_an_error() {
    let cert = TestCert::valid_for_days(90);
    let server = TestServer::start_tls(|_| Response::json(200, serde_json::json!({})), &cert).await;
    let port = url::Url::parse(&server.url("/")).unwrap().port().unwrap();
    assert!(legacy_offered(port).await.is_empty());

    // A plain HTTP server answers a ClientHello with an HTTP error: refused, not "not offered";
    // a silent one times out.
    for (answer, expected) in [
        (&b"HTTP/1.1 400 Bad Request\r\n\r\n"[..], "not a TLS record"),
        (&b""[..], "no answer to a TLS 1.0 ClientHello within 1 s"),
    ] {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            let (mut s, _) = listener.accept().await.unwrap();
            s.write_all(answer).await.unwrap();
            tokio::time::sleep(Duration::from_secs(5)).await;
        });
        let started = Instant::now();
        let e = legacy_tls::offered("127.0.0.1", port, Legacy::Tls10, Duration::from_secs(1))
            .await
            .unwrap_err();
        assert!(e.contains(expected), "{e}");
        assert!(started.elapsed() < Duration::from_secs(3), "bounded by the step");
    }
    // A closed port.
    let e = legacy_tls::offered("127.0.0.1", free_port(), Legacy::Tls10, STEP).await.unwrap_err();
    assert!(e.contains("could not connect"), "{e}");
}

fn testssl() -> Option<&'static str> {
    ["testssl", "testssl.sh"].into_iter().find(|b| {
        Command::new(b)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protocols_offered_agree_with_testssl() {
    let Some(bin) = testssl() else {
        assert!(
            std::env::var("CI").is_err(),
            "testssl.sh must be installed under CI (Debian package testssl.sh, in the Makefile)"
        );
        eprintln!(
            "SKIPPED: testssl.sh is not installed (apt-get install testssl.sh); CI is not set"
        );
        return;
    };
    for protocols in [&["-min_protocol", "TLSv1", "-max_protocol", "TLSv1.2"][..], &["-tls1_2"][..]]
    {
        let server = Openssl::start(protocols);
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("testssl.json");
        let out = Command::new(bin)
            .args(["--protocols", "--quiet", "--color", "0", "--warnings", "off", "--jsonfile"])
            .arg(&json)
            .arg(format!("127.0.0.1:{}", server.port))
            .output()
            .unwrap();
        let text = std::fs::read_to_string(&json).unwrap_or_else(|e| {
            panic!("testssl wrote no JSON ({e}): {}", String::from_utf8_lossy(&out.stdout))
        });
        let findings: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        let theirs: Vec<&str> = [("TLS1", "TLS 1.0"), ("TLS1_1", "TLS 1.1")]
            .into_iter()
            .filter(|(id, _)| {
                findings.iter().any(|f| {
                    f["id"] == *id && f["finding"].as_str().unwrap_or("").starts_with("offered")
                })
            })
            .map(|(_, name)| name)
            .collect();
        let ours = legacy_offered(server.port).await;
        eprintln!("{protocols:?}: testssl {theirs:?}, rampart {ours:?}");
        assert_eq!(ours, theirs, "{protocols:?}");
    }
}
