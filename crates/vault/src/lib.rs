//! The vault's building blocks, free of storage and UI:
//! - [`keychain`]: one OS-keychain item per secret, under a configurable service name;
//! - [`kind`]: the kinds of credential Rampart knows;
//! - [`generate`]: random secrets of N bytes as hex or base64;
//! - [`dotenv`]: writing a credential as a `.env` line, only into git-ignored files.

pub mod dotenv;
pub mod generate;
pub mod keychain;
pub mod kind;

pub use keychain::{Keychain, KeychainError};
pub use kind::CredentialKind;
pub use rampart_sensitive::{SecretString, Sensitive};
