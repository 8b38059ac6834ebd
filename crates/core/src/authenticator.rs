//! Authenticator accounts: seeds are keychain items (`otp:<id>`, base32), parameters are rows in
//! SQLite. Codes are computed here, in Rust; front ends get codes and expiry, never seeds.
//! Seeds read from the keychain are cached in memory while the app runs (cleared on lock).
//! HOTP counters are persisted before the code they yield is handed out.

use crate::views::{AccountView, CodeView, ImportEntry, ImportReport, ImportStatus, VerifyResult};
use crate::{AuditAction, CoreError, Rampart, Result, SecretString, Sensitive};
use rampart_otp::{Algorithm, OtpAccount, OtpKind, OtpParams};
use rampart_store::otp_accounts::OtpAccountRow;

/// How many time steps either side a code may be off and still verify (the guide's window).
pub const VERIFY_WINDOW: u8 = 2;

fn item(id: &str) -> String {
    format!("otp:{id}")
}

fn label(issuer: &str, account: &str) -> String {
    if issuer.is_empty() { account.to_owned() } else { format!("{issuer}:{account}") }
}

fn row_params(row: &OtpAccountRow) -> Result<OtpParams> {
    let kind = match row.kind.as_str() {
        "hotp" => OtpKind::Hotp,
        "steam" => OtpKind::Steam,
        _ => OtpKind::Totp,
    };
    Ok(OtpParams {
        kind,
        algorithm: Algorithm::parse(&row.algorithm)?,
        digits: row.digits,
        period: row.period,
        counter: row.counter,
    })
}

/// The name an import report shows for a format.
fn format_name(format: rampart_otp::ImportFormat) -> &'static str {
    use rampart_otp::ImportFormat as F;
    match format {
        F::UriList => "otpauth links",
        F::GoogleMigration => "Google Authenticator export",
        F::AegisPlain => "Aegis vault",
        F::AegisEncrypted => "Aegis vault (encrypted)",
        F::TwoFasPlain => "2FAS backup",
        F::TwoFasEncrypted => "2FAS backup (encrypted)",
        F::QrImage => "QR image",
    }
}

/// Whether an add stored a new account or found it already there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddOutcome {
    Added(String),
    Duplicate(String),
}

impl Rampart {
    fn seed(&self, id: &str) -> Result<Sensitive<Vec<u8>>> {
        if let Some(seed) = self.seed_cache.lock().expect("seed cache").get(id) {
            return Ok(seed.clone());
        }
        let b32 = self.keychain.get(&item(id))?;
        let seed = rampart_otp::base32::decode(b32.expose())?;
        self.seed_cache.lock().expect("seed cache").insert(id.to_owned(), seed.clone());
        Ok(seed)
    }

    /// Drops every cached seed (on lock).
    pub fn forget_cached_seeds(&self) {
        self.seed_cache.lock().expect("seed cache").clear();
    }

    fn account(&self, row: &OtpAccountRow) -> Result<OtpAccount> {
        Ok(OtpAccount {
            issuer: row.issuer.clone(),
            account: row.account.clone(),
            secret: self.seed(&row.id)?,
            params: row_params(row)?,
        })
    }

    /// Finds an account by id, `issuer:account`, or `account` when that is unique.
    pub fn otp_find(&self, query: &str) -> Result<OtpAccountRow> {
        let rows = self.store.list_otp_accounts()?;
        if let Some(row) = rows.iter().find(|r| r.id == query) {
            return Ok(row.clone());
        }
        let q = query.to_lowercase();
        let by_label: Vec<_> =
            rows.iter().filter(|r| label(&r.issuer, &r.account).to_lowercase() == q).collect();
        if let [one] = by_label.as_slice() {
            return Ok((*one).clone());
        }
        let by_account: Vec<_> = rows.iter().filter(|r| r.account.to_lowercase() == q).collect();
        match (by_label.len(), by_account.as_slice()) {
            (0, [one]) => Ok((*one).clone()),
            (0, []) => Err(CoreError::NotFound(format!(
                "no authenticator account matches {query:?}; `rampart otp list` shows them"
            ))),
            _ => Err(CoreError::InvalidInput(format!(
                "{query:?} matches several accounts; use issuer:account to pick one"
            ))),
        }
    }

    /// Stores a new account unless the same issuer, account and secret is already there.
    pub fn otp_add(&self, account: &OtpAccount) -> Result<AddOutcome> {
        if let Some(existing) = self.find_duplicate(account)? {
            return Ok(AddOutcome::Duplicate(existing));
        }
        let id = self.store_account(account)?;
        self.audit(AuditAction::Add, &format!("otp:{}", account.label()))?;
        Ok(AddOutcome::Added(id))
    }

