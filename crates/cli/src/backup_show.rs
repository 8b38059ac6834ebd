//! Output of `rampart backup ...`: tables and JSON, the progress display (a live line on a
//! terminal, a plain line every few seconds otherwise), date parsing for `restore --at`, and the
//! break-glass identity export with its warning and confirmation.

use crate::{CliResult, Failure, print_json};
use rampart_core::Rampart;
use rampart_core::backups::{
    BackupView, Phase, Progress, ProgressFn, PruneReport, RunView, SourceView, SourceWhat,
    TargetSpec,
};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// Exit code when retrying may help (EX_TEMPFAIL), so scripts can retry.
pub const EXIT_RETRYABLE: u8 = 75;

fn size(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{n} B") } else { format!("{v:.1} {}", UNITS[unit]) }
}

fn line(label: &str, p: &Progress) -> String {
    let mut s = format!(
        "{label}: {:?} {} read, {} transferred, {}/s",
        p.phase,
        size(p.bytes_read),
        size(p.bytes_transferred),
        size(p.rate as u64)
    );
    if let Some(total) = p.total.filter(|t| *t > 0) {
        s.push_str(&format!(", {:.0}%", p.bytes_read as f64 * 100.0 / total as f64));
    }
    if let Some(eta) = p.eta {
        s.push_str(&format!(", ETA {}s", eta.as_secs()));
    }
    s
}

/// A progress callback for stderr and a function to call when the work is over.
pub fn progress_display(label: &str) -> (ProgressFn, impl FnOnce() + use<>) {
    let tty = std::io::stderr().is_terminal();
    let last: Arc<Mutex<(Option<Instant>, Option<Phase>)>> = Arc::default();
    let label = label.to_owned();
    let drawn = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = Arc::clone(&drawn);
    let cb: ProgressFn = Arc::new(move |p: &Progress| {
        let mut last = last.lock().expect("progress lock");
        let text = line(&label, p);
        if tty {
            eprint!("\r\x1b[2K{text}");
            let _ = std::io::stderr().flush();
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        } else if last.1 != Some(p.phase)
            || last.0.is_none_or(|t| t.elapsed() >= Duration::from_secs(2))
        {
            eprintln!("{text}");
            *last = (Some(Instant::now()), Some(p.phase));
        }
    });
    let done = move || {
        if drawn.load(std::sync::atomic::Ordering::Relaxed) {
            eprintln!();
        }
    };
    (cb, done)
}

/// Prints a finished run; a failed run is an error (exit 75 when retrying may help).
pub fn run_result(run: &RunView) -> CliResult {
    if run.ok {
        eprintln!(
            "backed up {}: {} read, {} stored as {}",
            run.source,
            size(run.bytes_in),
            size(run.bytes_out),
            run.object_key.as_deref().unwrap_or_default()
        );
        println!("{}", run.backup_id.as_deref().unwrap_or_default());
        return Ok(());
    }
    let message = format!(
        "backup of {} failed: {}",
        run.source,
        run.error.as_deref().unwrap_or("unknown error")
    );
    Err(Failure { message, code: if run.retryable { EXIT_RETRYABLE } else { 1 } })
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

fn unix(t: i64) -> String {
    OffsetDateTime::from_unix_timestamp(t).map(rfc3339).unwrap_or_default()
}

pub fn backups(list: &[BackupView], json: bool) -> CliResult {
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        eprintln!("no backups yet: `rampart backup run SOURCE` makes one");
    }
    for b in list {
        let mark = if b.trusted { String::new() } else { format!("  UNTRUSTED: {}", b.trust) };
        println!(
            "{}  {:<16} {}  {:>10}  {}{mark}",
            b.id,
            b.source,
            rfc3339(b.finished),
            size(b.ciphertext_size),
            b.object
        );
    }
    let untrusted = list.iter().filter(|b| !b.trusted).count();
    if untrusted > 0 {
        eprintln!(
            "{untrusted} backup(s) are not signed by a key this machine trusts: they are never \
             restored, verified or pruned. `rampart backup keys trust KEY` trusts another of your \
             machines; `rampart backup adopt SOURCE` signs backups made before signing"
        );
    }
    Ok(())
}

