//! Writing a credential as a `KEY=value` line into a `.env` file, safely:
//! inside a git work tree the file must be ignored by git (`git check-ignore`), otherwise we
//! refuse with the reason, because an un-ignored `.env` is one `git add .` from a leak.
//! The file is rewritten atomically (temp file + rename, mode 0600): an existing `KEY=` line is
//! replaced, other lines are kept, and a failure leaves the old file untouched.

use rampart_sensitive::SecretString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Why a `.env` export was refused or failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DotenvError {
    #[error(
        "{key:?} is not a valid variable name: use letters, digits and '_', not starting with a digit"
    )]
    BadKey { key: String },
    #[error(
        "refusing to write {path}: it is inside the git repository {repo} and not covered by its \
         .gitignore, so the secret could be committed. Add `{pattern}` to {repo}/.gitignore and retry"
    )]
    NotIgnored { path: PathBuf, repo: PathBuf, pattern: String },
    #[error(
        "could not ask git whether {path} is ignored ({reason}); install git or write elsewhere"
    )]
    GitUnavailable { path: PathBuf, reason: String },
    #[error("could not write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// Writes `KEY=value` into the env file at `path` (see the module doc for the rules).
pub fn write_env_line(path: &Path, key: &str, value: &SecretString) -> Result<(), DotenvError> {
    if !is_valid_key(key) {
        return Err(DotenvError::BadKey { key: key.to_owned() });
    }
    ensure_git_ignored(path)?;
    let io = |source| DotenvError::Io { path: path.to_owned(), source };
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io(e)),
    };
    let line = SecretString::new(format!("{key}={}", quote(value.expose())));
    let mut replaced = false;
    let mut out = String::with_capacity(existing.len() + line.expose().len() + 1);
    for old in existing.lines() {
        if line_key(old) == Some(key) {
            if !replaced {
                out.push_str(line.expose());
                out.push('\n');
                replaced = true;
            }
        } else {
            out.push_str(old);
            out.push('\n');
        }
    }
    if !replaced {
        out.push_str(line.expose());
        out.push('\n');
    }
    let out = SecretString::new(out);
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    restrict(tmp.path());
    tmp.write_all(out.expose().as_bytes()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

fn is_valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The key of a `KEY=...` or `export KEY=...` line.
fn line_key(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let line = line.strip_prefix("export ").unwrap_or(line);
    line.split_once('=').map(|(k, _)| k.trim())
}

/// Quotes a value the way dotenv parsers read it back: bare when safe, single quotes when the
/// value has no `'` or newline, otherwise double quotes with escapes.
fn quote(value: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./:@+=,%".contains(c);
    if value.chars().all(safe) {
        value.to_owned()
    } else if !value.contains('\'') && !value.contains('\n') {
        format!("'{value}'")
    } else {
        let mut out = String::from("\"");
        for c in value.chars() {
            match c {
                '\\' | '"' | '$' | '`' => {
                    out.push('\\');
                    out.push(c);
                }
                '\n' => out.push_str("\\n"),
                _ => out.push(c),
            }
        }
        out.push('"');
        out
    }
}

/// Refuses when `path` is in a git work tree and git would not ignore it.
fn ensure_git_ignored(path: &Path) -> Result<(), DotenvError> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let unavailable =
        |reason: String| DotenvError::GitUnavailable { path: path.to_owned(), reason };
    let top = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .map_err(|e| unavailable(e.to_string()))?;
    if !top.status.success() {
        let stderr = String::from_utf8_lossy(&top.stderr);
        if stderr.contains("not a git repository") {
            return Ok(()); // not in a git work tree: nothing can commit it
        }
        // Anything else (e.g. git refusing a repository owned by another user) means we cannot
        // tell whether the file would be committed: refuse rather than guess.
        return Err(unavailable(stderr.trim().to_owned()));
    }
    let repo = PathBuf::from(String::from_utf8_lossy(&top.stdout).trim());
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let check = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["check-ignore", "-q", "--"])
        .arg(&file_name)
        .status()
        .map_err(|e| unavailable(e.to_string()))?;
    match check.code() {
        Some(0) => Ok(()),
        Some(1) => Err(DotenvError::NotIgnored {
            path: path.to_owned(),
            repo,
            pattern: if file_name.starts_with(".env") { ".env*".into() } else { file_name },
        }),
        _ => Err(unavailable(format!("git check-ignore exited with {check}"))),
    }
}

#[cfg(unix)]
fn restrict(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
fn restrict(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git").arg("-C").arg(dir).args(args).status().unwrap().success();
        assert!(ok, "git {args:?}");
    }

    fn secret(s: &str) -> SecretString {
        SecretString::new(s.into())
    }

    #[test]
    fn refuses_an_unignored_env_file_in_a_repo_and_writes_nothing() {
        let repo = tempfile::tempdir().unwrap();
        git(repo.path(), &["init", "-q"]);
        let path = repo.path().join(".env.production");
        let err = write_env_line(&path, "JWT_SECRET", &secret("s3cr3t-value")).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, DotenvError::NotIgnored { .. }), "{msg}");
        assert!(msg.contains("Add `.env*`"), "{msg}");
        assert!(!msg.contains("s3cr3t-value"));
        assert!(!path.exists(), "nothing may be written");
    }

    #[test]
    fn writes_replaces_and_keeps_other_lines_when_ignored() {
        let repo = tempfile::tempdir().unwrap();
        git(repo.path(), &["init", "-q"]);
        std::fs::write(repo.path().join(".gitignore"), ".env*\n").unwrap();
        let path = repo.path().join(".env");
        std::fs::write(&path, "# app\nPORT=3000\nJWT_SECRET=old\n").unwrap();
        write_env_line(&path, "JWT_SECRET", &secret("abc123")).unwrap();
        write_env_line(&path, "DB_URI", &secret("postgres://u:p w@h/db")).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "# app\nPORT=3000\nJWT_SECRET=abc123\nDB_URI='postgres://u:p w@h/db'\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn outside_a_repo_it_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        write_env_line(&path, "K", &secret("v")).unwrap();
        assert_eq!(std::fs::read_to_string(path).unwrap(), "K=v\n");
    }

    #[test]
    fn bad_keys_and_awkward_values() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_env_line(&dir.path().join(".env"), "1BAD", &secret("v")).unwrap_err();
        assert!(matches!(err, DotenvError::BadKey { .. }));
        assert_eq!(quote("it's $HOME\n"), "\"it's \\$HOME\\n\"");
        assert_eq!(quote("a b"), "'a b'");
    }
}
