//! `rampart service|alertmanager|prometheus|sentry|health|alerts|silence|silences|slack`: health checks and
//! alert feeds from the shell. Network commands run on a current-thread tokio runtime created
//! here; durations are humantime (`30s`, `5m`, `2h`). Errors say whether retrying can help.

use crate::{CliResult, Failure, print_json};
use clap::{Args, Subcommand};
use rampart_core::Rampart;
use rampart_core::feeds::{self, Service, Status, tokio};
use std::time::Duration;

#[derive(Subcommand)]
pub enum ServiceCommand {
    /// Monitors a health URL (default conditions: HTTP 200 and JSON `status == "ok"`).
    Add {
        name: String,
        #[arg(long)]
        url: String,
        /// Time between checks.
        #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
        interval: Duration,
        /// Time a check may take before the service counts as down.
        #[arg(long, default_value = "5s", value_parser = humantime::parse_duration)]
        timeout: Duration,
        /// Environment label (production, staging, ...).
        #[arg(long, default_value = "")]
        env: String,
    },
    /// Lists services with their last check and uptime.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Stops monitoring NAME and drops its history.
    Rm { name: String },
}

#[derive(Subcommand)]
pub enum SourceCommand {
    /// Adds a server by name and base URL.
    Add {
        name: String,
        #[arg(long)]
        url: String,
    },
    /// Removes a server.
    Rm { name: String },
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SentryArgs {
    #[command(subcommand)]
    command: Option<SentryCommand>,
    /// Unresolved issues as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum SentryCommand {
    /// Watches ORG/PROJECT with the API token stored in the vault as VAULT_NAME.
    Add {
        org_project: String,
        #[arg(long, value_name = "VAULT_NAME")]
        token_from: String,
        /// Base URL of a self-hosted Sentry (default https://sentry.io/).
        #[arg(long)]
        url: Option<String>,
    },
    /// Stops watching ORG/PROJECT.
    Rm { org_project: String },
}

#[derive(Args)]
pub struct JsonFlag {
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SilenceArgs {
    #[command(subcommand)]
    command: Option<SilenceCommand>,
    /// An alertname or an alert fingerprint.
    #[arg(required = true)]
    alert: Option<String>,
    /// How long (e.g. 30m, 2h).
    #[arg(long = "for", value_parser = humantime::parse_duration, required = true)]
    duration: Option<Duration>,
    #[arg(long, required = true)]
    comment: Option<String>,
    /// Recorded as the silence's author (default: $USER).
    #[arg(long)]
    by: Option<String>,
}

#[derive(Subcommand)]
pub enum SilenceCommand {
    /// Expires a silence now.
    Expire {
        id: String,
        /// The Alertmanager holding it (default: the first that lists it).
        #[arg(long)]
        alertmanager: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum SlackCommand {
    /// Posts notifications to the Slack incoming webhook stored in the vault as VAULT_NAME.
    Set {
        #[arg(
            long,
            value_name = "VAULT_NAME",
            conflicts_with = "off",
            required_unless_present = "off"
        )]
        webhook_from: Option<String>,
        /// Stops posting to Slack.
        #[arg(long)]
        off: bool,
    },
    /// Posts a test message to the configured webhook.
    Test,
}

pub(crate) fn block_on<F: std::future::Future>(future: F) -> CliResult<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("could not start the async runtime: {e}")))?;
    Ok(runtime.block_on(future))
}

