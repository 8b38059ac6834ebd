//! One encrypted field, exactly as the guide's `encryptData`/`decryptData` write and read it:
//! AES-256-GCM under the hex `ENCRYPTION_KEY` (32 bytes), a random 16-byte IV (the guide's
//! `crypto.randomBytes(16)`, not GCM's usual 12), a 16-byte tag, and the plaintext
//! `JSON.stringify(value)`, carried as `{"iv": hex, "data": hex, "authTag": hex}`.
//!
//! Decryption is all or nothing: a wrong key, a changed byte or a shortened tag gives an
//! [`Error::Authentication`] or [`Error::Input`] and no plaintext at all.

use crate::{Error, Result};
use aes_gcm::aead::consts::{U12, U16};
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::aes::Aes256;
use aes_gcm::{AesGcm, Nonce};
use rampart_sensitive::Sensitive;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The guide's cipher: AES-256-GCM with the 16-byte IV its code makes.
type GuideCipher = AesGcm<Aes256, U16>;
/// The same with GCM's standard 12-byte IV, which Node also accepts (payloads written by code
/// that followed NIST rather than the guide).
type StandardCipher = AesGcm<Aes256, U12>;

/// GCM's full tag length; Node would accept shorter tags, which weakens the check: refused.
pub const TAG_BYTES: usize = 16;
/// The IV length the guide's code writes.
pub const GUIDE_IV_BYTES: usize = 16;

/// An `ENCRYPTION_KEY`: 32 bytes, from 64 hex digits. Debug prints `<redacted>`.
#[derive(Debug)]
pub struct FieldKey(Sensitive<[u8; 32]>);

impl FieldKey {
    /// Reads the guide's hex key. Surrounding whitespace is ignored; anything else that is not
    /// exactly 64 hex digits is refused (Node's `Buffer.from(key, 'hex')` would silently drop
    /// bad digits and then fail on the length).
    pub fn from_hex(text: &str) -> Result<Self> {
        let text = text.trim();
        if text.len() != 64 {
            return Err(Error::Key(format!(
                "the key has {} characters; the guide's ENCRYPTION_KEY is 64 hex digits (32 bytes): \
                 make one with `rampart vault generate NAME --bytes 32 --encoding hex`",
                text.chars().count()
            )));
        }
        let mut bytes = [0u8; 32];
        if hex::decode_to_slice(text, &mut bytes).is_err() {
            return Err(Error::Key(
                "the key is not hex: the guide's ENCRYPTION_KEY is 64 hex digits (0-9, a-f)".into(),
            ));
        }
        Ok(Self(Sensitive::new(bytes)))
    }

    fn bytes(&self) -> &[u8; 32] {
        self.0.expose()
    }
}

/// The guide's payload, field order as Node's object literal writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payload {
    pub iv: String,
    pub data: String,
    pub auth_tag: String,
}

impl Payload {
    /// The payload as one line of compact JSON, as `JSON.stringify` writes it.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("three strings always serialize")
    }
}

fn hex_field(name: &str, value: &str) -> Result<Vec<u8>> {
    hex::decode(value).map_err(|_| {
        Error::Input(format!(
            "the payload's {name} is not hex (it should be written by encryptData)"
        ))
    })
}

/// Decrypts one payload to the plaintext bytes (the `JSON.stringify` text), zeroized on drop.
pub fn decrypt_bytes(key: &FieldKey, payload: &Payload) -> Result<Zeroizing<Vec<u8>>> {
    let iv = hex_field("iv", &payload.iv)?;
    let tag = hex_field("authTag", &payload.auth_tag)?;
    let mut sealed = hex_field("data", &payload.data)?;
    if tag.len() != TAG_BYTES {
        return Err(Error::Input(format!(
            "the payload's authTag is {} bytes; encryptData writes {TAG_BYTES}: a truncated tag \
             is refused (it would make forgery easier)",
            tag.len()
        )));
    }
    sealed.extend_from_slice(&tag);
    let opened = match iv.len() {
        GUIDE_IV_BYTES => GuideCipher::new(key.bytes().into())
            .decrypt(Nonce::<U16>::from_slice(&iv), sealed.as_slice()),
        12 => StandardCipher::new(key.bytes().into())
            .decrypt(Nonce::<U12>::from_slice(&iv), sealed.as_slice()),
        n => {
            return Err(Error::Input(format!(
                "the payload's iv is {n} bytes; encryptData writes {GUIDE_IV_BYTES} (12 is also read)"
            )));
        }
    };
    opened.map(Zeroizing::new).map_err(|_| {
        Error::Authentication(
            "the auth tag does not match: the key is wrong or the payload was changed \
             (nothing was decrypted)"
                .into(),
        )
    })
}

