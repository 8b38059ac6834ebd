//! This machine's manifest-signing key and the keys it trusts. The secret key is one keychain
//! item (`backup-signing-key`), made on the first backup (or `rampart backup keys show`); it is
//! read only to build the signer of a run or an adoption, never shown, exported or logged. The
//! public key and the trusted keys of other machines are settings (public, not secrets). The
//! machine's own key is always trusted. Adding or removing a trusted key is audited.
//!
//! Adopting: backups made before manifests were signed list as unsigned and are refused like
//! planted ones until the user confirms, one by one or for a whole source, that they are theirs;
//! then this machine signs them (see `rampart_backup`'s `adopt`).

use super::ops::BackupView;
use super::{SIGNING_KEY_ITEM, SIGNING_PUBLIC_SETTING, TRUSTED_KEYS_SETTING, backup_error};
use crate::{AuditAction, CoreError, Rampart, Result};
use rampart_backup::{ManifestSigner, SigningPublicKey, Trust, TrustedKeys};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A trusted key as stored in the settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredKey {
    key: SigningPublicKey,
    name: String,
    added_at: i64,
}

/// A trusted signing key, for lists (`rampart backup keys list --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustedKeyView {
    /// minisign's key id (16 hex digits).
    pub key_id: String,
    /// The public key (`RW...`), as `minisign -P` and `rampart backup keys trust` take it.
    pub public_key: String,
    /// A name for people ("this machine", or what `trust --name` gave).
    pub name: String,
    pub this_machine: bool,
    /// Unix seconds; 0 for this machine's key.
    pub added_at: i64,
}

fn view(key: &SigningPublicKey, name: &str, this_machine: bool, added_at: i64) -> TrustedKeyView {
    TrustedKeyView {
        key_id: key.key_id(),
        public_key: key.to_base64(),
        name: name.to_owned(),
        this_machine,
        added_at,
    }
}

impl Rampart {
    /// This machine's public signing key, made (and its secret kept in the keychain) if there
    /// is none yet. Audited when made.
    pub fn backup_signing_key(&self) -> Result<SigningPublicKey> {
        if self.keychain.contains(SIGNING_KEY_ITEM)? {
            let signer = ManifestSigner::from_secret(&self.keychain.get(SIGNING_KEY_ITEM)?)
                .map_err(backup_error)?;
            let public = signer.public_key();
            if self.store.setting::<SigningPublicKey>(SIGNING_PUBLIC_SETTING)? != Some(public) {
                self.store.set_setting(SIGNING_PUBLIC_SETTING, &public)?;
            }
            return Ok(public);
        }
        let generated = ManifestSigner::generate();
        self.keychain.set(SIGNING_KEY_ITEM, &generated.secret)?;
        let public = generated.public;
        let recorded = self.store.transaction(|store| {
            store.set_setting(SIGNING_PUBLIC_SETTING, &public)?;
            store.audit(
                self.now(),
                AuditAction::Keygen,
                &format!("backup-signing-key:{}", public.key_id()),
            )
        });
        if let Err(e) = recorded {
            let _ = self.keychain.delete(SIGNING_KEY_ITEM);
            return Err(e.into());
        }
        tracing::info!(key_id = %public.key_id(), "made this machine's backup signing key");
        Ok(public)
    }

    /// The signer of this machine's manifests (the secret key read from the keychain).
    pub fn backup_signer(&self) -> Result<Arc<ManifestSigner>> {
        self.backup_signing_key()?;
        let signer = ManifestSigner::from_secret(&self.keychain.get(SIGNING_KEY_ITEM)?)
            .map_err(backup_error)?;
        Ok(Arc::new(signer))
    }

    fn stored_keys(&self) -> Result<Vec<StoredKey>> {
        Ok(self.store.setting::<Vec<StoredKey>>(TRUSTED_KEYS_SETTING)?.unwrap_or_default())
    }

    /// The keys whose manifests are acted upon: this machine's (if made) and the trusted ones.
    /// No keychain read.
    pub fn backup_trusted_keys(&self) -> Result<TrustedKeys> {
        let own = self.store.setting::<SigningPublicKey>(SIGNING_PUBLIC_SETTING)?;
        Ok(TrustedKeys::new(own.into_iter().chain(self.stored_keys()?.into_iter().map(|k| k.key))))
    }

