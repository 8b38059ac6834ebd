//! Benchmark driver (not a test): one backup or one restore through `rampart_backup::Engine`,
//! the same engine and default options the `rampart backup` CLI and the desktop app call, so
//! `bench/backup.py` can time it and measure its peak RSS beside restic and the stock tools.
//!
//! usage:
//!   bench_backup backup SOURCE_NAME DIR RECIPIENT_FILE
//!   bench_backup restore SOURCE_NAME TARGET_DIR IDENTITY_FILE
//!
//! The S3 target comes from the environment: RAMPART_BENCH_ENDPOINT, RAMPART_BENCH_BUCKET,
//! RAMPART_BENCH_REGION, RAMPART_BENCH_PREFIX (optional), AWS_ACCESS_KEY_ID and
//! AWS_SECRET_ACCESS_KEY (never argv, never printed). Prints one line of JSON with what was done
//! and this process's peak RSS (VmHWM).

use rampart_backup::{BackupRequest, Engine, Identities, Recipient, S3Target, Selector, Source};
use rampart_sensitive::SecretString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set"))
}

fn target() -> Result<S3Target, String> {
    let mut t = S3Target::new(
        Some(env("RAMPART_BENCH_ENDPOINT")?),
        env("RAMPART_BENCH_REGION")?,
        env("RAMPART_BENCH_BUCKET")?,
        env("AWS_ACCESS_KEY_ID")?,
        SecretString::new(env("AWS_SECRET_ACCESS_KEY")?),
    );
    t.prefix = std::env::var("RAMPART_BENCH_PREFIX").unwrap_or_else(|_| "rampart".into());
    Ok(t)
}

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

async fn run(args: &[String]) -> Result<serde_json::Value, String> {
    let [cmd, source_name, dir, key_file] = args else {
        return Err("usage: bench_backup (backup SOURCE DIR RECIPIENT_FILE | restore SOURCE \
                    TARGET_DIR IDENTITY_FILE)"
            .into());
    };
    let engine = Engine::new(&target()?).map_err(|e| e.to_string())?;
    let start = Instant::now();
    match cmd.as_str() {
        "backup" => {
            let text = std::fs::read_to_string(key_file)
                .map_err(|e| format!("reading {key_file}: {e}"))?;
            let recipients = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(Recipient::parse)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| e.to_string())?;
            let m = engine
                .backup(BackupRequest {
                    source_name: source_name.clone(),
                    source: Source::Directory { path: PathBuf::from(dir), excludes: Vec::new() },
                    recipients,
                    signer: rampart_backup::testkit::signer(),
                    on_upload: None,
                    progress: None,
                })
                .await
                .map_err(|e| e.to_string())?;
            Ok(serde_json::json!({
                "op": "backup",
                "id": m.id,
                "object": m.object,
                "plaintext_bytes": m.plaintext_size,
                "ciphertext_bytes": m.ciphertext_size,
                "parts": m.parts,
                "seconds": start.elapsed().as_secs_f64(),
                "vm_hwm_kib": vm_hwm_kib(),
            }))
        }
        "restore" => {
            let ids = Identities::from_file(key_file.as_ref()).map_err(|e| e.to_string())?;
            let b = engine.find(source_name, &Selector::Latest).await.map_err(|e| e.to_string())?;
            let r = engine
                .restore_to_dir(&b, &ids, dir.as_ref(), None)
                .await
                .map_err(|e| e.to_string())?;
            Ok(serde_json::json!({
                "op": "restore",
                "id": r.id,
                "plaintext_bytes": r.plaintext_size,
                "ciphertext_bytes": r.ciphertext_size,
                "seconds": start.elapsed().as_secs_f64(),
                "vm_hwm_kib": vm_hwm_kib(),
            }))
        }
        other => Err(format!("unknown command {other:?}: backup or restore")),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args).await {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bench_backup: {e}");
            ExitCode::FAILURE
        }
    }
}
