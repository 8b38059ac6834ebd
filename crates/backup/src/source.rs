//! Backup sources and the commands the engine runs. A directory becomes a tar stream (symlinks
//! kept as links, exclude globs matched against paths relative to the directory); a command is
//! spawned without a shell from an argv vector, in a minimal environment (PATH, HOME and LANG of
//! Rampart's, plus the variables the source declares: none of the app's other variables, which
//! may hold tokens), with secrets passed only as environment variables, and its stderr tail
//! (capped, secrets masked) is kept for the error message.

use crate::error::{BackupError, Result, mask_secrets};
use globset::{Glob, GlobSet, GlobSetBuilder};
use rampart_sensitive::SecretString;
use std::collections::VecDeque;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// What to back up.
#[derive(Debug, Clone)]
pub enum Source {
    /// A directory, as a tar stream of its contents (paths relative to it).
    Directory { path: PathBuf, excludes: Vec<String> },
    /// A command whose stdout is the dump (`mongodump --archive`, `pg_dump -Fc`, ...).
    Command(CommandSpec),
}

/// A command to run: no shell, argv[0] is the program.
#[derive(Debug, Clone, Default)]
pub struct CommandSpec {
    pub argv: Vec<String>,
    /// Extra environment variables; values are secrets (database URIs, passwords).
    pub env: Vec<(String, SecretString)>,
    /// Do not pass even PATH, HOME and LANG: only the declared variables.
    pub clear_env: bool,
    pub cwd: Option<PathBuf>,
}

impl CommandSpec {
    /// A command from its argv.
    pub fn new<S: Into<String>>(argv: impl IntoIterator<Item = S>) -> Self {
        Self { argv: argv.into_iter().map(Into::into).collect(), ..Self::default() }
    }

    /// Adds a secret environment variable.
    pub fn env(mut self, name: impl Into<String>, value: SecretString) -> Self {
        self.env.push((name.into(), value));
        self
    }

    /// Spawns the command with the given stdin/stdout and a captured stderr tail.
    pub(crate) fn spawn(&self, stdin: Stdio, stdout: Stdio) -> Result<Running> {
        let Some((program, args)) = self.argv.split_first() else {
            return Err(BackupError::Config("the command is empty".into()));
        };
        let mut cmd = Command::new(program);
        cmd.args(args).stdin(stdin).stdout(stdout).stderr(Stdio::piped());
        cmd.env_clear();
        if !self.clear_env {
            for name in INHERITED {
                if let Some(value) = std::env::var_os(name) {
                    cmd.env(name, value);
                }
            }
        }
        for (name, value) in &self.env {
            cmd.env(name, value.expose());
        }
        if let Some(cwd) = &self.cwd {
            cmd.current_dir(cwd);
        }
        let mut child = cmd.spawn().map_err(|e| BackupError::CommandSpawn {
            program: program.clone(),
            message: e.to_string(),
        })?;
        let stderr = child.stderr.take().expect("stderr is piped");
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let sink = Arc::clone(&tail);
        let reader = std::thread::spawn(move || {
            for line in io::BufReader::new(stderr).split(b'\n') {
                let Ok(line) = line else { break };
                let mut text = String::from_utf8_lossy(&line).into_owned();
                if text.len() > MAX_LINE {
                    let mut cut = MAX_LINE;
                    while !text.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    text.truncate(cut);
                }
                let mut tail = sink.lock().expect("stderr tail lock");
                tail.push_back(text);
                if tail.len() > MAX_LINES {
                    tail.pop_front();
                }
            }
        });
        let secrets = self.env.iter().map(|(_, v)| v.clone()).collect();
        Ok(Running { child, tail, reader: Some(reader), secrets, program: program.clone() })
    }
}

/// The variables of Rampart's environment a command gets (besides the declared ones).
#[cfg(not(windows))]
const INHERITED: &[&str] = &["PATH", "HOME", "LANG"];
/// On Windows, programs also need the system root and executable extensions to start at all.
#[cfg(windows)]
const INHERITED: &[&str] =
    &["PATH", "HOME", "LANG", "SystemRoot", "PATHEXT", "TEMP", "USERPROFILE"];

const MAX_LINES: usize = 20;
const MAX_LINE: usize = 400;

