//! Secrets in git history against a git fixture built here: a key added in one commit and
//! removed in the next is found with the commit that added it, its file, line and rule, masked;
//! the working tree is clean, yet the item fails and keys-rotated warns. A scan cut short by
//! its bounds is unknown, a directory without git history adds nothing, a broken one is unknown.

use rampart_checks::Status;
use rampart_checks::repo::{self, history};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const KEY: &str = "AKIAZ3MXQ7PLN5RTW2KD";

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A repository whose second commit adds a key that the third removes.
fn fixture() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git(p, &["init", "-q", "-b", "main"]);
    std::fs::write(p.join(".gitignore"), ".env\n.env.*\n").unwrap();
    std::fs::write(p.join("app.js"), "const x = 1;\n").unwrap();
    git(p, &["add", "."]);
    git(p, &["commit", "-q", "-m", "start"]);
    std::fs::create_dir(p.join("src")).unwrap();
    std::fs::write(
        p.join("src/aws.js"),
        format!("// aws\nconst region = 'eu';\nconst id = '{KEY}';\n"),
    )
    .unwrap();
    git(p, &["add", "."]);
    git(p, &["commit", "-q", "-m", "add aws"]);
    let added = git(p, &["rev-parse", "HEAD"]);
    std::fs::write(
        p.join("src/aws.js"),
        "// aws\nconst region = 'eu';\nconst id = process.env.AWS_ID;\n",
    )
    .unwrap();
    git(p, &["commit", "-q", "-am", "move the key to the environment"]);
    (dir, added)
}

#[tokio::test]
async fn a_removed_secret_is_found_in_history_with_its_commit() {
    let (dir, added) = fixture();
    let scan = history::scan(dir.path(), history::Bounds::default()).unwrap();
    assert_eq!(scan.commits, 3);
    assert!(scan.cut.is_none());
    assert_eq!(scan.hits.len(), 1, "{:?}", scan.hits);
    let hit = &scan.hits[0];
    assert_eq!(
        (hit.commit.as_str(), hit.file.as_str(), hit.line, hit.rule),
        (added.as_str(), "src/aws.js", 3, "aws-access-token")
    );
    assert_eq!(hit.masked, "AKIA… (20 chars)");

    let findings = repo::scan(dir.path()).await;
    let text = format!("{findings:?}");
    assert!(!text.contains(KEY), "the secret is never shown");
    let failing: Vec<_> = findings
        .iter()
        .filter(|f| f.item == "code.no-hardcoded-secrets" && f.status == Status::Fail)
        .collect();
    assert_eq!(failing.len(), 1, "{findings:#?}");
    assert_eq!(
        failing[0].summary,
        format!("aws-access-token in src/aws.js:3 added in commit {} (git history)", &added[..12])
    );
    assert_eq!(failing[0].evidence[0].file.as_deref(), Some("src/aws.js"));
    assert!(failing[0].evidence[0].text.contains(&added));
    assert!(findings.iter().any(|f| f.item == "api.keys-rotated" && f.status == Status::Warn));
}

#[test]
fn bounds_cut_the_scan_to_unknown_and_non_repositories_are_skipped_or_unknown() {
    let (dir, _) = fixture();
    let tiny = history::Bounds { timeout: Duration::from_secs(30), output_cap: 100 };
    let scan = history::scan(dir.path(), tiny).unwrap();
    assert!(scan.cut.as_deref().unwrap().contains("the cap"), "{:?}", scan.cut);
    let f = history::findings(dir.path(), tiny);
    let Status::Unknown { reason } = &f.last().unwrap().status else { panic!("{f:?}") };
    assert!(reason.starts_with("git history scanned only in part"), "{reason}");

    let plain = tempfile::tempdir().unwrap();
    assert!(history::findings(plain.path(), history::Bounds::default()).is_empty());
    std::fs::write(plain.path().join(".git"), "gitdir: /nonexistent\n").unwrap();
    let f = history::findings(plain.path(), history::Bounds::default());
    let Status::Unknown { reason } = &f[0].status else { panic!("{f:?}") };
    assert!(reason.starts_with("git history not scanned: git log failed"), "{reason}");
    let e = history::scan(plain.path(), history::Bounds::default()).unwrap_err();
    assert!(e.contains("git log failed"), "{e}");
}
