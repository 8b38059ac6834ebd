//! `rampart check`: the security checklist. `list` prints the catalog; `target` manages named
//! targets (check_target_cmd.rs); `run` checks a stored target (`run NAME` or `--target NAME`,
//! with Rampart's records and attestations) or an ad hoc `--url`/`--repo`, and prints the items
//! by section (or `--json`), exiting 1 when any fails; `attest`/`unattest` record a person's
//! word for an item of a target; `report` exports the last run as Markdown or HTML.

use crate::check_target_cmd::{self, TargetCommand};
use crate::{CliResult, Failure, print_json};
use clap::{Args, Subcommand};
use rampart_core::Rampart;
use rampart_core::checks::{
    Format, Report, Section, Status, StoredRun, Target, catalog, parse_expiry,
};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum CheckCommand {
    /// Every checklist item with its id, section and ASVS ids.
    List,
    /// Named check targets: add, list, show, remove.
    #[command(subcommand)]
    Target(TargetCommand),
    /// Runs the checks against a stored target (NAME) or a URL and/or a repository.
    Run(RunArgs),
    /// A target with its attestations and its last run's items.
    Show(check_target_cmd::ShowArgs),
    /// Attests an item Rampart cannot prove: `attest [TARGET] ID --note TEXT [--expires 90d]`.
    Attest(AttestArgs),
    /// Withdraws an attestation: `unattest [TARGET] ID`.
    Unattest(UnattestArgs),
    /// Exports the last run for a sign-off: `report NAME --format md|html --out FILE`.
    Report(ReportArgs),
}

#[derive(Args)]
pub struct ReportArgs {
    /// A stored target with a recorded run.
    name: String,
    /// md (Markdown) or html (a printable page).
    #[arg(long)]
    format: String,
    /// Where to write it; an existing file is refused unless --force.
    #[arg(long)]
    out: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    force: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct RunArgs {
    /// A stored target (`rampart check target add`).
    #[arg(conflicts_with_all = ["url", "repo", "paths", "ca", "databases"])]
    name: Option<String>,
    /// A stored target (same as NAME).
    #[arg(long = "target", conflicts_with = "name")]
    target: Option<String>,
    /// Ad hoc: base URL of the deployment.
    #[arg(long, conflicts_with = "target")]
    url: Option<String>,
    /// Ad hoc: local checkout of the service's repository.
    #[arg(long, conflicts_with = "target")]
    repo: Option<PathBuf>,
    /// Ad hoc: extra API paths to probe.
    #[arg(long = "path", conflicts_with = "target")]
    paths: Vec<String>,
    /// Ad hoc: a PEM CA file to trust.
    #[arg(long, conflicts_with = "target")]
    ca: Option<PathBuf>,
    /// Ad hoc: database endpoints (mongodb://host:port, redis://host:port).
    #[arg(long = "db", conflicts_with = "target")]
    databases: Vec<String>,
    /// Only these items or sections.
    #[arg(long)]
    only: Vec<String>,
    /// Send the bounded burst of failed logins to the target's login path.
    #[arg(long)]
    login_burst: bool,
    #[arg(long)]
    json: bool,
}

/// `[TARGET] ID`: the target may be left out when only one is stored.
#[derive(Args)]
pub struct ItemRef {
    /// TARGET ID, or just ID when one target is stored (or --target is given).
    #[arg(num_args = 1..=2, required = true, value_names = ["TARGET", "ID"])]
    args: Vec<String>,
    /// The target (instead of the first argument).
    #[arg(long = "target")]
    target: Option<String>,
}

#[derive(Args)]
pub struct AttestArgs {
    #[command(flatten)]
    item: ItemRef,
    /// What was checked, and how.
    #[arg(long)]
    note: String,
    /// Who attests (default: the login name).
    #[arg(long)]
    by: Option<String>,
    /// When it stops counting: a duration (90d, 12w, 1y) or a date (2026-12-31).
    #[arg(long, default_value = "90d")]
    expires: String,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct UnattestArgs {
    #[command(flatten)]
    item: ItemRef,
}

fn runtime() -> CliResult<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("could not start the runtime: {e}")))
}

/// `list` needs no data dir.
pub fn list() -> CliResult {
    for section in Section::ALL {
        println!("{}", section.title());
        for item in catalog::items().filter(|i| i.section == section) {
            println!("  {:<30} {} [ASVS {}]", item.id, item.title, item.asvs.join(", "));
        }
    }
    Ok(())
}