/// Decrypts one payload to its JSON value, as `decryptData` returns it.
pub fn decrypt(key: &FieldKey, payload: &Payload) -> Result<serde_json::Value> {
    let plaintext = decrypt_bytes(key, payload)?;
    let text = std::str::from_utf8(&plaintext).map_err(|_| {
        Error::Input("it decrypted, but not to UTF-8 text: encryptData writes JSON text".into())
    })?;
    serde_json::from_str(text).map_err(|e| {
        Error::Input(format!(
            "it decrypted, but not to JSON ({}): encryptData writes JSON.stringify(value)",
            e.classify_name()
        ))
    })
}

/// Encrypts plaintext bytes (already JSON text) with a fresh 16-byte IV from `rng`.
pub fn encrypt_bytes(key: &FieldKey, plaintext: &[u8], rng: &mut impl RngCore) -> Payload {
    let mut iv = [0u8; GUIDE_IV_BYTES];
    rng.fill_bytes(&mut iv);
    let mut sealed = GuideCipher::new(key.bytes().into())
        .encrypt(Nonce::<U16>::from_slice(&iv), plaintext)
        .expect("AES-GCM encryption of an in-memory buffer cannot fail");
    let tag = sealed.split_off(sealed.len() - TAG_BYTES);
    Payload { iv: hex::encode(iv), data: hex::encode(sealed), auth_tag: hex::encode(tag) }
}

/// Encrypts a JSON value as `encryptData(value)` does.
pub fn encrypt(key: &FieldKey, value: &serde_json::Value, rng: &mut impl RngCore) -> Payload {
    let text = Zeroizing::new(value.to_string());
    encrypt_bytes(key, text.as_bytes(), rng)
}

/// A short name for a serde_json error class (no input quoted).
trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected data",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    fn key() -> FieldKey {
        FieldKey::from_hex(KEY).unwrap()
    }

    #[test]
    fn round_trips_nested_and_unicode_values() {
        let mut rng = rand::rng();
        for value in [json!({"a": [1, 2, {"b": "émoji 🔐"}]}), json!("x"), json!(null), json!(3.5)]
        {
            let payload = encrypt(&key(), &value, &mut rng);
            assert_eq!(payload.iv.len(), 32, "a 16-byte IV, as the guide's code makes");
            assert_eq!(payload.auth_tag.len(), 32);
            assert_eq!(decrypt(&key(), &payload).unwrap(), value);
        }
    }

    #[test]
    fn a_changed_byte_a_wrong_key_or_a_short_tag_is_refused() {
        let payload = encrypt(&key(), &json!({"ssn": "123"}), &mut rand::rng());
        let mut changed = payload.clone();
        let flipped = if changed.data.starts_with('0') { "1" } else { "0" };
        changed.data.replace_range(0..1, flipped);
        assert!(matches!(decrypt(&key(), &changed), Err(Error::Authentication(_))));

        let other = FieldKey::from_hex(&KEY.replace("00", "ff")).unwrap();
        assert!(matches!(decrypt(&other, &payload), Err(Error::Authentication(_))));

        let mut short = payload.clone();
        short.auth_tag.truncate(24);
        let e = decrypt(&key(), &short).unwrap_err();
        assert!(e.to_string().contains("truncated tag"), "{e}");

        let mut iv = payload;
        iv.iv.truncate(16);
        assert!(decrypt(&key(), &iv).unwrap_err().to_string().contains("iv is 8 bytes"));
    }

    #[test]
    fn keys_must_be_64_hex_digits_and_errors_never_quote_them() {
        let e = FieldKey::from_hex("use-strong-random-string").unwrap_err();
        assert!(e.to_string().contains("64 hex digits"), "{e}");
        assert!(!e.to_string().contains("use-strong"));
        let not_hex = "zz".repeat(32);
        let e = FieldKey::from_hex(&not_hex).unwrap_err();
        assert!(e.to_string().contains("not hex") && !e.to_string().contains("zz"), "{e}");
        assert!(FieldKey::from_hex(&format!(" {KEY}\n")).is_ok());
        assert_eq!(format!("{:?}", key()), "FieldKey(<redacted>)");
    }

    #[test]
    fn non_json_plaintext_is_refused_without_quoting_it() {
        let payload = encrypt_bytes(&key(), b"not json: secret-ish", &mut rand::rng());
        let e = decrypt(&key(), &payload).unwrap_err();
        assert!(e.to_string().contains("not to JSON") && !e.to_string().contains("secret-ish"));
    }
}
