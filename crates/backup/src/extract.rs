//! Safe tar extraction into a fresh staging dir. The whole restore fails (and the caller removes
//! the staging dir) on any entry that could write or point outside it:
//!
//! - absolute paths, `..` components, Windows prefixes;
//! - devices, FIFOs and other special files;
//! - symlinks whose target is absolute or leaves the tree (evaluated from the link's directory);
//! - hard links whose target leaves the tree, and hard links to a symlink (the link would be
//!   the same symlink in another directory, where its relative target may point outside);
//! - any path (entry, hard-link target or symlink target) that goes *through* a symlink of the
//!   archive, and any entry that replaces an existing one with a symlink or vice versa.
//!
//! The last rule makes the lexical checks exact: with no path traversing a symlink, where a
//! path points lexically is where it points on disk. Directory modes are applied at the end
//! (deepest first) so a read-only directory does not block its own contents; setuid, setgid and
//! sticky bits are masked off. The root's own mode (the `./` entry) is returned, not applied:
//! the caller keeps the staging dir private until the restore is verified.

use std::collections::HashMap;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

pub(crate) enum ExtractError {
    Unsafe { entry: String, reason: String },
    Io(io::Error),
}

impl From<io::Error> for ExtractError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

fn unsafe_entry(entry: &Path, reason: impl Into<String>) -> ExtractError {
    ExtractError::Unsafe { entry: entry.display().to_string(), reason: reason.into() }
}

/// `a/./b/` -> `a/b`; refuses absolute paths and `..`. An empty result means the root itself.
fn normalize(path: &Path) -> Result<PathBuf, ExtractError> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            Component::ParentDir => return Err(unsafe_entry(path, "contains `..`")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(unsafe_entry(path, "is an absolute path"));
            }
        }
    }
    Ok(out)
}

/// Resolves `target` relative to directory `base` (both relative to the root) lexically;
/// `None` when it leaves the root. Fails when an intermediate component is a symlink.
fn resolve_inside(
    entry: &Path,
    base: &Path,
    target: &Path,
    symlinks: &HashMap<PathBuf, PathBuf>,
) -> Result<PathBuf, ExtractError> {
    let mut cur = base.to_path_buf();
    let comps: Vec<Component> = target.components().collect();
    for (i, c) in comps.iter().enumerate() {
        match c {
            Component::Normal(n) => cur.push(n),
            Component::CurDir => {}
            Component::ParentDir => {
                if !cur.pop() {
                    return Err(unsafe_entry(entry, "links outside the target"));
                }
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(unsafe_entry(entry, "links to an absolute path"));
            }
        }
        if i + 1 < comps.len() && symlinks.contains_key(&cur) {
            return Err(unsafe_entry(entry, "links through another symlink"));
        }
    }
    Ok(cur)
}

fn through_symlink(path: &Path, symlinks: &HashMap<PathBuf, PathBuf>) -> bool {
    path.ancestors().skip(1).any(|a| symlinks.contains_key(a))
}

/// Extracts a tar stream into `dest` (an empty directory), then leaves the reader positioned
/// after the archive's end marker. Returns the mode of the archive's root entry, if it has one.
pub(crate) fn extract_tar<R: Read>(
    reader: &mut R,
    dest: &Path,
) -> Result<Option<u32>, ExtractError> {
    let mut archive = tar::Archive::new(reader);
    archive.set_preserve_permissions(true);
    archive.set_preserve_mtime(true);
    archive.set_unpack_xattrs(false);
    archive.set_overwrite(true);
    archive.set_mask(0o7000);
    let mut symlinks: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut hardlinks: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut dirs: Vec<(PathBuf, u32)> = Vec::new();
    let mut root_mode = None;
    for entry in archive.entries()? {
        let mut entry = entry?;
        let raw = entry.path()?.into_owned();
        let rel = normalize(&raw)?;
        let ty = entry.header().entry_type();
        if rel.as_os_str().is_empty() {
            if ty.is_dir() {
                root_mode = Some(entry.header().mode()? & 0o777); // the root itself ("./")
                continue;
            }
            return Err(unsafe_entry(&raw, "has an empty path"));
        }
        if through_symlink(&rel, &symlinks) {
            return Err(unsafe_entry(&raw, "goes through a symlink"));
        }
        let existing = std::fs::symlink_metadata(dest.join(&rel)).ok();
        if existing.as_ref().is_some_and(|m| m.file_type().is_symlink()) {
            return Err(unsafe_entry(&raw, "replaces a symlink"));
        }
        if ty.is_dir() {
            if existing.as_ref().is_some_and(|m| !m.is_dir()) {
                return Err(unsafe_entry(&raw, "replaces a file with a directory"));
            }
            std::fs::create_dir_all(dest.join(&rel))?;
            dirs.push((rel, entry.header().mode()? & 0o777));
            continue;
        } else if ty.is_symlink() {
            if existing.is_some() {
                return Err(unsafe_entry(&raw, "replaces an existing entry with a symlink"));
            }
            let target = entry
                .link_name()?
                .ok_or_else(|| unsafe_entry(&raw, "is a symlink without a target"))?;
            let base = rel.parent().unwrap_or(Path::new("")).to_path_buf();
            resolve_inside(&raw, &base, &target, &HashMap::new())?;
            symlinks.insert(rel.clone(), target.into_owned());
        } else if ty.is_hard_link() {
            let target = entry
                .link_name()?
                .ok_or_else(|| unsafe_entry(&raw, "is a hard link without a target"))?;
            let target = normalize(&target)
                .map_err(|_| unsafe_entry(&raw, "hard-links outside the target"))?;
            if through_symlink(&target, &symlinks) {
                return Err(unsafe_entry(&raw, "hard-links through a symlink"));
            }
            let on_disk = std::fs::symlink_metadata(dest.join(&target)).ok();
            if symlinks.contains_key(&target) || on_disk.is_some_and(|m| m.is_symlink()) {
                return Err(unsafe_entry(&raw, "hard-links to a symlink"));
            }
            hardlinks.push((raw.clone(), target));
        } else if !(ty.is_file() || ty.is_contiguous()) {
            return Err(unsafe_entry(&raw, "is a device, FIFO or other special file"));
        }
        if !entry.unpack_in(dest)? {
            return Err(unsafe_entry(&raw, "escapes the target"));
        }
    }
    // Order-independent re-check now that every symlink is known.
    for (link, target) in &symlinks {
        let base = link.parent().unwrap_or(Path::new(""));
        resolve_inside(link, base, target, &symlinks)?;
    }
    for (entry, target) in &hardlinks {
        if through_symlink(target, &symlinks) {
            return Err(unsafe_entry(entry, "hard-links through a symlink"));
        }
    }
    dirs.sort_by_key(|(p, _)| std::cmp::Reverse(p.components().count()));
    for (dir, mode) in dirs {
        set_mode(&dest.join(dir), mode)?;
    }
    Ok(root_mode)
}

