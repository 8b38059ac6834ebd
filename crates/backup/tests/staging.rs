//! The staging directory of a directory restore, against a real Garage: it is private (0700)
//! while plaintext lands in it, the restored root gets the archive root's mode (0700 when the
//! archive has no root entry), and leftovers of a killed restore are removed by the next restore
//! into the same parent directory, except one that a running restore holds.

mod common;

use common::*;
use rampart_backup::{BackupRequest, Progress, ProgressFn, Selector, Source, keys};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::{Arc, Mutex};

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staging_is_private_and_the_root_keeps_the_archive_mode() {
    let g = Garage::start();
    let engine = g.engine("modes");
    let key = keys::generate();
    let src = tempfile::tempdir().unwrap();
    write(&src.path().join("a.txt"), &[5u8; 200_000], 0o640);
    write(&src.path().join("sub/b.txt"), b"b", 0o600);
    set_mode(&src.path().join("sub"), 0o710);
    set_mode(src.path(), 0o750);
    let req = BackupRequest {
        source_name: "site".into(),
        source: Source::Directory { path: src.path().into(), excludes: vec![] },
        recipients: vec![key.recipient.clone()],
        signer: rampart_backup::testkit::signer(),
        on_upload: None,
        progress: None,
    };
    engine.backup(req).await.unwrap();
    let b = engine.find("site", &Selector::Latest).await.unwrap();

    let out = tempfile::tempdir().unwrap();
    let parent = out.path().to_path_buf();
    let seen: Arc<Mutex<Vec<(String, u32)>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let watch = parent.clone();
    let progress: ProgressFn = Arc::new(move |_: &Progress| {
        for e in std::fs::read_dir(&watch).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.contains(".rampart-staging-") {
                sink.lock().unwrap().push((name, mode(&e.path())));
            }
        }
    });
    let target = parent.join("restored");
    engine.restore_to_dir(&b, &identities(&key), &target, Some(progress)).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert!(!seen.is_empty(), "the staging dir was observed during the restore");
    assert!(seen.iter().all(|(_, m)| *m == 0o700), "staging must be 0700: {seen:?}");
    assert_eq!(mode(&target), 0o750, "the restored root keeps the archive root's mode");
    assert_eq!(mode(&target.join("sub")), 0o710);
    assert_eq!(mode(&target.join("a.txt")), 0o640);

    // Over an existing target with another mode: the archive's mode wins.
    set_mode(&target, 0o755);
    engine.restore_to_dir(&b, &identities(&key), &target, None).await.unwrap();
    assert_eq!(mode(&target), 0o750);

    // An archive without a root entry (hand-made) restores to a private root.
    let mut t = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(2);
    h.set_mode(0o644);
    t.append_data(&mut h, "f.txt", &b"hi"[..]).unwrap();
    let plain = t.into_inner().unwrap();
    let cipher = seal(&plain, &key.recipient);
    let id = "20260101T000000Z-00000001";
    upload_by_hand(&g, "modes/hand", id, &plain, cipher, &key.recipient, true).await;
    let hb = engine.find("hand", &Selector::Id(id.into())).await.unwrap();
    let hand = parent.join("hand");
    engine.restore_to_dir(&hb, &identities(&key), &hand, None).await.unwrap();
    assert_eq!(mode(&hand), 0o700);
    assert_eq!(std::fs::read(hand.join("f.txt")).unwrap(), b"hi");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leftovers_of_a_killed_restore_are_removed_at_the_next_restore() {
    use fs2::FileExt;
    let g = Garage::start();
    let engine = g.engine("left");
    let key = keys::generate();
    let src = tempfile::tempdir().unwrap();
    write(&src.path().join("a.txt"), b"a", 0o644);
    let req = BackupRequest {
        source_name: "site".into(),
        source: Source::Directory { path: src.path().into(), excludes: vec![] },
        recipients: vec![key.recipient.clone()],
        signer: rampart_backup::testkit::signer(),
        on_upload: None,
        progress: None,
    };
    engine.backup(req).await.unwrap();
    let b = engine.find("site", &Selector::Latest).await.unwrap();

    let parent = tempfile::tempdir().unwrap();
    let p = parent.path();
    // What a killed restore leaves: plaintext in a hidden staging dir (with a read-only subdir
    // that a naive removal would trip over).
    write(&p.join(".restored.rampart-staging-0badf00d/secret.txt"), b"plaintext", 0o600);
    write(&p.join(".restored.rampart-staging-0badf00d/ro/x"), b"x", 0o400);
    set_mode(&p.join(".restored.rampart-staging-0badf00d/ro"), 0o500);
    write(&p.join(".other.rampart-staging-12345678/y"), b"y", 0o600);
    // Not ours: kept.
    write(&p.join(".restored.rampart-staging-nothex!!/z"), b"z", 0o600);
    write(&p.join(".restored.rampart-staging-0badf00d0/z"), b"z", 0o600);
    write(&p.join("notes.txt"), b"mine", 0o600);
    write(&p.join(".rampart-staging-12345678"), b"a file, not a dir", 0o600);
    // A restore running right now holds its staging dir: kept.
    let busy = p.join(".busy.rampart-staging-abcdef01");
    write(&busy.join("w"), b"w", 0o600);
    let held = std::fs::File::open(&busy).unwrap();
    held.try_lock_exclusive().unwrap();

    let report =
        engine.restore_to_dir(&b, &identities(&key), &p.join("restored"), None).await.unwrap();
    let mut names: Vec<String> = std::fs::read_dir(p)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".busy.rampart-staging-abcdef01",
            ".rampart-staging-12345678",
            ".restored.rampart-staging-0badf00d0",
            ".restored.rampart-staging-nothex!!",
            "notes.txt",
            "restored",
        ],
        "the two leftovers are gone, everything else stays"
    );
    let mut removed: Vec<String> = report
        .removed_leftovers
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    removed.sort();
    assert_eq!(
        removed,
        [".other.rampart-staging-12345678", ".restored.rampart-staging-0badf00d"],
        "the report says what was removed"
    );
    assert_eq!(std::fs::read(p.join("restored/a.txt")).unwrap(), b"a");
    drop(held);
}
