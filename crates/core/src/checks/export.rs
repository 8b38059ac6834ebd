//! Exporting a target's last run for a pre-production sign-off (Markdown or printable HTML,
//! rendered by `rampart_checks::export`): the report carries the audit chain's head at export
//! (entry number, hash, whether the chain verifies), the file is written atomically and never
//! over an existing one unless asked, and the export is audited with the file's SHA-256, so
//! the audit log later proves which document was exported when.

use crate::views::rfc3339;
use crate::{AuditAction, CoreError, Rampart, Result};
use rampart_checks::export::{self, ExportAttestation, ExportMeta};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::Path;

pub use rampart_checks::export::Format;

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportView {
    pub path: String,
    pub run_id: i64,
    /// SHA-256 of the file, hex (also in the audit entry of the export).
    pub sha256: String,
    /// The audit head the report carries.
    pub audit_seq: i64,
    pub audit_hash: String,
    pub bytes: usize,
}

impl Rampart {
    /// Renders the last run of `target` as `format` and writes it to `out` (atomically; an
    /// existing file only with `overwrite`), then audits the export with the file's digest.
    pub fn check_export(
        &self,
        target: &str,
        format: Format,
        out: &Path,
        overwrite: bool,
    ) -> Result<ExportView> {
        let run = self.check_last_run(target)?.ok_or_else(|| {
            CoreError::NotFound(format!(
                "{target} has no recorded run yet; run `rampart check run {target}` first"
            ))
        })?;
        let head = self.store.audit_log(1)?.into_iter().next();
        let (audit_seq, audit_hash) = head.map(|e| (e.seq, e.hash)).unwrap_or((0, String::new()));
        let audit_state = match self.audit_verify() {
            Ok(r) if r.ok => format!("verified, {} entries", r.entries),
            Ok(r) => format!("DOES NOT VERIFY: {}", r.reason.unwrap_or_else(|| "broken".into())),
            Err(e) => format!("not verified: {e}"),
        };
        let attestations = self
            .check_attestations(target)?
            .into_iter()
            .map(|a| ExportAttestation {
                item: a.item,
                by: a.by,
                note: a.note,
                date: a.date,
                expires: a.expires,
                expired: a.expired,
            })
            .collect();
        let meta = ExportMeta {
            exported_at: rfc3339(self.now()),
            run_id: run.id,
            audit_seq,
            audit_hash: audit_hash.clone(),
            audit_state,
            attestations,
        };
        let text = export::render(&run.report, &meta, format);
        let sha256 = data_encoding::HEXLOWER.encode(&Sha256::digest(text.as_bytes()));
        crate::files::write_file_atomic(out, text.as_bytes(), overwrite)?;
        let path = std::path::absolute(out).unwrap_or_else(|_| out.to_owned());
        let kind = match format {
            Format::Markdown => "md",
            Format::Html => "html",
        };
        let subject = format!(
            "check-report:{target} run {} {kind} sha256 {sha256} at audit entry {audit_seq} to {}",
            run.id,
            path.display()
        );
        if let Err(e) = self.audit(AuditAction::Export, &subject) {
            // An export the log does not know of must not stay behind.
            let _ = std::fs::remove_file(out);
            return Err(e);
        }
        Ok(ExportView {
            path: path.display().to_string(),
            run_id: run.id,
            sha256,
            audit_seq,
            audit_hash,
            bytes: text.len(),
        })
    }
}