    fn find_duplicate(&self, account: &OtpAccount) -> Result<Option<String>> {
        let key = account.duplicate_key();
        for row in self.store.list_otp_accounts()? {
            if row.issuer.trim().eq_ignore_ascii_case(account.issuer.trim())
                && row.account.trim().eq_ignore_ascii_case(account.account.trim())
                && self.account(&row)?.duplicate_key() == key
            {
                return Ok(Some(row.id));
            }
        }
        Ok(None)
    }

    /// Writes the seed to the keychain, then the row; undoes the keychain write on failure.
    fn store_account(&self, account: &OtpAccount) -> Result<String> {
        let id = uuid::Uuid::new_v4().to_string();
        let p = account.params;
        let row = OtpAccountRow {
            id: id.clone(),
            issuer: account.issuer.clone(),
            account: account.account.clone(),
            kind: p.kind.as_str().to_owned(),
            algorithm: p.algorithm.as_str().to_owned(),
            digits: p.digits,
            period: p.period,
            counter: p.counter,
            pinned: false,
            created_at: self.now(),
        };
        let b32: SecretString = account.secret_base32();
        self.keychain.set(&item(&id), &b32)?;
        if let Err(e) = self.store.insert_otp_account(&row) {
            let _ = self.keychain.delete(&item(&id));
            return Err(e.into());
        }
        Ok(id)
    }

    /// Every account's parameters (no seeds).
    pub fn otp_list(&self) -> Result<Vec<AccountView>> {
        self.store
            .list_otp_accounts()?
            .into_iter()
            .map(|r| {
                let p = row_params(&r)?;
                Ok(AccountView {
                    counter: (p.kind == OtpKind::Hotp).then_some(p.counter),
                    id: r.id,
                    issuer: r.issuer,
                    account: r.account,
                    kind: p.kind,
                    algorithm: p.algorithm,
                    digits: p.digits,
                    period: p.period,
                    pinned: r.pinned,
                    created_at: crate::views::rfc3339(r.created_at),
                })
            })
            .collect()
    }

    /// The code of every account at `at` (default now): pinned first.
    pub fn otp_codes(&self, at: Option<u64>) -> Result<Vec<CodeView>> {
        let at = at.unwrap_or(self.now().max(0) as u64);
        self.store.list_otp_accounts()?.iter().map(|row| self.code_view(row, at)).collect()
    }

    fn code_view(&self, row: &OtpAccountRow, at: u64) -> Result<CodeView> {
        let account = self.account(row)?;
        let now = rampart_otp::code_at(&account, at);
        let hotp = account.params.kind == OtpKind::Hotp;
        Ok(CodeView {
            id: row.id.clone(),
            issuer: row.issuer.clone(),
            account: row.account.clone(),
            kind: account.params.kind,
            code: now.code,
            next_code: now.next_code,
            period: if hotp { 0 } else { account.params.period },
            valid_until: now.valid_until,
            digits: account.params.digits,
            counter: hotp.then_some(account.params.counter),
            pinned: row.pinned,
        })
    }

    /// The code to put on the clipboard (audited). `next` gives the following TOTP code.
    /// For HOTP the counter is advanced and saved before the code is returned.
    pub fn otp_code_for_copy(&self, query: &str, next: bool) -> Result<SecretString> {
        let row = self.otp_find(query)?;
        let account = self.account(&row)?;
        let code = if account.params.kind == OtpKind::Hotp {
            let counter = account.params.counter;
            self.store.set_otp_counter(&row.id, counter + 1)?;
            rampart_otp::code_for_counter(&account, counter)
        } else {
            let now = rampart_otp::code_at(&account, self.now().max(0) as u64);
            if next { now.next_code.unwrap_or(now.code) } else { now.code }
        };
        self.audit(AuditAction::Copy, &format!("otp:{}", label(&row.issuer, &row.account)))?;
        Ok(SecretString::new(code))
    }

    /// Checks a code against an account within ±[`VERIFY_WINDOW`] steps and says at which offset.
    pub fn otp_verify(&self, query: &str, code: &str, at: Option<u64>) -> Result<VerifyResult> {
        let row = self.otp_find(query)?;
        let account = self.account(&row)?;
        let cleaned: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let at = at.unwrap_or(self.now().max(0) as u64);
        let offset = rampart_otp::verify(&account, &cleaned, at, VERIFY_WINDOW);
        Ok(VerifyResult { valid: offset.is_some(), offset })
    }

