//! IPC contract tests through Tauri's mock runtime with the real context (ACL included):
//! the command list matches the UI contract and the capability file, granted commands answer
//! with the documented shapes, and what is not granted (e.g. reading the clipboard from the
//! webview) is refused.

use crate::commands::{COMMANDS, handler};
use crate::state::Shared;
use rampart_core::{Config, Keychain, Rampart};
use std::sync::Arc;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;

fn ui_contract_commands() -> Vec<String> {
    let types = include_str!("../../ui/src/lib/ipc/types.ts");
    let body = types.split("export interface Commands {").nth(1).expect("Commands interface");
    let body = body.split("\n}").next().unwrap();
    body.lines()
        .filter_map(|l| l.strip_prefix("  ").and_then(|l| l.split_once(": {")).map(|(k, _)| k))
        .filter(|k| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_command_list_matches_the_ui_contract_and_the_capability_file() {
    let mut ours: Vec<_> = COMMANDS.iter().map(|c| c.to_string()).collect();
    let mut theirs = ui_contract_commands();
    ours.sort();
    theirs.sort();
    assert_eq!(ours, theirs, "src-tauri COMMANDS and ui/src/lib/ipc/types.ts Commands drifted");
    let capability = include_str!("../capabilities/main.json");
    for c in COMMANDS {
        let grant = format!("\"allow-{}\"", c.replace('_', "-"));
        assert!(capability.contains(&grant), "capabilities/main.json does not grant {c}");
    }
}

pub(crate) fn request(cmd: &str, body: serde_json::Value) -> InvokeRequest {
    InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    }
}

#[test]
fn granted_commands_answer_and_ungranted_ones_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().to_owned(),
        keychain: Keychain::new(format!("rampart-ipc-test-{}", std::process::id())),
    };
    let shared = Arc::new(Shared::new(Rampart::open(config).unwrap(), None));
    let app = mock_builder()
        .invoke_handler(handler())
        .manage(shared)
        .build(tauri::generate_context!("tauri.conf.json"))
        .unwrap();
    let webview =
        tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();

    let state = get_ipc_response(&webview, request("lock_state", serde_json::json!({})))
        .map(|b| b.deserialize::<serde_json::Value>().unwrap())
        .expect("lock_state is granted");
    assert_eq!(
        state,
        serde_json::json!({"locked": false, "hasPassphrase": false, "idleMinutes": 15})
    );

    let codes = get_ipc_response(&webview, request("otp_codes", serde_json::json!({})))
        .map(|b| b.deserialize::<serde_json::Value>().unwrap())
        .unwrap();
    assert_eq!(codes, serde_json::json!([]));

    let err =
        get_ipc_response(&webview, request("vault_reveal", serde_json::json!({"id": "nope"})))
            .expect_err("an unknown credential is an error");
    assert_eq!(err["kind"], "notFound", "{err}");
    assert!(err["message"].as_str().unwrap().contains("no credential"), "{err}");

    let refused = get_ipc_response(
        &webview,
        request("plugin:clipboard-manager|read_text", serde_json::json!({})),
    )
    .expect_err("the webview may not read the clipboard");
    assert!(refused.to_string().contains("not allowed"), "{refused}");
}

/// The field names of `interface NAME { ... }` in the UI contract.
pub(crate) fn ts_fields(name: &str) -> std::collections::BTreeSet<String> {
    let types = include_str!("../../ui/src/lib/ipc/types.ts");
    let body = types
        .split(&format!("export interface {name} {{"))
        .nth(1)
        .unwrap_or_else(|| panic!("no interface {name} in types.ts"));
    let body = body.split("\n}").next().unwrap();
    body.lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| !l.starts_with(' ') && !l.starts_with('/') && !l.starts_with('*'))
        .filter_map(|l| l.split_once(':').map(|(k, _)| k.trim_end_matches('?').to_owned()))
        .collect()
}

pub(crate) fn json_fields(value: impl serde::Serialize) -> std::collections::BTreeSet<String> {
    match serde_json::to_value(value).unwrap() {
        serde_json::Value::Object(map) => map.keys().cloned().collect(),
        other => panic!("not an object: {other}"),
    }
}

