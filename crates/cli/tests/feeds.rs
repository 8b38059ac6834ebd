//! The feeds commands as a real process: services and `rampart health` against local HTTP
//! services, `rampart alerts` and `rampart silence` against the real Prometheus + Alertmanager,
//! `rampart sentry` against a local Sentry-API server with the token in a real keychain (run
//! under tests/support/with-keyring.sh). Each test has its own data dir and keychain namespace.

use rampart_feeds::testkit::prom::TEST_ALERT;
use rampart_feeds::testkit::{PromStack, Response, TestServer, eventually};
use serde_json::{Value, json};
use std::time::Duration;

mod common;

use common::Cli;

fn runtime() -> rampart_feeds::tokio::runtime::Runtime {
    rampart_feeds::tokio::runtime::Runtime::new().unwrap()
}

#[test]
fn services_are_added_listed_checked_and_removed() {
    let rt = runtime();
    let up = rt.block_on(TestServer::start(|_| {
        Response::json(200, json!({"status": "ok", "version": "1.2.3"}))
    }));
    let down =
        rt.block_on(TestServer::start(|_| Response::json(503, json!({"status": "degraded"}))));
    let cli = Cli::new();
    cli.ok(&["service", "add", "api", "--url", &up.url("/health"), "--env", "prod"], "");
    cli.ok(
        &[
            "service",
            "add",
            "worker",
            "--url",
            &down.url("/health"),
            "--interval",
            "1m",
            "--timeout",
            "2s",
        ],
        "",
    );
    let dup = cli.run(&["service", "add", "api", "--url", &up.url("/health")], "");
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already in use"));
    let bad = cli.run(&["service", "add", "x", "--url", "ftp://nope"], "");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("must start with http(s)://"));

    let list = cli.json(&["service", "list", "--json"]);
    assert_eq!(list[1]["name"], "worker");
    assert_eq!(
        (list[1]["interval"].clone(), list[1]["timeout"].clone()),
        (json!(60_000), json!(2_000))
    );
    assert_eq!(list[0]["environment"], "prod");

    let out = cli.run(&["health"], "");
    assert!(!out.status.success(), "a down service makes `rampart health` fail");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("api") && stdout.contains(" up "), "{stdout}");
    assert!(stdout.contains("worker") && stdout.contains("DOWN"), "{stdout}");
    assert!(stdout.contains("HTTP status 503 is not 200"), "{stdout}");
    assert!(stdout.contains("status is \"degraded\", expected == \"ok\""), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 of 2 service(s) down"));

    let out = cli.run(&["health", "--json"], "");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["results"][0]["health"]["version"], "1.2.3");
    assert_eq!(report["results"][1]["status"], "down");

    let list = cli.json(&["service", "list", "--json"]);
    assert_eq!(list[0]["last"]["status"], "up");
    assert_eq!(list[0]["uptime"][0], 100.0, "two passes, both up");
    assert_eq!(list[1]["uptime"][3], 0.0);

    cli.ok(&["service", "rm", "worker"], "");
    cli.ok(&["health"], "");
    let gone = cli.run(&["service", "rm", "worker"], "");
    assert!(String::from_utf8_lossy(&gone.stderr).contains("no service named"));
}

