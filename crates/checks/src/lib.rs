//! The guide's pre-production security checklist, Tauri-free: the [`catalog`] of 39 items with
//! stable ids, each item's [`status`] and evidence, a check [`target`] (a named deployment), the
//! live probes ([`probe`]: headers scored like Mozilla's HTTP Observatory, CORS, rate limits,
//! error leakage, TLS, databases), the repository scan ([`repo`]), and the [`run`] that turns
//! them into a [`report`] (with findings from Rampart's own records and attestations, both kept
//! by the caller: rampart-core stores them).
//!
//! Every probe is bounded (a total timeout per request, a body cap, a few requests a second,
//! only the configured host): a hostile server makes its item `unknown` with the reason, never a
//! hang or a panic. Evidence is trimmed and never carries a secret.

pub mod catalog;
pub mod export;
pub mod probe;
pub mod repo;
pub mod report;
pub mod run;
pub mod status;
pub mod target;

pub use catalog::{Item, Proof, Section};
pub use report::{ItemResult, Report};
pub use status::{Attestation, Evidence, Finding, Status};

/// A check could not be set up (bad target configuration, unreadable store). Messages say what
/// is wrong and what to do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CheckError {
    /// The target's configuration is invalid.
    #[error("{0}")]
    Config(String),
    /// Reading or writing Rampart's check records failed.
    #[error("{0}")]
    Store(String),
}

pub type Result<T, E = CheckError> = std::result::Result<T, E>;
