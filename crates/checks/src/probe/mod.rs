//! Live probes of a check target, each bounded by [`client::Limits`]: the bounded HTTP
//! [`client`], Observatory-compatible header grading ([`csp`], [`observatory`]), and the
//! probes that turn answers into findings.

pub mod client;
pub mod cors;
pub mod csp;
pub mod db;
mod header_rules;
pub mod input;
pub mod legacy_tls;
pub mod live;
pub mod observatory;
pub mod ratelimit;
pub mod tls;

#[cfg(test)]
mod observatory_tests;
