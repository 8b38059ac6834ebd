//! `rampart incident|oncall|escalation|email` as a real process (run under
//! tests/support/with-keyring.sh): an incident opened from a service `rampart health` found
//! down, noted, escalated by hand to Slack (a local server speaking Slack's webhook API) and by
//! email (a real SMTP server, aiosmtpd, with the password from the vault), acknowledged,
//! resolved with a summary, exported; errors that say what to do. And a timeline filled from a
//! real Prometheus firing into a real Alertmanager, a silence and a service's health.

mod common;

use common::Cli;
use rampart_feeds::testkit::{Response, SmtpSink, TestServer};
use serde_json::{Value, json};
use std::time::Duration;

fn json_of(cli: &Cli, args: &[&str]) -> Value {
    serde_json::from_str(&cli.ok(args, "")).unwrap()
}

#[test]
fn an_incident_from_a_down_service_is_escalated_to_slack_and_email_then_resolved_and_exported() {
    let rt = rampart_feeds::tokio::runtime::Runtime::new().unwrap();
    let down = rt.block_on(TestServer::start(|_| Response::json(503, json!({"status": "down"}))));
    let slack = rt.block_on(TestServer::start(|_| Response::text(200, "ok")));
    let smtp = SmtpSink::start(Some(("rampart", "smtp-pass-42")));
    let cli = Cli::new();

    cli.ok(&["service", "add", "api", "--url", &down.url("/health")], "");
    assert!(!cli.run(&["health"], "").status.success(), "api is down");
    let e = cli.fails(&["incident", "open"], "");
    assert!(e.contains("pass --title"), "{e}");
    let opened = json_of(&cli, &["incident", "open", "--from-service", "api", "--json"]);
    assert_eq!((opened["id"].as_i64(), opened["severity"].as_str()), (Some(1), Some("P1")));
    assert_eq!(opened["title"], "api is down");
    assert_eq!(
        opened["severityDefinition"],
        "Critical: system down, data breach, security exploit"
    );
    let id = cli.ok(&["incident", "open", "--title", "Docs stale", "--severity", "p4"], "");
    assert_eq!(id.trim(), "2");
    cli.ok(&["incident", "note", "1", "restarting the pod"], "");

    // The chain: an on-call engineer at level 1, the security team at level 2.
    let policy = json!({
        "levels": [
            {"name": "On-call engineer", "contacts": [{"name": "ana", "email": "ana@example.test", "slack": "U123ANA"}]},
            {"name": "Security team", "contacts": [{"name": "sec", "email": "security@example.test", "slack": "#security"}]},
            {"name": "Management", "contacts": []},
            {"name": "External", "contacts": []}
        ],
        "waitMinutes": {"p1": 15, "p2": 60, "p3": null, "p4": null}
    });
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("policy.json");
    std::fs::write(&file, policy.to_string()).unwrap();
    cli.ok(&["escalation", "set", "--file", file.to_str().unwrap()], "");
    assert_eq!(cli.ok(&["oncall"], "").trim(), "ana");
    std::fs::write(&file, "{\"levels\": []}").unwrap();
    let e = cli.fails(&["escalation", "set", "--file", file.to_str().unwrap()], "");
    assert!(e.contains("1 to 10 levels"), "{e}");

    let hook = slack.url("/services/T000/B000/hooksecret");
    assert!(
        cli.run(&["vault", "set", "slack-hook", "--kind", "webhookUrl"], &hook).status.success()
    );
    cli.ok(&["slack", "set", "--webhook-from", "slack-hook"], "");
    assert!(cli.run(&["vault", "set", "smtp-password"], "smtp-pass-42").status.success());
    let port = smtp.port.to_string();
    let email = ["email", "set", "--server", "127.0.0.1", "--port", &port, "--tls", "none"];
    cli.ok(
        &[
            &email[..],
            &[
                "--from",
                "rampart@example.test",
                "--user",
                "rampart",
                "--password-from",
                "smtp-password",
            ],
        ]
        .concat(),
        "",
    );

    // The first due step reaches the on-call engineer; by hand it moves to the security team.
    let out = cli.ok(&["incident", "escalate", "--due"], "");
    assert!(out.contains("#1 -> level 1 (On-call engineer)"), "{out}");
    assert!(
        out.contains("Slack: delivered") && out.contains("email to ana@example.test: delivered"),
        "{out}"
    );
    let out = cli.ok(&["incident", "escalate", "1"], "");
    assert!(out.contains("#1 -> level 2 (Security team)"), "{out}");
    let posted = slack.requests();
    let last = posted
        .iter()
        .map(|r| r.body_json())
        .find(|b| b["attachments"][0]["text"].as_str().unwrap_or("").contains("level 2"))
        .expect("the level-2 message");
    assert_eq!(last["text"], "[P1] Incident #1: api is down");
    assert_eq!(last["attachments"][0]["color"], "#FF0000");
    assert!(last["attachments"][0]["text"].as_str().unwrap().contains("#security"));
    let mails = smtp.wait_for(2, Duration::from_secs(10));
    assert!(mails.len() >= 2, "{mails:?}");
    let to_sec = mails
        .iter()
        .find(|m| m.to == ["security@example.test"])
        .expect("the security team's email");
    assert_eq!(to_sec.login, "rampart", "logged in with the vault password");
    assert!(
        to_sec.data.contains("Incident #1: api is down")
            && to_sec.data.contains("rampart incident ack 1")
    );

    cli.ok(&["incident", "ack", "1", "--by", "ana"], "");
    assert!(cli.ok(&["incident", "escalate", "--due"], "").is_empty(), "acknowledged: nothing due");
    let e = cli.fails(&["incident", "status", "1", "resolved"], "");
    assert!(e.contains("pass --summary"), "{e}");
    let e = cli.fails(&["incident", "status", "1", "fixed"], "");
    assert!(e.contains("use investigating, identified, monitoring or resolved"), "{e}");
    cli.ok(
        &[
            "incident",
            "resolve",
            "1",
            "--summary",
            "pod restarted",
            "--root-cause",
            "OOM",
            "--action",
            "raise memory limit",
        ],
        "",
    );

    let show = json_of(&cli, &["incident", "show", "1", "--json"]);
    assert_eq!(show["status"], "resolved");
    assert_eq!(show["owner"], "ana");
    let kinds: Vec<&str> =
        show["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for k in ["health", "opened", "note", "escalation", "notify", "ack", "resolved"] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
    assert!(
        show["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["at"].as_str().unwrap().ends_with('Z'))
    );
    let list = json_of(&cli, &["incident", "list", "--open", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], 2);

    let md = work.path().join("pm.md");
    cli.ok(&["incident", "export", "1", "--format", "md", "--out", md.to_str().unwrap()], "");
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(
        text.contains("# Postmortem: api is down") && text.contains("## Root cause\nOOM"),
        "{text}"
    );
    let html = work.path().join("pm.html");
    cli.ok(&["incident", "export", "1", "--format", "html", "--out", html.to_str().unwrap()], "");
    assert!(std::fs::read_to_string(&html).unwrap().contains("<h2>Timeline (UTC)</h2>"));
    // An edited template: both exports follow it; a bad one is refused with the names to use.
    let default = cli.ok(&["incident", "template", "show"], "");
    assert!(default.contains("_Blameless") && default.contains("{{timeline}}"), "{default}");
    let tpl = work.path().join("tpl.md");
    std::fs::write(&tpl, "# Review: {{title}}\n\n## Fix\n{{root_cause}}\n").unwrap();
    cli.ok(&["incident", "template", "set", "--file", tpl.to_str().unwrap()], "");
    assert!(cli.ok(&["incident", "template", "show"], "").starts_with("# Review: {{title}}"));
    let again = ["incident", "export", "1", "--format", "html", "--out", html.to_str().unwrap()];
    let e = cli.fails(&again, "");
    assert!(e.contains("already exists; choose another --out or pass --force"), "{e}");
    assert!(std::fs::read_to_string(&html).unwrap().contains("Timeline (UTC)"), "left as it was");
    cli.ok(&[&again[..], &["--force"]].concat(), "");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("<h1>Review: api is down</h1>") && page.contains("<h2>Fix</h2>\n<p>OOM</p>"),
        "{page}"
    );
    assert!(!page.contains("Timeline"), "{page}");
    std::fs::write(&tpl, "{{title}} {{cause}}").unwrap();
    let e = cli.fails(&["incident", "template", "set", "--file", tpl.to_str().unwrap()], "");
    assert!(e.contains("{{cause}} is not a placeholder: use title, id"), "{e}");
    cli.ok(&["incident", "template", "reset"], "");
    assert_eq!(cli.ok(&["incident", "template", "show"], ""), default);
    let e = cli.fails(&["incident", "show", "9"], "");
    assert!(e.contains("no incident #9: `rampart incident list` shows them"), "{e}");

    // No secret reached the output, the audit log or the logs.
    let audit = cli.ok(&["audit", "log", "--json"], "");
    assert!(audit.contains("incident:1 level 2 (Security team)"), "{audit}");
    assert!(!audit.contains("smtp-pass-42") && !audit.contains("hooksecret"));
    for log in std::fs::read_dir(cli.data_dir().join("logs")).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(log.path()).unwrap_or_default();
        assert!(!text.contains("smtp-pass-42") && !text.contains("hooksecret"));
    }
}

