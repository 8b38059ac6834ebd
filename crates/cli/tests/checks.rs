//! `rampart check`: named targets, runs against a loopback HTTP server started here (and a real
//! Prometheus for the alert rules), attestations shown with who/when/expiry and audited, the
//! `--json` shape, exit 1 when an item fails, and the errors for a bad name or URL.

mod common;

use common::Cli;
use rampart_feeds::testkit::prom::free_port;
use rampart_feeds::testkit::{PromStack, Response, TestServer};
use serde_json::Value;

/// helmet's default headers, as an Express API behind it sends them.
const HELMET: &[(&str, &str)] = &[
    ("content-security-policy", "default-src 'self';frame-ancestors 'self';object-src 'none'"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("referrer-policy", "no-referrer"),
    ("strict-transport-security", "max-age=31536000; includeSubDomains"),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "SAMEORIGIN"),
];

fn json(cli: &Cli, args: &[&str]) -> Value {
    serde_json::from_str(&cli.ok(args, "")).unwrap()
}

fn item<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap()
}

#[test]
fn targets_runs_attestations_and_errors() {
    let rt = rampart_feeds::tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(TestServer::start(|req| {
        let mut r = match req.path.as_str() {
            "/" | "/api/users" => Response::json(200, serde_json::json!({"users": []})),
            _ => Response::json(404, serde_json::json!({"error": "not found"})),
        };
        for (name, value) in HELMET {
            r = r.header(name, value);
        }
        r
    }));
    let base = server.url("").trim_end_matches('/').to_owned();
    let cli = Cli::new();
    let plain = free_port().to_string();
    let add = ["check", "target", "add", "web", "--url", &base, "--path", "/api/users"];
    cli.ok(&[&add[..], &["--plain-port", &plain]].concat(), "");

    // Bad names and URLs say what is wrong; a taken name is refused.
    let e = cli.fails(&["check", "target", "add", "bad name", "--url", &base], "");
    assert!(e.contains("target name 'bad name' must be 1-64 letters"), "{e}");
    let e = cli.fails(&["check", "target", "add", "ftp", "--url", "ftp://127.0.0.1/"], "");
    assert!(e.contains("URL 'ftp://127.0.0.1/' must be http:// or https://"), "{e}");
    let e = cli.fails(&["check", "target", "add", "web", "--url", &base], "");
    assert!(e.contains("already in use"), "{e}");
    let e = cli.fails(&["check", "run", "nope"], "");
    assert!(e.contains("no check target named \"nope\""), "{e}");
    let e = cli.fails(&["check", "run"], "");
    assert!(e.contains("name a stored target"), "{e}");

    let list = json(&cli, &["check", "target", "list", "--json"]);
    assert_eq!(list[0]["name"], "web");
    assert_eq!(list[0]["url"], base.as_str());
    assert_eq!(list[0]["paths"], serde_json::json!(["/api/users"]));
    let text = cli.ok(&["check", "target", "list"], "");
    assert!(text.starts_with("web ") && text.contains(&base), "{text}");

    // Plain HTTP fails transport.https: exit 1, and the JSON still comes out whole.
    let out = cli.run(
        &["check", "run", "web", "--json", "--only", "transport", "--only", "code.error-leakage"],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("some checklist items failed"));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["target"], "web");
    for key in ["started", "finished", "items", "headers", "tls"] {
        assert!(report.get(key).is_some(), "{key} missing in {report}");
    }
    let https = item(&report, "transport.https");
    for key in ["id", "section", "title", "status", "summary", "evidence", "remediation", "asvs"] {
        assert!(https.get(key).is_some(), "{key} missing in {https}");
    }
    assert_eq!(
        (https["section"].as_str(), https["status"].as_str()),
        (Some("transport"), Some("fail"))
    );
    assert_eq!(item(&report, "code.error-leakage")["status"], "pass");
    assert!(report["headers"]["score"].as_i64().is_some(), "{}", report["headers"]);
    assert!(server.requests().iter().any(|r| r.path == "/api/users"), "the API path was probed");

    // Attestations: unknown ids refused with the valid ones; shown with who, when and expiry.
    let e = cli.fails(&["check", "attest", "web", "auth.nope", "--note", "x"], "");
    assert!(e.contains("valid ids: auth.jwt-secret, auth.password-hashing"), "{e}");
    let e = cli
        .fails(&["check", "attest", "web", "code.review", "--note", "x", "--expires", "soon"], "");
    assert!(e.contains("not an expiry"), "{e}");
    let done = cli.ok(
        &[
            "check",
            "attest",
            "compliance.gdpr",
            "--note",
            "DPA signed",
            "--by",
            "ana",
            "--expires",
            "30d",
        ],
        "",
    );
    assert!(done.starts_with("compliance.gdpr attested for web by ana until "), "{done}");
    let out = cli.run(&["check", "run", "--target", "web", "--only", "compliance", "--json"], "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "nothing failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let gdpr = item(&report, "compliance.gdpr");
    assert_eq!((gdpr["status"].as_str(), gdpr["by"].as_str()), (Some("attested"), Some("ana")));
    assert_eq!(gdpr["note"], "DPA signed");
    assert!(gdpr["date"].as_str().unwrap().ends_with('Z') && gdpr["expires"].is_string());
    assert_eq!(item(&report, "compliance.terms")["status"], "unknown");
    let text = cli.ok(&["check", "run", "web", "--only", "compliance.gdpr"], "");
    assert!(text.contains("A compliance.gdpr") && text.contains("attested by ana on "), "{text}");
    let shown = cli.ok(&["check", "show", "web"], "");
    assert!(shown.contains("attested compliance.gdpr") && shown.contains("by ana"), "{shown}");

    cli.ok(&["check", "unattest", "web", "compliance.gdpr"], "");
    let report = json(&cli, &["check", "run", "web", "--only", "compliance.gdpr", "--json"]);
    assert_eq!(item(&report, "compliance.gdpr")["status"], "unknown");
    let e = cli.fails(&["check", "unattest", "web", "compliance.gdpr"], "");
    assert!(e.contains("is not attested for web"), "{e}");
    let log = json(&cli, &["audit", "log", "--json"]);
    let actions: Vec<&str> =
        log.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for a in ["attest", "unattest", "check", "add"] {
        assert!(actions.contains(&a), "{a} not audited: {actions:?}");
    }

    cli.ok(&["check", "target", "rm", "web"], "");
    assert_eq!(json(&cli, &["check", "target", "list", "--json"]), serde_json::json!([]));
}