#[test]
fn alerts_are_listed_and_silenced_through_the_real_alertmanager() {
    let rt = runtime();
    let rules = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../deploy/prometheus/rampart-rules.yml");
    let stack = rt.block_on(PromStack::start(&[rules.as_path()]));
    let cli = Cli::new();
    cli.ok(&["alertmanager", "add", "local", "--url", &stack.alertmanager_url], "");
    cli.ok(&["prometheus", "add", "local", "--url", &stack.prometheus_url], "");

    let alert = rt
        .block_on(eventually(Duration::from_secs(30), || async {
            let report = cli.json(&["alerts", "--json"]);
            let group =
                report["groups"].as_array()?.iter().find(|g| g["alertname"] == TEST_ALERT)?;
            Some((group.clone(), report))
        }))
        .unwrap_or_else(|| panic!("the alert never showed:\n{}", stack.log("prometheus.log")));
    let (group, report) = alert;
    assert_eq!(group["severity"], "critical");
    assert_eq!(group["alerts"][0]["status"]["state"], "active");
    assert_eq!(report["prometheus"][0]["readiness"]["ready"], true);
    let text = cli.ok(&["alerts"], "");
    assert!(text.contains(&format!("{TEST_ALERT} [critical] rampart-test")), "{text}");
    assert!(text.contains("Prometheus local: ready, 1 firing"), "{text}");

    let out =
        cli.run(&["silence", TEST_ALERT, "--for", "2h", "--comment", "on it", "--by", "alice"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let id = String::from_utf8(out.stdout).unwrap().trim().to_owned();

    // Visible in Alertmanager's own API, and it suppresses the alert.
    let client = rampart_feeds::http_client(&Default::default()).unwrap();
    let silences: Value = rt.block_on(async {
        let url = format!("{}/api/v2/silences", stack.alertmanager_url);
        client.get(url).send().await.unwrap().json().await.unwrap()
    });
    let silence = silences.as_array().unwrap().iter().find(|s| s["id"] == id).expect("listed");
    assert_eq!(
        (silence["createdBy"].as_str(), silence["comment"].as_str()),
        (Some("alice"), Some("on it"))
    );
    assert_eq!(silence["status"]["state"], "active");
    // Alertmanager moves a start in the past to its own now, so allow a minute of rounding.
    let minutes = {
        let parse = |k: &str| {
            time::OffsetDateTime::parse(
                silence[k].as_str().unwrap(),
                &time::format_description::well_known::Rfc3339,
            )
            .unwrap()
        };
        (parse("endsAt") - parse("startsAt")).whole_minutes()
    };
    assert!((119..=120).contains(&minutes), "a 2 h silence lasts {minutes} min");
    let suppressed = rt.block_on(eventually(Duration::from_secs(15), || async {
        let report = cli.json(&["alerts", "--json"]);
        let g = report["groups"].as_array()?.iter().find(|g| g["alertname"] == TEST_ALERT)?.clone();
        (g["alerts"][0]["status"]["state"] == "suppressed").then_some(g)
    }));
    let g = suppressed.expect("the silence suppresses the alert");
    assert_eq!(g["alerts"][0]["status"]["silencedBy"][0], id.as_str());

    // `rampart silences` lists it; `rampart silence expire` expires it in Alertmanager.
    let listed = cli.json(&["silences", "--json"]);
    assert_eq!(listed["silences"][0]["id"], id.as_str());
    assert_eq!(listed["silences"][0]["alertmanager"], "local");
    assert_eq!(listed["silences"][0]["status"]["state"], "active");
    let text = cli.ok(&["silences"], "");
    assert!(text.contains(&id) && text.contains("by alice: on it"), "{text}");
    cli.ok(&["silence", "expire", &id], "");
    let state: Value = rt.block_on(async {
        let url = format!("{}/api/v2/silence/{id}", stack.alertmanager_url);
        client.get(url).send().await.unwrap().json().await.unwrap()
    });
    assert_eq!(state["status"]["state"], "expired");
    let again = cli.run(&["silence", "expire", &id], "");
    assert!(String::from_utf8_lossy(&again.stderr).contains("no active or pending silence"));
    let wrong = cli.run(&["silence", "expire", &id, "--alertmanager", "nope"], "");
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("no Alertmanager named \"nope\""));
    let audit = cli.ok(&["audit", "log"], "");
    assert!(audit.contains(&format!("silence:local/{id}")), "{audit}");
    assert!(audit.contains("alertmanager:local"), "sources are audited: {audit}");
    let unknown = cli.run(&["silence", "NoSuchAlert", "--for", "1h", "--comment", "x"], "");
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no alert named \"NoSuchAlert\""));
}

