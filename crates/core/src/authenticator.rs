//! Authenticator accounts: seeds are keychain items (`otp:<id>`, base32), parameters are rows in
//! SQLite. Codes are computed here, in Rust; front ends get codes and expiry, never seeds.
//! Seeds read from the keychain are cached in memory while the app runs (cleared on lock).
//! HOTP counters are persisted before the code they yield is handed out.

use crate::views::{AccountView, CodeView, ImportEntry, ImportReport, ImportStatus, VerifyResult};
use crate::{AuditAction, CoreError, Rampart, Result, SecretString, Sensitive};
use rampart_otp::{Algorithm, OtpAccount, OtpKind, OtpParams};
use rampart_store::otp_accounts::OtpAccountRow;
use std::sync::atomic::Ordering;

/// How many time steps either side a code may be off and still verify (the guide's window).
pub const VERIFY_WINDOW: u8 = 2;

/// The largest file an import reads (exports of thousands of accounts are well under 1 MB).
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;

fn item(id: &str) -> String {
    format!("otp:{id}")
}

/// How an account is named on screen and matched on the command line: `issuer:account`, or
/// `account` when there is no issuer.
pub fn label(issuer: &str, account: &str) -> String {
    if issuer.is_empty() { account.to_owned() } else { format!("{issuer}:{account}") }
}