#[test]
fn alert_rules_are_proved_by_the_linked_real_prometheus() {
    let rt = rampart_feeds::tokio::runtime::Runtime::new().unwrap();
    let rules = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../deploy/prometheus/rampart-rules.yml");
    let stack = rt.block_on(PromStack::start(&[rules.as_path()]));
    let cli = Cli::new();
    cli.ok(&["prometheus", "add", "local", "--url", &stack.prometheus_url], "");
    let repo = tempfile::tempdir().unwrap();
    let repo = repo.path().to_str().unwrap();
    cli.ok(&["check", "target", "add", "svc", "--repo", repo, "--link", "local"], "");
    let e = cli.fails(&["check", "target", "add", "x", "--repo", repo, "--link", "ghost"], "");
    assert!(e.contains("\"ghost\" names no backup source"), "{e}");

    let only = ["check", "run", "svc", "--json", "--only", "monitoring.alert-rules"];
    let report = json(&cli, &only);
    let rules_item = item(&report, "monitoring.alert-rules");
    assert_eq!(rules_item["status"], "pass", "{rules_item}");
    assert!(rules_item["summary"].as_str().unwrap().contains("Prometheus local:"), "{rules_item}");
    assert_eq!(rules_item["evidence"][0]["kind"], "record");

    drop(stack);
    let report = json(&cli, &only);
    let rules_item = item(&report, "monitoring.alert-rules");
    assert_eq!(rules_item["status"], "unknown", "{rules_item}");
    assert!(rules_item["reason"].as_str().unwrap().contains("did not answer"), "{rules_item}");
}

