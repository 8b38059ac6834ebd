//! Manifest signatures, in minisign's format so an operator can check one by hand:
//!
//! ```text
//! aws s3 cp s3://B/PREFIX/SRC/2026/03/04/ID.manifest.json .
//! aws s3 cp s3://B/PREFIX/SRC/2026/03/04/ID.manifest.json.minisig .
//! minisign -V -P RWQ...(the machine's public key) -m ID.manifest.json
//! ```
//!
//! Why a detached `<id>.manifest.json.minisig` object rather than a signature inside the
//! manifest: the signature then covers the exact bytes stored (no canonical JSON to define and
//! get wrong), the manifest stays the plain JSON that stock tools and older Rampart read, and the
//! stock `minisign` tool verifies the pair as they sit in the bucket. The signature is written
//! before the manifest (the manifest still commits a backup), so a signed backup never exists
//! unsigned, even for a moment; a lone signature is a leftover that cleanup removes.
//!
//! Keys: each backing-up machine has one Ed25519 key (ed25519-dalek), the secret kept in the OS
//! keychain by the front end and handed over as a [`SecretString`]; it leaves that string only
//! into the [`ManifestSigner`], whose Debug prints the public key alone. Signatures are
//! minisign's prehashed `ED` kind (Ed25519 over BLAKE2b-512 of the bytes) plus the global
//! signature over the trusted comment; verification is minisign's own (`minisign-verify`), and
//! legacy (non-prehashed) signatures are refused.

use crate::error::{BackupError, Result};
use blake2::{Blake2b512, Digest};
use data_encoding::BASE64;
use ed25519_dalek::Signer;
use rampart_sensitive::SecretString;
use serde::{Deserialize, Serialize};
use std::fmt;
use zeroize::Zeroizing;

/// The suffix of signature keys: `<manifest key>.minisig`.
pub const SIGNATURE_SUFFIX: &str = ".minisig";
/// The largest signature read from a bucket (a real one is about 300 bytes).
pub const SIGNATURE_MAX_BYTES: usize = 4096;

const SECRET_TAG: &str = "RAMPART-MINISIGN-SECRET-1";
const PUBLIC_LEN: usize = 42;
const SIGNATURE_LEN: usize = 74;

/// A machine's public signing key: minisign's key id (8 bytes) and Ed25519 key. Text form is
/// minisign's: `RWQ...` base64, as `minisign -P` takes it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SigningPublicKey {
    key_id: [u8; 8],
    key: [u8; 32],
}

impl SigningPublicKey {
    /// Parses a key: the base64 line (`RWQ...`) or a whole `minisign.pub` file (its comment
    /// line is ignored).
    pub fn parse(text: &str) -> Result<Self> {
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
            .unwrap_or("");
        let bad = |why: &str| {
            let shown: String = line.chars().take(64).collect();
            BackupError::Config(format!(
                "{shown:?} is not a minisign public key ({why}); it is one base64 line starting \
                 with RW, as `rampart backup keys show` prints it"
            ))
        };
        let bin = BASE64.decode(line.as_bytes()).map_err(|_| bad("not base64"))?;
        if bin.len() != PUBLIC_LEN {
            return Err(bad("wrong length"));
        }
        if &bin[..2] != b"Ed" {
            return Err(bad("not an Ed25519 key"));
        }
        let mut key_id = [0; 8];
        key_id.copy_from_slice(&bin[2..10]);
        let mut key = [0; 32];
        key.copy_from_slice(&bin[10..]);
        if ed25519_dalek::VerifyingKey::from_bytes(&key).is_err() {
            return Err(bad("not a valid Ed25519 point"));
        }
        Ok(Self { key_id, key })
    }

    /// The base64 line (`RWQ...`).
    pub fn to_base64(&self) -> String {
        let mut bin = Vec::with_capacity(PUBLIC_LEN);
        bin.extend_from_slice(b"Ed");
        bin.extend_from_slice(&self.key_id);
        bin.extend_from_slice(&self.key);
        BASE64.encode(&bin)
    }

    /// The key id as minisign prints it (16 uppercase hex digits).
    pub fn key_id(&self) -> String {
        key_id_text(&self.key_id)
    }

