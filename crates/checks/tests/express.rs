//! The live probes against real Express apps (tests/node/app.mjs, run by Node with express,
//! helmet, cors and express-rate-limit as the guide uses them; `make test` installs them): one
//! set up as the guide says passes the header, CORS, rate-limit, login-burst, input and error
//! items; one making the guide's mistakes fails each of them, with the evidence.

mod common;

use rampart_checks::target::Target;
use rampart_checks::{Report, Status};
use rampart_feeds::testkit::TestCert;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const ITEMS: &[&str] = &[
    "code.security-headers",
    "api.cors",
    "api.rate-limit",
    "auth.login-rate-limit",
    "api.input-validation",
    "code.error-leakage",
];

/// A running `node app.mjs MODE` over HTTPS (a certificate from a test CA), killed on drop.
struct ExpressApp {
    child: Child,
    port: u16,
    ca_file: PathBuf,
    _files: tempfile::TempDir,
}

impl ExpressApp {
    fn start(mode: &str) -> Self {
        let cert = TestCert::valid_for_days(90);
        let files = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = files.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let (leaf, key) = (write("leaf.pem", &cert.leaf_pem), write("key.pem", &cert.leaf_key_pem));
        let ca_file = write("ca.pem", &cert.ca_pem);
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node");
        assert!(
            dir.join("node_modules/express").exists(),
            "express is not installed in {}: run `make test`, which runs npm ci there",
            dir.display()
        );
        let mut child = Command::new("node")
            .arg("app.mjs")
            .arg(mode)
            .current_dir(&dir)
            .env("TLS_CERT", &leaf)
            .env("TLS_KEY", &key)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs (make test installs nodejs)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line
            .trim()
            .strip_prefix("listening ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the {mode} app did not start: {line:?}"));
        Self { child, port, ca_file, _files: files }
    }

    fn target(&self, name: &str) -> Target {
        Target {
            name: name.into(),
            url: Some(format!("https://localhost:{}", self.port)),
            ca_file: Some(self.ca_file.clone()),
            paths: vec!["/api/users".into()],
            login_path: Some("/api/auth/login".into()),
            login_burst: true,
            ..Default::default()
        }
    }
}

impl Drop for ExpressApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn check(target: Target) -> Report {
    common::check_items(target, ITEMS, Duration::from_secs(5)).await
}

fn verdicts(r: &Report) -> Vec<(&'static str, &'static str, String)> {
    r.items.iter().map(|i| (i.id, i.status.name(), i.summary.clone())).collect()
}

fn name_of<'a>(r: &'a Report, id: &str) -> &'a Status {
    &r.items.iter().find(|i| i.id == id).unwrap_or_else(|| panic!("{id} missing")).status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_express_app_set_up_as_the_guide_says_passes_the_live_items() {
    let app = ExpressApp::start("good");
    let r = check(app.target("express-good")).await;
    let all = verdicts(&r);
    for id in ITEMS {
        assert_eq!(name_of(&r, id).name(), "pass", "{id}: {all:#?}");
    }
    let h = r.headers.as_ref().expect("headers scored");
    assert!(h.score >= 90, "helmet's defaults score high: {h:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_express_app_making_the_guides_mistakes_fails_them_with_evidence() {
    let app = ExpressApp::start("bad");
    let r = check(app.target("express-bad")).await;
    let all = verdicts(&r);
    for id in ["code.security-headers", "api.cors", "auth.login-rate-limit", "code.error-leakage"] {
        assert_eq!(name_of(&r, id).name(), "fail", "{id}: {all:#?}");
    }
    assert_ne!(name_of(&r, "api.rate-limit").name(), "pass", "no RateLimit headers: {all:#?}");
    assert_ne!(name_of(&r, "api.input-validation").name(), "pass", "{all:#?}");
    let item = |id: &str| r.items.iter().find(|i| i.id == id).unwrap();
    let evidence = |id: &str| -> String {
        item(id).evidence.iter().map(|e| e.text.clone()).collect::<Vec<_>>().join("\n")
    };
    let leak = evidence("code.error-leakage");
    assert!(leak.contains("malformed JSON -> 500"), "{leak}");
    assert!(
        evidence("api.cors").to_lowercase().contains("access-control-allow-origin"),
        "{}",
        evidence("api.cors")
    );
    assert!(r.headers.as_ref().unwrap().score <= 30, "{:?}", r.headers);
}
