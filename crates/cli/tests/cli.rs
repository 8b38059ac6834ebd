//! The `rampart` CLI contract, run as a real process against a real Secret Service (under
//! tests/support/with-keyring.sh). Each test has its own data dir and keychain namespace.

mod common;

use common::Cli;
use std::path::Path;
use std::process::Command;

#[test]
fn otp_code_matches_the_rfc_and_oathtool_vectors() {
    let cli = Cli::new();
    let code = |args: &[&str]| cli.ok(args, "").trim().to_owned();
    assert_eq!(
        code(&["otp", "code", "--secret", "JBSWY3DPEHPK3PXP", "--at", "1234567890"]),
        "742275"
    );
    let sha1 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    assert_eq!(code(&["otp", "code", "--secret", sha1, "--digits", "8", "--at", "59"]), "94287082");
    let sha256 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";
    assert_eq!(
        code(&[
            "otp",
            "code",
            "--secret",
            sha256,
            "--algorithm",
            "sha256",
            "--digits",
            "8",
            "--at",
            "1111111109"
        ]),
        "68084774"
    );
    assert_eq!(
        cli.ok(&["otp", "code", "--secret", "-", "--at", "1234567890"], "jbsw y3dp ehpk 3pxp\n")
            .trim(),
        "742275"
    );
    let err = cli.fails(&["otp", "code", "--secret", "JBSW1"], "");
    assert!(err.contains("base32"), "{err}");
    let err = cli.fails(&["otp", "code", "--secret", "JBSWY3DPEHPK3PXP", "--algorithm", "md5"], "");
    assert!(err.contains("SHA1, SHA256 or SHA512"), "{err}");
}

#[test]
fn otp_add_list_codes_verify_rm() {
    let cli = Cli::new();
    cli.ok(
        &[
            "otp",
            "add",
            "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
        ],
        "",
    );
    cli.ok(
        &["otp", "add", "-"],
        "otpauth://totp/ACME%20Co:bob?secret=KRSXG5CTMVRXEZLU&issuer=ACME%20Co&digits=8\n",
    );
    let codes: Vec<serde_json::Value> =
        serde_json::from_str(&cli.ok(&["otp", "codes", "--at", "1234567890", "--json"], ""))
            .unwrap();
    let example = codes.iter().find(|c| c["issuer"] == "Example").unwrap();
    assert_eq!(example["account"], "alice@google.com");
    assert_eq!(example["code"], "742275");
    let acme = codes.iter().find(|c| c["issuer"] == "ACME Co").unwrap();
    assert_eq!(acme["code"].as_str().unwrap().len(), 8);

    let out =
        cli.ok(&["otp", "verify", "Example:alice@google.com", "742275", "--at", "1234567890"], "");
    assert!(out.contains("valid (current time step)"), "{out}");
    let err = cli.fails(&["otp", "verify", "alice@google.com", "000000", "--at", "1234567890"], "");
    assert!(err.contains("not valid"), "{err}");

    let list = cli.ok(&["otp", "list", "--json"], "");
    assert!(!list.contains("JBSWY3DPEHPK3PXP"), "list must not show seeds");
    let ids: Vec<serde_json::Value> = serde_json::from_str(&list).unwrap();
    let text = cli.ok(&["otp", "list"], "");
    assert!(text.contains(ids[0]["id"].as_str().unwrap()), "the text list shows ids: {text}");
    cli.ok(&["otp", "rm", "bob"], "");
    let err = cli.fails(&["otp", "rm", "bob"], "");
    assert!(err.contains("no authenticator account matches"), "{err}");
}

#[test]
fn vault_set_get_list_rm_and_errors() {
    let cli = Cli::new();
    cli.ok(
        &["vault", "set", "slack-hook", "--kind", "webhookUrl"],
        "https://hooks.slack.com/services/T/B/x\n",
    );
    assert_eq!(
        cli.ok(&["vault", "get", "slack-hook"], ""),
        "https://hooks.slack.com/services/T/B/x\n"
    );
    cli.ok(&["vault", "set", "slack-hook"], "https://hooks.slack.com/services/T/B/y");
    assert_eq!(
        cli.ok(&["vault", "get", "slack-hook"], "").trim(),
        "https://hooks.slack.com/services/T/B/y"
    );
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&cli.ok(&["vault", "list", "--json"], "")).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["kind"], "webhookUrl");
    assert!(list[0].get("value").is_none());

    let err = cli.fails(&["vault", "set", "slack-hook", "--kind", "password"], "other");
    assert!(err.contains("already in use by a webhookUrl credential"), "{err}");
    let err = cli.fails(&["vault", "set", "empty"], "");
    assert!(err.contains("no value on stdin"), "{err}");
    let err = cli.fails(&["vault", "set", "x", "--kind", "passport"], "v");
    assert!(err.contains("use one of"), "{err}");
    let err = cli.fails(&["vault", "get", "nope"], "");
    assert!(err.contains("no credential named"), "{err}");

    cli.ok(&["vault", "generate", "jwt", "--bytes", "32"], "");
    assert_eq!(cli.ok(&["vault", "get", "jwt"], "").trim().len(), 64);
    cli.ok(&["vault", "rm", "slack-hook"], "");
    cli.fails(&["vault", "get", "slack-hook"], "");
}

#[test]
fn a_missing_keychain_is_explained_with_the_fix() {
    let cli = Cli::new();
    let out = cli.run_env(
        &["vault", "set", "x"],
        "value",
        &[("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/rampart-bus")],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("gnome-keyring"), "{err}");
    let list = cli.ok(&["vault", "list", "--json"], "");
    assert_eq!(list.trim(), "[]", "nothing half-stored");
}

