//! The security KPI dashboard: the guide's nine KPIs over 24 h, 7 d or 30 d. Prometheus KPIs
//! run their (editable) PromQL as a range query with a step that gives a few hundred points;
//! uptime, backup success rate and security events per day come from Rampart's own records.
//! Building the plan reads the app ([`Rampart::kpi_plan`]); running it ([`KpiPlan::run`]) needs
//! no app, so a front end never holds the app across the network calls. One failing query
//! never hides the others: its error is on its own KPI. [`report`] is the weekly security
//! report of the same KPIs with their trend.

pub mod defs;
pub mod report;

use crate::{AuditAction, CoreError, Rampart, Result};
pub use defs::{KPIS, KpiDef, KpiSource, Threshold, kpi};
use rampart_feeds::prometheus::Prometheus;
pub use rampart_feeds::promql::Series;
use serde::Serialize;
use std::collections::BTreeMap;

const QUERIES_KEY: &str = "kpi.queries";

/// The dashboard's ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum KpiRange {
    #[serde(rename = "24h")]
    Day,
    #[serde(rename = "7d")]
    Week,
    #[serde(rename = "30d")]
    Month,
}

impl KpiRange {
    /// `24h`, `7d` or `30d`.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "24h" | "1d" => Ok(Self::Day),
            "7d" | "1w" => Ok(Self::Week),
            "30d" => Ok(Self::Month),
            other => {
                Err(CoreError::InvalidInput(format!("no KPI range {other:?}: use 24h, 7d or 30d")))
            }
        }
    }

    /// `24h`, `7d` or `30d`, as parsed and serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "24h",
            Self::Week => "7d",
            Self::Month => "30d",
        }
    }

    pub fn seconds(self) -> i64 {
        match self {
            Self::Day => 86_400,
            Self::Week => 7 * 86_400,
            Self::Month => 30 * 86_400,
        }
    }

    /// A step that gives 288-360 points: 5 min, 30 min, 2 h.
    pub fn step(self) -> i64 {
        match self {
            Self::Day => 300,
            Self::Week => 1_800,
            Self::Month => 7_200,
        }
    }
}

/// One KPI's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct KpiValue {
    #[serde(flatten)]
    pub def: KpiDef,
    /// The query run (Prometheus KPIs; an edited one or the default).
    pub query: Option<String>,
    /// The latest value (the worst of several series).
    pub value: Option<f64>,
    /// `(unix seconds, value)` over the range (the worst series at each step).
    pub points: Vec<(f64, f64)>,
    /// The latest value is past the threshold.
    pub breached: bool,
    /// Why there is no value (no Prometheus configured, no data, the query's error).
    pub note: Option<String>,
    /// What a value from Rampart's records is made of (`3 audit events, 2 security alerts`).
    pub detail: Option<String>,
}

impl KpiValue {
    fn new(def: KpiDef, query: Option<String>) -> Self {
        Self {
            def,
            query,
            value: None,
            points: Vec::new(),
            breached: false,
            note: None,
            detail: None,
        }
    }

    fn with_value(mut self, value: Option<f64>, points: Vec<(f64, f64)>) -> Self {
        self.breached = match (value, self.def.threshold) {
            (Some(v), Some(t)) => t.breached(v),
            _ => false,
        };
        self.value = value;
        self.points = points;
        self
    }

