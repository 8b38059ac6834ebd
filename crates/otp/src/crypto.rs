//! The cryptographic primitives the backup formats use: AES-256-GCM, scrypt (Aegis) and
//! PBKDF2-HMAC-SHA256 (2FAS). Keys and plaintexts stay wrapped in `Sensitive`.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rampart_sensitive::Sensitive;

use crate::OtpError;

/// AES-GCM nonce length.
pub const NONCE_LEN: usize = 12;
/// AES-GCM tag length.
pub const TAG_LEN: usize = 16;

fn cipher(key: &[u8]) -> Option<Aes256Gcm> {
    Aes256Gcm::new_from_slice(key).ok()
}

/// Decrypts `ciphertext ‖ tag`. `None` when the key, nonce or data is wrong.
pub fn open(key: &[u8], nonce: &[u8], ct_and_tag: &[u8]) -> Option<Sensitive<Vec<u8>>> {
    if nonce.len() != NONCE_LEN || ct_and_tag.len() < TAG_LEN {
        return None;
    }
    cipher(key)?
        .decrypt(Nonce::from_slice(nonce), Payload { msg: ct_and_tag, aad: &[] })
        .ok()
        .map(Sensitive::new)
}

/// Encrypts, returning `(ciphertext, tag)` separately (Aegis stores them apart).
pub fn seal(key: &[u8], nonce: &[u8], plaintext: &[u8]) -> Result<(Vec<u8>, Vec<u8>), OtpError> {
    if nonce.len() != NONCE_LEN {
        return Err(OtpError::Crypto { detail: "the nonce must be 12 bytes" });
    }
    let c = cipher(key).ok_or(OtpError::Crypto { detail: "the key must be 32 bytes" })?;
    let mut out = c
        .encrypt(Nonce::from_slice(nonce), Payload { msg: plaintext, aad: &[] })
        .map_err(|_| OtpError::Crypto { detail: "AES-GCM refused the input" })?;
    let tag = out.split_off(out.len() - TAG_LEN);
    Ok((out, tag))
}

/// scrypt cost parameters (N = 2^`log_n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScryptParams {
    /// log2 of N.
    pub log_n: u8,
    /// Block size.
    pub r: u32,
    /// Parallelism.
    pub p: u32,
}

impl ScryptParams {
    /// What Aegis uses: N = 2^15, r = 8, p = 1.
    pub const AEGIS: ScryptParams = ScryptParams { log_n: 15, r: 8, p: 1 };

    /// Reads N/r/p from a file, refusing values that are not a power of two or would need
    /// more than 1 GiB of memory or absurd CPU time.
    pub fn from_file(n: u64, r: u64, p: u64) -> Result<Self, OtpError> {
        let bad = |detail: &str| OtpError::DamagedFile {
            format: "Aegis vault",
            detail: format!("its password slot has {detail}"),
        };
        if n < 2 || !n.is_power_of_two() {
            return Err(bad("an scrypt N that is not a power of two"));
        }
        let log_n = n.trailing_zeros() as u8;
        if log_n > 22
            || r == 0
            || r > 64
            || p == 0
            || p > 16
            || (128 * r).saturating_mul(n) > 1 << 30
        {
            return Err(bad(
                "scrypt costs beyond the safe limits (N ≤ 2^22, r ≤ 64, p ≤ 16, 1 GiB)",
            ));
        }
        Ok(Self { log_n, r: r as u32, p: p as u32 })
    }

    /// N as stored in files.
    pub fn n(self) -> u64 {
        1u64 << self.log_n
    }
}

/// scrypt → 32-byte key.
pub fn scrypt_key(
    password: &[u8],
    salt: &[u8],
    params: ScryptParams,
) -> Result<Sensitive<Vec<u8>>, OtpError> {
    let p = scrypt::Params::new(params.log_n, params.r, params.p, 32)
        .map_err(|_| OtpError::Crypto { detail: "invalid scrypt parameters" })?;
    let mut out = vec![0u8; 32];
    scrypt::scrypt(password, salt, &p, &mut out)
        .map_err(|_| OtpError::Crypto { detail: "scrypt output length" })?;
    Ok(Sensitive::new(out))
}

/// PBKDF2-HMAC-SHA256 → 32-byte key.
pub fn pbkdf2_sha256(password: &[u8], salt: &[u8], rounds: u32) -> Sensitive<Vec<u8>> {
    let mut out = vec![0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, rounds, &mut out);
    Sensitive::new(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_then_open_and_tamper_detection() {
        let key = [7u8; 32];
        let nonce = [1u8; 12];
        let (mut ct, tag) = seal(&key, &nonce, b"hello").unwrap();
        let mut joined = ct.clone();
        joined.extend(&tag);
        assert_eq!(open(&key, &nonce, &joined).unwrap().expose(), b"hello");
        assert!(open(&[8u8; 32], &nonce, &joined).is_none());
        ct[0] ^= 1;
        ct.extend(&tag);
        assert!(open(&key, &nonce, &ct).is_none());
        assert!(open(&key, &[1u8; 11], &joined).is_none());
    }

    #[test]
    fn scrypt_limits() {
        assert_eq!(ScryptParams::from_file(32768, 8, 1).unwrap(), ScryptParams::AEGIS);
        assert!(ScryptParams::from_file(1000, 8, 1).is_err());
        assert!(ScryptParams::from_file(1 << 30, 8, 1).is_err());
        assert!(ScryptParams::from_file(1024, 0, 1).is_err());
    }
}
