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

/// The largest scrypt N (as log2) read from a file.
pub const MAX_LOG_N: u8 = 20;
/// The largest scrypt r read from a file.
pub const MAX_R: u64 = 64;
/// The largest scrypt p read from a file.
pub const MAX_P: u64 = 16;
/// The most memory (128·N·r bytes) one scrypt derivation from a file may use.
pub const MAX_SCRYPT_MEMORY: u64 = 256 << 20;

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

    /// Reads N/r/p from an Aegis password slot. Malformed values are a damaged file; costs
    /// past the per-slot limits (N ≤ 2^[`MAX_LOG_N`], p ≤ [`MAX_P`], at most
    /// [`MAX_SCRYPT_MEMORY`] bytes) are [`OtpError::ImportTooCostly`]. The total work of an
    /// import is capped by the caller (see [`crate::aegis::MAX_KDF_WORK`]).
    pub fn from_file(n: u64, r: u64, p: u64) -> Result<Self, OtpError> {
        let damaged = |detail: String| OtpError::DamagedFile {
            format: "Aegis vault",
            detail: format!("its password slot has {detail}"),
        };
        let costly = |detail: String| OtpError::ImportTooCostly {
            format: "Aegis vault",
            detail: format!("its password slot asks for {detail}"),
        };
        if n < 2 || !n.is_power_of_two() {
            return Err(damaged("an scrypt N that is not a power of two".into()));
        }
        if r == 0 || p == 0 {
            return Err(damaged("an scrypt r or p of 0".into()));
        }
        let log_n = n.trailing_zeros() as u8;
        if log_n > MAX_LOG_N {
            return Err(costly(format!("scrypt N = {n}; at most 2^{MAX_LOG_N} is allowed")));
        }
        if p > MAX_P {
            return Err(costly(format!("scrypt p = {p}; at most {MAX_P} is allowed")));
        }
        if r > MAX_R || (128 * r).saturating_mul(n) > MAX_SCRYPT_MEMORY {
            return Err(costly(format!(
                "scrypt N = {n}, r = {r}, which needs more than {} MiB of memory",
                MAX_SCRYPT_MEMORY >> 20
            )));
        }
        // scrypt itself requires N < 2^(16 r).
        if u64::from(log_n) >= 16 * r {
            return Err(damaged(format!("scrypt N = {n} too large for r = {r} (N < 2^(16 r))")));
        }
        Ok(Self { log_n, r: r as u32, p: p as u32 })
    }

    /// The work one derivation costs, in units of N·r·p (Aegis's own costs are 2^18).
    pub const fn work(self) -> u64 {
        self.n() * self.r as u64 * self.p as u64
    }

    /// N as stored in files.
    pub const fn n(self) -> u64 {
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
        assert!(ScryptParams::from_file(1 << 20, 2, 1).is_ok());
        let too_costly = |e| matches!(e, OtpError::ImportTooCostly { .. });
        assert!(too_costly(ScryptParams::from_file(1 << 21, 2, 1).unwrap_err()));
        assert!(too_costly(ScryptParams::from_file(1 << 20, 4, 1).unwrap_err()));
        assert!(too_costly(ScryptParams::from_file(1024, 8, 17).unwrap_err()));
        assert!(too_costly(ScryptParams::from_file(1024, 65, 1).unwrap_err()));
        // scrypt's own rule N < 2^(16 r) is a damaged file, not a crypto failure.
        let e = ScryptParams::from_file(1 << 16, 1, 1).unwrap_err();
        assert!(matches!(e, OtpError::DamagedFile { .. }), "{e:?}");
        assert_eq!(ScryptParams::AEGIS.work(), 1 << 18);
    }
}
