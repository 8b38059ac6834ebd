//! Restore's tar extraction (crates/backup/src/extract.rs, compiled in by path because it is
//! crate-private) into a fresh directory inside a sandbox. Beyond "no panic", it checks what
//! extraction promises: nothing appears beside the target, and no symlink left in the target
//! points outside it. Header checksums are fixed up first so mutations get past them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::{Component, Path};

#[allow(dead_code, clippy::all)]
#[path = "../../crates/backup/src/extract.rs"]
mod extract;

/// Recomputes every header's checksum (walking headers by their size fields), so mutations
/// reach the extraction logic instead of stopping at tar's checksum check.
fn fix_checksums(data: &mut [u8]) {
    let mut offset = 0usize;
    while let Some(header) = data.get_mut(offset..offset + 512) {
        if header.iter().all(|&b| b == 0) {
            break;
        }
        header[148..156].fill(b' ');
        let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
        header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        let size = header[124..136]
            .iter()
            .skip_while(|b| **b == b' ')
            .take_while(|b| (b'0'..=b'7').contains(*b))
            .fold(0usize, |n, b| n.saturating_mul(8).saturating_add(usize::from(b - b'0')));
        offset = offset.saturating_add(512).saturating_add(size.div_ceil(512).saturating_mul(512));
    }
}

/// Every symlink under `dir` must point, lexically from its own directory, inside `root`
/// (`depth` is how far `dir` is below `root`); and where it resolves on disk, inside too.
fn links_stay_inside(dir: &Path, root: &Path, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path).expect("a symlink's target");
            let mut level = depth as isize;
            for c in target.components() {
                match c {
                    Component::Normal(_) => level += 1,
                    Component::ParentDir => level -= 1,
                    Component::CurDir => {}
                    Component::RootDir | Component::Prefix(_) => level = isize::MIN / 2,
                }
                assert!(
                    level >= 0,
                    "{} -> {} points outside the target",
                    path.display(),
                    target.display()
                );
            }
            if let Ok(resolved) = std::fs::canonicalize(&path) {
                assert!(resolved.starts_with(root), "{} resolves outside", path.display());
            }
        } else if meta.is_dir() {
            links_stay_inside(&path, root, depth + 1);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let sandbox = tempfile::tempdir().expect("a temp dir");
    let dest = sandbox.path().join("a/b/target");
    std::fs::create_dir_all(&dest).expect("the target dir");
    let mut data = data.to_vec();
    fix_checksums(&mut data);
    let ok = extract::extract_tar(&mut &data[..], &dest).is_ok();
    let beside: Vec<_> = std::fs::read_dir(sandbox.path().join("a/b"))
        .expect("the sandbox")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(beside, ["target"], "extraction wrote beside the target");
    if ok {
        let root = std::fs::canonicalize(&dest).expect("the target");
        links_stay_inside(&root, &root, 0);
    }
    // Read-only directories from the archive must not stop the sandbox's removal.
    make_writable(sandbox.path());
});

fn make_writable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                make_writable(&entry.path());
            }
        }
    }
}