#[test]
fn runs_are_kept_shown_and_regressions_printed() {
    let cli = Cli::new();
    let repo = tempfile::tempdir().unwrap();
    let env = repo.path().join(".env");
    std::fs::write(&env, "JWT_SECRET=9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a49382\n").unwrap();
    let dir = repo.path().to_str().unwrap();
    cli.ok(&["check", "target", "add", "svc", "--repo", dir], "");
    let shown = cli.ok(&["check", "show", "svc"], "");
    assert!(shown.contains("no attestations") && shown.contains("no run yet"), "{shown}");
    assert_eq!(json(&cli, &["check", "show", "svc", "--json"])["lastRun"], Value::Null);

    let only = ["check", "run", "svc", "--only", "auth.jwt-secret", "--only", "compliance.terms"];
    let out = cli.run(&only, "");
    assert!(out.status.success() && out.stderr.is_empty(), "{out:?}");
    std::fs::write(&env, "JWT_SECRET=changeme\n").unwrap();
    let out = cli.run(&[&only[..], &["--json"]].concat(), "");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("regression: auth.jwt-secret (JWT secret")
            && stderr.contains("was pass on "),
        "{stderr}"
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report.get("regressions").is_none(), "stdout keeps the issue's JSON shape");

    let shown = cli.ok(&["check", "show", "svc"], "");
    assert!(shown.contains("last run 2 (started "), "{shown}");
    assert!(shown.contains("✗ auth.jwt-secret") && shown.contains("? compliance.terms"), "{shown}");
    let shown = json(&cli, &["check", "show", "svc", "--json"]);
    assert_eq!(shown["name"], "svc", "the target's fields stay at the top");
    assert_eq!(shown["lastRun"]["id"], 2);
    assert_eq!(item(&shown["lastRun"], "auth.jwt-secret")["status"], "fail");
    let e = cli.fails(&["check", "show", "nope"], "");
    assert!(e.contains("no check target named \"nope\""), "{e}");
}

#[test]
fn the_next_review_is_set_per_target_and_shown_from_the_last_run() {
    let cli = Cli::new();
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(repo.path().join("README.md"), "svc\n").unwrap();
    let dir = repo.path().to_str().unwrap();
    let added =
        cli.ok(&["check", "target", "add", "svc", "--repo", dir, "--review-every", "2w"], "");
    assert!(
        added.contains("review due ") && added.contains("(every 14 days, from when it was added)"),
        "{added}"
    );
    cli.ok(&["check", "target", "add", "quarterly", "--repo", dir], "");
    let list = json(&cli, &["check", "target", "list", "--json"]);
    let review = |name: &str| {
        list.as_array().unwrap().iter().find(|t| t["name"] == name).unwrap()["review"].clone()
    };
    assert_eq!(review("svc")["everyDays"], 14);
    assert_eq!(review("svc")["overdue"], false);
    assert_eq!(review("quarterly")["everyDays"], 90);
    assert_eq!(list[1]["reviewEveryDays"], 14, "stored in the target's configuration");
    let text = cli.ok(&["check", "target", "list"], "");
    assert!(text.contains("(every 90 days, from when it was added)"), "{text}");
    for (bad, why) in [("0d", "review interval of 0 days"), ("soon", "is not one: write 90d")] {
        let e =
            cli.fails(&["check", "target", "add", "x", "--repo", dir, "--review-every", bad], "");
        assert!(e.contains(why), "{bad}: {e}");
    }

    cli.ok(&["check", "run", "svc", "--only", "compliance.terms"], "");
    let shown = cli.ok(&["check", "show", "svc"], "");
    assert!(
        shown.contains("review due ") && shown.contains("(every 14 days, from the last run)"),
        "{shown}"
    );
    let shown = json(&cli, &["check", "show", "svc", "--json"]);
    assert_eq!(shown["review"]["sinceRun"], true);
    assert_eq!(shown["review"]["since"], shown["lastRun"]["finished"]);
}

