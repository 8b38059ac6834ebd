//! The repository scan (a local path; nothing leaves the machine): the working tree's text
//! files (bounded: no `.git`/`node_modules`, files under 1 MiB, at most 20,000 files) go to
//! [`secrets`] (gitleaks-style rules, committed `.env` files, `.gitignore`) and [`code`]
//! (JWT secret, bcrypt cost, token expiry, middleware and dependencies), and a saved
//! `npm audit --json` report to [`npm_audit`]; the git history goes to [`history`] (the same
//! secret rules on every added line of `git log -p --all`).

pub mod code;
pub mod history;
pub mod npm_audit;
pub mod secrets;

use crate::status::{Finding, Status};
use std::path::{Path, PathBuf};

const MAX_FILES: usize = 20_000;
const MAX_FILE: u64 = 1024 * 1024;

/// A text file of the repository: its path relative to the root and its content.
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

fn walk(root: &Path) -> Vec<SourceFile> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                if !matches!(
                    name.as_str(),
                    ".git" | "node_modules" | "dist" | "build" | "coverage" | "target"
                ) {
                    stack.push(path);
                }
            } else if meta.is_file()
                && meta.len() <= MAX_FILE
                && out.len() < MAX_FILES
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                let rel =
                    path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                out.push(SourceFile { path: rel, text });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Scans the repository at `root` (on a blocking thread).
pub async fn scan(root: &Path) -> Vec<Finding> {
    let root = root.to_owned();
    tokio::task::spawn_blocking(move || {
        let files = walk(&root);
        if files.is_empty() {
            return vec![Finding::new(
                "code.no-hardcoded-secrets",
                Status::unknown("the repository has no readable text files"),
                "empty repository",
            )];
        }
        let mut f = secrets::scan(&root, &files);
        f.extend(history::findings(&root, history::Bounds::default()));
        f.extend(code::scan(&files));
        f.push(npm_audit::from_repo(&root));
        f
    })
    .await
    .unwrap_or_else(|e| {
        vec![Finding::new(
            "code.no-hardcoded-secrets",
            Status::unknown(format!("the scan stopped: {e}")),
            "scan failed",
        )]
    })
}
