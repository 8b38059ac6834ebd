//! The shared harness lives in `rampart_backup::testkit` (feature `testkit`) so the CLI's
//! tests use the same Garage and PostgreSQL.

pub use rampart_backup::testkit::*;
