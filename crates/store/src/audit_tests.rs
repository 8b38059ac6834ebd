//! The audit log against an attacker with write access to the database file (the guard triggers
//! dropped, rows deleted or rewritten), with the key and anchor held by a [`MemorySeal`].

use crate::Store;
use crate::audit::{AuditAction, GENESIS};
use crate::audit_seal::{ChainKey, MemorySeal, keyed_hash, legacy_hash};
use crate::audit_verify::ChainReport;
use std::sync::Arc;

const KEY: [u8; 32] = [7; 32];

fn store_with(entries: i64) -> (tempfile::TempDir, Store, Arc<MemorySeal>) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let seal = Arc::new(MemorySeal::new(KEY));
    store.set_audit_seal(seal.clone());
    for i in 0..entries {
        let action = [AuditAction::Add, AuditAction::Reveal, AuditAction::Delete][i as usize % 3];
        store.audit(100 + i, action, "vault:db").unwrap();
    }
    (dir, store, seal)
}

/// Simulates an attacker with raw file access: drops the guard triggers, then runs `sql`.
fn tamper(store: &Store, sql: &str) {
    store
        .conn()
        .execute_batch(&format!(
            "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; {sql}"
        ))
        .unwrap();
}

/// Rewrites every entry with a freshly computed plain SHA-256 chain (all anyone can compute
/// without the key), optionally editing one subject on the way.
fn rehash_everything(store: &Store, edit_seq: i64) {
    let rows = store.audit_log(1000).unwrap();
    tamper(store, "DELETE FROM audit_log");
    let mut prev = GENESIS.to_owned();
    for mut e in rows.into_iter().rev() {
        if e.seq == edit_seq {
            e.subject = "vault:innocent".into();
        }
        let hash = legacy_hash(&prev, e.seq, e.at, &e.action, &e.subject);
        store
            .conn()
            .execute(
                "INSERT INTO audit_log (seq, at, action, subject, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                rusqlite::params![e.seq, e.at, e.action, e.subject, prev, hash],
            )
            .unwrap();
        prev = hash;
    }
}

#[test]
fn an_untouched_chain_verifies_and_is_keyed_and_anchored() {
    let (_dir, store, seal) = store_with(3);
    let report = store.audit_verify().unwrap();
    let expected = ChainReport {
        ok: true,
        entries: 3,
        first_broken: None,
        reason: None,
        keyed_from: Some(1),
        anchored_entries: Some(3),
        warning: None,
    };
    assert_eq!(report, expected);
    let log = store.audit_log(10).unwrap();
    assert_eq!(log.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![3, 2, 1]);
    assert_eq!(log[2].prev_hash, GENESIS);
    assert_eq!(log[1].prev_hash, log[2].hash);
    let key = ChainKey::new(1, KEY);
    assert_eq!(log[0].hash, keyed_hash(&key, &log[1].hash, 3, 102, "delete", "vault:db"));
    use crate::audit_seal::AuditSeal;
    assert_eq!(seal.anchor().unwrap().unwrap().hash, log[0].hash, "anchored after each append");
}

