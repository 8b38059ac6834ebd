//! Backup configuration: the age identity (keygen keeps it in the keychain as one item and
//! returns only the public key; the break-glass export is the one place it is shown, with the
//! trusted manifest-signing keys a new machine needs), S3
//! targets and sources, validated when added (names, URLs, vault credentials, age recipients,
//! cron, the directory). Each store write shares a transaction with its audit entry; a keychain
//! write is undone when the store write fails.

use super::{
    EnvSecret, IDENTITY_ITEM, PUBLIC_KEY_SETTING, SourceSpec, SourceView, SourceWhat, TargetSpec,
    backup_error, schedule, validate_name,
};
use crate::{AuditAction, CoreError, Rampart, Result, SecretString};
use rampart_backup::{Identities, Recipient, S3Target, keys};
use rampart_store::backups::{SourceRow, TargetRow};
use std::path::Path;

/// The break-glass copy of the identity: print it, put it in a safe, then delete the file.
/// Not serializable, and Debug prints only the public key: it crosses to a UI only through an
/// explicit reveal.
pub struct IdentityExport {
    /// An `age-keygen`-style identity file (`age -d -i FILE` reads it).
    pub text: SecretString,
    /// A QR code of the `AGE-SECRET-KEY-1...` line (PNG bytes, and an SVG document).
    pub qr_png: Vec<u8>,
    pub qr_svg: String,
    pub public_key: String,
    /// The manifest-signing keys this machine trusts (its own first), as `RW...` lines: on a
    /// new machine, `rampart backup keys trust KEY` each, or restores are refused.
    pub trusted_keys: Vec<String>,
    pub warning: &'static str,
}

impl std::fmt::Debug for IdentityExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityExport")
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

/// Shown with every export.
pub const EXPORT_WARNING: &str = "WARNING: this is the private key of your backups. Anyone who \
     holds it can read every backup encrypted to it. Print it or write it down, keep it offline \
     in a safe place, and never store it unencrypted on a shared disk or in chat.";

fn credential_item(id: &str) -> String {
    format!("credential:{id}")
}

impl Rampart {
    /// Creates the age identity, keeps it in the keychain and returns its public key. Refuses
    /// when one exists: replacing it would make every earlier backup unreadable.
    pub fn backup_keygen(&self) -> Result<String> {
        if self.keychain.contains(IDENTITY_ITEM)? {
            let public = self.backup_public_key()?.unwrap_or_default();
            return Err(CoreError::Conflict(format!(
                "a backup identity already exists (public key {public}); replacing it would make \
                 earlier backups unreadable. Use the existing one (`rampart backup export-identity` \
                 for a break-glass copy)"
            )));
        }
        let key = keys::generate();
        let public = key.recipient.to_string();
        self.keychain.set(IDENTITY_ITEM, &key.identity)?;
        let recorded = self.store.transaction(|store| {
            store.set_setting(PUBLIC_KEY_SETTING, &public)?;
            store.audit(self.now(), AuditAction::Keygen, &format!("backup-identity:{public}"))
        });
        if let Err(e) = recorded {
            let _ = self.keychain.delete(IDENTITY_ITEM);
            return Err(e.into());
        }
        Ok(public)
    }

    /// The identity's public key, if keygen ran here.
    pub fn backup_public_key(&self) -> Result<Option<String>> {
        Ok(self.store.setting::<String>(PUBLIC_KEY_SETTING)?)
    }

    /// The identities to restore with: from an identity file, or the keychain.
    pub fn backup_identities(&self, file: Option<&Path>) -> Result<Identities> {
        if let Some(path) = file {
            return Identities::from_file(path).map_err(backup_error);
        }
        if !self.keychain.contains(IDENTITY_ITEM)? {
            return Err(CoreError::NotFound(
                "no backup identity in the keychain: run `rampart backup keygen` on this machine, \
                 or pass --identity FILE (the break-glass copy)"
                    .into(),
            ));
        }
        Identities::parse(&self.keychain.get(IDENTITY_ITEM)?).map_err(backup_error)
    }

