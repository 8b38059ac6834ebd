//! Shared helpers for the integration tests: accounts, seeded RNGs and a secret-leak check.
#![allow(dead_code)]

use rampart_otp::{Algorithm, OtpAccount, OtpKind, OtpParams, Sensitive};

pub const SEED20: &[u8] = b"12345678901234567890";
pub const SEED32: &[u8] = b"12345678901234567890123456789012";
pub const SEED64: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";
/// base32 of `Hello!\xDE\xAD\xBE\xEF` (Google's 80-bit example).
pub const GOOGLE_B32: &str = "JBSWY3DPEHPK3PXP";

pub fn account(secret: &[u8], kind: OtpKind, algorithm: Algorithm, digits: u8) -> OtpAccount {
    let params = OtpParams { kind, algorithm, digits, ..OtpParams::totp() };
    OtpAccount::new("Issuer", "user", Sensitive::new(secret.to_vec()), params).unwrap()
}

pub fn totp(secret: &[u8], algorithm: Algorithm, digits: u8) -> OtpAccount {
    account(secret, OtpKind::Totp, algorithm, digits)
}

pub fn rng(seed: u64) -> rand::rngs::StdRng {
    rand::SeedableRng::seed_from_u64(seed)
}

/// Asserts that an error message mentions every `needle` and none of the `secrets`.
pub fn assert_message(msg: &str, needles: &[&str], secrets: &[&str]) {
    for n in needles {
        assert!(msg.contains(n), "message {msg:?} should mention {n:?}");
    }
    for s in secrets {
        assert!(!msg.contains(s), "message {msg:?} leaks the secret {s:?}");
    }
}

/// A few deterministic sample accounts of every kind.
pub fn sample_accounts() -> Vec<OtpAccount> {
    vec![
        OtpAccount::new_totp("GitHub", "alice@example.com", Sensitive::new(SEED20.to_vec()))
            .unwrap(),
        OtpAccount::new(
            "ACME Co",
            "bob:ops",
            Sensitive::new(SEED32.to_vec()),
            OtpParams { algorithm: Algorithm::Sha256, digits: 8, period: 60, ..OtpParams::totp() },
        )
        .unwrap(),
        OtpAccount::new(
            "",
            "counter",
            Sensitive::new(b"Hello!\xDE\xAD\xBE\xEF".to_vec()),
            OtpParams::hotp(42),
        )
        .unwrap(),
        OtpAccount::new("Steam", "gamer", Sensitive::new(SEED64.to_vec()), OtpParams::steam())
            .unwrap(),
    ]
}