#[test]
fn every_payload_has_exactly_the_fields_the_ui_contract_names() {
    use rampart_core::views::*;
    let code = CodeView {
        id: "i".into(),
        issuer: "I".into(),
        account: "a".into(),
        kind: rampart_core::otp::OtpKind::Totp,
        code: "123456".into(),
        next_code: None,
        period: 30,
        valid_until: 0,
        digits: 6,
        counter: None,
        pinned: false,
    };
    let credential = CredentialView {
        id: "i".into(),
        name: "n".into(),
        kind: rampart_core::CredentialKind::Note,
        tags: vec![],
        created_at: "t".into(),
        rotated_at: "t".into(),
        age_days: 0,
        stale: false,
    };
    let entry = ImportEntry { label: "l".into(), status: ImportStatus::Imported, reason: None };
    let draft = crate::commands::otp::EnrollDraftView {
        draft_id: "d".into(),
        issuer: "I".into(),
        account: "a".into(),
        otpauth_uri: "u".into(),
        qr_svg: "s".into(),
        expires_at: 0,
    };
    let checks = [
        ("CodeView", json_fields(&code)),
        ("CredentialView", json_fields(&credential)),
        ("ImportEntry", json_fields(&entry)),
        (
            "ImportReport",
            json_fields(ImportReport { format: "f".into(), entries: vec![entry.clone()] }),
        ),
        ("EnrollDraft", json_fields(&draft)),
        ("VerifyResult", json_fields(VerifyResult { valid: true, offset: Some(0) })),
        ("CopyResult", json_fields(crate::commands::CopyResult { clears_in_seconds: 20 })),
        (
            "ExportResult",
            json_fields(crate::commands::otp::ExportResult { path: None, accounts: 0 }),
        ),
        (
            "GenerateResult",
            json_fields(crate::commands::vault::GenerateResult {
                credential,
                revealed_value: None,
            }),
        ),
        (
            "LockState",
            json_fields(rampart_core::lock::LockState {
                locked: false,
                has_passphrase: false,
                idle_minutes: 15,
            }),
        ),
        ("Settings", json_fields(rampart_core::settings::Settings::default())),
        (
            "AuditEntry",
            json_fields(AuditView {
                seq: 1,
                at: "t".into(),
                action: "a".into(),
                subject: "s".into(),
                hash: "h".into(),
            }),
        ),
        (
            "AuditVerify",
            json_fields(rampart_core::ChainReport {
                ok: true,
                entries: 0,
                first_broken: None,
                reason: None,
                keyed_from: None,
                anchored_entries: None,
                warning: None,
            }),
        ),
        ("IpcError", json_fields(crate::error::IpcError::from(rampart_core::CoreError::Locked))),
    ];
    for (name, rust) in checks {
        assert_eq!(
            rust,
            ts_fields(name),
            "{name}: Rust payload and ui/src/lib/ipc/types.ts drifted"
        );
    }
}