    /// Pins or unpins an account (pinned ones come first and sit in the tray).
    pub fn otp_set_pinned(&self, query: &str, pinned: bool) -> Result<()> {
        let row = self.otp_find(query)?;
        Ok(self.store.set_otp_pinned(&row.id, pinned)?)
    }

    /// Removes an account: its keychain item, then its row.
    pub fn otp_remove(&self, query: &str) -> Result<()> {
        let row = self.otp_find(query)?;
        self.keychain.delete(&item(&row.id))?;
        self.store.delete_otp_account(&row.id)?;
        self.seed_cache.lock().expect("seed cache").remove(&row.id);
        self.audit(AuditAction::Delete, &format!("otp:{}", label(&row.issuer, &row.account)))?;
        Ok(())
    }

    /// Every account with its seed, for exports (callers audit the export).
    fn all_accounts(&self) -> Result<Vec<OtpAccount>> {
        self.store.list_otp_accounts()?.iter().map(|r| self.account(r)).collect()
    }

    /// The otpauth URI of one account (a secret: for QR display, audited).
    pub fn otp_uri(&self, query: &str) -> Result<SecretString> {
        let row = self.otp_find(query)?;
        let uri = rampart_otp::uri::to_uri(&self.account(&row)?);
        self.audit(AuditAction::ShowQr, &format!("otp:{}", label(&row.issuer, &row.account)))?;
        Ok(uri)
    }

    /// Imports a file or pasted text. File-level problems (wrong password, damaged file) are
    /// errors and change nothing; each entry is reported as imported, duplicate or rejected.
    /// If storing fails midway, everything this import stored is removed again.
    pub fn otp_import(
        &self,
        file_name: Option<&str>,
        bytes: &[u8],
        password: Option<&SecretString>,
    ) -> Result<ImportReport> {
        let batch = rampart_otp::import::detect_and_parse(file_name, bytes, password)?;
        let mut entries = Vec::with_capacity(batch.items.len());
        let mut stored: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for item in batch.items {
            let entry = match item.outcome {
                Err(reason) => ImportEntry {
                    label: item.label,
                    status: ImportStatus::Rejected,
                    reason: Some(reason),
                },
                Ok(account) => {
                    let dup = !seen.insert(account.duplicate_key())
                        || self.find_duplicate(&account)?.is_some();
                    if dup {
                        ImportEntry {
                            label: item.label,
                            status: ImportStatus::Duplicate,
                            reason: Some("already in Rampart with the same secret".into()),
                        }
                    } else {
                        match self.store_account(&account) {
                            Ok(id) => stored.push(id),
                            Err(e) => {
                                self.undo_import(&stored);
                                return Err(e);
                            }
                        }
                        ImportEntry {
                            label: item.label,
                            status: ImportStatus::Imported,
                            reason: None,
                        }
                    }
                }
            };
            entries.push(entry);
        }
        let report = ImportReport { format: format_name(batch.format).to_owned(), entries };
        self.audit(
            AuditAction::Import,
            &format!(
                "otp:{} ({} imported, {} duplicate, {} rejected)",
                report.format,
                report.count(ImportStatus::Imported),
                report.count(ImportStatus::Duplicate),
                report.count(ImportStatus::Rejected)
            ),
        )?;
        Ok(report)
    }

    fn undo_import(&self, ids: &[String]) {
        for id in ids {
            let _ = self.keychain.delete(&item(id));
            let _ = self.store.delete_otp_account(id);
        }
    }

    /// An Aegis-compatible encrypted vault of every account (audited).
    pub fn otp_export_aegis(&self, password: &SecretString) -> Result<SecretString> {
        if password.expose().chars().count() < crate::lock::MIN_PASSPHRASE_CHARS {
            return Err(CoreError::InvalidInput(format!(
                "the export password is too short: use at least {} characters",
                crate::lock::MIN_PASSPHRASE_CHARS
            )));
        }
        let accounts = self.all_accounts()?;
        let json = rampart_otp::export::aegis_encrypted(&accounts, password, &mut rand::rng())?;
        self.audit(AuditAction::Export, &format!("otp:aegis ({} accounts)", accounts.len()))?;
        Ok(SecretString::new(json))
    }

    /// Every account as an otpauth URI, one per line (unencrypted: callers confirm first).
    pub fn otp_export_uris(&self) -> Result<SecretString> {
        let accounts = self.all_accounts()?;
        let text = rampart_otp::export::uri_list(&accounts);
        self.audit(AuditAction::Export, &format!("otp:uris ({} accounts)", accounts.len()))?;
        Ok(text)
    }
}
