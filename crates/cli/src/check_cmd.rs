//! `rampart check`: the security checklist. `list` prints the catalog; `run` checks a URL
//! and/or a repository and prints the items by section (or `--json`), exiting 1 when any fails.
//! Named targets and attestations come in a later step.

use crate::{CliResult, Failure, print_json};
use clap::{Args, Subcommand};
use rampart_checks::{Section, Status, catalog, probe::client::Limits, run, target::Target};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum CheckCommand {
    /// Every checklist item with its id, section and ASVS ids.
    List,
    /// Runs the checks against a URL and/or a repository.
    Run(RunArgs),
}

#[derive(Args)]
pub struct RunArgs {
    /// Base URL of the deployment.
    #[arg(long)]
    url: Option<String>,
    /// Local checkout of the service's repository.
    #[arg(long)]
    repo: Option<PathBuf>,
    /// Extra API paths to probe.
    #[arg(long = "path")]
    paths: Vec<String>,
    /// A PEM CA file to trust.
    #[arg(long)]
    ca: Option<PathBuf>,
    /// Database endpoints (mongodb://host:port, redis://host:port).
    #[arg(long = "db")]
    databases: Vec<String>,
    /// Only these items or sections.
    #[arg(long)]
    only: Vec<String>,
    #[arg(long)]
    json: bool,
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub fn run(cmd: CheckCommand) -> CliResult {
    match cmd {
        CheckCommand::List => {
            for section in Section::ALL {
                println!("{}", section.title());
                for item in catalog::items().filter(|i| i.section == section) {
                    println!("  {:<30} {} [ASVS {}]", item.id, item.title, item.asvs.join(", "));
                }
            }
            Ok(())
        }
        CheckCommand::Run(a) => {
            let target = Target {
                name: "adhoc".into(),
                url: a.url,
                repo: a.repo,
                paths: a.paths,
                ca_file: a.ca,
                databases: a.databases,
                ..Default::default()
            };
            let valid = target.validate().map_err(|e| Failure::new(e.to_string()))?;
            let selected = catalog::select(&a.only).map_err(Failure::new)?;
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(|e| Failure::new(format!("could not start the runtime: {e}")))?;
            let input = run::RunInput {
                target: &valid,
                selected,
                attestations: Default::default(),
                limits: Limits::default(),
                started: now(),
                records: Vec::new(),
            };
            let report = rt.block_on(run::run(input, now));
            if a.json {
                print_json(&report)?;
            } else {
                for section in Section::ALL {
                    let items: Vec<_> =
                        report.items.iter().filter(|i| i.section == section).collect();
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
            }
            if report.any_failed() {
                return Err(Failure { message: "some checklist items failed".into(), code: 1 });
            }
            Ok(())
        }
    }
}