/// `rampart contacts add|list|rm`: the escalation chain's contacts one by one, each field
/// checked with advice, stored in the policy `escalation show` prints, audited; whoever is on
/// call hands over to the next one when removed.
#[test]
fn contacts_are_added_listed_and_removed_and_the_rota_follows() {
    let cli = Cli::new();
    let e = cli.fails(&["oncall"], "");
    assert!(e.contains("rampart contacts add NAME --level 1"), "{e}");
    cli.ok(
        &[
            "contacts",
            "add",
            "ana",
            "--level",
            "1",
            "--email",
            "ana@example.test",
            "--slack",
            "U123ANA",
        ],
        "",
    );
    cli.ok(&["contacts", "add", "bo", "--level", "1", "--phone", "+44 20 7946 0958"], "");
    cli.ok(&["contacts", "add", "bo", "--level", "3", "--slack", "#management"], "");
    assert_eq!(cli.ok(&["oncall"], "").trim(), "ana");

    for (args, want) in [
        (vec!["--level", "1", "--email", "ana-at-example"], "write it as name@example.com"),
        (vec!["--level", "1", "--slack", "@ana"], "Copy member ID"),
        (vec!["--level", "1", "--phone", "call me"], "optional leading +"),
        (vec!["--level", "9"], "levels 1 to 4"),
        (vec!["--level", "1"], "already a contact at level 1"),
    ] {
        let e = cli.fails(&[&["contacts", "add", "ana"][..], &args[..]].concat(), "");
        assert!(e.contains(want), "{args:?}: {e}");
    }
    let e = cli.fails(&["contacts", "add", "eve\u{1b}[31m", "--level", "2"], "");
    assert!(e.contains("control characters"), "{e}");

    let list = json_of(&cli, &["contacts", "list", "--json"]);
    let rows: Vec<(i64, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["level"].as_i64().unwrap(), c["name"].as_str().unwrap()))
        .collect();
    assert_eq!(rows, [(1, "ana"), (1, "bo"), (2, "Security team"), (3, "bo")]);
    assert_eq!(list[0]["slack"], "U123ANA");
    assert_eq!(list[1]["phone"], "+44 20 7946 0958");
    let text = cli.ok(&["contacts", "list"], "");
    assert!(text.contains("ana@example.test") && text.contains("#management"), "{text}");
    let policy = json_of(&cli, &["escalation", "show", "--json"]);
    assert_eq!(policy["levels"][0]["contacts"][1]["name"], "bo");

    let e = cli.fails(&["contacts", "rm", "bo"], "");
    assert!(e.contains("levels 1 and 3: say which with --level"), "{e}");
    let e = cli.fails(&["contacts", "rm", "zed"], "");
    assert!(e.contains("`rampart contacts list` shows them"), "{e}");
    cli.ok(&["contacts", "rm", "ana"], "");
    assert_eq!(cli.ok(&["oncall"], "").trim(), "bo", "the next one is on call");
    cli.ok(&["contacts", "rm", "bo", "--level", "1"], "");
    let e = cli.fails(&["oncall"], "");
    assert!(e.contains("nobody is on call"), "{e}");

    let audit = cli.ok(&["audit", "log", "--json"], "");
    for want in [
        "escalation contact ana added at level 1",
        "escalation contact bo added at level 3",
        "escalation contact ana removed from level 1",
        "escalation contact bo removed from level 1",
    ] {
        assert!(audit.contains(want), "{want} missing: {audit}");
    }
}