    fn noted(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// The dashboard.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct KpiReport {
    pub range: KpiRange,
    /// The Prometheus the queries ran against, if one is configured.
    pub prometheus: Option<String>,
    pub kpis: Vec<KpiValue>,
}

/// What a dashboard run needs, read from the app.
pub struct KpiPlan {
    range: KpiRange,
    now: i64,
    prometheus: Option<Prometheus>,
    /// In the guide's order; Rampart KPIs already computed, Prometheus ones with their query.
    kpis: Vec<KpiValue>,
}

/// Folds several series into one: the worst value at each step (the highest, or the lowest
/// where below is bad), so a single bad instance shows.
fn worst(series: &[Series], threshold: Option<Threshold>) -> Vec<(f64, f64)> {
    let low_is_bad = threshold.is_some_and(|t| !t.above_is_bad);
    let mut at: BTreeMap<i64, f64> = BTreeMap::new();
    for s in series {
        for &(t, v) in s.points.iter().filter(|(_, v)| v.is_finite()) {
            let key = (t * 1000.0) as i64;
            at.entry(key)
                .and_modify(|w| *w = if low_is_bad { w.min(v) } else { w.max(v) })
                .or_insert(v);
        }
    }
    at.into_iter().map(|(k, v)| (k as f64 / 1000.0, v)).collect()
}

impl KpiPlan {
    /// Runs the Prometheus queries, all at once.
    pub async fn run(self) -> KpiReport {
        let (start, end, step) = (self.now - self.range.seconds(), self.now, self.range.step());
        let mut tasks = rampart_feeds::tokio::task::JoinSet::new();
        let mut kpis = self.kpis;
        for (index, k) in kpis.iter().enumerate() {
            if let (Some(prom), Some(query)) = (&self.prometheus, &k.query) {
                let (prom, query) = (prom.clone(), query.clone());
                tasks.spawn(
                    async move { (index, prom.query_range(&query, start, end, step).await) },
                );
            }
        }
        while let Some(Ok((index, result))) = tasks.join_next().await {
            let k = kpis[index].clone();
            kpis[index] = match result {
                Ok(series) => {
                    let points = worst(&series, k.def.threshold);
                    match points.last().map(|p| p.1) {
                        Some(v) => k.with_value(Some(v), points),
                        None => k.noted("no data: the query returned nothing in this range"),
                    }
                }
                Err(e) => k.noted(e.to_string()),
            };
        }
        let prometheus = self.prometheus.map(|p| p.name);
        KpiReport { range: self.range, prometheus, kpis }
    }
}

impl Rampart {
    /// The dashboard for `range`: [`Rampart::kpi_plan`] run (Prometheus asked without holding
    /// any lock of the app's).
    pub async fn kpi_report(&self, range: KpiRange, prometheus: Option<&str>) -> Result<KpiReport> {
        Ok(self.kpi_plan(range, prometheus)?.run().await)
    }

    /// Runs `expr` now against the Prometheus named (or the first): the series, or
    /// Prometheus's own error.
    pub async fn kpi_query(&self, expr: &str, prometheus: Option<&str>) -> Result<Vec<Series>> {
        let prometheus = self.kpi_prometheus(prometheus)?.ok_or_else(|| {
            CoreError::NotFound(
                "no Prometheus configured: add one in Settings > Alert and error sources or \
                 with `rampart prometheus add NAME --url URL`"
                    .into(),
            )
        })?;
        run_query(&prometheus, expr).await
    }

    /// The PromQL overrides, by KPI id.
    fn kpi_queries(&self) -> Result<BTreeMap<String, String>> {
        Ok(self.store.setting(QUERIES_KEY)?.unwrap_or_default())
    }

    /// Sets (or with `None` restores the default of) a Prometheus KPI's query; audited.
    pub fn kpi_query_set(&self, id: &str, query: Option<&str>) -> Result<()> {
        let def = kpi(id)?;
        if def.source != KpiSource::Prometheus {
            return Err(CoreError::InvalidInput(format!(
                "{} comes from Rampart's own records, not a query",
                def.title
            )));
        }
        let mut queries = self.kpi_queries()?;
        match query.map(str::trim) {
            Some("") => return Err(CoreError::InvalidInput("the query is empty".into())),
            Some(q) if q.len() > 4_000 => {
                return Err(CoreError::InvalidInput("the query is over 4,000 characters".into()));
            }
            Some(q) => queries.insert(id.to_owned(), q.to_owned()),
            None => queries.remove(id),
        };
        self.store.set_setting(QUERIES_KEY, &queries)?;
        let what = if query.is_some() { "edited" } else { "default" };
        self.audit(AuditAction::Settings, &format!("kpi query {id}: {what}"))
    }

    /// The Prometheus the KPIs and hand-run queries ask: the one named, or the first
    /// configured; `None` when none is configured (a missing name is an error).
    pub fn kpi_prometheus(&self, name: Option<&str>) -> Result<Option<Prometheus>> {
        let mut configured = self.prometheus_sources()?.into_iter();
        match name {
            None => Ok(configured.next()),
            Some(name) => configured.find(|p| p.name == name).map(Some).ok_or_else(|| {
                CoreError::NotFound(format!(
                    "no Prometheus named {name:?}: check the name given to `rampart prometheus add`"
                ))
            }),
        }
    }