pub fn service(app: &Rampart, cmd: ServiceCommand) -> CliResult {
    match cmd {
        ServiceCommand::Add { name, url, interval, timeout, env } => {
            let service =
                Service { environment: env, interval, timeout, ..Service::new(name, url) };
            let view = app.service_add(&service)?;
            eprintln!(
                "monitoring {} at {} every {}",
                view.service.name,
                view.service.url,
                humantime::format_duration(view.service.interval)
            );
        }
        ServiceCommand::List { json } => {
            let list = app.service_list()?;
            if json {
                return print_json(&list);
            }
            if list.is_empty() {
                eprintln!("no services: add one with `rampart service add NAME --url URL`");
            }
            for v in list {
                let status = match &v.last {
                    Some(r) if r.is_up() => "up",
                    Some(_) => "DOWN",
                    None => "unchecked",
                };
                let uptime = v.uptime[0].map_or("-".to_owned(), |u| format!("{u:.2}%"));
                println!(
                    "{:<24} {:<10} {:<9} 24h {:>8}  {}",
                    v.service.name, v.service.environment, status, uptime, v.service.url
                );
            }
        }
        ServiceCommand::Rm { name } => {
            app.service_remove(&name)?;
            eprintln!("stopped monitoring {name}");
        }
    }
    Ok(())
}

pub fn source(app: &Rampart, kind: &str, cmd: SourceCommand) -> CliResult {
    match cmd {
        SourceCommand::Add { name, url } => {
            let view = match kind {
                "alertmanager" => app.alertmanager_add(&name, &url)?,
                _ => app.prometheus_add(&name, &url)?,
            };
            eprintln!("added {kind} {} at {}", view.name, view.url);
        }
        SourceCommand::Rm { name } => {
            app.source_remove(kind, &name)?;
            eprintln!("removed {kind} {name}");
        }
    }
    Ok(())
}

pub fn health(app: &Rampart, args: JsonFlag) -> CliResult {
    let report = block_on(app.health_pass())??;
    if args.json {
        print_json(&report)?;
    } else {
        if report.results.is_empty() {
            eprintln!("no services: add one with `rampart service add NAME --url URL`");
        }
        for r in &report.results {
            let status = if r.status == Status::Up { "up" } else { "DOWN" };
            let http = r.http_status.map_or("-".to_owned(), |s| s.to_string());
            println!("{:<24} {:<5} {:>6} ms  HTTP {http}", r.service, status, r.latency_ms);
            for reason in &r.reasons {
                println!("    {reason}");
            }
        }
        for c in &report.changes {
            eprintln!("{} went {:?} -> {:?}", c.service, c.from, c.to);
        }
    }
    let down = report.results.iter().filter(|r| !r.is_up()).count();
    if down > 0 {
        return Err(Failure::new(format!("{down} of {} service(s) down", report.results.len())));
    }
    Ok(())
}

pub fn alerts(app: &Rampart, args: JsonFlag) -> CliResult {
    let report = block_on(app.alerts())??;
    if args.json {
        print_json(&report)?;
    } else {
        for g in &report.groups {
            println!(
                "{} [{}] {} ({} alert(s))",
                g.alertname,
                g.severity,
                g.service,
                g.alerts.len()
            );
            for a in &g.alerts {
                let s = &a.alert.status;
                let muted = if s.silenced_by.is_empty() && s.inhibited_by.is_empty() {
                    String::new()
                } else {
                    format!(" silenced by {:?} inhibited by {:?}", s.silenced_by, s.inhibited_by)
                };
                let summary = a.alert.annotations.get("summary").map_or("", String::as_str);
                println!(
                    "    {} {} since {} {summary}{muted}",
                    a.alert.fingerprint, s.state, a.alert.starts_at
                );
            }
        }
        for p in &report.prometheus {
            let ready = p
                .readiness
                .as_ref()
                .map_or("unreachable", |r| if r.ready { "ready" } else { "NOT READY" });
            let pending = p.alerts.iter().filter(|a| a.state == "pending").count();
            let firing = p.alerts.iter().filter(|a| a.state == "firing").count();
            println!("Prometheus {}: {ready}, {firing} firing, {pending} pending", p.name);
            for rule in p.rule_groups.iter().flat_map(|g| &g.rules).filter(|r| r.health == "err") {
                println!(
                    "    rule {} fails: {}",
                    rule.name,
                    rule.last_error.as_deref().unwrap_or("")
                );
            }
        }
    }
    sources_failed(&report.errors)
}