    /// A `minisign.pub` file's text.
    pub fn to_minisign_file(&self) -> String {
        format!("untrusted comment: minisign public key {}\n{}\n", self.key_id(), self.to_base64())
    }

    fn verifier(&self) -> minisign_verify::PublicKey {
        minisign_verify::PublicKey::from_base64(&self.to_base64())
            .expect("a parsed key re-encodes to a valid minisign key")
    }
}

fn key_id_text(id: &[u8; 8]) -> String {
    format!("{:016X}", u64::from_le_bytes(*id))
}

impl fmt::Display for SigningPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

impl fmt::Debug for SigningPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningPublicKey({} {})", self.key_id(), self.to_base64())
    }
}

impl Serialize for SigningPublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for SigningPublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A freshly generated signing key: keep `secret` in the keychain, publish `public`.
pub struct GeneratedSigningKey {
    pub secret: SecretString,
    pub public: SigningPublicKey,
}

impl fmt::Debug for GeneratedSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedSigningKey").field("public", &self.public).finish_non_exhaustive()
    }
}

/// Signs manifests with a machine's secret key. Debug prints only the public key.
pub struct ManifestSigner {
    key: ed25519_dalek::SigningKey,
    key_id: [u8; 8],
}

impl fmt::Debug for ManifestSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManifestSigner").field("public", &self.public_key()).finish()
    }
}

impl ManifestSigner {
    /// Generates a key from the operating system's randomness.
    pub fn generate() -> GeneratedSigningKey {
        let mut seed = Zeroizing::new([0u8; 32]);
        let mut key_id = [0u8; 8];
        rand::fill(&mut seed[..]);
        rand::fill(&mut key_id[..]);
        Self::generate_from(&seed, key_id)
    }

    /// A key from a given seed and key id (tests; [`ManifestSigner::generate`] otherwise).
    pub fn generate_from(seed: &[u8; 32], key_id: [u8; 8]) -> GeneratedSigningKey {
        let signer = Self { key: ed25519_dalek::SigningKey::from_bytes(seed), key_id };
        let seed_hex = Zeroizing::new(hex::encode(seed));
        let secret =
            SecretString::new(format!("{SECRET_TAG}:{}:{}", hex::encode(key_id), *seed_hex));
        GeneratedSigningKey { secret, public: signer.public_key() }
    }

    /// Reads a secret key as [`ManifestSigner::generate`] wrote it. The error never quotes it.
    pub fn from_secret(secret: &SecretString) -> Result<Self> {
        let bad = || {
            BackupError::Config(
                "the backup signing key in the keychain is damaged (it is not a Rampart signing \
                 key); remove the keychain item `backup-signing-key` and run a backup to make a \
                 new one, then trust the new key on your other machines"
                    .into(),
            )
        };
        let mut parts = secret.expose().trim().split(':');
        if parts.next() != Some(SECRET_TAG) {
            return Err(bad());
        }
        let (Some(id_hex), Some(seed_hex), None) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let mut key_id = [0u8; 8];
        hex::decode_to_slice(id_hex, &mut key_id).map_err(|_| bad())?;
        let mut seed = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(seed_hex, &mut seed[..]).map_err(|_| bad())?;
        Ok(Self { key: ed25519_dalek::SigningKey::from_bytes(&seed), key_id })
    }

    /// The public half.
    pub fn public_key(&self) -> SigningPublicKey {
        SigningPublicKey { key_id: self.key_id, key: self.key.verifying_key().to_bytes() }
    }

    /// A minisign signature file's text for `data`, with `trusted_comment` (made one line) as
    /// its signed comment.
    pub fn sign(&self, data: &[u8], trusted_comment: &str) -> String {
        let comment: String =
            trusted_comment.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        let digest = Blake2b512::digest(data);
        let signature = self.key.sign(&digest).to_bytes();
        let mut bin = Vec::with_capacity(SIGNATURE_LEN);
        bin.extend_from_slice(b"ED");
        bin.extend_from_slice(&self.key_id);
        bin.extend_from_slice(&signature);
        let mut global = signature.to_vec();
        global.extend_from_slice(comment.as_bytes());
        let global = self.key.sign(&global).to_bytes();
        format!(
            "untrusted comment: signature from rampart backup key {}\n{}\ntrusted comment: {comment}\n{}\n",
            key_id_text(&self.key_id),
            BASE64.encode(&bin),
            BASE64.encode(&global)
        )
    }
}