#[cfg(unix)]
pub(crate) fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
pub(crate) fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_with(build: impl FnOnce(&mut tar::Builder<Vec<u8>>)) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        build(&mut b);
        b.into_inner().unwrap()
    }

    fn file(b: &mut tar::Builder<Vec<u8>>, path: &str, data: &[u8]) {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        // set_path refuses `..`, so write the name bytes directly, as an attacker would.
        h.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
        h.set_cksum();
        b.append(&h, data).unwrap();
    }

    fn link(b: &mut tar::Builder<Vec<u8>>, ty: tar::EntryType, path: &str, target: &str) {
        let mut h = tar::Header::new_gnu();
        h.set_size(0);
        h.set_mode(0o777);
        h.set_entry_type(ty);
        h.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
        h.as_old_mut().linkname[..target.len()].copy_from_slice(target.as_bytes());
        h.set_cksum();
        b.append(&h, io::empty()).unwrap();
    }

    fn run(bytes: Vec<u8>) -> Result<tempfile::TempDir, String> {
        let dir = tempfile::tempdir().unwrap();
        match extract_tar(&mut bytes.as_slice(), dir.path()) {
            Ok(_) => Ok(dir),
            Err(ExtractError::Unsafe { entry, reason }) => Err(format!("{entry} {reason}")),
            Err(ExtractError::Io(e)) => Err(format!("io {e}")),
        }
    }

    #[test]
    fn plain_archives_extract() {
        let dir = run(tar_with(|b| {
            file(b, "a/b.txt", b"hi");
            link(b, tar::EntryType::Symlink, "a/l", "b.txt");
            link(b, tar::EntryType::Symlink, "up", "a/../a/b.txt");
            link(b, tar::EntryType::Link, "a/h", "a/b.txt");
        }))
        .unwrap();
        assert_eq!(std::fs::read(dir.path().join("a/l")).unwrap(), b"hi");
        assert_eq!(std::fs::read(dir.path().join("a/h")).unwrap(), b"hi");
    }

    #[test]
    fn escaping_entries_are_refused() {
        use tar::EntryType::{Link, Symlink};
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("dotdot", tar_with(|b| file(b, "../evil", b"x"))),
            ("nested dotdot", tar_with(|b| file(b, "a/../../evil", b"x"))),
            ("absolute", tar_with(|b| file(b, "/tmp/rampart-evil", b"x"))),
            ("abs symlink", tar_with(|b| link(b, Symlink, "l", "/etc"))),
            ("up symlink", tar_with(|b| link(b, Symlink, "a/l", "../../etc"))),
            (
                "through symlink",
                tar_with(|b| {
                    link(b, Symlink, "l", ".");
                    file(b, "l/x", b"x");
                }),
            ),
            (
                "symlink via symlink",
                tar_with(|b| {
                    link(b, Symlink, "s", ".");
                    link(b, Symlink, "l", "s/..");
                }),
            ),
            (
                "symlink via later symlink",
                tar_with(|b| {
                    link(b, Symlink, "l", "s/..");
                    link(b, Symlink, "s", ".");
                }),
            ),
            ("hardlink out", tar_with(|b| link(b, Link, "h", "../etc/passwd"))),
            ("abs hardlink", tar_with(|b| link(b, Link, "h", "/etc/passwd"))),
            (
                "file over symlink",
                tar_with(|b| {
                    link(b, Symlink, "l", "x");
                    file(b, "l", b"x");
                }),
            ),
        ];
        for (name, bytes) in cases {
            assert!(run(bytes).is_err(), "{name} must be refused");
        }
        assert!(!Path::new("/tmp/rampart-evil").exists());
    }

    #[test]
    fn hard_links_to_symlinks_are_refused() {
        use tar::EntryType::{Link, Symlink};
        // `d/s -> ../x` stays inside (it names `x` at the root); a hard link to it at the root
        // would be the same symlink one level up, pointing at `../x` outside the target.
        for order in [true, false] {
            let bytes = tar_with(|b| {
                if order {
                    file(b, "x", b"x");
                }
                link(b, Symlink, "d/s", "../x");
                link(b, Link, "h", "d/s");
            });
            let err = run(bytes).expect_err("a hard link to a symlink must be refused");
            assert!(err.contains("symlink"), "{err}");
        }
        // The same symlink reached through `./` and `d/../` spellings.
        let bytes = tar_with(|b| {
            link(b, Symlink, "d/s", "../x");
            link(b, Link, "h", "./d/s");
        });
        assert!(run(bytes).is_err());
    }
}
