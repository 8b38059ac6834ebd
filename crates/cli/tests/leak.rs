//! The leak test: one data dir and keychain namespace used for every feature, as a team would
//! (the vault and codes, the responder's tools, services, Sentry, Slack and an incident
//! escalated by email, backups to a real Garage with a vault-fed dump, the checklist over a
//! repository holding secrets, and the exports, reports and restores of each), all with
//! RUST_LOG=trace. Then every secret used is searched for in the data dir (database, WAL,
//! logs), in every file written outside the deliberate exports, and in everything the CLI
//! printed except the deliberate reveals. Zero hits allowed. Needs a Secret Service, Garage and
//! aiosmtpd: run under tests/support/with-keyring.sh as `make test` does.

#[path = "leak/backups.rs"]
mod backups;
#[path = "leak/checks.rs"]
mod checks;
#[path = "leak/codes.rs"]
mod codes;
#[path = "leak/harness.rs"]
mod harness;
#[path = "leak/responders.rs"]
mod responders;
#[path = "leak/tools.rs"]
mod tools;

use harness::{Run, all_bytes_under, text_before};

#[test]
fn no_secret_reaches_the_data_dir_logs_outputs_or_what_is_printed() {
    let mut run = Run::new();
    let mut secrets = codes::run(&mut run);
    secrets.extend(tools::run(&mut run));
    secrets.extend(responders::run(&mut run));
    secrets.extend(backups::run(&mut run));
    secrets.extend(checks::run(&mut run));
    run.cmd(&["audit", "log", "--json"], "", false);
    run.cmd(&["audit", "verify"], "", false);

    let mut files = Vec::new();
    all_bytes_under(&run.data_dir(), &mut files);
    all_bytes_under(&run.outputs(), &mut files);
    assert!(files.iter().any(|(p, _)| p.contains("logs")), "the scenario wrote logs");
    for written in
        ["postmortem.md", "postmortem.html", "checklist.md", "checklist.html", "dump.txt"]
    {
        assert!(files.iter().any(|(p, _)| p.ends_with(written)), "{written} was written");
    }
    assert!(secrets.len() >= 20, "every phase named its secrets: {}", secrets.len());
    for (n, secret) in secrets.iter().enumerate() {
        assert!(secret.len() >= 16, "a secret long enough not to match by chance");
        for (path, bytes) in &files {
            let hit = text_before(bytes, secret.as_bytes());
            assert!(hit.is_none(), "secret #{n} leaked into {path} after {hit:?}");
        }
        let hit = text_before(&run.captured, secret.as_bytes());
        assert!(hit.is_none(), "secret #{n} leaked into the CLI output after {hit:?}");
    }
}
