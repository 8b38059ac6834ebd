//! The staging directory of a directory restore, which holds decrypted data until the restore is
//! verified: `.<target>.rampart-staging-<8 hex>` beside the target, created 0700 whatever the
//! umask, and locked (an exclusive `flock` on the directory) while a restore uses it. A restore
//! that was killed leaves its staging dir behind; the next restore into the same parent removes
//! every unlocked one (and says so), so plaintext does not linger in a hidden directory. The
//! verified tree gets the archive root's mode (0700 when the archive has none) only when it is
//! swapped into place.

use crate::error::{BackupError, Result};
use std::fs::File;
use std::path::{Path, PathBuf};

const MARK: &str = ".rampart-staging-";

/// A staging dir in use; the lock is released when it is dropped.
pub(crate) struct Staging {
    pub path: PathBuf,
    _lock: Option<File>,
}

impl Staging {
    /// Creates `.<name>.rampart-staging-<random>` in `parent`, private and locked.
    pub fn create(parent: &Path, name: &str) -> Result<Self> {
        let path = parent.join(format!(".{name}{MARK}{:08x}", rand::random::<u32>()));
        let err = |e| BackupError::io(format!("creating the staging dir {}", path.display()), e);
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&path).map_err(err)?;
        // The umask can only remove bits; this also restores any owner bit it removed.
        crate::extract::set_mode(&path, 0o700).map_err(err)?;
        Ok(Self { _lock: lock(&path), path })
    }
}

/// Whether `name` is a staging dir name: `.<something>.rampart-staging-<8 lowercase hex>`.
fn is_staging_name(name: &str) -> bool {
    let Some((target, hex)) = name.strip_prefix('.').and_then(|n| n.rsplit_once(MARK)) else {
        return false;
    };
    !target.is_empty()
        && hex.len() == 8
        && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Removes the staging dirs of earlier restores into `parent` that no restore holds any more;
/// returns what was removed. Failures are logged, never fatal: the restore itself goes on.
pub(crate) fn clean_leftovers(parent: &Path) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(parent) {
        Ok(entries) => entries,
        Err(e) => {
            tracing::warn!(parent = %parent.display(), error = %e, "cannot look for leftover staging dirs");
            return Vec::new();
        }
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let ours = entry.file_name().to_str().is_some_and(is_staging_name);
        // symlink_metadata: a symlink with a staging name is not followed, just left alone.
        let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        if !ours || !is_dir || in_use(&path) {
            continue;
        }
        match force_remove(&path) {
            Ok(()) => {
                tracing::warn!(
                    path = %path.display(),
                    "removed the staging dir of an earlier restore that did not finish (it held decrypted data)"
                );
                removed.push(path);
            }
            Err(e) => tracing::warn!(
                path = %path.display(),
                error = %e,
                "cannot remove the staging dir of an earlier restore; it may hold decrypted data, remove it by hand"
            ),
        }
    }
    removed.sort();
    removed
}

#[cfg(unix)]
fn lock(path: &Path) -> Option<File> {
    use fs2::FileExt;
    let file = File::open(path).ok()?;
    file.try_lock_exclusive().ok()?;
    Some(file)
}

/// Directories cannot be opened for locking here: no lock is held.
#[cfg(not(unix))]
fn lock(_path: &Path) -> Option<File> {
    None
}

/// True when a running restore holds the dir (or when that cannot be told).
#[cfg(unix)]
fn in_use(path: &Path) -> bool {
    lock(path).is_none()
}

/// Without directory locks, only dirs untouched for a day count as abandoned.
#[cfg(not(unix))]
fn in_use(path: &Path) -> bool {
    let age =
        std::fs::metadata(path).and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
    age.is_none_or(|a| a < std::time::Duration::from_secs(24 * 3600))
}

/// `remove_dir_all`, after making every directory inside writable if the first try fails (an
/// archive may have restored read-only directories before the restore was killed).
fn force_remove(path: &Path) -> std::io::Result<()> {
    if std::fs::remove_dir_all(path).is_ok() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(path).follow_links(false).into_iter().flatten() {
        if entry.file_type().is_dir() {
            let _ = crate::extract::set_mode(entry.path(), 0o700);
        }
    }
    std::fs::remove_dir_all(path)
}

/// The parent directory and the file name of a restore target.
pub(crate) fn split_target(target: &Path) -> Result<(PathBuf, String)> {
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| {
            BackupError::Config(format!("{} has no usable directory name", target.display()))
        })?
        .to_owned();
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(BackupError::Config(format!(
            "the parent of {} does not exist",
            target.display()
        )));
    }
    Ok((parent, name))
}

/// Gives the verified staging dir the archive root's mode (0700 when the archive has no root
/// entry) and moves it into place; the old target is renamed aside first and put back if the
/// second rename fails, then removed.
pub(crate) fn swap_in(
    staging: &Path,
    root_mode: Option<u32>,
    target: &Path,
    parent: &Path,
    name: &str,
) -> Result<()> {
    let io = |what: &str, e| BackupError::io(what.to_owned(), e);
    crate::extract::set_mode(staging, root_mode.unwrap_or(0o700)).map_err(|e| {
        remove_tree(staging);
        io("setting the mode of the restored directory", e)
    })?;
    if target.exists() {
        let old = parent.join(format!(".{name}.rampart-old-{:08x}", rand::random::<u32>()));
        std::fs::rename(target, &old).map_err(|e| {
            remove_tree(staging);
            io("moving the old target aside", e)
        })?;
        if let Err(e) = std::fs::rename(staging, target) {
            let _ = std::fs::rename(&old, target);
            remove_tree(staging);
            return Err(io("moving the restored data into place", e));
        }
        remove_tree(&old);
    } else {
        std::fs::rename(staging, target).map_err(|e| {
            remove_tree(staging);
            io("moving the restored data into place", e)
        })?;
    }
    Ok(())
}

pub(crate) fn remove_tree(path: &Path) {
    if let Err(e) = force_remove(path) {
        tracing::warn!(path = %path.display(), error = %e, "could not remove a temporary dir");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_names_are_recognised_exactly() {
        for ok in [".restored.rampart-staging-0badf00d", ".a.b.rampart-staging-00000000"] {
            assert!(is_staging_name(ok), "{ok}");
        }
        for not in [
            ".rampart-staging-12345678",
            "restored.rampart-staging-0badf00d",
            ".restored.rampart-staging-0BADF00D",
            ".restored.rampart-staging-0badf00",
            ".restored.rampart-staging-0badf00d0",
            ".restored.rampart-staging-0badf00é",
            ".restored.rampart-old-0badf00d",
        ] {
            assert!(!is_staging_name(not), "{not}");
        }
    }
}
