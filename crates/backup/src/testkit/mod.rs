//! Test support shared with other crates' tests (feature `testkit`): a real Garage S3 server
//! ([`Garage`]), a throwaway PostgreSQL ([`Postgres`]) and helpers for backup round trips. Every
//! server runs on loopback ports in temp dirs and is killed on drop. A missing binary fails
//! the test with what to install; nothing is skipped silently.

mod garage;
mod postgres;
mod util;

pub use garage::*;
pub use postgres::*;
pub use util::*;
