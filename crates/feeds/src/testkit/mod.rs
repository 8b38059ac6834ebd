//! Test support shared by this crate's tests and the CLI's (feature `testkit`): a loopback
//! HTTP(S) server ([`http`]), servers that stall, flood or trickle ([`hostile`]), a fleet of
//! health endpoints in a child process ([`fleet`]), test certificates ([`tls`]) and the real
//! Prometheus + Alertmanager harness ([`prom`]) and a real SMTP server ([`smtp`]: aiosmtpd). Loopback ports only; everything stops when
//! dropped.

pub mod fleet;
pub mod hostile;
pub mod http;
pub mod prom;
pub mod smtp;
pub mod tls;

pub use hostile::{Hostile, HostileServer};
pub use http::{Request, Response, TestServer};
pub use prom::{PromStack, eventually};
pub use smtp::SmtpSink;
pub use tls::TestCert;
