//! age X25519 keys: generating an identity (the caller stores it in the keychain), parsing
//! public recipients (`age1...`) and identities (`AGE-SECRET-KEY-1...`, from a string or an
//! identity file as `age-keygen` writes it). Backups need only recipients; restores need an
//! identity. Parse errors never echo the text they were given.

use crate::error::{BackupError, Result};
use age::secrecy::ExposeSecret;
use rampart_sensitive::SecretString;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// A freshly generated identity and its public key.
#[derive(Debug)]
pub struct GeneratedKey {
    /// `AGE-SECRET-KEY-1...`: store it in the keychain, never on disk unencrypted.
    pub identity: SecretString,
    /// `age1...`: give it to every machine that makes backups.
    pub recipient: Recipient,
}

/// Generates a new X25519 identity.
pub fn generate() -> GeneratedKey {
    let identity = age::x25519::Identity::generate();
    let recipient = Recipient(identity.to_public());
    GeneratedKey {
        identity: SecretString::new(identity.to_string().expose_secret().to_owned()),
        recipient,
    }
}

/// A public key backups are encrypted to.
#[derive(Clone)]
pub struct Recipient(age::x25519::Recipient);

impl Recipient {
    /// Parses `age1...`.
    pub fn parse(text: &str) -> Result<Self> {
        age::x25519::Recipient::from_str(text.trim()).map(Self).map_err(|e| {
            BackupError::Config(format!(
                "{:?} is not an age X25519 public key ({e}); it should start with age1",
                text.trim()
            ))
        })
    }

    pub(crate) fn inner(&self) -> &age::x25519::Recipient {
        &self.0
    }
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Recipient({})", self.0)
    }
}

impl PartialEq for Recipient {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

/// One or more identities to decrypt with. Debug prints only the public keys.
#[derive(Clone)]
pub struct Identities {
    keys: Vec<age::x25519::Identity>,
}

impl Identities {
    /// Parses identity text: one `AGE-SECRET-KEY-1...` per line; blank lines and `#` comments
    /// (as `age-keygen` writes them) are skipped.
    pub fn parse(text: &SecretString) -> Result<Self> {
        let mut keys = Vec::new();
        for (n, line) in text.expose().lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let key = age::x25519::Identity::from_str(line).map_err(|_| {
                BackupError::Config(format!(
                    "line {} of the identity is not an age X25519 identity (AGE-SECRET-KEY-1...)",
                    n + 1
                ))
            })?;
            keys.push(key);
        }
        if keys.is_empty() {
            return Err(BackupError::Config(
                "the identity holds no AGE-SECRET-KEY-1... line".into(),
            ));
        }
        Ok(Self { keys })
    }

    /// Reads and parses an identity file.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            BackupError::io(format!("cannot read the identity file {}", path.display()), e)
        })?;
        Self::parse(&SecretString::new(text))
    }

    /// The public keys that belong to these identities.
    pub fn recipients(&self) -> Vec<Recipient> {
        self.keys.iter().map(|k| Recipient(k.to_public())).collect()
    }

    pub(crate) fn as_dyn(&self) -> impl Iterator<Item = &dyn age::Identity> {
        self.keys.iter().map(|k| k as &dyn age::Identity)
    }
}

impl fmt::Debug for Identities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identities").field("recipients", &self.recipients()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_identity_parses_back_to_its_recipient() {
        let key = generate();
        assert!(key.identity.expose().starts_with("AGE-SECRET-KEY-1"));
        assert!(key.recipient.to_string().starts_with("age1"));
        let text = SecretString::new(format!(
            "# created: now\n# public key: {}\n{}\n",
            key.recipient,
            key.identity.expose()
        ));
        let ids = Identities::parse(&text).unwrap();
        assert_eq!(ids.recipients(), vec![key.recipient.clone()]);
        assert!(!format!("{ids:?}").contains("AGE-SECRET-KEY"));
        assert_eq!(format!("{:?}", key.identity), "<redacted>");
    }

    #[test]
    fn bad_keys_are_refused_without_echoing_secrets() {
        let err = Identities::parse(&SecretString::new("AGE-SECRET-KEY-1NOTREALLY".into()))
            .unwrap_err()
            .to_string();
        assert!(!err.contains("NOTREALLY"), "{err}");
        assert!(Identities::parse(&SecretString::new("# nothing\n".into())).is_err());
        assert!(Recipient::parse("age1nope").is_err());
    }
}