/// The feeds payloads, built from JSON the way the servers send it where the types allow.
#[test]
fn every_feeds_payload_has_exactly_the_fields_the_ui_contract_names() {
    use rampart_core::feeds::monitor::*;
    use rampart_core::feeds::ops::*;
    use rampart_core::feeds::*;
    use serde_json::json;
    let am_alert: rampart_core::feeds::AmAlert = serde_json::from_value(json!({
        "fingerprint": "f", "labels": {"alertname": "A"}, "annotations": {}, "startsAt": "t",
        "endsAt": "t", "generatorURL": "u", "status": {"state": "active", "silencedBy": [], "inhibitedBy": []}
    }))
    .unwrap();
    let alert = Alert { alert: am_alert.clone(), sources: vec!["am".into()] };
    let group = AlertGroup {
        alertname: "A".into(),
        severity: "critical".into(),
        service: "api".into(),
        alerts: vec![alert.clone()],
    };
    let prom_alert: PromAlert = serde_json::from_value(json!({
        "labels": {}, "annotations": {}, "state": "firing", "activeAt": "t", "value": "1"
    }))
    .unwrap();
    let rule_group: RuleGroup = serde_json::from_value(json!({
        "name": "g", "file": "f", "rules": [{"name": "r", "type": "alerting", "query": "up == 0",
        "health": "ok", "lastError": "", "state": "inactive"}]
    }))
    .unwrap();
    let readiness = Readiness { ready: true, detail: "d".into() };
    let prom = PromReport {
        name: "p".into(),
        readiness: Some(readiness.clone()),
        alerts: vec![prom_alert.clone()],
        rule_groups: vec![rule_group.clone()],
    };
    let source_error = SourceError { source: "s".into(), message: "m".into(), retryable: true };
    let issue: SentryIssue = serde_json::from_value(json!({
        "id": "1", "shortId": "API-1", "title": "t", "culprit": "c", "permalink": "p", "level": "error",
        "status": "unresolved", "count": "3", "userCount": 1, "firstSeen": "t", "lastSeen": "t"
    }))
    .unwrap();
    let check: CheckResult = serde_json::from_value(json!({
        "service": "api", "atMs": 1, "status": "up", "latencyMs": 2, "httpStatus": 200, "reasons": [],
        "certDaysLeft": null, "health": {"status": "ok", "version": "1", "environment": "prod",
        "uptime": 3, "memory": {}, "database": "ok", "redis": "ok", "raw": {}, "rawTruncated": false}
    }))
    .unwrap();
    let view = ServiceView {
        service: Service::new("api", "http://x/"),
        last: Some(check.clone()),
        uptime: [None; 4],
    };
    let silence: Silence = serde_json::from_value(json!({
        "id": "s", "matchers": [{"name": "a", "value": "b", "isRegex": false, "isEqual": true}],
        "startsAt": "t", "endsAt": "t", "createdBy": "me", "comment": "c", "status": {"state": "active"}
    }))
    .unwrap();
    let silence_view = SilenceView { alertmanager: "am".into(), silence: silence.clone() };
    let firing = FiringAlert {
        fingerprint: "f".into(),
        alertname: "A".into(),
        severity: "critical".into(),
        service: "api".into(),
        summary: "s".into(),
        starts_at: "t".into(),
    };
    let mut state = MonitorState::default();
    state.set_config(vec![Service::new("api", "http://x/")], vec![check.clone()], true, vec![]);
    let overview = state.overview(0);
    let counts = overview.counts;
    let sentry = SentryProjectIssues { project: "a/b".into(), issues: vec![issue.clone()] };
    let recent =
        RecentCheck { at_ms: 1, up: true, latency_ms: 1, http_status: None, reasons: vec![] };
    let latency = LatencyPoint { at_ms: 1, mean_ms: 1.0 };
    let detail = ServiceDetail {
        service: view.clone(),
        latency: vec![latency],
        step_ms: 1,
        recent: vec![recent.clone()],
    };
    let machine = rampart_machine::MachineProbe::new().sample();
    let disk = rampart_machine::DiskUsage {
        mount_point: "/".into(),
        file_system: "ext4".into(),
        total_bytes: 1,
        available_bytes: 1,
    };
    let change = StateChange {
        service: "api".into(),
        from: Status::Up,
        to: Status::Down,
        at_ms: 1,
        reasons: vec![],
    };
    let checks = [
        ("HealthFields", json_fields(check.health.clone().unwrap())),
        ("CheckResult", json_fields(&check)),
        ("ServiceView", json_fields(&view)),
        ("ServiceDetail", json_fields(&detail)),
        ("LatencyPoint", json_fields(latency)),
        ("RecentCheck", json_fields(&recent)),
        ("ServiceStatus", json_fields(&overview.services[0])),
        ("SeverityCounts", json_fields(counts.firing)),
        ("FeedsCounts", json_fields(counts)),
        ("FeedsSummary", json_fields(state.summary(0))),
        ("AlertStatus", json_fields(&am_alert.status)),
        ("Alert", json_fields(&alert)),
        ("AlertGroup", json_fields(&group)),
        ("PromAlert", json_fields(&prom_alert)),
        ("Rule", json_fields(&rule_group.rules[0])),
        ("RuleGroup", json_fields(&rule_group)),
        ("Readiness", json_fields(&readiness)),
        ("PromReport", json_fields(&prom)),
        ("SourceError", json_fields(&source_error)),
        (
            "AlertsReport",
            json_fields(AlertsReport { groups: vec![], prometheus: vec![], errors: vec![] }),
        ),
        ("SentryIssue", json_fields(&issue)),
        ("SentryProjectIssues", json_fields(&sentry)),
        ("SentryView", json_fields(state.sentry())),
        ("FeedsOverview", json_fields(&overview)),
        ("Matcher", json_fields(&silence.matchers[0])),
        ("SilenceView", json_fields(&silence_view)),
        ("SilencesReport", json_fields(SilencesReport { silences: vec![], errors: vec![] })),
        (
            "SilenceCreated",
            json_fields(SilenceCreated {
                alertmanager: "a".into(),
                silence_id: "s".into(),
                alerts: 1,
            }),
        ),
        (
            "SourceView",
            json_fields(SourceView {
                kind: "sentry".into(),
                name: "a/b".into(),
                url: "u".into(),
                token_from: None,
            }),
        ),
        ("DiskUsage", json_fields(&disk)),
        ("MachineStats", json_fields(&machine)),
        ("FeedsSettings", json_fields(FeedsSettings::default())),
        ("StateChange", json_fields(&change)),
        ("FiringAlert", json_fields(&firing)),
    ];
    for (name, rust) in checks {
        assert_eq!(
            rust,
            ts_fields(name),
            "{name}: Rust payload and ui/src/lib/ipc/types.ts drifted"
        );
    }
    // ServiceInput is what the UI sends: its TS fields must deserialize.
    let input: ServiceInput = serde_json::from_value(json!({
        "name": "api", "environment": "", "url": "http://x/", "interval": 30000, "timeout": 5000,
        "conditions": null
    }))
    .unwrap();
    assert_eq!(Service::from(input).conditions, Condition::defaults());
    assert_eq!(ts_fields("ServiceInput").len(), 6);
}