/// Whether a manifest may be acted upon, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum Trust {
    /// Signed by this trusted key, and its keys match its id and source.
    Trusted { key_id: String },
    /// No signature next to the manifest (planted, or made before signed manifests).
    Unsigned,
    /// A valid-looking signature by a key this machine does not trust.
    UnknownKey { key_id: String },
    /// A signature that does not verify (altered bytes, a forged or damaged signature).
    BadSignature { message: String },
    /// Signed, but its keys are not the ones its id and source give.
    Misplaced { message: String },
}

impl Trust {
    pub fn is_trusted(&self) -> bool {
        matches!(self, Self::Trusted { .. })
    }

    /// One line for lists: "signed by ABCD...", "UNSIGNED", ...
    pub fn describe(&self) -> String {
        match self {
            Self::Trusted { key_id } => format!("signed by trusted key {key_id}"),
            Self::Unsigned => "not signed".into(),
            Self::UnknownKey { key_id } => format!("signed by untrusted key {key_id}"),
            Self::BadSignature { message } => format!("bad signature ({message})"),
            Self::Misplaced { message } => format!("misplaced ({message})"),
        }
    }

    /// What the user can do about it.
    pub fn advice(&self) -> &'static str {
        match self {
            Self::Trusted { .. } => "",
            Self::Unsigned => {
                "it may have been planted in the bucket. If it is a backup made before Rampart \
                 signed manifests, `rampart backup adopt SOURCE --id ID` signs it after you \
                 confirm it is yours"
            }
            Self::UnknownKey { .. } => {
                "it may have been planted in the bucket. If another of your machines made it, run \
                 `rampart backup keys show` there and `rampart backup keys trust KEY` here"
            }
            Self::BadSignature { .. } | Self::Misplaced { .. } => {
                "it was altered or planted in the bucket; do not use it. Restore another backup, \
                 and check who can write to the bucket"
            }
        }
    }
}

/// The public keys whose signatures this machine accepts (its own among them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedKeys(Vec<SigningPublicKey>);

impl TrustedKeys {
    pub fn new(keys: impl IntoIterator<Item = SigningPublicKey>) -> Self {
        let mut list: Vec<SigningPublicKey> = Vec::new();
        for k in keys {
            if !list.contains(&k) {
                list.push(k);
            }
        }
        Self(list)
    }

    pub fn keys(&self) -> &[SigningPublicKey] {
        &self.0
    }

    /// Checks `signature` (the `.minisig` object's bytes, `None` when absent) over `data`.
    pub fn check(&self, data: &[u8], signature: Option<&[u8]>) -> Trust {
        let Some(signature) = signature else { return Trust::Unsigned };
        let bad = |message: &str| Trust::BadSignature { message: message.to_owned() };
        let Ok(text) = std::str::from_utf8(signature) else {
            return bad("the signature is not minisign text");
        };
        let Some(key_id) = text.lines().nth(1).and_then(signature_key_id) else {
            return bad("the signature is not a minisign signature of Ed25519 over BLAKE2b");
        };
        let Ok(parsed) = minisign_verify::Signature::decode(text) else {
            return bad("the signature is not a minisign signature");
        };
        let candidates: Vec<_> = self.0.iter().filter(|k| k.key_id == key_id).collect();
        if candidates.is_empty() {
            return Trust::UnknownKey { key_id: key_id_text(&key_id) };
        }
        for k in candidates {
            if k.verifier().verify(data, &parsed, false).is_ok() {
                return Trust::Trusted { key_id: k.key_id() };
            }
        }
        bad("the signature does not match the manifest's bytes")
    }
}

/// The key id of a prehashed (`ED`) signature line; `None` for anything else.
fn signature_key_id(line: &str) -> Option<[u8; 8]> {
    let bin = BASE64.decode(line.trim().as_bytes()).ok()?;
    if bin.len() != SIGNATURE_LEN || &bin[..2] != b"ED" {
        return None;
    }
    let mut id = [0; 8];
    id.copy_from_slice(&bin[2..10]);
    Some(id)
}

#[cfg(test)]
#[path = "signing_tests.rs"]
mod tests;
