//! The append-only audit log. Each entry carries the SHA-256 of the previous entry's hash and its
//! own fields, so editing or deleting any entry breaks the chain at that point; SQLite triggers
//! refuse UPDATE and DELETE outright. Subjects are names and labels, never secret values.

use crate::{Result, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash the first entry links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened. Stored as its `as_str()` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Add,
    Reveal,
    Copy,
    Rotate,
    Rename,
    Delete,
    Import,
    Export,
    Enroll,
    ShowQr,
    Unlock,
    FailedUnlock,
    SetPassphrase,
    Keygen,
    Backup,
    Restore,
    Verify,
    Prune,
    Drill,
    /// A vault key used by a responder tool (decrypt, verify, sign): which key and which tool.
    UseKey,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Reveal => "reveal",
            Self::Copy => "copy",
            Self::Rotate => "rotate",
            Self::Rename => "rename",
            Self::Delete => "delete",
            Self::Import => "import",
            Self::Export => "export",
            Self::Enroll => "enroll",
            Self::ShowQr => "show-qr",
            Self::Unlock => "unlock",
            Self::FailedUnlock => "failed-unlock",
            Self::SetPassphrase => "set-passphrase",
            Self::Keygen => "keygen",
            Self::Backup => "backup",
            Self::Restore => "restore",
            Self::Verify => "verify",
            Self::Prune => "prune",
            Self::Drill => "drill",
            Self::UseKey => "use-key",
        }
    }
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub seq: i64,
    /// Unix seconds.
    pub at: i64,
    pub action: String,
    pub subject: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainReport {
    pub ok: bool,
    pub entries: usize,
    /// Sequence number of the first entry whose link is broken.
    pub first_broken: Option<i64>,
    pub reason: Option<String>,
}

fn entry_hash(prev_hash: &str, seq: i64, at: i64, action: &str, subject: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev_hash, &seq.to_string(), &at.to_string(), action, subject] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

impl Store {
    /// Appends one entry, linked to the current head. Another process appending at the same
    /// moment makes the insert collide on `seq`; the append then retries on the new head.
    pub fn audit(&self, at: i64, action: AuditAction, subject: &str) -> Result<AuditEntry> {
        let mut attempt = 0;
        loop {
            match self.try_audit(at, action, subject) {
                Err(crate::StoreError::Sql(rusqlite::Error::SqliteFailure(e, _)))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation && attempt < 5 =>
                {
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    fn try_audit(&self, at: i64, action: AuditAction, subject: &str) -> Result<AuditEntry> {
        let conn = self.conn();
        let head: Option<(i64, String)> = conn
            .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        let (seq, prev_hash) = match head {
            Some((seq, hash)) => (seq + 1, hash),
            None => (1, GENESIS.to_owned()),
        };
        let action = action.as_str().to_owned();
        let hash = entry_hash(&prev_hash, seq, at, &action, subject);
        conn.execute(
            "INSERT INTO audit_log (seq, at, action, subject, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![seq, at, action, subject, prev_hash, hash],
        )?;
        Ok(AuditEntry { seq, at, action, subject: subject.to_owned(), prev_hash, hash })
    }

    /// The newest `limit` entries, newest first.
    pub fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn().prepare(
            "SELECT seq, at, action, subject, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], row_to_entry)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Walks the whole chain and reports the first broken link, if any.
    pub fn audit_verify(&self) -> Result<ChainReport> {
        let mut stmt = self.conn().prepare(
            "SELECT seq, at, action, subject, prev_hash, hash FROM audit_log ORDER BY seq ASC",
        )?;
        let mut expected_prev = GENESIS.to_owned();
        let mut entries = 0;
        for (expected_seq, row) in (1i64..).zip(stmt.query_map([], row_to_entry)?) {
            let e = row?;
            entries += 1;
            let broken = |reason: String| ChainReport {
                ok: false,
                entries,
                first_broken: Some(e.seq),
                reason: Some(reason),
            };
            if e.seq != expected_seq {
                return Ok(broken(format!(
                    "entry {} follows entry {}: entries {}..{} were deleted",
                    e.seq,
                    expected_seq - 1,
                    expected_seq,
                    e.seq - 1
                )));
            }
            if e.prev_hash != expected_prev {
                return Ok(broken(format!(
                    "entry {} does not link to the entry before it: the log was edited",
                    e.seq
                )));
            }
            if entry_hash(&e.prev_hash, e.seq, e.at, &e.action, &e.subject) != e.hash {
                return Ok(broken(format!(
                    "entry {} does not match its hash: its time, action or subject was edited",
                    e.seq
                )));
            }
            expected_prev = e.hash;
        }
        Ok(ChainReport { ok: true, entries, first_broken: None, reason: None })
    }
}

fn row_to_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        action: r.get(2)?,
        subject: r.get(3)?,
        prev_hash: r.get(4)?,
        hash: r.get(5)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_three_entries() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.audit(100, AuditAction::Add, "vault:db").unwrap();
        store.audit(101, AuditAction::Reveal, "vault:db").unwrap();
        store.audit(102, AuditAction::Delete, "vault:db").unwrap();
        (dir, store)
    }

    /// Simulates an attacker with raw file access: drops the guard triggers, then runs `sql`.
    fn tamper(store: &Store, sql: &str) {
        store
            .conn()
            .execute_batch(&format!(
                "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; {sql}"
            ))
            .unwrap();
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let (_dir, store) = store_with_three_entries();
        let report = store.audit_verify().unwrap();
        assert_eq!(report, ChainReport { ok: true, entries: 3, first_broken: None, reason: None });
        let log = store.audit_log(10).unwrap();
        assert_eq!(log.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![3, 2, 1]);
        assert_eq!(log[2].prev_hash, GENESIS);
        assert_eq!(log[1].prev_hash, log[2].hash);
    }

    #[test]
    fn update_and_delete_are_refused_by_the_database() {
        let (_dir, store) = store_with_three_entries();
        let err = store.conn().execute("UPDATE audit_log SET subject = 'x'", []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
        let err = store.conn().execute("DELETE FROM audit_log WHERE seq = 2", []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
    }

    #[test]
    fn an_edited_subject_is_the_first_broken_link() {
        let (_dir, store) = store_with_three_entries();
        tamper(&store, "UPDATE audit_log SET subject = 'vault:other' WHERE seq = 2");
        let report = store.audit_verify().unwrap();
        assert!(!report.ok);
        assert_eq!(report.first_broken, Some(2));
        assert!(report.reason.unwrap().contains("edited"));
    }

    #[test]
    fn a_deleted_entry_is_reported_where_the_gap_is() {
        let (_dir, store) = store_with_three_entries();
        tamper(&store, "DELETE FROM audit_log WHERE seq = 2");
        let report = store.audit_verify().unwrap();
        assert_eq!(report.first_broken, Some(3));
        assert!(report.reason.unwrap().contains("deleted"));
    }

    #[test]
    fn a_rehashed_forgery_still_breaks_the_next_link() {
        let (_dir, store) = store_with_three_entries();
        let forged = entry_hash(GENESIS, 1, 100, "add", "vault:forged");
        tamper(
            &store,
            &format!(
                "UPDATE audit_log SET subject = 'vault:forged', hash = '{forged}' WHERE seq = 1"
            ),
        );
        let report = store.audit_verify().unwrap();
        assert_eq!(report.first_broken, Some(2), "entry 2 still links to the original hash");
    }
}