    /// Break-glass export: the identity as text and QR. Audited.
    pub fn backup_export_identity(&self) -> Result<IdentityExport> {
        let ids = self.backup_identities(None)?;
        let identity = self.keychain.get(IDENTITY_ITEM)?;
        let public = ids.recipients().first().map(ToString::to_string).unwrap_or_default();
        let created = time::OffsetDateTime::from_unix_timestamp(self.now())
            .ok()
            .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
            .unwrap_or_default();
        // This machine's signing key is in the copy even before its first backup.
        self.backup_signing_key()?;
        let trusted = self.backup_keys_list()?;
        let mut keys_text = String::from(
            "# manifest-signing keys trusted here; on a new machine run\n\
             # `rampart backup keys trust KEY` for each, or its restores are refused:\n",
        );
        for k in &trusted {
            keys_text
                .push_str(&format!("#   {} ({}, key id {})\n", k.public_key, k.name, k.key_id));
        }
        let text = SecretString::new(format!(
            "# Rampart backup identity (break-glass copy), exported {created}\n\
             # public key: {public}\n{keys_text}{}\n",
            identity.expose().trim()
        ));
        let qr_png = rampart_otp::qr::png(&identity)?;
        let qr_svg = rampart_otp::qr::svg(&identity)?;
        self.audit(AuditAction::Export, "backup-identity")?;
        let trusted_keys = trusted.into_iter().map(|k| k.public_key).collect();
        Ok(IdentityExport {
            text,
            qr_png,
            qr_svg,
            public_key: public,
            trusted_keys,
            warning: EXPORT_WARNING,
        })
    }

    /// The value of a vault credential, for use (not a reveal: nothing is shown).
    pub(crate) fn vault_value(&self, name: &str) -> Result<SecretString> {
        let view = self.vault_find(name)?;
        Ok(self.keychain.get(&credential_item(&view.id))?)
    }

    /// Adds an S3 target; its credentials must exist in the vault.
    pub fn backup_target_add(&self, spec: &TargetSpec) -> Result<TargetSpec> {
        validate_name("target", &spec.name)?;
        if let Some(url) = &spec.endpoint {
            let ok = (url.starts_with("http://") || url.starts_with("https://"))
                && url.len() > "https://".len();
            if !ok {
                return Err(CoreError::InvalidInput(format!(
                    "the endpoint {url:?} must be an http:// or https:// URL"
                )));
            }
        }
        if spec.bucket.trim().is_empty() || spec.region.trim().is_empty() {
            return Err(CoreError::InvalidInput("a target needs a bucket and a region".into()));
        }
        for name in [&spec.access_key_from, &spec.secret_key_from] {
            self.vault_find(name)?;
        }
        let row = TargetRow {
            name: spec.name.clone(),
            endpoint: spec.endpoint.clone(),
            region: spec.region.clone(),
            bucket: spec.bucket.clone(),
            prefix: spec.prefix.trim_matches('/').to_owned(),
            path_style: spec.path_style,
            access_key_from: spec.access_key_from.clone(),
            secret_key_from: spec.secret_key_from.clone(),
            storage_class: spec.storage_class.clone(),
            created_at: self.now(),
        };
        self.store.transaction(|store| {
            store.insert_backup_target(&row)?;
            store.audit(self.now(), AuditAction::Add, &format!("backup-target:{}", row.name))
        })?;
        Ok(target_spec(row))
    }

    /// Every target, by name.
    pub fn backup_targets(&self) -> Result<Vec<TargetSpec>> {
        Ok(self.store.list_backup_targets()?.into_iter().map(target_spec).collect())
    }

    /// Removes a target no source uses.
    pub fn backup_target_remove(&self, name: &str) -> Result<()> {
        let users: Vec<String> = self
            .store
            .list_backup_sources()?
            .into_iter()
            .filter(|s| s.target == name)
            .map(|s| s.name)
            .collect();
        if !users.is_empty() {
            return Err(CoreError::Conflict(format!(
                "the target {name} is used by the sources {}; remove them first",
                users.join(", ")
            )));
        }
        self.store.transaction(|store| {
            store.delete_backup_target(name)?;
            store.audit(self.now(), AuditAction::Delete, &format!("backup-target:{name}"))
        })?;
        Ok(())
    }

    /// The engine target for `name`, with its keys read from the vault now.
    pub(crate) fn s3_target(&self, name: &str) -> Result<S3Target> {
        let row = self.store.backup_target(name)?;
        let access = self.vault_value(&row.access_key_from)?;
        let secret = self.vault_value(&row.secret_key_from)?;
        let mut t =
            S3Target::new(row.endpoint, row.region, row.bucket, access.expose().trim(), secret);
        t.prefix = row.prefix;
        t.path_style = row.path_style;
        t.storage_class = row.storage_class;
        Ok(t)
    }