pub fn targets(list: &[TargetSpec], json: bool) -> CliResult {
    if json {
        return print_json(&list);
    }
    for t in list {
        let endpoint = t.endpoint.as_deref().unwrap_or("AWS");
        println!(
            "{:<16} {endpoint} bucket={} prefix={:?} keys from vault: {}, {}",
            t.name, t.bucket, t.prefix, t.access_key_from, t.secret_key_from
        );
    }
    Ok(())
}

pub fn sources(list: &[SourceView], json: bool) -> CliResult {
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        eprintln!(
            "no sources: add one with `rampart backup source add NAME --dir PATH --target T`"
        );
    }
    for s in list {
        let what = match &s.spec.what {
            SourceWhat::Dir { path, .. } => format!("dir {}", path.display()),
            SourceWhat::Command { argv } => {
                format!("command {}", argv.first().cloned().unwrap_or_default())
            }
        };
        let last = match &s.last_run {
            Some(r) if r.ok => format!("last ok {}", unix(r.finished_at)),
            Some(r) => format!("last FAILED {}", unix(r.finished_at)),
            None => "never run".into(),
        };
        let schedule = s.spec.schedule.as_deref().unwrap_or("manual");
        println!("{:<16} {what} -> {} [{schedule}] {last}", s.spec.name, s.spec.target);
    }
    Ok(())
}

pub fn history(runs: &[RunView], json: bool) -> CliResult {
    if json {
        return print_json(&runs);
    }
    for r in runs {
        let status = if r.ok { "ok" } else { "FAILED" };
        let detail = r.error.clone().or_else(|| r.backup_id.clone()).unwrap_or_default();
        println!(
            "{} {:<16} {status:<6} {:>10} {detail}",
            unix(r.started_at),
            r.source,
            size(r.bytes_out)
        );
    }
    Ok(())
}

pub fn prune(reports: &[PruneReport], json: bool) -> CliResult {
    if json {
        return print_json(&reports);
    }
    for r in reports {
        let verb = if r.dry_run { "would delete" } else { "deleted" };
        for d in &r.decisions {
            let what = if d.keep { format!("keep ({:?})", d.reasons) } else { verb.to_owned() };
            println!("{:<16} {}  {what}", r.source, d.id);
        }
        let n = r.decisions.iter().filter(|d| !d.keep).count();
        eprintln!("{}: {verb} {n} of {} backups", r.source, r.decisions.len());
    }
    Ok(())
}

/// `2026-03-04` (end of that day, UTC), `2026-03-04 05:06[:07]` (UTC) or RFC 3339.
pub fn parse_date(text: &str) -> CliResult<OffsetDateTime> {
    use time::macros::format_description as fd;
    let t = text.trim();
    if let Ok(v) = OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339) {
        return Ok(v);
    }
    if let Ok(d) = time::Date::parse(t, fd!("[year]-[month]-[day]")) {
        return Ok(d.with_hms(23, 59, 59).expect("valid time").assume_utc());
    }
    for f in [
        fd!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        fd!("[year]-[month]-[day] [hour]:[minute]"),
    ] {
        if let Ok(v) = time::PrimitiveDateTime::parse(t, f) {
            return Ok(v.assume_utc());
        }
    }
    Err(Failure::new(format!(
        "--at {text:?} is not a date: use 2026-03-04, \"2026-03-04 05:06\" (UTC) or 2026-03-04T05:06:07+02:00"
    )))
}

/// Break-glass export: warns, wants --yes (or typing "yes" on a terminal), prints the key.
pub fn export_identity(
    app: &Rampart,
    yes: bool,
    png: Option<PathBuf>,
    svg: Option<PathBuf>,
) -> CliResult {
    eprintln!("{}", rampart_core::backups::EXPORT_WARNING);
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::new("refusing to print the private key without --yes"));
        }
        let answer = crate::input::line_from_stdin("Type yes to print it: ")?;
        if answer != "yes" {
            return Err(Failure::new("not exported"));
        }
    }
    let export = app.backup_export_identity()?;
    if let Some(path) = png {
        rampart_core::files::write_secret_file(&path, &export.qr_png)?;
        eprintln!("wrote the QR code to {} (mode 0600); delete it once printed", path.display());
    }
    if let Some(path) = svg {
        rampart_core::files::write_secret_file(&path, export.qr_svg.as_bytes())?;
        eprintln!("wrote the QR code to {} (mode 0600); delete it once printed", path.display());
    }
    print!("{}", export.text.expose());
    Ok(())
}
