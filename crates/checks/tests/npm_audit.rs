//! `code.npm-audit` by running the real npm in a fixture repository (a package-lock.json, no
//! saved report) against registries on loopback: none listening (unknown with the reason,
//! never a pass), one that never answers (unknown within the timeout), and one that answers the
//! bulk advisory request with a high advisory (judged: fail).

use rampart_checks::Status;
use rampart_checks::repo::npm_audit;
use rampart_feeds::testkit::{Response, TestServer};
use std::path::Path;
use std::time::{Duration, Instant};

const PACKAGE: &str = r#"{"name":"fx","version":"1.0.0","dependencies":{"left-pad":"1.3.0"}}"#;
const LOCK: &str = r#"{"name":"fx","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{"":{"name":"fx","version":"1.0.0","dependencies":{"left-pad":"1.3.0"}},"node_modules/left-pad":{"version":"1.3.0","resolved":"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz","integrity":"sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQjlXWb1+uqnBPGoAMMgCPq5FBp1G7ScaOnaeHtJDwO5kPNw=="}}}"#;

fn npm_present() -> bool {
    let ok = std::process::Command::new("npm").arg("--version").output().is_ok();
    if !ok {
        assert!(std::env::var("CI").is_err(), "npm must be installed under CI (Node is required)");
        eprintln!("SKIPPED: npm is not installed and CI is not set");
    }
    ok
}

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package.json"), PACKAGE).unwrap();
    std::fs::write(dir.path().join("package-lock.json"), LOCK).unwrap();
    dir
}

fn audit(repo: &Path, registry: &str, timeout: Duration) -> rampart_checks::Finding {
    let cache = repo.join(".npm-cache");
    let bounds = npm_audit::Bounds { timeout, output_cap: 1 << 20 };
    let env = [
        ("npm_config_registry", registry),
        ("npm_config_cache", cache.to_str().unwrap()),
        ("npm_config_update_notifier", "false"),
        ("npm_config_fetch_retries", "0"),
    ];
    npm_audit::run(repo, bounds, &env)
}

#[test]
fn no_registry_answer_is_unknown_with_the_reason_never_a_pass() {
    if !npm_present() {
        return;
    }
    let repo = fixture();
    let f = audit(repo.path(), "http://127.0.0.1:1/", Duration::from_secs(60));
    let Status::Unknown { reason } = &f.status else { panic!("{f:?}") };
    assert!(reason.starts_with("no answer from the npm registry: "), "{reason}");
    assert!(reason.contains("127.0.0.1:1"), "{reason}");

    // A registry that accepts and never answers: bounded by the timeout.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let started = Instant::now();
    let f = audit(repo.path(), &url, Duration::from_secs(2));
    let Status::Unknown { reason } = &f.status else { panic!("{f:?}") };
    assert!(reason.contains("did not finish within 2 s"), "{reason}");
    assert!(started.elapsed() < Duration::from_secs(10));
    drop(listener);

    // Without a lockfile, nothing is run and the reason says what to do.
    let bare = tempfile::tempdir().unwrap();
    let f = npm_audit::from_repo(bare.path());
    let Status::Unknown { reason } = &f.status else { panic!("{f:?}") };
    assert!(reason.contains("no package-lock.json"), "{reason}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registry_answer_is_judged() {
    if !npm_present() {
        return;
    }
    let registry = TestServer::start(|req| {
        if req.path.ends_with("/advisories/bulk") {
            Response::json(
                200,
                serde_json::json!({"left-pad": [{
                    "id": 1179, "url": "https://github.com/advisories/GHSA-test",
                    "title": "Test advisory", "severity": "high",
                    "vulnerable_versions": "<=1.3.0", "cwe": ["CWE-400"],
                    "cvss": {"score": 7.5, "vectorString": null}
                }]}),
            )
        } else {
            Response::json(404, serde_json::json!({"error": "not found"}))
        }
    })
    .await;
    let repo = fixture();
    let url = registry.url("/");
    let path = repo.path().to_owned();
    let f = tokio::task::spawn_blocking(move || audit(&path, &url, Duration::from_secs(60)))
        .await
        .unwrap();
    assert_eq!(f.status, Status::Fail, "{f:?}");
    assert_eq!(f.summary, "advisories: 0 critical, 1 high, 0 moderate, 0 low");
}
