//! `rampart check target add|list|show|remove`: named deployments the checklist runs against,
//! kept in Rampart's data dir with their attestations.

use crate::{CliResult, Failure, print_json};
use clap::{Args, Subcommand};
use rampart_core::Rampart;
use rampart_core::checks::{ReviewView, Target, TargetView, parse_review_every};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum TargetCommand {
    /// Adds a target: `add NAME --url URL [--login-path P] [--path P]... [--ca FILE]
    /// [--repo DIR] [--db URI]... [--link NAME]... [--review-every 90d]`.
    Add(AddArgs),
    /// Every target.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One target with its attestations.
    Show(ShowArgs),
    /// Removes a target and its attestations.
    #[command(alias = "rm")]
    Remove { name: String },
}

#[derive(Args)]
pub struct AddArgs {
    name: String,
    /// Base URL, e.g. https://api.example.com.
    #[arg(long)]
    url: Option<String>,
    /// The login route, for the opt-in login burst.
    #[arg(long)]
    login_path: Option<String>,
    /// Extra API paths to probe.
    #[arg(long = "path")]
    paths: Vec<String>,
    /// A PEM CA file to trust (self-hosted and staging certificates).
    #[arg(long)]
    ca: Option<PathBuf>,
    /// A local checkout of the service's repository.
    #[arg(long)]
    repo: Option<PathBuf>,
    /// Database endpoints to probe (mongodb://host:port, redis://host:port).
    #[arg(long = "db")]
    databases: Vec<String>,
    /// Rampart backup sources, Prometheus/Alertmanager/Sentry sources, services or vault
    /// credentials that belong to this target.
    #[arg(long = "link")]
    links: Vec<String>,
    /// Send the bounded burst of failed logins on every run (needs --login-path).
    #[arg(long)]
    login_burst: bool,
    /// The plain-HTTP port probed for the HTTP->HTTPS redirect (default 80).
    #[arg(long)]
    plain_port: Option<u16>,
    /// How often the checklist is reviewed (the guide's "Next Review"): 90d, 12w, 3m, 1y
    /// (default 90d).
    #[arg(long)]
    review_every: Option<String>,
}

#[derive(Args)]
pub struct ShowArgs {
    pub name: String,
    #[arg(long)]
    pub json: bool,
}

pub fn run(app: &Rampart, cmd: TargetCommand) -> CliResult {
    match cmd {
        TargetCommand::Add(a) => {
            let target = Target {
                name: a.name,
                url: a.url,
                login_path: a.login_path,
                paths: a.paths,
                ca_file: a.ca,
                repo: a.repo,
                databases: a.databases,
                links: a.links,
                login_burst: a.login_burst,
                plain_port: a.plain_port,
                review_every_days: a
                    .review_every
                    .as_deref()
                    .map(parse_review_every)
                    .transpose()
                    .map_err(|e| Failure::new(e.to_string()))?,
            };
            let view = app.check_target_add(&target)?;
            println!("added check target {}; {}", view.target.name, review_line(&view.review));
            Ok(())
        }
        TargetCommand::List { json } => {
            let targets = app.check_targets()?;
            if json {
                return print_json(&targets);
            }
            if targets.is_empty() {
                println!(
                    "no check targets; add one with `rampart check target add NAME --url URL`"
                );
            }
            for t in &targets {
                println!(
                    "{:<20} {}  ({})",
                    t.target.name,
                    describe(&t.target),
                    review_line(&t.review)
                );
            }
            Ok(())
        }
        TargetCommand::Show(args) => show(app, args),
        TargetCommand::Remove { name } => {
            app.check_target_remove(&name)?;
            println!("removed check target {name}");
            Ok(())
        }
    }
}

/// `review due 2026-04-01 (every 90 days, from the last run)`, `OVERDUE` when past.
pub fn review_line(r: &ReviewView) -> String {
    let day = r.due.split_once('T').map_or(r.due.as_str(), |(d, _)| d);
    let from = if r.since_run { "the last run" } else { "when it was added" };
    let state = if r.overdue { "review OVERDUE since" } else { "review due" };
    format!("{state} {day} (every {} days, from {from})", r.every_days)
}

/// What a target checks, on one line.
fn describe(t: &Target) -> String {
    let mut parts = Vec::new();
    if let Some(u) = &t.url {
        parts.push(u.clone());
    }
    if let Some(r) = &t.repo {
        parts.push(format!("repo {}", r.display()));
    }
    if !t.databases.is_empty() {
        parts.push(format!("db {}", t.databases.join(" ")));
    }
    if !t.links.is_empty() {
        parts.push(format!("links {}", t.links.join(", ")));
    }
    parts.join("  ")
}

pub fn show(app: &Rampart, args: ShowArgs) -> CliResult {
    let view: TargetView = app.check_target(&args.name)?;
    if args.json {
        return print_json(&view);
    }
    let t = &view.target;
    println!("{}  (added {})", t.name, view.created_at);
    println!("  {}", describe(t));
    println!("  {}", review_line(&view.review));
    if let Some(p) = &t.login_path {
        println!("  login path {p}{}", if t.login_burst { " (login burst on)" } else { "" });
    }
    if !t.paths.is_empty() {
        println!("  paths {}", t.paths.join(" "));
    }
    if view.attestations.is_empty() {
        println!("  no attestations");
    }
    for a in &view.attestations {
        let state = if a.expired { "EXPIRED" } else { "until" };
        println!(
            "  attested {:<28} by {} on {}, {state} {}: {}",
            a.item,
            a.by,
            a.date,
            a.expires.as_deref().unwrap_or("-"),
            a.note
        );
    }
    Ok(())
}