    /// Every trusted key, this machine's first.
    pub fn backup_keys_list(&self) -> Result<Vec<TrustedKeyView>> {
        let own = self.store.setting::<SigningPublicKey>(SIGNING_PUBLIC_SETTING)?;
        let mut out: Vec<_> = own.iter().map(|k| view(k, "this machine", true, 0)).collect();
        out.extend(self.stored_keys()?.iter().map(|k| view(&k.key, &k.name, false, k.added_at)));
        Ok(out)
    }

    /// Trusts another machine's key (the `RW...` line that `rampart backup keys show` prints
    /// there). Audited.
    pub fn backup_key_trust(&self, key: &str, name: &str) -> Result<TrustedKeyView> {
        let key = SigningPublicKey::parse(key).map_err(backup_error)?;
        let name = name.trim();
        if name.chars().any(char::is_control) || name.len() > 100 {
            return Err(CoreError::InvalidInput(
                "the key's name must be one line of at most 100 characters".into(),
            ));
        }
        if self.backup_trusted_keys()?.keys().contains(&key) {
            return Err(CoreError::Conflict(format!(
                "the key {} is already trusted",
                key.key_id()
            )));
        }
        let mut keys = self.stored_keys()?;
        let entry = StoredKey { key, name: name.to_owned(), added_at: self.now() };
        keys.push(entry.clone());
        self.store.transaction(|store| {
            store.set_setting(TRUSTED_KEYS_SETTING, &keys)?;
            store.audit(
                self.now(),
                AuditAction::Settings,
                &format!("backup-trusted-key:{} added", key.key_id()),
            )
        })?;
        Ok(view(&entry.key, &entry.name, false, entry.added_at))
    }

    /// Stops trusting a key (by key id or public key). This machine's own key stays. Audited.
    pub fn backup_key_untrust(&self, key: &str) -> Result<()> {
        let wanted = key.trim();
        let matches = |k: &SigningPublicKey| {
            k.key_id().eq_ignore_ascii_case(wanted) || k.to_base64() == wanted
        };
        let own = self.store.setting::<SigningPublicKey>(SIGNING_PUBLIC_SETTING)?;
        if own.as_ref().is_some_and(matches) {
            return Err(CoreError::InvalidInput(
                "this machine's own key is always trusted; it cannot be removed".into(),
            ));
        }
        let mut keys = self.stored_keys()?;
        let before = keys.len();
        keys.retain(|k| !matches(&k.key));
        if keys.len() == before {
            return Err(CoreError::NotFound(format!(
                "no trusted key {wanted:?}; `rampart backup keys list` shows them"
            )));
        }
        self.store.transaction(|store| {
            store.set_setting(TRUSTED_KEYS_SETTING, &keys)?;
            store.audit(
                self.now(),
                AuditAction::Settings,
                &format!("backup-trusted-key:{wanted} removed"),
            )
        })?;
        Ok(())
    }

    /// The unsigned backups of a source (those `backup_adopt` would sign), oldest first.
    pub async fn backup_unsigned(&self, source: &str) -> Result<Vec<BackupView>> {
        let ctx = self.backup_context(source)?;
        let list = ctx.list().await?;
        Ok(list.iter().filter(|b| b.trust() == &Trust::Unsigned).map(BackupView::from).collect())
    }

    /// Signs the unsigned backups of `source` named in `ids` with this machine's key, after the
    /// user confirmed they are theirs. `listed` gives each one's manifest hash as shown, so a
    /// manifest swapped since is refused. Returns the adopted ids. Audited.
    pub async fn backup_adopt(&self, source: &str, listed: &[BackupView]) -> Result<Vec<String>> {
        let ctx = self.backup_context(source)?;
        let signer = self.backup_signer()?;
        let current = ctx.list().await?;
        let mut adopted = Vec::new();
        for want in listed {
            let Some(b) = current.iter().find(|b| b.manifest.id == want.id) else {
                return Err(CoreError::NotFound(format!(
                    "backup {source}/{} is gone; list the backups again",
                    want.id
                )));
            };
            if b.manifest_sha256() != want.manifest_sha256 {
                return Err(CoreError::Conflict(format!(
                    "backup {source}/{}'s manifest changed since it was listed; nothing more was \
                     adopted. List the unsigned backups again and check them",
                    want.id
                )));
            }
            ctx.engine.adopt(b, &signer).await.map_err(backup_error)?;
            self.audit(AuditAction::Settings, &format!("backup:{source}/{} adopted", want.id))?;
            adopted.push(want.id.clone());
        }
        Ok(adopted)
    }
}
