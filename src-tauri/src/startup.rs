//! The start-up trace: milliseconds from process start to each step (data dir open, lock state
//! read, setup done, seeds read, first code list asked for and served), logged at info level as
//! `start-up: <step>` so a slow start can be read from the log of any machine.

use std::sync::OnceLock;
use std::time::Instant;

static PROCESS_START: OnceLock<Instant> = OnceLock::new();

/// Starts the clock (first thing in `run`); later calls keep the first instant.
pub fn begin() {
    PROCESS_START.get_or_init(Instant::now);
}

/// Milliseconds since [`begin`] (0 when it was never called, e.g. in tests).
pub fn elapsed_ms() -> u64 {
    PROCESS_START.get().map_or(0, |start| start.elapsed().as_millis() as u64)
}

/// Logs one step with the milliseconds since process start.
pub fn mark(step: &str) {
    tracing::info!(ms = elapsed_ms(), "start-up: {step}");
}