pub fn run(app: &Rampart, cmd: CheckCommand) -> CliResult {
    match cmd {
        CheckCommand::List => list(),
        CheckCommand::Target(cmd) => check_target_cmd::run(app, cmd),
        CheckCommand::Show(args) => show(app, args),
        CheckCommand::Run(a) => run_checks(app, a),
        CheckCommand::Attest(a) => {
            let (target, id) = resolve(app, a.item)?;
            let expires = parse_expiry(&a.expires, app.now())?;
            // Without --by or a login name, core says who must be named (after the id).
            let by = a.by.or_else(login_name).unwrap_or_default();
            let view = app.check_attest(&target, &id, &a.note, &by, expires)?;
            if a.json {
                return print_json(&view);
            }
            let until = view.expires.as_deref().unwrap_or("never");
            println!("{id} attested for {target} by {} until {until}", view.by);
            Ok(())
        }
        CheckCommand::Report(a) => {
            let format = Format::parse(&a.format).map_err(Failure::new)?;
            let done = app.check_export(&a.name, format, &a.out, a.force)?;
            if a.json {
                return print_json(&done);
            }
            println!(
                "wrote {} (run {}, {} bytes, sha256 {}); audit chain at export: entry {} {}",
                done.path, done.run_id, done.bytes, done.sha256, done.audit_seq, done.audit_hash
            );
            Ok(())
        }
        CheckCommand::Unattest(a) => {
            let (target, id) = resolve(app, a.item)?;
            app.check_unattest(&target, &id)?;
            println!("{id} is no longer attested for {target}");
            Ok(())
        }
    }
}

fn login_name() -> Option<String> {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok())
        .filter(|s| !s.is_empty())
}

/// Resolves `[TARGET] ID` (or `--target T ID`, or `ID` with a single stored target).
fn resolve(app: &Rampart, r: ItemRef) -> CliResult<(String, String)> {
    match (r.args.as_slice(), r.target) {
        ([t, id], None) => Ok((t.clone(), id.clone())),
        ([_, _], Some(_)) => {
            Err(Failure::new("give the target once: TARGET ID, or --target TARGET ID"))
        }
        ([id], Some(t)) => Ok((t, id.clone())),
        ([id], None) => {
            let targets = app.check_targets()?;
            match targets.as_slice() {
                [only] => Ok((only.target.name.clone(), id.clone())),
                _ => Err(Failure::new(format!(
                    "name the target: `rampart check attest TARGET {id} ...` ({} stored; `rampart check target list`)",
                    targets.len()
                ))),
            }
        }
        _ => Err(Failure::new("give TARGET ID")),
    }
}

fn run_checks(app: &Rampart, a: RunArgs) -> CliResult {
    let rt = runtime()?;
    let mut regressions = Vec::new();
    let report = match a.name.or(a.target) {
        Some(name) => {
            let (report, found) =
                rt.block_on(app.check_run_recorded(&name, &a.only, a.login_burst, |_| {}))?;
            regressions = found;
            report
        }
        None => {
            if a.url.is_none() && a.repo.is_none() && a.databases.is_empty() {
                return Err(Failure::new(
                    "name a stored target (`rampart check run NAME`) or give --url, --repo or --db",
                ));
            }
            let target = Target {
                name: "adhoc".into(),
                url: a.url,
                repo: a.repo,
                paths: a.paths,
                ca_file: a.ca,
                databases: a.databases,
                ..Default::default()
            };
            if a.login_burst {
                return Err(Failure::new(
                    "the login burst needs a stored target with a login path (--login-path)",
                ));
            }
            rt.block_on(app.check_prepare_adhoc(&target, &a.only)?.run())
        }
    };
    if a.json {
        print_json(&report)?;
    } else {
        print_report(&report);
    }
    // On stderr, so the JSON on stdout keeps the shape.
    for r in &regressions {
        eprintln!(
            "regression: {} ({}) was {} on {}, fails now: {}",
            r.id, r.title, r.was, r.since, r.summary
        );
    }
    if report.any_failed() {
        return Err(Failure { message: "some checklist items failed".into(), code: 1 });
    }
    Ok(())
}

/// `check show NAME`: the target and its attestations, then its last run's items.
fn show(app: &Rampart, args: check_target_cmd::ShowArgs) -> CliResult {
    let last = app.check_last_run(&args.name)?;
    if args.json {
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Shown {
            #[serde(flatten)]
            view: rampart_core::checks::TargetView,
            last_run: Option<StoredRun>,
        }
        return print_json(&Shown { view: app.check_target(&args.name)?, last_run: last });
    }
    check_target_cmd::show(app, args)?;
    match last {
        None => println!("no run yet (`rampart check run NAME`)"),
        Some(run) => {
            println!(
                "last run {} (started {}, finished {})",
                run.id, run.report.started, run.report.finished
            );
            print_report(&run.report);
        }
    }
    Ok(())
}

fn print_report(report: &Report) {
    for section in Section::ALL {
        let items: Vec<_> = report.items.iter().filter(|i| i.section == section).collect();
        if items.is_empty() {
            continue;
        }
        println!("{}", section.title());
        for i in items {
            let mark = match &i.status {
                Status::Pass => "✓",
                Status::Fail => "✗",
                Status::Warn => "!",
                Status::Unknown { .. } => "?",
                Status::Attested(_) => "A",
                Status::Na => "-",
            };
            println!("  {mark} {:<30} {}", i.id, i.summary);
        }
    }
    if let Some(h) = &report.headers {
        println!("headers: {} ({})", h.grade, h.score);
    }
    if let Some(t) = &report.tls {
        println!("tls: {} {}", t.grade, t.caps.join("; "));
    }
    let counts: Vec<String> = report
        .counts()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    println!("{}: {}", report.target, counts.join(", "));
}
