//! The responder's tools: what a field from a database dump, a token from a log line or a hash
//! from a user record says, whether it is genuine and whether it is weak, worked out locally.
//!
//! - [`field`]: the guide's `encryptData`/`decryptData` (AES-256-GCM, 16-byte IV, JSON payload
//!   `{"iv","data","authTag"}`), one payload or many ([`batch`]), and key rotation.
//! - [`jwt`]: decode without a key, verify HS256/384/512 against a profile (the guide's by
//!   default), sign a test token; weak secrets are flagged ([`weak_secret`]).
//! - [`hash`]: bcrypt and argon2 hashes: their parameters against the guide's and OWASP's
//!   minimums, and a password check.
//!
//! Keys and passwords come in as [`Sensitive`](rampart_sensitive::Sensitive) values and never
//! appear in an error, a `Debug` or a result. Every parser refuses bad input with an [`Error`]
//! (never a panic) and caps what it reads. Time is passed in.

pub mod batch;
pub mod field;
pub mod hash;
pub mod jwt;
pub mod weak_secret;

/// A tool refused its input. Messages say what is wrong and what to do, and quote no secret.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The input is not what the tool reads (a malformed payload, token, hash or JSON).
    #[error("{0}")]
    Input(String),
    /// The key does not fit the tool (not 64 hex digits, empty secret).
    #[error("{0}")]
    Key(String),
    /// Authentication failed: a wrong key or changed data. Nothing was decrypted.
    #[error("{0}")]
    Authentication(String),
    /// The input asks for more work or memory than any real one needs.
    #[error("{0}")]
    TooLarge(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The most text any tool reads at once (a file of payloads, a pasted token).
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// Refuses input over [`MAX_INPUT_BYTES`].
pub fn check_input_size(text: &str) -> Result<()> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Error::TooLarge(format!(
            "the input is {} MiB; the tools read at most {} MiB at once: split the file",
            text.len() / (1024 * 1024),
            MAX_INPUT_BYTES / (1024 * 1024)
        )));
    }
    Ok(())
}
