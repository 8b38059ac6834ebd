//! Logging: `tracing` to a daily-rotated JSON file in `<data dir>/logs` (7 files kept) and
//! human-readable lines on stderr. Secrets never reach a log: they travel as `Sensitive<T>`,
//! whose Debug and Display print `<redacted>`.

use std::path::Path;
pub use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{EnvFilter, Layer, fmt, layer::SubscriberExt, util::SubscriberInitExt};

/// Starts logging; keep the guard alive for the life of the process (it flushes on drop).
/// `stderr_default` is the stderr level when `RUST_LOG` is unset (e.g. "warn" for the CLI).
pub fn init(data_dir: &Path, stderr_default: &str) -> Option<WorkerGuard> {
    let stderr_filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(stderr_default));
    let stderr =
        fmt::layer().with_writer(std::io::stderr).with_target(false).with_filter(stderr_filter);
    let log_dir = data_dir.join("logs");
    let _ = std::fs::create_dir_all(&log_dir);
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("rampart")
        .filename_suffix("jsonl")
        .max_log_files(7)
        .build(&log_dir);
    match appender {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            // The kept file logs Rampart's own events at debug and everything else at warn,
            // whatever RUST_LOG says: third-party trace output has no place in a kept log.
            let file_filter = EnvFilter::new(
                "warn,rampart=debug,rampart_core=debug,rampart_store=debug,rampart_vault=debug,rampart_desktop=debug",
            );
            let file = fmt::layer().json().with_writer(writer).with_filter(file_filter);
            tracing_subscriber::registry().with(stderr).with(file).try_init().ok()?;
            Some(guard)
        }
        Err(e) => {
            tracing_subscriber::registry().with(stderr).try_init().ok();
            tracing::warn!("could not open the log dir, logging to stderr only: {e}");
            None
        }
    }
}