#[test]
fn the_last_run_exports_as_markdown_and_printable_html_with_the_audit_head() {
    let cli = Cli::new();
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(repo.path().join(".env"), "JWT_SECRET=changeme\n").unwrap();
    cli.ok(&["check", "target", "add", "svc", "--repo", repo.path().to_str().unwrap()], "");
    let out = cli.work_dir().join("signoff.html");
    let out_s = out.to_str().unwrap();
    let e = cli.fails(&["check", "report", "svc", "--format", "html", "--out", out_s], "");
    assert!(e.contains("svc has no recorded run yet"), "{e}");
    let hostile = "<script>alert(1)</script> DPA signed";
    cli.ok(&["check", "attest", "svc", "compliance.gdpr", "--note", hostile, "--by", "ana"], "");
    cli.run(&["check", "run", "svc", "--only", "auth", "--only", "compliance"], "");

    let e = cli.fails(&["check", "report", "svc", "--format", "pdf", "--out", out_s], "");
    assert!(e.contains("\"pdf\" is not a report format: use md or html"), "{e}");
    let done =
        json(&cli, &["check", "report", "svc", "--format", "html", "--out", out_s, "--json"]);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("@media print"));
    assert!(!html.contains("<script>"), "the hostile note is escaped");
    assert!(
        html.contains("by ana on ") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt; DPA")
    );
    assert!(html.contains("FAIL</span> JWT secret configured"), "{html}");
    let head = &json(&cli, &["audit", "log", "--json"])[1];
    assert_eq!(done["auditSeq"], head["seq"], "the report carries the head before the export");
    assert!(html.contains(&format!("hash <code>{}</code>", head["hash"].as_str().unwrap())));
    assert!(html.contains("verified, "), "{html}");

    // The export is audited with the file's digest; an existing file is refused without --force.
    let log = json(&cli, &["audit", "log", "--json"]);
    let export = &log[0];
    assert_eq!(export["action"], "export");
    let sha = done["sha256"].as_str().unwrap();
    assert!(
        export["subject"].as_str().unwrap().contains(&format!("html sha256 {sha}")),
        "{export}"
    );
    let e = cli.fails(&["check", "report", "svc", "--format", "md", "--out", out_s], "");
    assert!(e.contains("already exists") && e.contains("--force"), "{e}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), html, "the refused export changed nothing");
    let text = cli.ok(&["check", "report", "svc", "--format", "md", "--out", out_s, "--force"], "");
    assert!(text.starts_with("wrote ") && text.contains("sha256 "), "{text}");
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.starts_with("# Security checklist: svc") && md.contains("### FAIL JWT secret"));
    assert!(
        md.contains("## Attestations\n\n- compliance.gdpr: by ana on ") && !md.contains("<script>")
    );
}

#[test]
fn two_factor_is_proved_by_an_authenticator_account_for_the_targets_issuer() {
    let cli = Cli::new();
    let repo = tempfile::tempdir().unwrap();
    cli.ok(&["check", "target", "add", "shop", "--repo", repo.path().to_str().unwrap()], "");
    let only = ["check", "run", "shop", "--only", "auth.2fa", "--json"];
    let report = json(&cli, &only);
    let two_fa = item(&report, "auth.2fa");
    assert_eq!(two_fa["status"], "unknown", "{two_fa}");
    let reason = two_fa["reason"].as_str().unwrap();
    assert!(reason.contains("enroll the service's 2FA in Rampart (`rampart otp add`)"), "{reason}");
    assert!(reason.contains("or attest it (`rampart check attest shop auth.2fa"), "{reason}");

    // An account of another issuer does not count; one for the target does.
    cli.ok(&["otp", "add", "otpauth://totp/GitHub:ana?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"], "");
    assert_eq!(item(&json(&cli, &only), "auth.2fa")["status"], "unknown");
    cli.ok(
        &["otp", "add", "otpauth://totp/Shop:ana@shop.example?secret=KRSXG5CTMVRXEZLU&issuer=Shop"],
        "",
    );
    let report = json(&cli, &only);
    let two_fa = item(&report, "auth.2fa");
    assert_eq!(two_fa["status"], "pass", "{two_fa}");
    assert!(
        two_fa["summary"]
            .as_str()
            .unwrap()
            .contains("1 2FA account(s) enrolled in Rampart for shop (issuer Shop)")
    );
    assert_eq!(two_fa["evidence"][0]["kind"], "record");
    assert!(!cli.seen().contains("KRSXG5CTMVRXEZLU"), "no seed is printed");
}
