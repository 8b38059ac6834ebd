//! Dump and restore commands get a minimal environment: PATH, HOME and LANG from Rampart's,
//! plus the variables the source declares, and nothing else of Rampart's environment. The test
//! re-runs itself with an unrelated variable set (the crate forbids `unsafe`, so it cannot call
//! `set_var`), backs up `env` and restores into a command that records its own environment.

mod common;

use common::*;
use rampart_backup::{BackupRequest, CommandSpec, Selector, Source, keys};
use rampart_sensitive::SecretString;
use std::collections::BTreeMap;
use std::process::Command;

const CHILD: &str = "RAMPART_ENV_TEST_CHILD";
const UNRELATED: &str = "RAMPART_UNRELATED_TOKEN";

fn parse_env(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn commands_run_with_a_minimal_environment() {
    if std::env::var_os(CHILD).is_none() {
        let home = tempfile::tempdir().unwrap();
        let out = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "commands_run_with_a_minimal_environment", "--nocapture"])
            .env(CHILD, "1")
            .env(UNRELATED, "ghp_unrelated-app-secret")
            .env("HOME", home.path())
            .env("LANG", "C.UTF-8")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "the child test failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(child());
}

async fn child() {
    assert!(std::env::var_os(UNRELATED).is_some(), "the parent set the unrelated variable");
    let g = Garage::start();
    let engine = g.engine("env");
    let key = keys::generate();
    let dump = CommandSpec::new(["env"]).env("DB_PASSWORD", SecretString::new("pw-1234".into()));
    engine
        .backup(BackupRequest {
            source_name: "envdump".into(),
            source: Source::Command(dump),
            recipients: vec![key.recipient.clone()],
            signer: rampart_backup::testkit::signer(),
            on_upload: None,
            progress: None,
        })
        .await
        .unwrap();
    let b = engine.find("envdump", &Selector::Latest).await.unwrap();
    let work = tempfile::tempdir().unwrap();
    let dumped = work.path().join("dumped");
    let seen = work.path().join("seen");
    let restore = CommandSpec::new([
        "sh",
        "-c",
        r#"env > "$0"; cat > "$1""#,
        seen.to_str().unwrap(),
        dumped.to_str().unwrap(),
    ])
    .env("RESTORE_URI", SecretString::new("postgres://x".into()));
    engine.restore_to_command(&b, &identities(&key), &restore, None).await.unwrap();

    let expected = |name: &str| std::env::var(name).unwrap();
    for (what, file, declared, value) in [
        ("dump", &dumped, "DB_PASSWORD", "pw-1234"),
        ("restore", &seen, "RESTORE_URI", "postgres://x"),
    ] {
        let env = parse_env(&std::fs::read_to_string(file).unwrap());
        assert!(!env.contains_key(UNRELATED), "{what} command saw {UNRELATED}: {env:?}");
        assert!(!env.contains_key(CHILD), "{what} command saw {CHILD}: {env:?}");
        assert!(!env.keys().any(|k| k.starts_with("CARGO")), "{what}: {env:?}");
        for name in ["PATH", "HOME", "LANG"] {
            assert_eq!(env.get(name), Some(&expected(name)), "{what} command gets {name}");
        }
        assert_eq!(env.get(declared).map(String::as_str), Some(value), "{what}: {env:?}");
    }
}
