//! Run history: [`Rampart::check_record`] keeps each run of a stored target (the newest
//! [`RUNS_KEPT`]) and audits it, returning the regressions (items that passed or were attested
//! in an earlier run and fail now) so a front end can notify like an alert;
//! [`Rampart::check_history`] lists runs and [`Rampart::check_last_run`] reads the newest back.

use super::not_found;
use crate::{AuditAction, CoreError, Rampart, Result};
use rampart_checks::Report;
use rampart_checks::report::{self, Regression};
use rampart_store::check_runs::{CheckRunRow, RunCounts};
use serde::Serialize;

/// How many runs are kept per target; older ones are pruned when a run is recorded.
pub const RUNS_KEPT: usize = 50;

/// One recorded run, without its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "CheckRunSummary"))]
pub struct RunSummary {
    pub id: i64,
    pub target: String,
    /// RFC 3339.
    pub started: String,
    pub finished: String,
    pub pass: u32,
    pub fail: u32,
    pub warn: u32,
    pub unknown: u32,
    pub attested: u32,
    pub na: u32,
}

/// A stored run read back whole.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "CheckStoredRun"))]
pub struct StoredRun {
    pub id: i64,
    #[serde(flatten)]
    pub report: Report,
}

fn counts(report: &Report) -> RunCounts {
    let mut c = RunCounts::default();
    for (name, n) in report.counts() {
        let n = n as u32;
        match name {
            "pass" => c.pass = n,
            "fail" => c.fail = n,
            "warn" => c.warn = n,
            "unknown" => c.unknown = n,
            "attested" => c.attested = n,
            _ => c.na = n,
        }
    }
    c
}

fn summary(r: CheckRunRow) -> RunSummary {
    let c = r.counts;
    RunSummary {
        id: r.id,
        target: r.target,
        started: r.started,
        finished: r.finished,
        pass: c.pass,
        fail: c.fail,
        warn: c.warn,
        unknown: c.unknown,
        attested: c.attested,
        na: c.na,
    }
}

fn parse(row: &CheckRunRow) -> Result<Report> {
    Report::from_json(&row.report).map_err(|e| {
        CoreError::Internal(format!("stored run {} of {} is unreadable: {e}", row.id, row.target))
    })
}

impl Rampart {
    /// Keeps a finished run of a stored target and audits it with its counts; returns the
    /// regressions against the target's earlier runs (for each failing item, its latest earlier
    /// verdict was pass or attested). An earlier run this build cannot read is skipped.
    pub fn check_record(&self, report: &Report) -> Result<Vec<Regression>> {
        let name = &report.target;
        self.store.check_target(name).map_err(|_| not_found(name))?;
        let earlier: Vec<Report> = self
            .store
            .check_runs(name, RUNS_KEPT)?
            .iter()
            .filter_map(|row| parse(row).ok())
            .collect();
        let regressions = report::regressions(report, &earlier);
        let row = CheckRunRow {
            id: 0,
            target: name.clone(),
            started: report.started.clone(),
            finished: report.finished.clone(),
            report: serde_json::to_string(report)
                .map_err(|e| CoreError::Internal(e.to_string()))?,
            counts: counts(report),
        };
        let shown: Vec<String> = report
            .counts()
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(status, n)| format!("{status} {n}"))
            .collect();
        let mut subject = format!("check-target:{name} run: {}", shown.join(", "));
        if !regressions.is_empty() {
            let ids: Vec<&str> = regressions.iter().map(|r| r.id).collect();
            subject.push_str(&format!("; regressions: {}", ids.join(", ")));
        }
        self.store.transaction(|store| {
            store.insert_check_run(&row, RUNS_KEPT)?;
            store.audit(self.now(), AuditAction::Check, &subject)
        })?;
        Ok(regressions)
    }

    /// A target's newest `limit` runs, newest first (counts only).
    pub fn check_history(&self, target: &str, limit: usize) -> Result<Vec<RunSummary>> {
        self.store.check_target(target).map_err(|_| not_found(target))?;
        Ok(self.store.check_runs(target, limit)?.into_iter().map(summary).collect())
    }

    /// A target's newest run with its items, or `None` before the first.
    pub fn check_last_run(&self, target: &str) -> Result<Option<StoredRun>> {
        self.store.check_target(target).map_err(|_| not_found(target))?;
        match self.store.check_runs(target, 1)?.first() {
            None => Ok(None),
            Some(row) => Ok(Some(StoredRun { id: row.id, report: parse(row)? })),
        }
    }
}
