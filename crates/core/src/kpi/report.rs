//! The weekly security report (the guide's monthly review reads it): every KPI for this
//! period and the one of the same length before it, with the trend, the threshold and whether
//! it is past it; breached KPIs first, unknown ones last with the reason. Prometheus KPIs run
//! their query as two instant queries, at the end of each period; KPIs from Rampart's records
//! are computed over each period from the history. Split like the dashboard: the plan reads
//! the app ([`Rampart::kpi_report_plan`]), [`ReportPlan::run`] asks Prometheus without it.
//! [`render_markdown`] and [`render_html`] (a printable page, every field escaped, no script)
//! are pure; [`Rampart::kpi_report_write`] writes one atomically and never overwrites unless
//! told to.

use super::{KPIS, KpiDef, KpiRange, KpiSource, KpiValue, Threshold, worst};
use crate::views::rfc3339;
use crate::{AuditAction, Rampart, Result};
use rampart_feeds::prometheus::Prometheus;
use serde::Serialize;
use std::path::Path;

mod render;
pub use render::{check_format, format_value, render, render_html, render_markdown};

/// Which way a KPI moved since the previous period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Trend {
    /// Moved away from its bad side (or down, for counts where more is worse).
    Better,
    Worse,
    /// Unchanged (to rounding error).
    Same,
    /// One of the two periods has no value.
    Unknown,
}

/// One KPI in the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KpiTrend {
    #[serde(flatten)]
    pub def: KpiDef,
    pub query: Option<String>,
    /// This period (Prometheus: the value at its end).
    pub current: Option<f64>,
    /// The period before.
    pub previous: Option<f64>,
    /// `current - previous`.
    pub change: Option<f64>,
    pub trend: Trend,
    /// The current value is past the threshold.
    pub breached: bool,
    /// Why there is no current value.
    pub note: Option<String>,
    /// Why there is no previous value.
    pub previous_note: Option<String>,
    /// What a value from Rampart's records is made of.
    pub detail: Option<String>,
}

/// The report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityReport {
    pub range: KpiRange,
    /// This period, RFC 3339 UTC.
    pub from: String,
    pub to: String,
    /// The previous period starts here and ends at `from`.
    pub previous_from: String,
    pub prometheus: Option<String>,
    /// Breached first, then the others with a value, then the unknown ones; the guide's
    /// order within each.
    pub kpis: Vec<KpiTrend>,
}

/// What a report run needs, read from the app.
pub struct ReportPlan {
    range: KpiRange,
    now: i64,
    prometheus: Option<Prometheus>,
    current: Vec<KpiValue>,
    previous: Vec<KpiValue>,
}

/// The latest value of an instant query's series (the worst series), or why there is none.
async fn instant(
    prometheus: &Prometheus,
    query: &str,
    at: i64,
    threshold: Option<Threshold>,
) -> std::result::Result<f64, String> {
    match prometheus.query(query, Some(at)).await {
        Ok(series) => worst(&series, threshold)
            .last()
            .map(|p| p.1)
            .ok_or_else(|| "no data: the query returned nothing at that time".to_owned()),
        Err(e) => Err(e.to_string()),
    }
}

fn trend(def: &KpiDef, current: Option<f64>, previous: Option<f64>) -> (Option<f64>, Trend) {
    let (Some(c), Some(p)) = (current, previous) else {
        return (None, Trend::Unknown);
    };
    let change = c - p;
    let scale = c.abs().max(p.abs());
    if change == 0.0 || change.abs() <= scale * 1e-9 {
        return (Some(change), Trend::Same);
    }
    // Without a threshold (failed logins, security events) more is worse.
    let up_is_bad = def.threshold.is_none_or(|t| t.above_is_bad);
    let worse = (change > 0.0) == up_is_bad;
    (Some(change), if worse { Trend::Worse } else { Trend::Better })
}

