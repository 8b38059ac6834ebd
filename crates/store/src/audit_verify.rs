//! Checking the audit log: every link and hash from the first entry on (plain SHA-256 before the
//! chain key's first entry, HMAC under the key from it on), then the newest entry against the
//! anchor kept outside the database. The report says what was found in words a user can act on.

use crate::audit::{AuditEntry, GENESIS, row_to_entry};
use crate::audit_seal::{Anchor, ChainKey, keyed_hash, legacy_hash};
use crate::{Result, Store, StoreError};
use serde::Serialize;

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "AuditVerify"))]
pub struct ChainReport {
    pub ok: bool,
    pub entries: usize,
    /// Sequence number of the first entry whose link is broken (for deleted newest entries,
    /// the first one missing); `None` when the problem is not one entry's (a missing anchor).
    pub first_broken: Option<i64>,
    pub reason: Option<String>,
    /// The first entry keyed with the chain key (HMAC); entries before it were written before
    /// the log was keyed (plain SHA-256). `None`: the log has no key yet.
    pub keyed_from: Option<i64>,
    /// How many entries the anchor outside the database records; `None`: there is no anchor.
    pub anchored_entries: Option<i64>,
    /// Worth knowing but not tampering (the anchor lagging, the log not keyed yet).
    pub warning: Option<String>,
}

impl Store {
    /// Checks the chain against the key and anchor the seal holds.
    pub fn audit_verify(&self) -> Result<ChainReport> {
        let seal = self.audit_seal()?;
        let key = seal.key().map_err(StoreError::AuditSeal)?;
        let anchor = seal.anchor().map_err(StoreError::AuditSeal)?;
        self.audit_verify_with(key.as_ref(), anchor.as_ref())
    }

    /// Checks the chain against a given key and anchor.
    pub fn audit_verify_with(
        &self,
        key: Option<&ChainKey>,
        anchor: Option<&Anchor>,
    ) -> Result<ChainReport> {
        let mut report = ChainReport {
            ok: true,
            entries: 0,
            first_broken: None,
            reason: None,
            keyed_from: key.map(ChainKey::keyed_from),
            anchored_entries: anchor.map(|a| a.count),
            warning: None,
        };
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT seq, at, action, subject, prev_hash, hash FROM audit_log ORDER BY seq ASC",
        )?;
        let mut expected_prev = GENESIS.to_owned();
        let mut anchored_hash = None;
        for (expected_seq, row) in (1i64..).zip(stmt.query_map([], row_to_entry)?) {
            let e = row?;
            report.entries += 1;
            if let Some(reason) = entry_problem(&e, expected_seq, &expected_prev, key, anchor) {
                return Ok(report.broken(Some(e.seq), reason));
            }
            if anchor.is_some_and(|a| a.count == e.seq) {
                anchored_hash = Some(e.hash.clone());
            }
            expected_prev = e.hash;
        }
        let count = report.entries as i64;
        Ok(match (key, anchor) {
            (_, Some(a)) if count < a.count => {
                let reason = format!(
                    "the newest entries {}..{} were deleted: the anchor in the keychain records {} entries, the log has {count}",
                    count + 1,
                    a.count,
                    a.count
                );
                report.broken(Some(count + 1), reason)
            }
            (_, Some(a)) if anchored_hash.as_deref() != Some(a.hash.as_str()) => {
                let reason = format!(
                    "entry {} is not the entry anchored in the keychain: the log was rewritten",
                    a.count
                );
                report.broken(Some(a.count), reason)
            }
            (None, Some(_)) => report.broken(None, KEY_MISSING.to_owned()),
            (Some(_), Some(a)) if count > a.count => {
                report.warning = Some(format!(
                    "the anchor in the keychain is {} entries behind (a keychain write failed, or \
                     another Rampart appended at the same moment); the next audited action brings it \
                     up to date",
                    count - a.count
                ));
                report
            }
            (Some(k), None) if count >= k.keyed_from() => report.broken(
                None,
                "the audit anchor is missing from the keychain: it was deleted outside Rampart, so \
                 deleted newest entries cannot be ruled out; the next audited action writes a new one"
                    .to_owned(),
            ),
            (None, None) => {
                report.warning = Some(
                    "the log is not keyed yet: the next audited action creates its key in the keychain"
                        .to_owned(),
                );
                report
            }
            _ => report,
        })
    }
}

const KEY_MISSING: &str = "the audit key is missing from the keychain although the log was keyed: it \
     was deleted outside Rampart, and the keyed entries cannot be checked";

impl ChainReport {
    fn broken(mut self, first_broken: Option<i64>, reason: String) -> Self {
        self.ok = false;
        self.first_broken = first_broken;
        self.reason = Some(reason);
        self
    }
}

/// What is wrong with one entry, if anything.
fn entry_problem(
    e: &AuditEntry,
    expected_seq: i64,
    expected_prev: &str,
    key: Option<&ChainKey>,
    anchor: Option<&Anchor>,
) -> Option<String> {
    if e.seq != expected_seq {
        return Some(format!(
            "entry {} follows entry {}: entries {}..{} were deleted",
            e.seq,
            expected_seq - 1,
            expected_seq,
            e.seq - 1
        ));
    }
    if e.prev_hash != expected_prev {
        return Some(format!(
            "entry {} does not link to the entry before it: the log was edited",
            e.seq
        ));
    }
    let legacy = || legacy_hash(&e.prev_hash, e.seq, e.at, &e.action, &e.subject);
    let edited = || {
        format!("entry {} does not match its hash: its time, action or subject was edited", e.seq)
    };
    match key {
        Some(k) if e.seq >= k.keyed_from() => {
            if keyed_hash(k, &e.prev_hash, e.seq, e.at, &e.action, &e.subject) == e.hash {
                None
            } else if legacy() == e.hash {
                Some(format!(
                    "entry {} carries a plain SHA-256 hash where the audit key's HMAC belongs: the \
                     log file was rehashed without the key",
                    e.seq
                ))
            } else {
                Some(edited())
            }
        }
        _ if legacy() == e.hash => None,
        Some(_) => Some(edited()),
        None if anchor.is_some() => Some(format!("entry {}: {KEY_MISSING}", e.seq)),
        None => Some(format!(
            "entry {} does not match its hash: it was edited, or keyed with an audit key that is no \
             longer in the keychain",
            e.seq
        )),
    }
}
