//! Adopting backups made before manifests were signed: after the user has seen an unsigned
//! backup in a list and confirmed it is theirs, this machine signs its manifest's bytes as they
//! are, so it becomes trusted like a new backup. The refusal rule stays: nothing unsigned is
//! ever acted upon until someone vouched for it.
//!
//! What is checked first: the backup is unsigned (a backup signed by an unknown key is another
//! machine's: trust that key instead; a bad signature means tampering), its keys match its id and
//! source, the manifest's bytes are still the ones listed (so a manifest swapped between the
//! list and the confirmation is not signed), and the object exists with the size it names.

use crate::engine::{Backup, Engine};
use crate::error::{BackupError, Result};
use crate::manifest::MANIFEST_MAX_BYTES;
use crate::signing::{ManifestSigner, Trust};
use sha2::{Digest, Sha256};

impl Engine {
    /// Signs an unsigned backup's manifest with `signer` (see the module doc).
    pub async fn adopt(&self, backup: &Backup, signer: &ManifestSigner) -> Result<()> {
        let m = &backup.manifest;
        let refuse = |why: String| {
            BackupError::Config(format!("backup {}/{} cannot be adopted: {why}", m.source, m.id))
        };
        if backup.trust() != &Trust::Unsigned {
            return Err(refuse(format!(
                "only unsigned backups are adopted, and its manifest is {}",
                backup.trust().describe()
            )));
        }
        self.layout.check_placement(&backup.manifest_key, m).map_err(refuse)?;
        let timeout = self.store.manifest_timeout;
        let bytes = self
            .store
            .get_small(&backup.manifest_key, MANIFEST_MAX_BYTES, timeout)
            .await?
            .ok_or_else(|| refuse("its manifest is gone".into()))?;
        if hex::encode(Sha256::digest(&bytes)) != backup.manifest_sha256() {
            return Err(refuse(
                "its manifest changed since it was listed; list the backups again and check it"
                    .into(),
            ));
        }
        match self.store.head(&m.object).await? {
            Some(size) if size == m.ciphertext_size => {}
            other => {
                return Err(refuse(format!(
                    "its object {} holds {other:?} bytes, the manifest says {}",
                    m.object, m.ciphertext_size
                )));
            }
        }
        let comment = format!("rampart-backup {}/{} object {} (adopted)", m.source, m.id, m.object);
        let signature = signer.sign(&bytes, &comment);
        self.store
            .put_if_absent(&backup.signature_key(), signature.into_bytes(), "text/plain")
            .await
    }
}
