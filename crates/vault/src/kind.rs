//! The kinds of credential the vault stores. A kind is metadata: it picks the badge, the
//! generator default and validation hints; the value is always one opaque secret string.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A credential's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum CredentialKind {
    Password,
    ApiToken,
    /// An S3 access key pair, stored as `ACCESS_KEY_ID:SECRET_ACCESS_KEY`.
    S3KeyPair,
    WebhookUrl,
    DatabaseUri,
    EncryptionKey,
    Note,
}

impl CredentialKind {
    /// Every kind, in display order.
    pub const ALL: [CredentialKind; 7] = [
        Self::Password,
        Self::ApiToken,
        Self::S3KeyPair,
        Self::WebhookUrl,
        Self::DatabaseUri,
        Self::EncryptionKey,
        Self::Note,
    ];

    /// The stable name used in the database, the CLI and IPC.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::ApiToken => "apiToken",
            Self::S3KeyPair => "s3KeyPair",
            Self::WebhookUrl => "webhookUrl",
            Self::DatabaseUri => "databaseUri",
            Self::EncryptionKey => "encryptionKey",
            Self::Note => "note",
        }
    }

    /// Checks a value's shape for kinds that have one. The message never quotes the value.
    pub fn validate(self, value: &str) -> Result<(), String> {
        if value.is_empty() {
            return Err(
                "the value is empty; supply the secret on stdin or in the value field".into()
            );
        }
        match self {
            Self::WebhookUrl if !value.starts_with("https://") && !value.starts_with("http://") => {
                Err("a webhook URL must start with https:// (or http:// for a local test server)"
                    .into())
            }
            Self::DatabaseUri if !value.contains("://") => {
                Err("a database URI looks like scheme://user:password@host/db".into())
            }
            Self::S3KeyPair
                if value.split_once(':').is_none_or(|(a, b)| a.is_empty() || b.is_empty()) =>
            {
                Err("an S3 key pair is stored as ACCESS_KEY_ID:SECRET_ACCESS_KEY".into())
            }
            _ => Ok(()),
        }
    }
}

impl fmt::Display for CredentialKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CredentialKind {
    type Err = String;

    /// Accepts the stable names and their kebab/snake spellings (`api-token`, `api_token`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let folded: String =
            s.chars().filter(|c| *c != '-' && *c != '_').collect::<String>().to_lowercase();
        Self::ALL.into_iter().find(|k| k.as_str().to_lowercase() == folded).ok_or_else(|| {
            let names: Vec<_> = Self::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown credential kind {s:?}; use one of {}", names.join(", "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_in_several_spellings_and_round_trip() {
        assert_eq!("api-token".parse::<CredentialKind>().unwrap(), CredentialKind::ApiToken);
        assert_eq!("s3_key_pair".parse::<CredentialKind>().unwrap(), CredentialKind::S3KeyPair);
        for k in CredentialKind::ALL {
            assert_eq!(k.as_str().parse::<CredentialKind>().unwrap(), k);
        }
        let err = "passport".parse::<CredentialKind>().unwrap_err();
        assert!(err.contains("use one of password"), "{err}");
    }

    #[test]
    fn shapes_are_checked_without_quoting_the_value() {
        let err = CredentialKind::S3KeyPair.validate("AKIAONLY").unwrap_err();
        assert!(!err.contains("AKIAONLY"));
        assert!(CredentialKind::S3KeyPair.validate("AKIA:secret").is_ok());
        assert!(CredentialKind::WebhookUrl.validate("hooks.slack.com/x").is_err());
        assert!(CredentialKind::DatabaseUri.validate("postgres://u:p@h/db").is_ok());
        assert!(CredentialKind::Note.validate("").is_err());
    }
}