#[test]
fn sentry_issues_use_the_vault_token_which_never_shows() {
    const TOKEN: &str = "sntrys_cli_secret_token_789";
    let rt = runtime();
    let server = rt.block_on(TestServer::start(|req| {
        if req.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return Response::json(401, json!({"detail": "Invalid token"}));
        }
        match req.path.as_str() {
            "/api/0/projects/acme/backend/" => Response::json(200, json!({"id": "42"})),
            _ => Response::json(
                200,
                json!([{"id": "1", "shortId": "BACKEND-1", "title": "TypeError",
                "permalink": "https://sentry.example/issues/1/", "count": "12", "userCount": 3,
                "firstSeen": "2026-08-01T00:00:00Z", "lastSeen": "2026-08-02T00:00:00Z"}]),
            ),
        }
    }));
    let cli = Cli::new();
    let missing = cli.run(
        &[
            "sentry",
            "add",
            "acme/backend",
            "--token-from",
            "sentry-token",
            "--url",
            &server.url("/"),
        ],
        "",
    );
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no credential named"));
    let out = cli.run(&["vault", "set", "sentry-token", "--kind", "apiToken"], TOKEN);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    cli.ok(
        &[
            "sentry",
            "add",
            "acme/backend",
            "--token-from",
            "sentry-token",
            "--url",
            &server.url("/"),
        ],
        "",
    );
    let report = cli.json(&["sentry", "--json"]);
    assert_eq!(report["projects"][0][0], "acme/backend");
    assert_eq!(report["projects"][0][1][0]["count"], 12);
    let text = cli.ok(&["sentry"], "");
    assert!(
        text.contains("BACKEND-1") && text.contains("https://sentry.example/issues/1/"),
        "{text}"
    );
    assert!(!text.contains(TOKEN));

    // A rotated, wrong token: the error says so and never shows either token.
    let wrong = "sntrys_cli_wrong_token_000";
    assert!(cli.run(&["vault", "set", "sentry-token"], wrong).status.success());
    let out = cli.run(&["sentry"], "");
    assert!(!out.status.success());
    let all =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(all.contains("HTTP 401") && all.contains("retrying will not help"), "{all}");
    assert!(!all.contains(wrong) && !all.contains(TOKEN), "{all}");
    let logs = std::fs::read_dir(cli.data_dir().join("logs")).into_iter().flatten().flatten();
    for log in logs {
        let text = std::fs::read_to_string(log.path()).unwrap_or_default();
        assert!(!text.contains(wrong) && !text.contains(TOKEN), "a token reached {:?}", log.path());
    }
}

#[test]
fn slack_needs_a_webhook_from_the_vault_and_dead_alertmanagers_fail_clearly() {
    let cli = Cli::new();
    let missing = cli.run(&["slack", "set", "--webhook-from", "no-such-hook"], "");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-hook"));
    let test = cli.run(&["slack", "test"], "");
    assert!(String::from_utf8_lossy(&test.stderr).contains("no Slack webhook is configured"));
    cli.ok(&["slack", "set", "--off"], "");

    cli.ok(&["alertmanager", "add", "dead", "--url", "http://127.0.0.1:9/"], "");
    let out = cli.run(&["silences", "--json"], "");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Alertmanager dead is unreachable"));
    let expire = cli.run(&["silence", "expire", "abc-123"], "");
    let err = String::from_utf8_lossy(&expire.stderr);
    assert!(err.contains("unreachable") && err.contains("retrying may help"), "{err}");
    assert_eq!(expire.status.code(), Some(75), "EX_TEMPFAIL: a script may retry");
}

