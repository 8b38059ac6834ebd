//! The responder's tools ([`rampart_responder`]) with their keys taken from the vault by name:
//! decrypt, encrypt and re-encrypt the guide's encrypted fields, verify and sign JWTs. Each use of
//! a key is audited as `use-key` with the key's name and the tool, never the data. A key never
//! leaves this module: callers get plaintext values, reports and tokens, not keys.

use crate::vault::item;
use crate::{AuditAction, CoreError, Rampart, Result, SecretString};
use rampart_responder::batch::{self, Decrypted, Encrypted, Payloads};
use rampart_responder::field::FieldKey;
use rampart_responder::{Error as ToolError, hash, jwt};
use rampart_sensitive::SecretBytes;

pub use rampart_responder::MAX_INPUT_BYTES;
pub use rampart_responder::batch::{
    Decrypted as FieldDecrypted, Encrypted as FieldEncrypted, Layout,
};
pub use rampart_responder::hash::{HashCheck, HashInfo};
pub use rampart_responder::jwt::TokenTime as JwtTime;
pub use rampart_responder::jwt::human_duration;
pub use rampart_responder::jwt::{Check as JwtCheck, Report as JwtReport, Signed as JwtSigned};
pub use rampart_responder::jwt::{Decoded as JwtDecoded, Profile as JwtProfile};

/// The tools' names as they appear in the audit log.
pub mod tool {
    pub const FIELD_DECRYPT: &str = "field-decrypt";
    pub const FIELD_ENCRYPT: &str = "field-encrypt";
    pub const FIELD_ROTATE: &str = "field-rotate";
    pub const JWT_VERIFY: &str = "jwt-verify";
    pub const JWT_SIGN: &str = "jwt-sign";
}

/// A tool's refusal as the application error (every one is about the input).
pub fn tool_error(e: ToolError) -> CoreError {
    CoreError::InvalidInput(e.to_string())
}

impl Rampart {
    /// Reads the vault item `name` for `tool`, audited as `use-key` ("vault:NAME by TOOL").
    fn tool_secret(&self, name: &str, tool: &str) -> Result<SecretString> {
        let view = self.vault_find(name)?;
        let value = self.keychain.get(&item(&view.id))?;
        self.audit(AuditAction::UseKey, &format!("vault:{} by {tool}", view.name))?;
        Ok(value)
    }

    fn field_key(&self, name: &str, tool: &str) -> Result<FieldKey> {
        let secret = self.tool_secret(name, tool)?;
        FieldKey::from_hex(secret.expose())
            .map_err(|e| CoreError::InvalidInput(format!("the vault item {name:?}: {e}")))
    }

    fn hmac_secret(&self, name: &str, tool: &str) -> Result<SecretBytes> {
        let secret = self.tool_secret(name, tool)?;
        Ok(secret.map(|s| s.as_bytes().to_vec()))
    }

    /// Decrypts one payload, one per line or a JSON array of them, with the hex key `key_name`.
    /// All or nothing: one payload that does not open fails the call with no plaintext.
    pub fn field_decrypt(&self, key_name: &str, text: &str) -> Result<Decrypted> {
        let payloads = Payloads::parse(text).map_err(tool_error)?;
        let key = self.field_key(key_name, tool::FIELD_DECRYPT)?;
        batch::decrypt_all(&key, &payloads).map_err(tool_error)
    }

    /// Encrypts a JSON value (or with `lines`, one per line) as the guide's `encryptData`.
    pub fn field_encrypt(&self, key_name: &str, text: &str, lines: bool) -> Result<Encrypted> {
        let key = self.field_key(key_name, tool::FIELD_ENCRYPT)?;
        batch::encrypt_all(&key, text, lines, &mut rand::rng()).map_err(tool_error)
    }

    /// Re-encrypts every payload from `from` to `to`, all or nothing, keeping the layout.
    pub fn field_rotate(&self, from: &str, to: &str, text: &str) -> Result<Encrypted> {
        let payloads = Payloads::parse(text).map_err(tool_error)?;
        let from_view = self.vault_find(from)?;
        if from_view.id == self.vault_find(to)?.id {
            return Err(CoreError::InvalidInput(
                "the old and the new key are the same vault item: pick the new key to rotate to"
                    .into(),
            ));
        }
        let old = self.field_key(from, tool::FIELD_ROTATE)?;
        let new = self.field_key(to, tool::FIELD_ROTATE)?;
        batch::rotate(&old, &new, &payloads, &mut rand::rng()).map_err(tool_error)
    }

    /// Reads a token without a key (no vault, no audit).
    pub fn jwt_decode(&self, token: &str) -> Result<JwtDecoded> {
        jwt::decode(token, self.now()).map_err(tool_error)
    }

    /// Verifies a token with the HMAC secret `secret_name` against `profile`.
    pub fn jwt_verify(
        &self,
        token: &str,
        secret_name: &str,
        profile: &JwtProfile,
    ) -> Result<JwtReport> {
        jwt::decode(token, self.now()).map_err(tool_error)?;
        let secret = self.hmac_secret(secret_name, tool::JWT_VERIFY)?;
        jwt::verify(token, &secret, profile, self.now()).map_err(tool_error)
    }

    /// Signs a test token for `claims` (a JSON object) with `secret_name`; `expires` is a
    /// lifetime such as `15m` (then `iat` is now and `exp` now + lifetime).
    pub fn jwt_sign(
        &self,
        secret_name: &str,
        algorithm: &str,
        claims: &str,
        expires: Option<&str>,
    ) -> Result<JwtSigned> {
        let lifetime = expires.map(jwt::parse_lifetime).transpose().map_err(tool_error)?;
        let secret = self.hmac_secret(secret_name, tool::JWT_SIGN)?;
        jwt::sign(&secret, algorithm, claims, lifetime, self.now()).map_err(tool_error)
    }
}

/// What a password hash says about itself (no key, no state).
pub fn hash_inspect(hash: &str) -> Result<HashInfo> {
    hash::inspect(hash).map_err(tool_error)
}

/// Checks a password against a hash; the password is used for this check only.
pub fn hash_check(hash: &str, password: &SecretString) -> Result<HashCheck> {
    hash::check(hash, password).map_err(tool_error)
}
