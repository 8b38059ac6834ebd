//! The append-only audit log: appending and reading. Each entry carries a MAC (HMAC-SHA256 under
//! the chain key, see [`crate::audit_seal`]) of the previous entry's hash and its own fields, so
//! editing or deleting any entry breaks the chain at that point, and rehashing the file needs the
//! key; after every append the newest entry is anchored outside the database, so deleting the
//! newest entries shows too ([`crate::audit_verify`] checks all of it). SQLite triggers refuse
//! UPDATE and DELETE outright. Every write goes through [`Store::audit`]. Subjects are names and
//! labels, never secret values.

use crate::audit_seal::{Anchor, AuditSeal, ChainKey, keyed_hash, legacy_hash};
use crate::{Result, Store, StoreError};
use rusqlite::OptionalExtension;
use serde::Serialize;

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
    /// A restore that did not complete: which backup, where to, and the kind of failure.
    FailedRestore,
    /// A change of preferences: which fields, from what to what.
    Settings,
    /// The app passphrase entered again to confirm a powerful action (which one).
    ConfirmPassphrase,
    /// The app locked itself: why (idle, screen locked, suspend).
    AutoLock,
    /// A person attested a checklist item (target, item, by whom, until when).
    Attest,
    /// An attestation was withdrawn.
    Unattest,
    /// A checklist run of a named target, with its counts.
    Check,
    /// An incident opened or changed: which one and what changed (never a note's text).
    Incident,
    /// An incident escalated to a level, by hand or by its timer, and who was notified.
    Escalate,
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
            Self::FailedRestore => "failed-restore",
            Self::Settings => "settings",
            Self::ConfirmPassphrase => "confirm-passphrase",
            Self::AutoLock => "auto-lock",
            Self::Attest => "attest",
            Self::Unattest => "unattest",
            Self::Check => "check",
            Self::Incident => "incident",
            Self::Escalate => "escalate",
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
        let seal = self.audit_seal()?;
        let head = self.audit_head()?;
        let key = match seal.key().map_err(StoreError::AuditSeal)? {
            Some(key) => key,
            None => first_key(seal, head.as_ref())?,
        };
        let (seq, prev_hash) = match head {
            Some(head) => (head.seq + 1, head.hash),
            None => (1, GENESIS.to_owned()),
        };
        let action = action.as_str().to_owned();
        let hash = keyed_hash(&key, &prev_hash, seq, at, &action, subject);
        self.conn().execute(
            "INSERT INTO audit_log (seq, at, action, subject, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![seq, at, action, subject, prev_hash, hash],
        )?;
        let anchor = Anchor { count: seq, hash: hash.clone() };
        if self.conn().is_autocommit() {
            self.write_anchor(&anchor);
        } else {
            // Anchored when the transaction commits: an anchor ahead of a rolled-back entry
            // would read as a deleted entry.
            *self.pending_anchor.lock().unwrap_or_else(|e| e.into_inner()) = Some(anchor);
        }
        Ok(AuditEntry { seq, at, action, subject: subject.to_owned(), prev_hash, hash })
    }

    /// Replaces the anchor. A failure keeps the entry (the database is the log) and leaves the
    /// anchor behind, which `audit verify` reports until the next append catches it up.
    pub(crate) fn write_anchor(&self, anchor: &Anchor) {
        let Ok(seal) = self.audit_seal() else { return };
        if let Err(error) = seal.set_anchor(anchor) {
            tracing::warn!(
                count = anchor.count,
                %error,
                "could not update the audit anchor; `audit verify` reports it behind until the next audited action"
            );
        }
    }

    pub(crate) fn audit_seal(&self) -> Result<&dyn AuditSeal> {
        self.seal.as_deref().ok_or_else(|| {
            StoreError::AuditSeal(
                "the audit log has no key holder installed (a bug in Rampart)".into(),
            )
        })
    }

    fn audit_head(&self) -> Result<Option<AuditEntry>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT seq, at, action, subject, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
                [],
                row_to_entry,
            )
            .optional()?)
    }

    /// The newest `limit` entries, newest first.
    pub fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT seq, at, action, subject, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], row_to_entry)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

/// The key for a log that has none yet. Only a log that is empty or ends in an unkeyed (legacy)
/// entry may get one: its entries so far stay plain SHA-256 and the key takes over from the next
/// entry. A log whose newest entry is keyed has lost its key, and a new one would hide that.
fn first_key(seal: &dyn AuditSeal, head: Option<&AuditEntry>) -> Result<ChainKey> {
    if let Some(h) = head
        && legacy_hash(&h.prev_hash, h.seq, h.at, &h.action, &h.subject) != h.hash
    {
        return Err(StoreError::AuditKeyLost);
    }
    let keyed_from = head.map_or(1, |h| h.seq + 1);
    let key = seal.create_key(keyed_from).map_err(StoreError::AuditSeal)?;
    tracing::info!(keyed_from, "created the audit log key; entries from here on are keyed");
    Ok(key)
}

pub(crate) fn row_to_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        action: r.get(2)?,
        subject: r.get(3)?,
        prev_hash: r.get(4)?,
        hash: r.get(5)?,
    })
}
