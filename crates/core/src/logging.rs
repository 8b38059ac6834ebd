//! Logging: `tracing` to a daily-rotated JSON file in `<data dir>/logs` (7 files kept) and
//! human-readable lines on stderr. Secrets never reach a log: they travel as `Sensitive<T>`,
//! whose Debug and Display print `<redacted>`.

use std::path::Path;
pub use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{EnvFilter, Layer, fmt, layer::SubscriberExt, util::SubscriberInitExt};

/// The AWS SDK's crates, whose debug and trace events print credentials (the runtime its
/// resolved identity and endpoint parameters, aws-sigv4 its signing parameters, access key id
/// included): on stderr they stop at info even when `RUST_LOG` asks for more. A test keeps the
/// list equal to the `aws-*` crates in Cargo.lock.
const CAPPED_AT_INFO: &[&str] = &[
    "aws_credential_types",
    "aws_runtime",
    "aws_sdk_s3",
    "aws_sigv4",
    "aws_smithy_async",
    "aws_smithy_checksums",
    "aws_smithy_eventstream",
    "aws_smithy_http",
    "aws_smithy_http_client",
    "aws_smithy_json",
    "aws_smithy_observability",
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_schema",
    "aws_smithy_types",
    "aws_smithy_xml",
    "aws_types",
];

/// The stderr filter: `RUST_LOG` (or `default`), with [`CAPPED_AT_INFO`] at info after it when
/// it asks for debug or trace anywhere (a later directive for the same target wins; such a
/// `RUST_LOG` may thereby show the SDK's few info events where its default said less).
fn stderr_filter(rust_log: Option<&str>, default: &str) -> EnvFilter {
    let wanted = rust_log.unwrap_or(default);
    let verbose = ["debug", "trace"].iter().any(|l| wanted.to_ascii_lowercase().contains(l));
    let directives = match verbose {
        true => CAPPED_AT_INFO.iter().fold(wanted.to_owned(), |d, c| format!("{d},{c}=info")),
        false => wanted.to_owned(),
    };
    EnvFilter::try_new(directives).unwrap_or_else(|_| EnvFilter::new(default))
}

/// Starts logging; keep the guard alive for the life of the process (it flushes on drop).
/// `stderr_default` is the stderr level when `RUST_LOG` is unset (e.g. "warn" for the CLI).
pub fn init(data_dir: &Path, stderr_default: &str) -> Option<WorkerGuard> {
    let rust_log = std::env::var("RUST_LOG").ok();
    let stderr_filter = stderr_filter(rust_log.as_deref(), stderr_default);
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

#[cfg(test)]
mod tests {
    use super::{CAPPED_AT_INFO, stderr_filter};
    use tracing::level_filters::LevelFilter;

    #[test]
    fn debug_or_trace_asked_for_stops_at_info_in_crates_that_print_credentials() {
        let shown = |rust_log: Option<&str>| stderr_filter(rust_log, "warn").to_string();
        let traced = shown(Some("trace"));
        assert!(traced.split(',').any(|d| d == "trace"), "the rest still traces: {traced}");
        assert!(traced.contains("aws_sigv4=info"), "{traced}");
        assert!(shown(Some("aws_sigv4=trace")).contains("aws_sigv4=info"));
        assert!(shown(Some("debug")).contains("aws_smithy_runtime=info"));
        // Asking for less than trace changes nothing, and no level is raised.
        assert_eq!(shown(Some("info")), "info");
        assert_eq!(shown(None), "warn");
        assert_eq!(stderr_filter(Some("trace"), "warn").max_level_hint(), Some(LevelFilter::TRACE));
        // A broken RUST_LOG falls back to the default.
        assert_eq!(shown(Some("=[bad")), "warn");
    }

    #[test]
    fn every_aws_sdk_crate_in_the_lock_file_is_capped() {
        let lock = include_str!("../../../Cargo.lock");
        let mut aws: Vec<String> = lock
            .lines()
            .filter_map(|l| l.strip_prefix("name = \"aws-")?.strip_suffix('"').map(str::to_owned))
            .filter(|n| !n.starts_with("lc-") && !n.ends_with("-macros"))
            .map(|n| format!("aws_{}", n.replace('-', "_")))
            .collect();
        aws.sort();
        aws.dedup();
        assert_eq!(aws, CAPPED_AT_INFO, "add new aws-* crates to CAPPED_AT_INFO");
    }
}
