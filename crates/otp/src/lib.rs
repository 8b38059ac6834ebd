//! `rampart-otp`: the pure domain logic of the authenticator.
//!
//! It owns OTP accounts and their settings, code generation (HOTP, TOTP, Steam) and
//! verification, base32 secrets, `otpauth://` links, imports (link lists, Google Authenticator
//! exports, Aegis and 2FAS backups, QR pictures), exports (encrypted Aegis vault, link list)
//! and QR rendering. It does no storage, reads no clock (time is unix seconds passed in) and
//! no global RNG (randomness is passed in). Secrets live in [`Sensitive`] wrappers and never
//! appear in error messages.

mod account;
pub mod aegis;
pub mod base32;
mod code;
pub mod crypto;
mod error;
pub mod export;
pub mod import;
pub mod migration;
mod params;
pub mod qr;
pub mod twofas;
pub mod uri;

pub use account::{DuplicateKey, NEW_SECRET_LEN, OtpAccount, new_secret};
pub use code::{
    CodeNow, STEAM_ALPHABET, code_at, code_at_with, code_for_counter, hotp, steam, time_step,
    verify,
};
pub use crypto::ScryptParams;
pub use error::OtpError;
pub use import::{ImportBatch, ImportFormat, ImportItem, detect_and_parse};
pub use params::{
    Algorithm, DEFAULT_PERIOD, MAX_DIGITS, MAX_PERIOD, MIN_DIGITS, OtpKind, OtpParams, STEAM_DIGITS,
};
pub use rampart_sensitive::Sensitive;
pub use uri::{parse as parse_uri, to_uri};