fn sources_failed(errors: &[feeds::SourceError]) -> CliResult {
    if errors.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
    Err(Failure::new(lines.join("\nerror: ")))
}

pub fn silence(app: &Rampart, args: SilenceArgs) -> CliResult {
    if let Some(SilenceCommand::Expire { id, alertmanager }) = args.command {
        let on = block_on(app.expire_silence_by_id(alertmanager.as_deref(), &id))??;
        eprintln!("expired silence {id} on Alertmanager {on}");
        return Ok(());
    }
    let (Some(alert), Some(duration), Some(comment)) = (args.alert, args.duration, args.comment)
    else {
        return Err(Failure::new("usage: rampart silence ALERT --for DURATION --comment TEXT"));
    };
    let by = feeds::ops::author(args.by.as_deref());
    let created = block_on(app.silence(&alert, duration, &comment, &by))??;
    for c in created {
        println!("{}", c.silence_id);
        eprintln!(
            "silenced {} alert(s) on Alertmanager {} for {}",
            c.alerts,
            c.alertmanager,
            humantime::format_duration(duration)
        );
    }
    Ok(())
}

pub fn silences(app: &Rampart, args: JsonFlag) -> CliResult {
    let report = block_on(app.silences())??;
    if args.json {
        print_json(&report)?;
    } else {
        if report.silences.is_empty() && report.errors.is_empty() {
            eprintln!("no silences");
        }
        for s in &report.silences {
            let matchers: Vec<String> = s
                .silence
                .matchers
                .iter()
                .map(|m| {
                    let op = match (m.is_equal, m.is_regex) {
                        (true, false) => "=",
                        (false, false) => "!=",
                        (true, true) => "=~",
                        (false, true) => "!~",
                    };
                    format!("{}{op}{:?}", m.name, m.value)
                })
                .collect();
            println!(
                "{} {:<8} {:<10} until {}  by {}: {}\n    {{{}}}",
                s.silence.id,
                s.silence.status.state,
                s.alertmanager,
                s.silence.ends_at,
                s.silence.created_by,
                s.silence.comment,
                matchers.join(", ")
            );
        }
    }
    sources_failed(&report.errors)
}

pub fn slack(app: &Rampart, cmd: SlackCommand) -> CliResult {
    match cmd {
        SlackCommand::Set { webhook_from, off } => {
            let settings =
                app.set_slack_webhook(if off { None } else { webhook_from.as_deref() })?;
            match settings.slack_webhook_from {
                Some(name) => eprintln!("Slack notifications go to the webhook in {name}"),
                None => eprintln!("Slack notifications are off"),
            }
        }
        SlackCommand::Test => {
            let message = app.slack_test_message()?;
            block_on(message.post())??;
            eprintln!("Slack accepted the test message");
        }
    }
    Ok(())
}

pub fn sentry(app: &Rampart, args: SentryArgs) -> CliResult {
    match args.command {
        Some(SentryCommand::Add { org_project, token_from, url }) => {
            let view = app.sentry_add(&org_project, &token_from, url.as_deref())?;
            eprintln!("watching Sentry {} at {} (token from {token_from})", view.name, view.url);
            Ok(())
        }
        Some(SentryCommand::Rm { org_project }) => {
            app.source_remove("sentry", &org_project)?;
            eprintln!("stopped watching Sentry {org_project}");
            Ok(())
        }
        None => {
            let report = block_on(app.sentry_issues(10))??;
            if args.json {
                print_json(&report)?;
            } else {
                for (project, issues) in &report.projects {
                    println!("{project}: {} unresolved issue(s)", issues.len());
                    for i in issues {
                        println!(
                            "    {:<14} {:>7} events {:>5} users  last {}  {}\n        {}",
                            i.short_id, i.count, i.user_count, i.last_seen, i.title, i.permalink
                        );
                    }
                }
            }
            sources_failed(&report.errors)
        }
    }
}