    /// Adds a source after checking everything it refers to.
    pub fn backup_source_add(&self, spec: &SourceSpec) -> Result<SourceView> {
        validate_name("source", &spec.name)?;
        self.store.backup_target(&spec.target).map_err(|_| {
            CoreError::NotFound(format!(
                "no backup target named {:?}; add it first with `rampart backup target add`",
                spec.target
            ))
        })?;
        if spec.recipients.is_empty() {
            return Err(CoreError::InvalidInput(
                "a source needs at least one --recipient (an age public key, age1...; \
                 `rampart backup keygen` prints one)"
                    .into(),
            ));
        }
        for r in &spec.recipients {
            Recipient::parse(r).map_err(backup_error)?;
        }
        if let Some(cron) = &spec.schedule {
            schedule::parse(cron)?;
        }
        for EnvSecret { var, from } in &spec.env {
            let ok = !var.is_empty()
                && !var.starts_with(|c: char| c.is_ascii_digit())
                && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ok {
                return Err(CoreError::InvalidInput(format!(
                    "{var:?} is not an environment variable name (letters, digits, _)"
                )));
            }
            self.vault_find(from)?;
        }
        let (kind, path, excludes, command) = match &spec.what {
            SourceWhat::Dir { path, excludes } => {
                if !path.is_dir() {
                    return Err(CoreError::InvalidInput(format!(
                        "{} is not a directory; give the directory to back up",
                        path.display()
                    )));
                }
                if !spec.env.is_empty() {
                    return Err(CoreError::InvalidInput(
                        "--env applies to command sources only".into(),
                    ));
                }
                let abs = std::path::absolute(path).map_err(|e| CoreError::Io(e.to_string()))?;
                ("dir", Some(abs.display().to_string()), excludes.clone(), None)
            }
            SourceWhat::Command { argv } => {
                if argv.first().is_none_or(|p| p.is_empty()) {
                    return Err(CoreError::InvalidInput("the command is empty".into()));
                }
                ("command", None, Vec::new(), Some(argv.clone()))
            }
        };
        let row = SourceRow {
            name: spec.name.clone(),
            kind: kind.into(),
            path,
            excludes,
            command,
            env: spec.env.iter().map(|e| (e.var.clone(), e.from.clone())).collect(),
            target: spec.target.clone(),
            recipients: spec.recipients.iter().map(|r| r.trim().to_owned()).collect(),
            schedule: spec.schedule.clone().filter(|s| !s.trim().is_empty()),
            retention: serde_json::to_string(&spec.retention)
                .map_err(|e| CoreError::Internal(e.to_string()))?,
            created_at: self.now(),
        };
        self.store.transaction(|store| {
            store.insert_backup_source(&row)?;
            store.audit(self.now(), AuditAction::Add, &format!("backup-source:{}", row.name))
        })?;
        self.backup_source(&row.name)
    }

    /// Removes a source and its history (the backups in S3 stay).
    pub fn backup_source_remove(&self, name: &str) -> Result<()> {
        self.store.transaction(|store| {
            store.delete_backup_source(name)?;
            store.audit(self.now(), AuditAction::Delete, &format!("backup-source:{name}"))
        })?;
        Ok(())
    }

    /// One source with its last run and drill.
    pub fn backup_source(&self, name: &str) -> Result<SourceView> {
        let row = self.store.backup_source(name).map_err(|_| {
            CoreError::NotFound(format!(
                "no backup source named {name:?}; `rampart backup source list` shows them"
            ))
        })?;
        self.source_view(row)
    }

    /// Every source, by name.
    pub fn backup_sources(&self) -> Result<Vec<SourceView>> {
        self.store.list_backup_sources()?.into_iter().map(|r| self.source_view(r)).collect()
    }

    fn source_view(&self, row: SourceRow) -> Result<SourceView> {
        let last_run = self.backup_runs(Some(&row.name), 1)?.pop();
        let last_drill = self.last_drill(&row.name)?;
        let created_at = row.created_at;
        Ok(SourceView { spec: source_spec(row)?, created_at, last_run, last_drill })
    }
}

fn target_spec(row: TargetRow) -> TargetSpec {
    TargetSpec {
        name: row.name,
        endpoint: row.endpoint,
        region: row.region,
        bucket: row.bucket,
        prefix: row.prefix,
        path_style: row.path_style,
        access_key_from: row.access_key_from,
        secret_key_from: row.secret_key_from,
        storage_class: row.storage_class,
    }
}

pub(crate) fn source_spec(row: SourceRow) -> Result<SourceSpec> {
    let what = match (row.kind.as_str(), row.path, row.command) {
        ("dir", Some(path), _) => SourceWhat::Dir { path: path.into(), excludes: row.excludes },
        ("command", _, Some(argv)) => SourceWhat::Command { argv },
        _ => {
            return Err(CoreError::Internal(format!(
                "the stored source {} is incomplete; remove and add it again",
                row.name
            )));
        }
    };
    Ok(SourceSpec {
        name: row.name,
        what,
        env: row.env.into_iter().map(|(var, from)| EnvSecret { var, from }).collect(),
        target: row.target,
        recipients: row.recipients,
        schedule: row.schedule,
        retention: serde_json::from_str(&row.retention).unwrap_or_default(),
    })
}
