//! What front ends show: plain serializable structs with camelCase fields (the IPC contract in
//! ui/src/lib/ipc/types.ts mirrors them). None of these carries a seed or a credential value.

use crate::CredentialKind;
use rampart_store::credentials::CredentialRow;
use serde::Serialize;

/// Formats unix seconds as RFC 3339 (UTC).
pub fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| unix.to_string())
}

/// One vault credential's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CredentialView {
    pub id: String,
    pub name: String,
    pub kind: CredentialKind,
    pub tags: Vec<String>,
    pub created_at: String,
    pub rotated_at: String,
    pub age_days: i64,
    pub stale: bool,
}

impl CredentialView {
    pub(crate) fn from_row(row: CredentialRow, now: i64, rotate_after_days: u32) -> Self {
        let age_days = (now - row.rotated_at).max(0) / 86_400;
        Self {
            kind: row.kind.parse().unwrap_or(CredentialKind::Note),
            id: row.id,
            name: row.name,
            tags: row.tags,
            created_at: rfc3339(row.created_at),
            rotated_at: rfc3339(row.rotated_at),
            age_days,
            stale: age_days >= i64::from(rotate_after_days),
        }
    }
}

/// One authenticator account with its current code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CodeView {
    pub id: String,
    pub issuer: String,
    pub account: String,
    pub kind: rampart_otp::OtpKind,
    pub code: String,
    pub next_code: Option<String>,
    pub period: u32,
    pub valid_until: u64,
    pub digits: u8,
    pub counter: Option<u64>,
    pub pinned: bool,
}

/// One authenticator account's parameters, without its seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    pub id: String,
    pub issuer: String,
    pub account: String,
    pub kind: rampart_otp::OtpKind,
    pub algorithm: rampart_otp::Algorithm,
    pub digits: u8,
    pub period: u32,
    pub counter: Option<u64>,
    pub pinned: bool,
    pub created_at: String,
}

/// What happened to one entry of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ImportStatus {
    Imported,
    Duplicate,
    Rejected,
}

/// One line of an import report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ImportEntry {
    pub label: String,
    pub status: ImportStatus,
    pub reason: Option<String>,
}

/// The per-entry report of an import: nothing is dropped silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub format: String,
    pub entries: Vec<ImportEntry>,
}

impl ImportReport {
    pub fn count(&self, status: ImportStatus) -> usize {
        self.entries.iter().filter(|e| e.status == status).count()
    }
}

/// The result of checking a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct VerifyResult {
    pub valid: bool,
    /// The time-step (or counter) offset that matched.
    pub offset: Option<i64>,
}

/// One audit entry as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "AuditEntry"))]
pub struct AuditView {
    pub seq: i64,
    pub at: String,
    pub action: String,
    pub subject: String,
    pub hash: String,
}

impl From<crate::AuditEntry> for AuditView {
    fn from(e: crate::AuditEntry) -> Self {
        Self { seq: e.seq, at: rfc3339(e.at), action: e.action, subject: e.subject, hash: e.hash }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_and_staleness_come_from_the_rotation_date() {
        let row = CredentialRow {
            id: "1".into(),
            name: "n".into(),
            kind: "apiToken".into(),
            tags: vec![],
            created_at: 0,
            rotated_at: 86_400 * 10,
        };
        let v = CredentialView::from_row(row.clone(), 86_400 * 100, 90);
        assert_eq!(v.age_days, 90);
        assert!(v.stale);
        let v = CredentialView::from_row(row, 86_400 * 99, 90);
        assert!(!v.stale);
        assert_eq!(v.created_at, "1970-01-01T00:00:00Z");
    }
}
