//! `OtpAccount`: one enrolled account (issuer, account name, secret, settings), its display
//! label, its duplicate key, and enrolment helpers that create fresh secrets.

use std::fmt;

use rampart_sensitive::Sensitive;
use rand::CryptoRng;
use sha2::{Digest, Sha256};

use crate::{OtpError, OtpParams};

/// Length of secrets made by [`new_secret`]: 160 bits, as RFC 4226 recommends.
pub const NEW_SECRET_LEN: usize = 20;

/// One OTP account. The secret is raw bytes (not base32) and never leaves its wrapper by
/// accident: `Debug` shows `<redacted>` and serialising refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpAccount {
    /// The service, e.g. "GitHub". May be empty.
    pub issuer: String,
    /// The user name at that service. May be empty.
    pub account: String,
    /// The shared secret key (raw bytes).
    pub secret: Sensitive<Vec<u8>>,
    /// How codes are made.
    pub params: OtpParams,
}

/// A comparable fingerprint of issuer + account + secret, for spotting duplicates in memory.
/// Issuer and account compare case-insensitively and trimmed. It is a SHA-256 digest, never
/// the secret; `Debug` shows only its first 8 hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DuplicateKey([u8; 32]);

impl fmt::Debug for DuplicateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DuplicateKey({}…)", hex::encode(&self.0[..4]))
    }
}

impl OtpAccount {
    /// Builds an account after validating `params` and rejecting an empty secret.
    pub fn new(
        issuer: impl Into<String>,
        account: impl Into<String>,
        secret: Sensitive<Vec<u8>>,
        params: OtpParams,
    ) -> Result<Self, OtpError> {
        if secret.expose().is_empty() {
            return Err(OtpError::EmptySecret);
        }
        params.validate()?;
        Ok(Self { issuer: issuer.into(), account: account.into(), secret, params })
    }

    /// A TOTP account with the usual defaults: SHA1, 6 digits, 30 s.
    pub fn new_totp(
        issuer: impl Into<String>,
        account: impl Into<String>,
        secret: Sensitive<Vec<u8>>,
    ) -> Result<Self, OtpError> {
        Self::new(issuer, account, secret, OtpParams::totp())
    }

    /// "issuer:account", or whichever of the two is not empty.
    pub fn label(&self) -> String {
        match (self.issuer.is_empty(), self.account.is_empty()) {
            (false, false) => format!("{}:{}", self.issuer, self.account),
            (false, true) => self.issuer.clone(),
            _ => self.account.clone(),
        }
    }

    /// The duplicate fingerprint; equal for the same issuer, account and secret.
    pub fn duplicate_key(&self) -> DuplicateKey {
        let mut h = Sha256::new();
        for part in [self.issuer.trim().to_lowercase(), self.account.trim().to_lowercase()] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part.as_bytes());
        }
        h.update((self.secret.expose().len() as u64).to_be_bytes());
        h.update(self.secret.expose());
        DuplicateKey(h.finalize().into())
    }

    /// The secret as unpadded base32, for showing to the user on request.
    pub fn secret_base32(&self) -> Sensitive<String> {
        crate::base32::encode(&self.secret)
    }
}

/// A fresh 160-bit secret from a cryptographic RNG.
pub fn new_secret<R: CryptoRng + ?Sized>(rng: &mut R) -> Sensitive<Vec<u8>> {
    let mut bytes = vec![0u8; NEW_SECRET_LEN];
    rng.fill_bytes(&mut bytes);
    Sensitive::new(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn acct(issuer: &str, account: &str, secret: &[u8]) -> OtpAccount {
        OtpAccount::new_totp(issuer, account, Sensitive::new(secret.to_vec())).unwrap()
    }

    #[test]
    fn labels() {
        assert_eq!(acct("GitHub", "alice", b"k").label(), "GitHub:alice");
        assert_eq!(acct("", "alice", b"k").label(), "alice");
        assert_eq!(acct("Steam", "", b"k").label(), "Steam");
    }

    #[test]
    fn duplicate_key_depends_on_identity_and_secret() {
        let a = acct("GitHub", "alice", b"secret-one");
        assert_eq!(a.duplicate_key(), acct(" github", "Alice ", b"secret-one").duplicate_key());
        assert_ne!(a.duplicate_key(), acct("GitHub", "alice", b"secret-two").duplicate_key());
        assert_ne!(a.duplicate_key(), acct("GitHub", "bob", b"secret-one").duplicate_key());
        // Length prefixes keep "ab"+"c" apart from "a"+"bc".
        assert_ne!(acct("ab", "c", b"k").duplicate_key(), acct("a", "bc", b"k").duplicate_key());
        assert!(!format!("{:?}", a).contains("secret-one"));
    }

    #[test]
    fn new_secret_is_160_bits_and_rng_driven() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let a = new_secret(&mut rng);
        let b = new_secret(&mut rng);
        assert_eq!(a.expose().len(), 20);
        assert_ne!(a, b);
        assert!(OtpAccount::new_totp("x", "y", Sensitive::new(vec![])).is_err());
    }
}
