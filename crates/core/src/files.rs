//! Writing files atomically: a synced temp file next to the target, renamed into place, so a
//! reader sees the old file or the whole new one. Files that carry secrets (exports, QR
//! images) are owner-only ([`write_secret_file`]); documents for sharing (reports,
//! postmortems) are readable like any document and never replace a file unless asked
//! ([`write_file_atomic`]).

use crate::{CoreError, Result};
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically with owner-only permissions.
pub fn write_secret_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail =
        |e: std::io::Error| CoreError::Io(format!("could not write {}: {e}", path.display()));
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?; // created 0600
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

fn already_exists(path: &Path) -> CoreError {
    CoreError::Conflict(format!(
        "{} already exists; choose another --out or pass --force to replace it",
        path.display()
    ))
}

/// Refuses a directory as `path`, and an existing file unless `overwrite`: the check a front
/// end makes before long work whose result goes to `path`.
pub fn refuse_existing(path: &Path, overwrite: bool) -> Result<()> {
    if path.is_dir() {
        return Err(CoreError::InvalidInput(format!(
            "{} is a directory: give a file name",
            path.display()
        )));
    }
    if !overwrite && path.exists() {
        return Err(already_exists(path));
    }
    Ok(())
}

/// Writes the document `bytes` to `path` atomically (a synced temp file beside it, then
/// renamed into place; mode 0644). Without `overwrite`, an existing `path` is refused, also when it appears meanwhile (the temp
/// file is linked into place, which fails if the name is taken).
pub fn write_file_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    let fail =
        |e: std::io::Error| CoreError::Io(format!("could not write {}: {e}", path.display()));
    refuse_existing(path, overwrite)?;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".rampart-").tempfile_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A document for sharing: readable like any other, unlike a secret export.
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).map_err(fail)?;
    }
    if overwrite {
        tmp.persist(path).map_err(|e| fail(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                already_exists(path)
            } else {
                fail(e.error)
            }
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_existing_world_readable_file_is_replaced_by_an_owner_only_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.txt");
        std::fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        write_secret_file(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let err = write_secret_file(&dir.path().join("missing/dir/x"), b"x").unwrap_err();
        assert!(err.to_string().contains("could not write"), "{err}");
    }

    #[test]
    fn an_atomic_write_refuses_an_existing_file_unless_told_to_replace_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.html");
        write_file_atomic(&path, b"one", false).unwrap();
        let err = write_file_atomic(&path, b"two", false).unwrap_err();
        assert!(matches!(err, CoreError::Conflict(ref m) if m.contains("--force")), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one");
        write_file_atomic(&path, b"three", true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "three");
        let names: Vec<_> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "no temp file is left: {names:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644, "a document for sharing is readable");
        }
        let err = write_file_atomic(dir.path(), b"x", true).unwrap_err();
        assert!(err.to_string().contains("is a directory"), "{err}");
        let err = write_file_atomic(&dir.path().join("no/such/dir/x"), b"x", false).unwrap_err();
        assert!(err.to_string().contains("could not write"), "{err}");
    }
}