impl ReportPlan {
    /// Runs the Prometheus queries (two per KPI, all at once) and orders the report.
    pub async fn run(self) -> SecurityReport {
        let r = self.range.seconds();
        let mut current = self.current;
        let mut previous = self.previous;
        if let Some(prom) = &self.prometheus {
            let mut tasks = rampart_feeds::tokio::task::JoinSet::new();
            for (index, k) in current.iter().enumerate() {
                let Some(query) = k.query.clone() else { continue };
                for (period, at) in [(0, self.now), (1, self.now - r)] {
                    let (prom, query, threshold) = (prom.clone(), query.clone(), k.def.threshold);
                    tasks.spawn(async move {
                        (index, period, instant(&prom, &query, at, threshold).await)
                    });
                }
            }
            while let Some(Ok((index, period, result))) = tasks.join_next().await {
                let slot = if period == 0 { &mut current[index] } else { &mut previous[index] };
                let k = slot.clone();
                *slot = match result {
                    Ok(v) => k.with_value(Some(v), Vec::new()),
                    Err(note) => k.noted(note),
                };
            }
        }
        let mut kpis: Vec<KpiTrend> = current
            .into_iter()
            .zip(previous)
            .map(|(c, p)| {
                let (change, trend) = trend(&c.def, c.value, p.value);
                KpiTrend {
                    def: c.def,
                    query: c.query,
                    current: c.value,
                    previous: p.value,
                    change,
                    trend,
                    breached: c.breached,
                    note: c.note,
                    previous_note: p.value.is_none().then(|| p.note.unwrap_or_default()),
                    detail: c.detail,
                }
            })
            .collect();
        kpis.sort_by_key(|k| match (k.breached, k.current.is_some()) {
            (true, _) => 0,
            (false, true) => 1,
            (false, false) => 2,
        });
        SecurityReport {
            range: self.range,
            from: rfc3339(self.now - r),
            to: rfc3339(self.now),
            previous_from: rfc3339(self.now - 2 * r),
            prometheus: self.prometheus.map(|p| p.name),
            kpis,
        }
    }
}

impl Rampart {
    /// The security report for `range`: this period against the one before
    /// ([`Rampart::kpi_report_plan`] run).
    pub async fn kpi_security_report(
        &self,
        range: KpiRange,
        prometheus: Option<&str>,
    ) -> Result<SecurityReport> {
        Ok(self.kpi_report_plan(range, prometheus)?.run().await)
    }

    /// Everything a report run needs: the Prometheus to ask (by name, or the first
    /// configured), each KPI's query, and the KPIs from Rampart's records over this period and
    /// the one before, computed now.
    pub fn kpi_report_plan(&self, range: KpiRange, prometheus: Option<&str>) -> Result<ReportPlan> {
        let now = self.now();
        let r = range.seconds();
        let prometheus = self.kpi_prometheus(prometheus)?;
        let overrides = self.kpi_queries()?;
        let (mut current, mut previous) = (Vec::new(), Vec::new());
        for def in KPIS {
            match def.source {
                KpiSource::Prometheus => {
                    let query =
                        overrides.get(def.id).cloned().or(def.default_query.map(str::to_owned));
                    let v = KpiValue::new(def, query);
                    let v = match prometheus {
                        Some(_) => v,
                        None => v.noted("no Prometheus configured"),
                    };
                    current.push(v.clone());
                    previous.push(v);
                }
                KpiSource::Rampart => {
                    current.push(self.rampart_kpi(def, now - r, now + 1)?);
                    previous.push(self.rampart_kpi(def, now - 2 * r, now - r)?);
                }
            }
        }
        Ok(ReportPlan { range, now, prometheus, current, previous })
    }

    /// Renders `report` as `format` (md or html) and writes it to `path` atomically; an
    /// existing file is refused unless `force`. Audited as an export.
    pub fn kpi_report_write(
        &self,
        report: &SecurityReport,
        format: &str,
        path: &Path,
        force: bool,
    ) -> Result<()> {
        let text = render(report, format)?;
        crate::files::write_file_atomic(path, text.as_bytes(), force)?;
        self.audit(AuditAction::Export, &format!("kpi report {} {format}", report.range.as_str()))
    }
}
