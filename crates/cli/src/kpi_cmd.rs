//! `rampart kpi`: the guide's nine security KPIs over 24 h, 7 d or 30 d (Prometheus queries and
//! Rampart's own records), editing a KPI's PromQL, and running a PromQL expression by hand.

use crate::feeds_cmd::block_on;
use crate::{CliResult, print_json};
use clap::{Args, Subcommand};
use rampart_core::Rampart;
use rampart_core::kpi::{KpiRange, KpiValue};
use std::path::PathBuf;

#[derive(Args)]
pub struct KpiArgs {
    #[command(subcommand)]
    command: Option<KpiCommand>,
    /// 24h, 7d or 30d.
    #[arg(long, default_value = "24h")]
    range: String,
    /// The Prometheus to ask (default: the first configured).
    #[arg(long)]
    prometheus: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum KpiCommand {
    /// Replaces a Prometheus KPI's PromQL (see `rampart kpi` for the ids).
    SetQuery { id: String, query: String },
    /// Goes back to a KPI's default PromQL.
    ResetQuery { id: String },
    /// Writes the security report: every KPI this period against the one before, with its
    /// trend and threshold, breached ones first (Markdown or a printable HTML page).
    Report {
        /// 24h, 7d or 30d.
        #[arg(long, default_value = "7d")]
        range: String,
        /// md or html.
        #[arg(long)]
        format: String,
        #[arg(long)]
        out: PathBuf,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
        /// The Prometheus to ask (default: the first configured).
        #[arg(long)]
        prometheus: Option<String>,
    },
    /// Runs a PromQL expression now and prints the series, or Prometheus's error.
    Query {
        expr: String,
        #[arg(long)]
        prometheus: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(app: &Rampart, args: KpiArgs) -> CliResult {
    match args.command {
        Some(KpiCommand::SetQuery { id, query }) => {
            app.kpi_query_set(&id, Some(&query))?;
            eprintln!("{id} now runs: {query}");
            Ok(())
        }
        Some(KpiCommand::ResetQuery { id }) => {
            app.kpi_query_set(&id, None)?;
            eprintln!("{id} runs its default query again");
            Ok(())
        }
        Some(KpiCommand::Query { expr, prometheus, json }) => query(app, &expr, prometheus, json),
        Some(KpiCommand::Report { range, format, out, force, prometheus }) => {
            let range = KpiRange::parse(&range)?;
            rampart_core::kpi::report::check_format(&format)?;
            rampart_core::files::refuse_existing(&out, force)?;
            let report = block_on(app.kpi_security_report(range, prometheus.as_deref()))??;
            app.kpi_report_write(&report, &format, &out, force)?;
            let breached = report.kpis.iter().filter(|k| k.breached).count();
            let unknown = report.kpis.iter().filter(|k| k.current.is_none()).count();
            eprintln!(
                "wrote {}: {breached} KPIs past their threshold, {unknown} unknown",
                out.display()
            );
            Ok(())
        }
        None => dashboard(app, &args.range, args.prometheus.as_deref(), args.json),
    }
}

fn dashboard(app: &Rampart, range: &str, prometheus: Option<&str>, json: bool) -> CliResult {
    let range = KpiRange::parse(range)?;
    let report = block_on(app.kpi_report(range, prometheus))??;
    if json {
        return print_json(&report);
    }
    let from = report.prometheus.as_deref().unwrap_or("no Prometheus");
    println!("Security KPIs, last {} ({from} and Rampart's records)", range_label(range));
    for k in &report.kpis {
        let mark = if k.breached { "!" } else { " " };
        println!("{mark} {:<40} {}", k.def.title, shown(k));
    }
    if report.kpis.iter().any(|k| k.breached) {
        println!("! = past its threshold");
    }
    if report.prometheus.is_none() {
        println!("Add a Prometheus to fill the other KPIs: rampart prometheus add NAME --url URL");
    }
    Ok(())
}

fn range_label(range: KpiRange) -> &'static str {
    match range {
        KpiRange::Day => "24 h",
        KpiRange::Week => "7 days",
        KpiRange::Month => "30 days",
    }
}

/// A value in its unit, with the threshold it is held to, or why there is none.
fn shown(k: &KpiValue) -> String {
    let Some(v) = k.value else {
        return format!("-  ({})", k.note.as_deref().unwrap_or("no value"));
    };
    let mut value = format_unit(k.def.unit, v);
    if let Some(detail) = &k.detail {
        value = format!("{value}  ({detail})");
    }
    match k.def.threshold {
        Some(t) => {
            let side = if t.above_is_bad { "<=" } else { ">=" };
            format!("{value}  (want {side} {}: {})", format_unit(k.def.unit, t.value), t.from)
        }
        None => value,
    }
}

fn format_unit(unit: &str, v: f64) -> String {
    rampart_core::kpi::report::format_value(unit, v)
}

fn query(app: &Rampart, expr: &str, prometheus: Option<String>, json: bool) -> CliResult {
    let series = block_on(app.kpi_query(expr, prometheus.as_deref()))??;
    if json {
        return print_json(&series);
    }
    for s in &series {
        let labels: Vec<String> = s.labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
        let last = s.points.last().map(|p| p.1.to_string()).unwrap_or_default();
        println!("{{{}}} {last}", labels.join(", "));
    }
    if series.is_empty() {
        println!("(no series)");
    }
    Ok(())
}
