//! Benchmark driver (not a test): Rampart's health poller on N targets for a while, so
//! `bench/feeds.py` can measure its CPU seconds and peak RSS beside Prometheus's
//! blackbox_exporter probing the same targets at the same rate.
//!
//! usage: bench_poller URL_FILE SECONDS INTERVAL_SECONDS
//!
//! One service per line of URL_FILE, with the defaults a service gets in the app (5 s timeout, the
//! guide's conditions: HTTP 200 and `status == "ok"`) and the given interval. The poller is
//! `rampart_feeds::health::Scheduler` with the app's setup: the one shared client from
//! `rampart_feeds::http_client`, the scheduler's default bounded concurrency, a multi-threaded
//! tokio runtime (as Tauri's), events drained from the channel as they come.
//!
//! Lateness: each service's first check anchors its schedule (the scheduler picks a random start
//! within the interval, which is not observable from outside); check k of a service is due at
//! `first + k x interval` and its actual time is the result's `at_ms` (taken when the check got
//! its concurrency permit, right before the request). Prints one line of JSON.

use rampart_feeds::health::{HealthEvent, Scheduler, Service};
use rampart_feeds::{ClientOptions, http_client};
use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Duration;

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
    let [url_file, seconds, interval] = args else {
        return Err("usage: bench_poller URL_FILE SECONDS INTERVAL_SECONDS".into());
    };
    let seconds: f64 = seconds.parse().map_err(|_| format!("bad SECONDS {seconds:?}"))?;
    let interval: f64 = interval.parse().map_err(|_| format!("bad INTERVAL {interval:?}"))?;
    let interval = Duration::from_secs_f64(interval);
    let urls = std::fs::read_to_string(url_file).map_err(|e| format!("{url_file}: {e}"))?;
    let services: Vec<Service> = urls
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, url)| Service { interval, ..Service::new(format!("target-{i}"), url.trim()) })
        .collect();
    let count = services.len();
    let client = http_client(&ClientOptions::default()).map_err(|e| e.to_string())?;
    let scheduler = Scheduler::new(client, services);
    let concurrency = scheduler.concurrency;
    let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
    let handle = scheduler.spawn(tx);

    let mut times: HashMap<String, Vec<i64>> = HashMap::with_capacity(count);
    let (mut checks, mut down, mut changes) = (0u64, 0u64, 0u64);
    let mut down_reason = None;
    let mut max_latency_ms = 0u64;
    let deadline = tokio::time::Instant::now() + Duration::from_secs_f64(seconds);
    loop {
        let event = tokio::select! {
            e = rx.recv() => e,
            _ = tokio::time::sleep_until(deadline) => None,
        };
        match event {
            Some(HealthEvent::Checked(r)) => {
                checks += 1;
                max_latency_ms = max_latency_ms.max(r.latency_ms);
                if !r.is_up() {
                    down += 1;
                    down_reason.get_or_insert_with(|| r.reasons.join("; "));
                }
                times.entry(r.service).or_default().push(r.at_ms);
            }
            Some(HealthEvent::Changed(_)) => changes += 1,
            None => break,
        }
    }
    handle.stop();

    let interval_ms = interval.as_secs_f64() * 1000.0;
    let mut late_over_1s = 0u64;
    let mut max_late_ms = 0f64;
    let mut lateness = Vec::new();
    for at in times.values_mut() {
        at.sort_unstable();
        let first = at[0] as f64;
        for (k, &t) in at.iter().enumerate().skip(1) {
            let late = t as f64 - (first + k as f64 * interval_ms);
            lateness.push(late);
            max_late_ms = max_late_ms.max(late);
            if late > 1000.0 {
                late_over_1s += 1;
            }
        }
    }
    lateness.sort_by(f64::total_cmp);
    let p99 = lateness.get(lateness.len() * 99 / 100).copied().unwrap_or(0.0);
    Ok(serde_json::json!({
        "targets": count,
        "targets_checked": times.len(),
        "concurrency": concurrency,
        "checks": checks,
        "down": down,
        "first_down_reason": down_reason,
        "state_changes": changes,
        "late_over_1s": late_over_1s,
        "max_late_ms": max_late_ms.round(),
        "p99_late_ms": p99.round(),
        "max_latency_ms": max_latency_ms,
        "vm_hwm_kib": vm_hwm_kib(),
    }))
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
            eprintln!("bench_poller: {e}");
            ExitCode::FAILURE
        }
    }
}