/// A spawned command.
pub(crate) struct Running {
    pub child: Child,
    tail: Arc<Mutex<VecDeque<String>>>,
    reader: Option<JoinHandle<()>>,
    secrets: Vec<SecretString>,
    pub program: String,
}

impl Running {
    /// Waits for the command and returns its status and stderr tail (secrets masked).
    pub fn finish(mut self) -> Result<(ExitStatus, String)> {
        let status = self
            .child
            .wait()
            .map_err(|e| BackupError::io(format!("waiting for `{}`", self.program), e))?;
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        let text = self
            .tail
            .lock()
            .expect("stderr tail lock")
            .iter()
            .cloned()
            .collect::<Vec<_>>()
            .join("\n");
        let secrets: Vec<&str> = self.secrets.iter().map(|s| s.expose().as_str()).collect();
        Ok((status, mask_secrets(&text, &secrets)))
    }

    /// Kills the command (used when the other side of the pipe failed).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
    }
}

/// "exit status 2" / "killed by signal 9".
pub(crate) fn describe_status(status: &ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("killed by signal {sig}");
        }
    }
    match status.code() {
        Some(code) => format!("exit status {code}"),
        None => status.to_string(),
    }
}

/// Compiled exclude globs.
pub(crate) fn excludes(globs: &[String]) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(
            Glob::new(g)
                .map_err(|e| BackupError::Config(format!("bad exclude glob {g:?}: {e}")))?,
        );
    }
    b.build().map_err(|e| BackupError::Config(format!("bad exclude globs: {e}")))
}

/// Walks `root` (sorted, not following symlinks) and yields (absolute, relative) paths that are
/// not excluded; an excluded directory is skipped with everything under it.
pub(crate) fn walk(
    root: &Path,
    globs: &GlobSet,
) -> impl Iterator<Item = io::Result<(PathBuf, PathBuf)>> {
    let root_owned = root.to_path_buf();
    let globs = globs.clone();
    walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1)
        .into_iter()
        .filter_entry(move |e| {
            let rel = e.path().strip_prefix(&root_owned).unwrap_or(e.path());
            !globs.is_match(rel)
        })
        .map(move |e| {
            let e = e.map_err(io::Error::other)?;
            let rel = e.path().strip_prefix(root).map_err(io::Error::other)?.to_path_buf();
            Ok((e.path().to_path_buf(), rel))
        })
}

/// Total size of the regular files that will be archived (for ETA).
pub(crate) fn scan_size(root: &Path, globs: &GlobSet) -> Result<u64> {
    let mut total = 0;
    for item in walk(root, globs) {
        let (abs, _) = item.map_err(|e| source_err(root, &e))?;
        total += std::fs::symlink_metadata(&abs)
            .map(|md| if md.is_file() { md.len() } else { 0 })
            .unwrap_or(0);
    }
    Ok(total)
}

pub(crate) fn source_err(path: &Path, e: &io::Error) -> BackupError {
    BackupError::Source { path: path.display().to_string(), message: e.to_string() }
}

/// Writes a tar stream of `root` into `out`.
pub(crate) fn write_tar<W: Write>(root: &Path, globs: &GlobSet, out: W) -> io::Result<W> {
    let mut builder = tar::Builder::new(out);
    builder.follow_symlinks(false);
    // The root itself as `./` (as `tar -C DIR -c .` writes it), so a restore keeps its mode.
    let mut root_header = tar::Header::new_gnu();
    root_header.set_metadata(&std::fs::metadata(root)?);
    builder.append_data(&mut root_header, ".", io::empty())?;
    for item in walk(root, globs) {
        let (abs, rel) = item?;
        let md = match std::fs::symlink_metadata(&abs) {
            Ok(md) => md,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                tracing::warn!(path = %abs.display(), "vanished during the backup; skipped");
                continue;
            }
            Err(e) => return Err(e),
        };
        let ft = md.file_type();
        if !(ft.is_file() || ft.is_dir() || ft.is_symlink()) {
            tracing::warn!(path = %abs.display(), "not a file, directory or symlink; skipped");
            continue;
        }
        builder.append_path_with_name(&abs, &rel)?;
    }
    builder.into_inner()
}