#[test]
fn update_and_delete_are_refused_by_the_database() {
    let (_dir, store, _) = store_with(3);
    let err = store.conn().execute("UPDATE audit_log SET subject = 'x'", []).unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = store.conn().execute("DELETE FROM audit_log WHERE seq = 2", []).unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[test]
fn an_edited_subject_is_the_first_broken_link() {
    let (_dir, store, _) = store_with(3);
    tamper(&store, "UPDATE audit_log SET subject = 'vault:other' WHERE seq = 2");
    let report = store.audit_verify().unwrap();
    assert!(!report.ok);
    assert_eq!(report.first_broken, Some(2));
    assert!(report.reason.unwrap().contains("edited"));
}

#[test]
fn a_deleted_entry_is_reported_where_the_gap_is() {
    let (_dir, store, _) = store_with(3);
    tamper(&store, "DELETE FROM audit_log WHERE seq = 2");
    let report = store.audit_verify().unwrap();
    assert_eq!(report.first_broken, Some(3));
    assert!(report.reason.unwrap().contains("deleted"));
}

#[test]
fn deleting_the_newest_entries_is_caught_by_the_anchor() {
    let (_dir, store, _) = store_with(5);
    tamper(&store, "DELETE FROM audit_log WHERE seq > 3");
    let report = store.audit_verify().unwrap();
    assert!(!report.ok, "{report:?}");
    assert_eq!(report.first_broken, Some(4));
    assert_eq!(report.anchored_entries, Some(5));
    let reason = report.reason.unwrap();
    assert!(reason.contains("newest entries 4..5 were deleted"), "{reason}");
}

#[test]
fn rehashing_the_whole_file_without_the_key_is_caught() {
    let (_dir, store, _) = store_with(4);
    rehash_everything(&store, 2);
    let report = store.audit_verify().unwrap();
    assert!(!report.ok, "{report:?}");
    assert_eq!(report.first_broken, Some(1));
    assert!(report.reason.unwrap().contains("rehashed without the key"));
}

#[test]
fn a_rehashed_truncated_file_is_caught_even_with_a_matching_count() {
    // Delete the newest entry, then append a forged one of the same count: no key, no match.
    let (_dir, store, _) = store_with(3);
    tamper(&store, "DELETE FROM audit_log WHERE seq = 3");
    let prev = store.audit_log(1).unwrap()[0].hash.clone();
    let forged = legacy_hash(&prev, 3, 102, "add", "vault:harmless");
    tamper(
        &store,
        &format!(
            "INSERT INTO audit_log VALUES (3, 102, 'add', 'vault:harmless', '{prev}', '{forged}')"
        ),
    );
    let report = store.audit_verify().unwrap();
    assert_eq!(report.first_broken, Some(3), "{report:?}");
}

#[test]
fn a_missing_anchor_or_key_is_reported() {
    let (_dir, store, seal) = store_with(2);
    seal.forget(false, true);
    let report = store.audit_verify().unwrap();
    assert!(!report.ok && report.reason.unwrap().contains("anchor is missing"));
    store.audit(200, AuditAction::Copy, "vault:db").unwrap();
    assert!(store.audit_verify().unwrap().ok, "the next append writes a new anchor");

    seal.forget(true, false);
    let report = store.audit_verify().unwrap();
    assert!(!report.ok && report.reason.unwrap().contains("audit key is missing"));
    let err = store.audit(201, AuditAction::Copy, "vault:db").unwrap_err();
    assert!(err.to_string().contains("restore the keychain"), "{err}");
    assert_eq!(store.audit_log(10).unwrap().len(), 3, "no entry under a new key");
}

#[test]
fn a_failed_anchor_write_keeps_the_entry_and_verify_says_the_anchor_is_behind() {
    let (_dir, store, seal) = store_with(2);
    seal.fail_anchor_writes.store(true, std::sync::atomic::Ordering::SeqCst);
    store.audit(300, AuditAction::Reveal, "vault:db").unwrap();
    let report = store.audit_verify().unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!((report.entries, report.anchored_entries), (3, Some(2)));
    assert!(report.warning.unwrap().contains("1 entries behind"));
}

#[test]
fn a_rolled_back_entry_is_not_anchored() {
    let (_dir, store, _) = store_with(1);
    let failed: crate::Result<()> = store.transaction(|s| {
        s.audit(400, AuditAction::Add, "vault:x")?;
        Err(crate::StoreError::NotFound("x".into()))
    });
    assert!(failed.is_err());
    let report = store.audit_verify().unwrap();
    assert!(report.ok && report.anchored_entries == Some(1), "{report:?}");
    store.transaction(|s| s.audit(401, AuditAction::Add, "vault:y").map(|_| ())).unwrap();
    assert_eq!(store.audit_verify().unwrap().anchored_entries, Some(2));
}

#[test]
fn a_legacy_log_is_keyed_from_its_next_entry_and_its_old_entries_still_verify() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    // Two entries as an older Rampart wrote them: plain SHA-256, no key, no anchor.
    let h1 = legacy_hash(GENESIS, 1, 10, "add", "vault:a");
    let h2 = legacy_hash(&h1, 2, 11, "reveal", "vault:a");
    store
        .conn()
        .execute_batch(&format!(
            "INSERT INTO audit_log VALUES (1, 10, 'add', 'vault:a', '{GENESIS}', '{h1}');
             INSERT INTO audit_log VALUES (2, 11, 'reveal', 'vault:a', '{h1}', '{h2}');"
        ))
        .unwrap();
    let seal = Arc::new(MemorySeal::new(KEY));
    store.set_audit_seal(seal.clone());
    let report = store.audit_verify().unwrap();
    assert!(report.ok && report.keyed_from.is_none(), "{report:?}");
    assert!(report.warning.unwrap().contains("not keyed yet"));

    store.audit(12, AuditAction::Copy, "vault:a").unwrap();
    let report = store.audit_verify().unwrap();
    assert_eq!((report.ok, report.keyed_from, report.anchored_entries), (true, Some(3), Some(3)));

    // Rehashing the file now breaks at the first keyed entry.
    rehash_everything(&store, 0);
    let report = store.audit_verify().unwrap();
    assert_eq!(report.first_broken, Some(3), "{report:?}");
}