/// Fields of an `interface Name extends Base {` block (its own fields only).
fn ts_own_fields(name: &str, base: &str) -> std::collections::BTreeSet<String> {
    let types = include_str!("../../ui/src/lib/ipc/types.ts");
    let head = format!("export interface {name} extends {base} {{");
    let body = types.split(&head).nth(1).unwrap_or_else(|| panic!("no {head} in types.ts"));
    let body = body.split("\n}").next().unwrap();
    body.lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| !l.starts_with(' ') && !l.starts_with('/') && !l.starts_with('*'))
        .filter_map(|l| l.split_once(':').map(|(k, _)| k.to_owned()))
        .collect()
}

/// The backup payloads (commands/backups.rs and core's backup views) against types.ts.
#[test]
fn every_backup_payload_has_exactly_the_fields_the_ui_contract_names() {
    use crate::backups::ProgressView;
    use crate::commands::backups::{IdentityReveal, SourceStatus};
    use rampart_core::backups::*;
    let run = RunView {
        id: 1,
        source: "db".into(),
        started_at: 0,
        finished_at: 1,
        ok: true,
        bytes_in: 2,
        bytes_out: 1,
        backup_id: None,
        object_key: None,
        error: None,
        retryable: false,
        trigger: Trigger::Manual,
    };
    let drill =
        DrillView { source: "db".into(), backup_id: None, at: 0, ok: true, message: "m".into() };
    let target = TargetSpec {
        name: "t".into(),
        endpoint: None,
        region: "r".into(),
        bucket: "b".into(),
        prefix: String::new(),
        path_style: true,
        access_key_from: "a".into(),
        secret_key_from: "s".into(),
        storage_class: None,
    };
    let spec = SourceSpec {
        name: "db".into(),
        what: SourceWhat::Command { argv: vec!["pg_dump".into()] },
        env: vec![EnvSecret { var: "PGPASSWORD".into(), from: "pg".into() }],
        target: "t".into(),
        recipients: vec![],
        schedule: None,
        retention: RetentionSpec::default(),
    };
    let status = SourceStatus {
        view: SourceView {
            spec: spec.clone(),
            created_at: 0,
            last_run: Some(run.clone()),
            last_drill: Some(drill.clone()),
        },
        next_run: None,
    };
    let progress = ProgressView {
        phase: Phase::Uploading,
        bytes_read: 1,
        bytes_transferred: 1,
        total: None,
        elapsed_ms: 1,
        rate: 1.0,
        eta_seconds: None,
    };
    let reveal = IdentityReveal {
        text: "t".into(),
        qr_svg: "s".into(),
        public_key: "p".into(),
        warning: "w".into(),
    };
    let prune =
        PruneReport { source: "db".into(), decisions: vec![], deleted: vec![], dry_run: true };
    let backup = BackupView {
        id: "20260304T050607Z-00000001".into(),
        source: "db".into(),
        kind: SourceKind::Command,
        object: "o".into(),
        manifest_key: "m".into(),
        started: time::OffsetDateTime::UNIX_EPOCH,
        finished: time::OffsetDateTime::UNIX_EPOCH,
        plaintext_size: 1,
        ciphertext_size: 2,
        trusted: false,
        trust: "not signed".into(),
        manifest_sha256: "a".repeat(64),
    };
    let checks = [
        ("RunView", json_fields(&run)),
        ("DrillView", json_fields(&drill)),
        ("TargetSpec", json_fields(&target)),
        ("SourceSpec", json_fields(&spec)),
        ("RetentionSpec", json_fields(RetentionSpec::default())),
        ("EnvSecret", json_fields(&spec.env[0])),
        ("ProgressView", json_fields(&progress)),
        ("IdentityReveal", json_fields(&reveal)),
        ("PruneReport", json_fields(&prune)),
        ("BackupView", json_fields(&backup)),
    ];
    for (name, rust) in checks {
        assert_eq!(rust, ts_fields(name), "{name}: Rust payload and types.ts drifted");
    }
    let mut ts = ts_fields("SourceSpec");
    ts.extend(ts_own_fields("BackupSourceView", "SourceSpec"));
    ts.extend(ts_own_fields("SourceStatus", "BackupSourceView"));
    assert_eq!(json_fields(&status), ts, "SourceStatus drifted");
}