/// The timeline fills itself from what Rampart saw: a real Prometheus firing into a real
/// Alertmanager (the alert is linked when the incident is opened from it), a silence made and
/// expired in Rampart, the alert resolving, and the linked service going down and up.
#[test]
fn the_timeline_shows_a_real_alert_firing_silenced_and_resolving_and_the_service_down_and_up() {
    use rampart_feeds::testkit::prom::{PromStack, eventually};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let rt = rampart_feeds::tokio::runtime::Runtime::new().unwrap();
    let broken = Arc::new(AtomicBool::new(true));
    let flag = broken.clone();
    let exporter = rt.block_on(TestServer::start(move |req| {
        let broken = flag.load(Ordering::SeqCst);
        match req.path.as_str() {
            "/metrics" => {
                Response::text(200, &format!("rampart_test_broken {}\n", u8::from(broken)))
            }
            _ if broken => Response::json(503, json!({"status": "down"})),
            _ => Response::json(200, json!({"status": "ok"})),
        }
    }));
    let work = tempfile::tempdir().unwrap();
    let rules = work.path().join("rules.yml");
    std::fs::write(
        &rules,
        "groups:\n  - name: t\n    interval: 1s\n    rules:\n      - alert: ApiBroken\n        expr: rampart_test_broken > 0\n        labels:\n          severity: critical\n          service: api\n        annotations:\n          summary: the API is broken\n",
    )
    .unwrap();
    let target = exporter.addr.to_string();
    let stack = rt.block_on(PromStack::start_scraping(&[rules.as_path()], &[target.as_str()]));
    let cli = common::Cli::new();
    cli.ok(&["alertmanager", "add", "local", "--url", &stack.alertmanager_url], "");
    cli.ok(&["service", "add", "api", "--url", &exporter.url("/health")], "");
    assert!(!cli.run(&["health"], "").status.success(), "api is down");

    let group_state = |report: &Value| -> Option<String> {
        let g = report["groups"].as_array()?.iter().find(|g| g["alertname"] == "ApiBroken")?;
        g["alerts"][0]["status"]["state"].as_str().map(str::to_owned)
    };
    let firing = rt.block_on(eventually(Duration::from_secs(30), || async {
        (group_state(&cli.json(&["alerts", "--json"]))? == "active").then_some(())
    }));
    firing.unwrap_or_else(|| panic!("ApiBroken never fired:\n{}", stack.log("prometheus.log")));

    let opened = json_of(&cli, &["incident", "open", "--from-alert", "ApiBroken", "--json"]);
    let id = opened["id"].as_i64().unwrap().to_string();
    assert_eq!(opened["severity"], "P1", "a critical alert");
    let links: Vec<&str> =
        opened["links"].as_array().unwrap().iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(links, ["alert", "service"], "the alert and its service are linked");

    let out =
        cli.run(&["silence", "ApiBroken", "--for", "1h", "--comment", "on it", "--by", "ana"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let silence = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let muted = rt.block_on(eventually(Duration::from_secs(15), || async {
        (group_state(&cli.json(&["alerts", "--json"]))? == "suppressed").then_some(())
    }));
    muted.expect("the silence suppresses the alert");
    cli.ok(&["silence", "expire", &silence], "");

    broken.store(false, Ordering::SeqCst);
    let gone = rt.block_on(eventually(Duration::from_secs(30), || async {
        group_state(&cli.json(&["alerts", "--json"])).is_none().then_some(())
    }));
    gone.expect("ApiBroken resolves once the metric is 0");
    assert!(cli.run(&["health"], "").status.success(), "api is up again");

    let show = json_of(&cli, &["incident", "show", &id, "--json"]);
    let entries: Vec<(String, String)> = show["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap().to_owned(), e["text"].as_str().unwrap().to_owned()))
        .collect();
    let position = |kind: &str, text: &str| {
        entries
            .iter()
            .position(|(k, t)| k == kind && t.contains(text))
            .unwrap_or_else(|| panic!("no {kind} entry with {text:?} in {entries:#?}"))
    };
    let down = position("health", "api is down");
    let fired = position("alert", "alert ApiBroken [critical] on api firing: the API is broken");
    let opened_at = position("opened", "opened as P1");
    let silenced = position("alert", "silenced (by");
    let created = position("silence", "created in Rampart");
    let expired = position("silence", "expired in Rampart");
    let resolved = position("alert", "alert ApiBroken on api resolved");
    let up = position("health", "api is up");
    assert!(down < opened_at && fired < opened_at, "{entries:#?}");
    assert!(opened_at < silenced && created < expired && silenced < resolved, "{entries:#?}");
    assert!(opened_at < up, "{entries:#?}");
    assert!(entries[silenced].1.contains(&silence), "the silence is named: {entries:#?}");
}