/// One row of the code list, computed from a borrowed seed (the row's strings move in).
fn code_view(row: &OtpAccountRow, seed: &[u8], at: u64) -> Result<CodeView> {
    let params = row_params(row)?;
    let now = rampart_otp::code_at_with(&params, seed, at);
    let hotp = params.kind == OtpKind::Hotp;
    Ok(CodeView {
        id: row.id.clone(),
        issuer: row.issuer.clone(),
        account: row.account.clone(),
        kind: params.kind,
        code: now.code,
        next_code: now.next_code,
        period: if hotp { 0 } else { params.period },
        valid_until: now.valid_until,
        digits: params.digits,
        counter: hotp.then_some(params.counter),
        pinned: row.pinned,
    })
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

    /// Loads every uncached seed in one keychain session (first code list after start or
    /// unlock). Best effort: what it cannot read is read one by one later, with real errors.
    /// One warm-up at a time: a code list asked for while the start-up prefetch reads waits
    /// for it instead of reading every seed a second time. Seeds read while the app locked
    /// (the secrets generation moved on) are dropped, not cached.
    fn warm_seed_cache(&self, rows: &[OtpAccountRow], generation: u64) {
        let _one_at_a_time = self.seed_warming.lock().unwrap_or_else(|p| p.into_inner());
        let missing = {
            let cache = self.seed_cache.lock().expect("seed cache");
            rows.iter().filter(|r| !cache.contains_key(&r.id)).count()
        };
        if missing < 2 {
            return;
        }
        let Ok(found) = self.keychain.get_many("otp:") else { return };
        let mut cache = self.seed_cache.lock().expect("seed cache");
        if self.secrets_generation.load(Ordering::SeqCst) != generation {
            return;
        }
        for (key, b32) in found {
            if let (Some(id), Ok(seed)) =
                (key.strip_prefix("otp:"), rampart_otp::base32::decode(b32.expose()))
            {
                cache.insert(id.to_owned(), seed);
            }
        }
    }

    /// Which keeping of secrets in memory this is: moves on each time they are forgotten (on
    /// lock). Read it while the app is known to be unlocked and hand it to
    /// [`Rampart::otp_prefetch_seeds`].
    pub fn secrets_generation(&self) -> u64 {
        self.secrets_generation.load(Ordering::SeqCst)
    }

    /// Reads every account's seed into memory now, in one keychain session, so that the first
    /// code list needs no keychain round trip (the desktop calls it at start, on a thread of
    /// its own, while the window is being built). Best effort, like the code list's own
    /// warm-up; nothing is kept if the app locked since `generation` was read.
    pub fn otp_prefetch_seeds(&self, generation: u64) {
        match self.store.otp_accounts_shared() {
            Ok(rows) => self.warm_seed_cache(&rows, generation),
            Err(e) => tracing::debug!("no seed prefetch: {e}"),
        }
    }

    /// Drops every seed held in memory, cached or drafted (on lock).
    pub fn forget_secrets_in_memory(&self) {
        let mut cache = self.seed_cache.lock().expect("seed cache");
        cache.clear();
        self.secrets_generation.fetch_add(1, Ordering::SeqCst);
        drop(cache);
        self.forget_drafts();
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
        let candidates = if by_label.is_empty() { &by_account } else { &by_label };
        match candidates.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(CoreError::NotFound(format!(
                "no authenticator account matches {query:?}; `rampart otp list` shows them"
            ))),
            many => {
                let ids: Vec<_> = many
                    .iter()
                    .map(|r| format!("{} ({})", r.id, label(&r.issuer, &r.account)))
                    .collect();
                Err(CoreError::InvalidInput(format!(
                    "{query:?} matches several accounts; use issuer:account, or one of these ids: {}",
                    ids.join(", ")
                )))
            }
        }
    }

    /// Stores a new account unless the same issuer, account and secret is already there.
    pub fn otp_add(&self, account: &OtpAccount) -> Result<AddOutcome> {
        if let Some(existing) = self.find_duplicate(account)? {
            return Ok(AddOutcome::Duplicate(existing));
        }
        Ok(AddOutcome::Added(self.store_account(account, AuditAction::Add)?))
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

    fn new_row(&self, account: &OtpAccount) -> OtpAccountRow {
        let p = account.params;
        OtpAccountRow {
            id: uuid::Uuid::new_v4().to_string(),
            issuer: account.issuer.clone(),
            account: account.account.clone(),
            kind: p.kind.as_str().to_owned(),
            algorithm: p.algorithm.as_str().to_owned(),
            digits: p.digits,
            period: p.period,
            counter: p.counter,
            pinned: false,
            created_at: self.now(),
        }
    }

    /// Writes the seed to the keychain, then the row and its audit entry in one transaction;
    /// removes the seed again if the transaction fails.
    fn store_account(&self, account: &OtpAccount, action: AuditAction) -> Result<String> {
        let row = self.new_row(account);
        self.keychain.set(&item(&row.id), &account.secret_base32())?;
        let subject = format!("otp:{}", account.label());
        let stored = self.store.transaction(|store| {
            store.insert_otp_account(&row)?;
            store.audit(self.now(), action, &subject)
        });
        if let Err(e) = stored {
            let _ = self.keychain.delete(&item(&row.id));
            return Err(e.into());
        }
        Ok(row.id)
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

    /// The code of every account at `at` (default now): pinned first. The seeds cached in
    /// memory are used in place (one lock, no copy); an uncached one is read from the keychain.
    pub fn otp_codes(&self, at: Option<u64>) -> Result<Vec<CodeView>> {
        let at = at.unwrap_or(self.now().max(0) as u64);
        let generation = self.secrets_generation();
        let rows = self.store.otp_accounts_shared()?;
        self.warm_seed_cache(&rows, generation);
        let mut views: Vec<Option<CodeView>> = Vec::with_capacity(rows.len());
        let mut uncached = Vec::new();
        {
            let cache = self.seed_cache.lock().expect("seed cache");
            for row in rows.iter() {
                match cache.get(&row.id) {
                    Some(seed) => views.push(Some(code_view(row, seed.expose(), at)?)),
                    None => {
                        uncached.push((views.len(), row));
                        views.push(None);
                    }
                }
            }
        }
        for (slot, row) in uncached {
            match self.seed(&row.id) {
                Ok(seed) => views[slot] = Some(code_view(row, seed.expose(), at)?),
                // One unreadable seed must not hide every other code.
                Err(CoreError::Keychain(rampart_vault::KeychainError::Missing(_))) => {
                    tracing::warn!(
                        account = %label(&row.issuer, &row.account),
                        "seed missing from the keychain; remove and re-add this account"
                    );
                }
                Err(e) => return Err(e),
            }
        }
        Ok(views.into_iter().flatten().collect())
    }

    /// The code to put on the clipboard (audited). `next` gives the following TOTP code.
    /// For HOTP the counter is advanced and saved before the code is returned.
    pub fn otp_code_for_copy(&self, query: &str, next: bool) -> Result<SecretString> {
        let mut row = self.otp_find(query)?;
        let account = self.account(&row)?;
        let code = if account.params.kind == OtpKind::Hotp {
            // Claim the counter before handing out its code; another front end may race us.
            let mut attempts = 0;
            while !self.store.advance_otp_counter(&row.id, row.counter)? {
                attempts += 1;
                if attempts > 5 {
                    return Err(CoreError::Conflict(
                        "the HOTP counter keeps changing under us; try again".into(),
                    ));
                }
                row = self.store.otp_account(&row.id)?;
            }
            rampart_otp::code_for_counter(
                &OtpAccount { params: row_params(&row)?, ..account },
                row.counter,
            )
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
        let subject = format!("otp:{}", label(&row.issuer, &row.account));
        self.store.transaction(|store| {
            store.delete_otp_account(&row.id)?;
            store.audit(self.now(), AuditAction::Delete, &subject)
        })?;
        self.seed_cache.lock().expect("seed cache").remove(&row.id);
        self.keychain.delete(&item(&row.id))?;
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
    /// Storing is all or nothing: seeds go to the keychain first, then every row and the audit
    /// entry in one transaction; on any failure the seeds written so far are removed again.
    pub fn otp_import(
        &self,
        file_name: Option<&str>,
        bytes: &[u8],
        password: Option<&SecretString>,
    ) -> Result<ImportReport> {
        let batch = Self::otp_import_parse(file_name, bytes, password)?;
        self.otp_import_parsed(batch)
    }

    /// The slow half of an import, needing no app state: size check, format detection,
    /// decryption (an Aegis or 2FAS password runs a KDF, capped per file) and parsing.
    fn otp_import_parse(
        file_name: Option<&str>,
        bytes: &[u8],
        password: Option<&SecretString>,
    ) -> Result<rampart_otp::import::ImportBatch> {
        if bytes.len() > MAX_IMPORT_BYTES {
            return Err(CoreError::InvalidInput(format!(
                "the file is {} MB; authenticator exports are far smaller (limit {} MB): pick the export file itself",
                bytes.len() / 1_000_000,
                MAX_IMPORT_BYTES / 1_000_000
            )));
        }
        Ok(rampart_otp::import::detect_and_parse(file_name, bytes, password)?)
    }

    /// Stores what [`Self::otp_import_parse`] found: duplicates and rejects are reported, the
    /// rest stored (seeds to the keychain), and the import audited.
    fn otp_import_parsed(&self, batch: rampart_otp::import::ImportBatch) -> Result<ImportReport> {
        // Decide every entry first (read-only).
        let mut entries = Vec::with_capacity(batch.items.len());
        let mut to_store = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for item in batch.items {
            let (status, reason) = match item.outcome {
                Err(reason) => (ImportStatus::Rejected, Some(reason)),
                Ok(account) => {
                    if !seen.insert(account.duplicate_key())
                        || self.find_duplicate(&account)?.is_some()
                    {
                        (
                            ImportStatus::Duplicate,
                            Some("already in Rampart with the same secret".into()),
                        )
                    } else {
                        to_store.push(account);
                        (ImportStatus::Imported, None)
                    }
                }
            };
            entries.push(ImportEntry { label: item.label, status, reason });
        }
        let report = ImportReport { format: format_name(batch.format).to_owned(), entries };
        let subject = format!(
            "otp:{} ({} imported, {} duplicate, {} rejected)",
            report.format,
            report.count(ImportStatus::Imported),
            report.count(ImportStatus::Duplicate),
            report.count(ImportStatus::Rejected)
        );
        // Then write: seeds, then rows + audit in one transaction.
        let mut written: Vec<OtpAccountRow> = Vec::with_capacity(to_store.len());
        let result = (|| {
            for account in &to_store {
                let row = self.new_row(account);
                self.keychain.set(&item(&row.id), &account.secret_base32())?;
                written.push(row);
            }
            self.store.transaction(|store| {
                for row in &written {
                    store.insert_otp_account(row)?;
                }
                store.audit(self.now(), AuditAction::Import, &subject)
            })?;
            Ok(())
        })();
        if let Err(e) = result {
            for row in &written {
                if let Err(undo) = self.keychain.delete(&item(&row.id)) {
                    tracing::error!(error = %undo, "could not remove a seed of a failed import");
                }
            }
            return Err(e);
        }
        Ok(report)
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
