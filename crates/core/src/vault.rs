//! Vault operations: credentials whose values are keychain items (`credential:<id>`) and whose
//! metadata (name, kind, tags, dates) is a row in SQLite. Adding writes the keychain first and
//! rolls it back if the row cannot be written, so a failure leaves nothing half-stored.

use crate::views::CredentialView;
use crate::{AuditAction, CoreError, CredentialKind, Rampart, Result, SecretString};
use rampart_store::credentials::CredentialRow;
use rampart_vault::generate;
pub use rampart_vault::generate::Encoding;
use std::path::Path;

pub(crate) fn item(id: &str) -> String {
    format!("credential:{id}")
}

fn subject(name: &str) -> String {
    format!("vault:{name}")
}

/// Names are shown and typed in shells: keep them simple.
fn validate_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name.chars().all(|c| c.is_alphanumeric() || "-_./@:".contains(c));
    if ok {
        Ok(())
    } else {
        Err(CoreError::InvalidInput(format!(
            "{name:?} is not a valid name: use 1-128 letters, digits and - _ . / @ :"
        )))
    }
}

impl Rampart {
    fn view(&self, row: CredentialRow, rotate_after_days: u32) -> CredentialView {
        CredentialView::from_row(row, self.now(), rotate_after_days)
    }

    /// Adds a credential. Fails with a conflict when the name is taken.
    pub fn vault_add(
        &self,
        name: &str,
        kind: CredentialKind,
        value: &SecretString,
        tags: Vec<String>,
    ) -> Result<CredentialView> {
        validate_name(name)?;
        kind.validate(value.expose()).map_err(CoreError::InvalidInput)?;
        if self.store.credential_by_name(name).is_ok() {
            return Err(CoreError::Conflict(format!(
                "the name {name:?} is already in use; pick another name or rotate the existing one"
            )));
        }
        let now = self.now();
        let row = CredentialRow {
            id: uuid::Uuid::new_v4().to_string(),
            name: name.to_owned(),
            kind: kind.as_str().to_owned(),
            tags: tags.into_iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect(),
            created_at: now,
            rotated_at: now,
        };
        self.keychain.set(&item(&row.id), value)?;
        let stored = self.store.transaction(|store| {
            store.insert_credential(&row)?;
            store.audit(self.now(), AuditAction::Add, &subject(name))
        });
        if let Err(e) = stored {
            let _ = self.keychain.delete(&item(&row.id));
            return Err(e.into());
        }
        Ok(self.view(row, self.settings()?.rotate_after_days))
    }

    /// Every credential, by name.
    pub fn vault_list(&self) -> Result<Vec<CredentialView>> {
        let days = self.settings()?.rotate_after_days;
        Ok(self.store.list_credentials()?.into_iter().map(|r| self.view(r, days)).collect())
    }

    /// Credentials whose name, kind or tags contain `needle`.
    pub fn vault_search(&self, needle: &str) -> Result<Vec<CredentialView>> {
        let days = self.settings()?.rotate_after_days;
        Ok(self.store.search_credentials(needle)?.into_iter().map(|r| self.view(r, days)).collect())
    }

    /// Finds a credential by name or id.
    pub fn vault_find(&self, name_or_id: &str) -> Result<CredentialView> {
        let row = self
            .store
            .credential_by_name(name_or_id)
            .or_else(|_| self.store.credential_by_id(name_or_id))
            .map_err(|_| {
                CoreError::NotFound(format!(
                    "no credential named {name_or_id:?}; `rampart vault list` shows them"
                ))
            })?;
        Ok(self.view(row, self.settings()?.rotate_after_days))
    }

    /// The value, for an explicit reveal (audited as `reveal`).
    pub fn vault_reveal(&self, name_or_id: &str) -> Result<SecretString> {
        self.vault_read(name_or_id, AuditAction::Reveal)
    }

    /// The value, for a copy to the clipboard (audited as `copy`).
    pub fn vault_value_for_copy(&self, name_or_id: &str) -> Result<SecretString> {
        self.vault_read(name_or_id, AuditAction::Copy)
    }

    fn vault_read(&self, name_or_id: &str, action: AuditAction) -> Result<SecretString> {
        let view = self.vault_find(name_or_id)?;
        let value = self.keychain.get(&item(&view.id))?;
        self.audit(action, &subject(&view.name))?;
        Ok(value)
    }

    /// Replaces the value; the creation date is kept, the rotation date is now.
    pub fn vault_rotate(&self, name_or_id: &str, value: &SecretString) -> Result<CredentialView> {
        let view = self.vault_find(name_or_id)?;
        view.kind.validate(value.expose()).map_err(CoreError::InvalidInput)?;
        let previous = self.keychain.get(&item(&view.id))?;
        self.keychain.set(&item(&view.id), value)?;
        let recorded = self.store.transaction(|store| {
            store.mark_rotated(&view.id, self.now())?;
            store.audit(self.now(), AuditAction::Rotate, &subject(&view.name))
        });
        if let Err(e) = recorded {
            // Put the old value back: the metadata still describes it.
            let _ = self.keychain.set(&item(&view.id), &previous);
            return Err(e.into());
        }
        self.vault_find(&view.id)
    }

    /// Renames a credential; the keychain item (keyed by id) is untouched.
    pub fn vault_rename(&self, name_or_id: &str, new_name: &str) -> Result<CredentialView> {
        validate_name(new_name)?;
        let view = self.vault_find(name_or_id)?;
        self.store.transaction(|store| {
            store.rename_credential(&view.id, new_name)?;
            store.audit(
                self.now(),
                AuditAction::Rename,
                &format!("vault:{} -> {new_name}", view.name),
            )
        })?;
        self.vault_find(&view.id)
    }

    /// Deletes the keychain item and the row.
    pub fn vault_delete(&self, name_or_id: &str) -> Result<()> {
        let view = self.vault_find(name_or_id)?;
        self.store.transaction(|store| {
            store.delete_credential(&view.id)?;
            store.audit(self.now(), AuditAction::Delete, &subject(&view.name))
        })?;
        self.keychain.delete(&item(&view.id))?;
        Ok(())
    }

    /// Generates `bytes` random bytes as hex/base64 and stores them under `name`; the value is
    /// returned only when the caller asked to see it once.
    /// `reveal` = the caller will show the value once (audited as a reveal).
    pub fn vault_generate(
        &self,
        name: &str,
        kind: CredentialKind,
        bytes: usize,
        encoding: Encoding,
        reveal: bool,
    ) -> Result<(CredentialView, Option<SecretString>)> {
        let value = generate::random_secret(&mut rand::rng(), bytes, encoding)
            .map_err(CoreError::InvalidInput)?;
        let view = self.vault_add(name, kind, &value, Vec::new())?;
        if !reveal {
            return Ok((view, None));
        }
        self.audit(AuditAction::Reveal, &subject(name))?;
        Ok((view, Some(value)))
    }

    /// Writes the credential as `KEY=value` into a git-ignored `.env` file.
    pub fn vault_export_env(&self, name_or_id: &str, env_file: &Path, key: &str) -> Result<()> {
        let view = self.vault_find(name_or_id)?;
        let value = self.keychain.get(&item(&view.id))?;
        rampart_vault::dotenv::write_env_line(env_file, key, &value).map_err(|e| match e {
            rampart_vault::dotenv::DotenvError::Io { .. } => CoreError::Io(e.to_string()),
            _ => CoreError::InvalidInput(e.to_string()),
        })?;
        self.audit(AuditAction::Export, &format!("vault:{} -> {}", view.name, env_file.display()))?;
        Ok(())
    }
}