/// Needs a Secret Service: run under tests/support/with-keyring.sh.
#[test]
fn slack_test_posts_to_the_webhook_from_the_vault_and_reports_slacks_error() {
    let rt = runtime();
    let fail = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = fail.clone();
    let slack = rt.block_on(TestServer::start(move |_| {
        match flag.load(std::sync::atomic::Ordering::SeqCst) {
            false => Response::text(200, "ok"),
            true => Response::text(404, "no_service"),
        }
    }));
    let hook = slack.url("/services/T000/B000/secretpart");
    let cli = Cli::new();
    let out = cli.run(&["vault", "set", "slack-hook", "--kind", "webhookUrl"], &hook);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    cli.ok(&["slack", "set", "--webhook-from", "slack-hook"], "");
    cli.ok(&["slack", "test"], "");
    let posted = slack.requests();
    assert_eq!(posted.len(), 1);
    let body = posted[0].body_json();
    assert_eq!(body["attachments"][0]["color"], "#0099FF");
    assert_eq!(body["text"], "Rampart test message");

    fail.store(true, std::sync::atomic::Ordering::SeqCst);
    let out = cli.run(&["slack", "test"], "");
    assert_eq!(out.status.code(), Some(1), "retrying will not help: not 75");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no_service (retrying will not help)"), "{err}");
    assert!(!err.contains("secretpart"), "the webhook URL never shows: {err}");
}

/// `rampart kpi`: without a Prometheus each Prometheus KPI says how to add one; with the real
/// one the CPU KPI gets a value, an edited query with a syntax error reports Prometheus's
/// message on its own line, and `kpi query` runs PromQL by hand.
#[test]
fn kpis_from_a_real_prometheus_with_an_edited_and_a_broken_query() {
    let rt = runtime();
    let stack = rt.block_on(PromStack::start(&[]));
    let cli = Cli::new();
    let text = cli.ok(&["kpi"], "");
    assert!(
        text.contains("Failed login attempts") && text.contains("rampart prometheus add"),
        "{text}"
    );
    let err = cli.fails(&["kpi", "set-query", "nope", "up"], "");
    assert!(err.contains("use one of failed-logins"), "{err}");
    let err = cli.fails(&["kpi", "--range", "1y"], "");
    assert!(err.contains("use 24h, 7d or 30d"), "{err}");

    cli.ok(&["prometheus", "add", "local", "--url", &stack.prometheus_url], "");
    cli.ok(&["kpi", "set-query", "failed-logins", "sum(rate("], "");
    let report = rt
        .block_on(eventually(Duration::from_secs(30), || {
            let report = cli.json(&["kpi", "--range", "7d", "--json"]);
            async move { report["kpis"][5]["value"].is_number().then_some(report) }
        }))
        .expect("the CPU KPI gets a value");
    assert_eq!(report["range"], "7d");
    assert_eq!(report["kpis"].as_array().unwrap().len(), 9);
    assert_eq!(report["kpis"][5]["id"], "cpu-usage");
    assert!(report["kpis"][0]["note"].as_str().unwrap().contains("parse error"), "{report}");
    let text = cli.ok(&["kpi"], "");
    assert!(text.contains("cores"), "{text}");

    let up = cli.ok(&["kpi", "query", "up"], "");
    assert!(up.contains("job=\"prometheus\"") && up.trim_end().ends_with('1'), "{up}");
    let err = cli.fails(&["kpi", "query", "rate("], "");
    assert!(err.contains("parse error"), "{err}");
    cli.ok(&["kpi", "reset-query", "failed-logins"], "");

    // The security report: written once, refused over the file, replaced with --force.
    let out = cli.work_dir().join("weekly.html");
    let out = out.to_str().unwrap();
    let err = cli.fails(&["kpi", "report", "--format", "pdf", "--out", out], "");
    assert!(err.contains("use md or html"), "{err}");
    cli.ok(&["kpi", "report", "--format", "html", "--out", out], "");
    let page = std::fs::read_to_string(out).unwrap();
    assert!(
        page.contains("Security report: the last 7 days") && page.contains("CPU usage"),
        "{page}"
    );
    assert!(page.contains("From Prometheus &quot;local&quot;"), "{page}");
    let err = cli.fails(&["kpi", "report", "--format", "md", "--out", out], "");
    assert!(err.contains("weekly.html already exists") && err.contains("--force"), "{err}");
    cli.ok(&["kpi", "report", "--range", "24h", "--format", "md", "--out", out, "--force"], "");
    let md = std::fs::read_to_string(out).unwrap();
    assert!(md.starts_with("# Security report: the last 24 hours"), "{md}");
    assert!(md.contains("| KPI | This period | Previous | Trend | Threshold | Status |"), "{md}");
}