    /// Everything a dashboard run needs: the Prometheus to ask (`prometheus` by name, or the
    /// first configured), each KPI's query, and the KPIs from Rampart's records, computed now.
    pub fn kpi_plan(&self, range: KpiRange, prometheus: Option<&str>) -> Result<KpiPlan> {
        let now = self.now();
        let prometheus = self.kpi_prometheus(prometheus)?;
        let overrides = self.kpi_queries()?;
        let since = now - range.seconds();
        let mut kpis = Vec::with_capacity(KPIS.len());
        for def in KPIS {
            let value = match def.source {
                KpiSource::Prometheus => {
                    let query =
                        overrides.get(def.id).cloned().or(def.default_query.map(str::to_owned));
                    let v = KpiValue::new(def, query);
                    match prometheus {
                        Some(_) => v,
                        None => v.noted("no Prometheus configured"),
                    }
                }
                // Up to and including the current second.
                KpiSource::Rampart => self.rampart_kpi(def, since, now + 1)?,
            };
            kpis.push(value);
        }
        Ok(KpiPlan { range, now, prometheus, kpis })
    }

    /// A KPI from Rampart's own records from `from` (inclusive) until `to` (exclusive), unix
    /// seconds.
    pub(crate) fn rampart_kpi(&self, def: KpiDef, from: i64, to: i64) -> Result<KpiValue> {
        let v = KpiValue::new(def, None);
        let in_range = |at: i64| at >= from && at < to;
        Ok(match def.id {
            "uptime" => {
                let (mut checks, mut ups) = (0i64, 0i64);
                for s in self.store.list_services()? {
                    let u = self.store.uptime_between(&s.name, from * 1000, to * 1000)?;
                    checks += u.checks;
                    ups += u.ups;
                }
                match checks {
                    0 => v.noted("no health checks in this range: add a service"),
                    _ => v.with_value(Some(ups as f64 / checks as f64), Vec::new()),
                }
            }
            "backup-success-rate" => {
                let runs: Vec<_> = self
                    .backup_runs(None, 10_000)?
                    .into_iter()
                    .filter(|r| in_range(r.started_at))
                    .collect();
                let good = runs.iter().filter(|r| r.ok).count();
                match runs.len() {
                    0 => v.noted("no backup runs in this range"),
                    n => v.with_value(Some(good as f64 / n as f64), Vec::new()),
                }
            }
            "security-events" => {
                let audited = self
                    .audit_log(100_000)?
                    .into_iter()
                    .filter(|e| {
                        in_range(e.at) && defs::SECURITY_EVENTS.contains(&e.action.as_str())
                    })
                    .count();
                let alerts = self
                    .store
                    .alert_starts_between(from * 1000, to * 1000 - 1)?
                    .into_iter()
                    .filter(|t| defs::is_security_alert(&t.alertname))
                    .count();
                // Ranges are whole days (the current one runs a second past now).
                let days = ((to - from) as f64 / 86_400.0).round().max(1.0);
                let mut v = v.with_value(Some((audited + alerts) as f64 / days), Vec::new());
                v.detail = Some(format!(
                    "{audited} audit event{} (failed unlocks and restores), {alerts} security \
                     alert{} started firing",
                    if audited == 1 { "" } else { "s" },
                    if alerts == 1 { "" } else { "s" },
                ));
                v
            }
            other => v.noted(format!("{other} has no Rampart source")),
        })
    }
}

/// Runs one PromQL expression now (the dashboard's "Run" button): the raw series, or
/// Prometheus's own error message.
pub async fn run_query(prometheus: &Prometheus, expr: &str) -> Result<Vec<Series>> {
    if expr.trim().is_empty() {
        return Err(CoreError::InvalidInput("the query is empty".into()));
    }
    prometheus.query(expr, None).await.map_err(crate::feeds::feed_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_series_wins_and_thresholds_point_the_right_way() {
        let s = |v: &[f64]| Series {
            labels: Default::default(),
            points: v.iter().enumerate().map(|(i, v)| (i as f64, *v)).collect(),
        };
        let high = Threshold { value: 0.8, above_is_bad: true, from: "t" };
        let low = Threshold { value: 0.99, above_is_bad: false, from: "t" };
        let both = [s(&[0.1, 0.9]), s(&[0.5, f64::NAN])];
        assert_eq!(worst(&both, Some(high)), vec![(0.0, 0.5), (1.0, 0.9)]);
        assert_eq!(worst(&both, Some(low)), vec![(0.0, 0.1), (1.0, 0.9)]);
        assert!(high.breached(0.81) && !high.breached(0.8));
        assert!(low.breached(0.98) && !low.breached(0.999));
        assert_eq!(KpiRange::parse("7d").unwrap().seconds() / KpiRange::Week.step(), 336);
        assert!(KpiRange::parse("1y").unwrap_err().to_string().contains("use 24h, 7d or 30d"));
        assert!(kpi("nope").unwrap_err().to_string().contains("backup-success-rate"));
        let ids: Vec<_> = KPIS.iter().map(|k| k.id).collect();
        assert_eq!(ids.len(), 9);
    }

    #[test]
    fn security_events_count_failed_unlocks_and_security_alerts_starting_to_fire() {
        use crate::lock::AppLock;
        use crate::{Config, FixedClock, Keychain, SecretString};
        use rampart_store::alert_history::AlertObservation;
        const T0: i64 = 1_800_000_000;
        let dir = tempfile::tempdir().unwrap();
        let clock = std::sync::Arc::new(FixedClock::new(T0 - 3 * 86_400));
        let name = format!("rampart-kpi-test-{}", std::process::id());
        let config = Config { data_dir: dir.path().into(), keychain: Keychain::new(&name) };
        let app = Rampart::open_with_clock(config, clock.clone()).unwrap();
        let seen = |fp: &str, name: &str, state: &str| AlertObservation {
            fingerprint: fp.into(),
            alertname: name.into(),
            severity: "critical".into(),
            service: "api".into(),
            summary: String::new(),
            state: state.into(),
            detail: if state == "silenced" { "s1".into() } else { String::new() },
        };
        let record = |at: i64, alerts: &[AlertObservation]| {
            app.store.record_alert_states(alerts, at * 1000, true).unwrap();
        };
        // Three days ago: a login alert (outside 24 h, inside 7 d).
        record(T0 - 3 * 86_400, &[seen("old", "FailedLoginSpike", "firing")]);
        record(T0 - 3 * 86_400 + 60, &[]);
        // Today: brute force fires, is silenced, fires again when the silence ends (one
        // start), resolves and fires again (a second start); an intrusion alert; CPU is not a
        // security alert.
        let h = 3_600;
        record(T0 - 5 * h, &[seen("bf", "BruteForceSuspected", "firing")]);
        record(T0 - 4 * h, &[seen("bf", "BruteForceSuspected", "silenced")]);
        record(T0 - 3 * h, &[seen("bf", "BruteForceSuspected", "firing")]);
        record(T0 - 2 * h, &[]);
        record(
            T0 - h,
            &[
                seen("bf", "BruteForceSuspected", "firing"),
                seen("ids", "intrusion_detected", "firing"),
                seen("cpu", "HighCPUUsage", "firing"),
            ],
        );
        // A wrong passphrase an hour ago.
        clock.set(T0 - h);
        app.set_passphrase(None, Some(&SecretString::new("a long passphrase".into()))).unwrap();
        let mut lock = AppLock::new(true, app.now());
        app.unlock(&mut lock, &SecretString::new("wrong guess".into())).unwrap_err();

        clock.set(T0);
        let day = app.rampart_kpi(*kpi("security-events").unwrap(), T0 - 86_400, T0 + 1).unwrap();
        assert_eq!(day.value, Some(4.0), "{day:?}");
        assert_eq!(
            day.detail.as_deref(),
            Some("1 audit event (failed unlocks and restores), 3 security alerts started firing")
        );
        let week =
            app.rampart_kpi(*kpi("security-events").unwrap(), T0 - 7 * 86_400, T0 + 1).unwrap();
        assert_eq!(week.value, Some(5.0 / 7.0), "the login alert three days ago too: {week:?}");
        let before = app
            .rampart_kpi(*kpi("security-events").unwrap(), T0 - 2 * 86_400, T0 - 86_400)
            .unwrap();
        assert_eq!(before.value, Some(0.0));
        assert!(
            defs::is_security_alert("SecurityScanDetected")
                && defs::is_security_alert("Unauthorized_Access")
        );
        assert!(
            defs::is_security_alert("rate-limit-exceeded")
                && !defs::is_security_alert("DatabaseDown")
        );
    }
}
