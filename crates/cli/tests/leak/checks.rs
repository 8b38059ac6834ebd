//! The checklist over a repository that holds secrets (an AWS key in the code and in history,
//! a JWT secret in a committed .env): the run finds them, and neither the run's output nor the
//! sign-off reports quote them.

use super::harness::Run;
use std::path::Path;
use std::process::Command;

const AWS_KEY: &str = "AKIAQ4LEAKCANARY7XWZ";
const JWT_SECRET: &str = "LeakCanaryJwtSecret-9b1f7c2e4d6a8b0c3e5f7a9b";

fn git(dir: &Path, args: &[&str]) {
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
}

pub fn run(run: &mut Run) -> Vec<String> {
    let repo = run.work().join("repo");
    std::fs::create_dir_all(repo.join("src")).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("src/aws.js"), format!("const id = '{AWS_KEY}';\n")).unwrap();
    std::fs::write(repo.join(".env"), format!("JWT_SECRET={JWT_SECRET}\nJWT_EXPIRE=7d\n")).unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "start"]);

    run.cmd(&["check", "target", "add", "repo", "--repo", repo.to_str().unwrap()], "", false);
    let out = run.status(&["check", "run", "repo", "--json"], "", false);
    assert_eq!(out.status.code(), Some(1), "failing items: exit 1");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let item = |id: &str| {
        report["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("{id} in {report}"))
            .clone()
    };
    let secrets = item("code.no-hardcoded-secrets");
    assert_eq!(secrets["status"], "fail", "the key was found: {secrets}");
    assert!(secrets.to_string().contains("AKIA…"), "shown masked: {secrets}");
    run.cmd(&["check", "show", "repo", "--json"], "", false);
    for format in ["md", "html"] {
        let out = run.outputs().join(format!("checklist.{format}"));
        let report = ["check", "report", "repo", "--format", format, "--out"];
        run.cmd(&[&report[..], &[out.to_str().unwrap()]].concat(), "", false);
    }
    vec![AWS_KEY.to_owned(), JWT_SECRET.to_owned()]
}