#[test]
fn audit_verify_finds_the_first_broken_link_after_an_edit() {
    let cli = Cli::new();
    cli.ok(&["vault", "set", "a"], "1");
    cli.ok(&["vault", "get", "a"], "");
    cli.ok(&["vault", "rm", "a"], "");
    let out = cli.ok(&["audit", "verify"], "");
    assert!(out.contains("3 entries"), "{out}");
    let log: Vec<serde_json::Value> =
        serde_json::from_str(&cli.ok(&["audit", "log", "--json"], "")).unwrap();
    assert_eq!(log.len(), 3);

    let db = rusqlite_free_edit(&cli.data_dir());
    assert!(db, "tampered");
    let err = cli.fails(&["audit", "verify"], "");
    assert!(err.contains("broken at entry 2"), "{err}");
}

#[test]
fn failed_restores_and_settings_changes_are_audited_and_subjects_print_escaped() {
    let cli = Cli::new();
    // A source name from a script or a pasted command: it reaches the log as typed.
    let hostile = "db\u{1b}[2J\nforged-line";
    let to = cli.data_dir().join("restored");
    let err = cli.fails(&["backup", "restore", hostile, "--to", to.to_str().unwrap()], "");
    assert!(err.contains("no backup source"), "{err}");
    cli.ok(&["settings", "--idle-lock", "5"], "");

    let log: Vec<serde_json::Value> =
        serde_json::from_str(&cli.ok(&["audit", "log", "--json"], "")).unwrap();
    assert_eq!(log[1]["action"], "failed-restore");
    let subject = log[1]["subject"].as_str().unwrap();
    assert!(subject.starts_with(&format!("backup:{hostile}/latest -> ")), "{subject}");
    assert!(subject.ends_with("(notFound)"), "{subject}");
    assert_eq!(log[0]["action"], "settings");
    assert_eq!(log[0]["subject"], "settings: idleLockMinutes 15 -> 5");

    let text = cli.ok(&["audit", "log"], "");
    assert!(!text.contains('\u{1b}'), "no raw escape sequence reaches the terminal: {text:?}");
    assert!(text.contains("backup:db\\u{1b}[2J\\nforged-line/latest"), "{text}");
    assert_eq!(text.lines().count(), 2, "one line per entry: {text}");
    assert!(cli.ok(&["audit", "verify"], "").contains("2 entries"));
}

/// Edits audit entry 2 with the sqlite3 CLI semantics, via the store crate's own SQLite
/// (dropping the guard triggers first, as an attacker with file access could).
fn rusqlite_free_edit(data_dir: &Path) -> bool {
    let py = format!(
        "import sqlite3; c=sqlite3.connect('{}'); c.executescript(\"DROP TRIGGER audit_log_no_update; UPDATE audit_log SET subject='vault:forged' WHERE seq=2;\"); c.commit()",
        data_dir.join("rampart.db").display()
    );
    Command::new("python3").args(["-c", &py]).status().map(|s| s.success()).unwrap_or(false)
}

#[test]
fn settings_passphrase_and_pins_are_scriptable() {
    let cli = Cli::new();
    let s: serde_json::Value =
        serde_json::from_str(&cli.ok(&["settings", "--idle-lock", "5", "--json"], "")).unwrap();
    assert_eq!(s["idleLockMinutes"], 5);
    let err = cli.fails(&["settings", "--idle-lock", "45"], "");
    assert!(err.contains("between 1 and 30 minutes"), "{err}");
    assert!(cli.ok(&["settings"], "").contains("desktop app opens on the Overview"));
    assert!(cli.ok(&["settings", "--start-page", "codes"], "").contains("opens on the code list"));
    let err = cli.fails(&["settings", "--start-page", "kpis"], "");
    assert!(err.contains("use overview or codes"), "{err}");
    let s: serde_json::Value = serde_json::from_str(&cli.ok(&["settings", "--json"], "")).unwrap();
    assert_eq!((s["startPage"].as_str(), s["idleLockMinutes"].as_u64()), (Some("codes"), Some(5)));

    cli.ok(&["passphrase", "set"], "correct horse battery\n");
    let err = cli.fails(&["passphrase", "set"], "wrong current pass\nnew passphrase 123\n");
    assert!(err.contains("current passphrase is wrong"), "{err}");
    cli.ok(&["passphrase", "set"], "correct horse battery\nnew passphrase 123\n");
    cli.ok(&["passphrase", "remove"], "new passphrase 123\n");
    let err = cli.fails(&["passphrase", "remove"], "x\n");
    assert!(err.contains("no app passphrase"), "{err}");

    cli.ok(&["otp", "add", "otpauth://totp/Z:last?secret=JBSWY3DPEHPK3PXP"], "");
    cli.ok(&["otp", "add", "otpauth://totp/A:first?secret=KRSXG5CTMVRXEZLU"], "");
    cli.ok(&["otp", "pin", "Z:last"], "");
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&cli.ok(&["otp", "list", "--json"], "")).unwrap();
    assert_eq!(list[0]["issuer"], "Z", "pinned first");
    assert_eq!(list[0]["pinned"], true);
    cli.ok(&["otp", "unpin", "last"], "");
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&cli.ok(&["otp", "list", "--json"], "")).unwrap();
    assert_eq!(list[0]["issuer"], "A");
}

/// `rampart ... | head`: a reader that goes away early ends the CLI quietly with the status of
/// a tool killed by SIGPIPE, not a panic message.
#[test]
fn a_closed_stdout_ends_quietly() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["check", "list"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader is gone before the first line is written
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(141), "{stderr}");
}
