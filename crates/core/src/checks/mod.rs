//! The security checklist over `rampart-checks`, for both front ends: named check targets kept
//! in the store (their configuration as JSON), attestations per target and item ([`attest`]),
//! the evidence Rampart's own records give ([`records`]: backups, drills, alert sources, Slack,
//! the audit log, the vault), and runs. A run is split like a backup so the desktop never holds
//! the database across an await: [`Rampart::check_prepare`] reads everything (sync), the
//! returned [`PreparedCheck`] probes (async, `Send`), and [`Rampart::check_record`] keeps and
//! audits it, returning regressions ([`history`]); [`Rampart::check_run`] chains the three for
//! the CLI.

mod attest;
mod export;
mod history;
mod records;
mod review;
mod two_factor;

pub use attest::{AttestationView, parse_expiry};
pub use export::{ExportView, Format};
pub use history::{RUNS_KEPT, RunSummary, StoredRun};
pub use rampart_checks::catalog::{self, Item};
pub use rampart_checks::probe::client::Limits;
pub use rampart_checks::report::Regression;
pub use rampart_checks::target::{DEFAULT_REVIEW_DAYS, Target, parse_review_every};
pub use rampart_checks::{ItemResult, Report, Section, Status};
pub use review::{ReviewView, review_of};

use crate::views::rfc3339;
use crate::{AuditAction, Clock, CoreError, Rampart, Result};
use rampart_checks::target::ValidTarget;
use rampart_checks::{Attestation, CheckError, Finding};
use rampart_feeds::prometheus::Prometheus;
use rampart_store::checks::CheckTargetRow;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// A stored target with its attestations.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "CheckTargetView"))]
pub struct TargetView {
    #[serde(flatten)]
    pub target: Target,
    /// RFC 3339.
    pub created_at: String,
    pub attestations: Vec<AttestationView>,
    /// When the next review (the guide's "Next Review") is due.
    pub review: ReviewView,
}

/// A run ready to go: the target, the selection, attestations and Rampart's records read.
pub struct PreparedCheck {
    target: ValidTarget,
    selected: Vec<&'static Item>,
    attestations: HashMap<String, Attestation>,
    records: Vec<Finding>,
    prometheus: Vec<Prometheus>,
    limits: Limits,
    clock: Arc<dyn Clock>,
}

impl PreparedCheck {
    /// The target's name.
    pub fn target(&self) -> &str {
        &self.target.target.name
    }

    /// The items this run covers, in the guide's order.
    pub fn selected(&self) -> &[&'static Item] {
        &self.selected
    }

    /// Bounds of the live probes (tests shorten them).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Probes the target and the linked Prometheus servers; never fails, what could not be
    /// checked is `unknown` with the reason.
    pub async fn run(self) -> Report {
        self.run_with_progress(|_| {}).await
    }

    /// Like [`run`](Self::run), reporting each item's result to `on_item` as soon as it is
    /// known: those Rampart's records and attestations decide at once, then the items of each
    /// probe group (the alert sources, HTTP, TLS, databases, the repository) as it finishes.
    /// Every selected item is reported before the report is returned.
    pub async fn run_with_progress(self, on_item: impl FnMut(&ItemResult) + Send) -> Report {
        let PreparedCheck { target, selected, attestations, records, prometheus, limits, clock } =
            self;
        let mut extra = Vec::new();
        if selected.iter().any(|i| i.id == records::ALERT_RULES) {
            extra.push(rampart_checks::run::Group {
                items: vec![records::ALERT_RULES],
                probe: Box::pin(records::alert_rules(&prometheus)),
            });
        }
        let input = rampart_checks::run::RunInput {
            target: &target,
            selected,
            attestations,
            limits,
            started: rfc3339(clock.now()),
            records,
        };
        rampart_checks::run::run_with_progress(input, extra, || rfc3339(clock.now()), on_item).await
    }
}

/// Maps a checklist error onto the application's error.
fn check_error(e: CheckError) -> CoreError {
    match e {
        CheckError::Config(m) => CoreError::InvalidInput(m),
        CheckError::Store(m) => CoreError::Io(m),
    }
}

fn not_found(name: &str) -> CoreError {
    CoreError::NotFound(format!(
        "no check target named {name:?}; `rampart check target list` shows them"
    ))
}

/// Stores paths absolute, so a run from another directory finds the same files.
fn absolute(target: &Target) -> Result<Target> {
    let abs = |p: &std::path::PathBuf| {
        std::path::absolute(p).map_err(|e| CoreError::Io(format!("{}: {e}", p.display())))
    };
    let mut t = target.clone();
    t.repo = t.repo.as_ref().map(abs).transpose()?;
    t.ca_file = t.ca_file.as_ref().map(abs).transpose()?;
    Ok(t)
}

impl Rampart {
    /// Adds a named target after validating it; its links must name Rampart backup sources,
    /// alert/Sentry sources, services or vault credentials.
    pub fn check_target_add(&self, target: &Target) -> Result<TargetView> {
        target.validate().map_err(check_error)?;
        self.check_links(&target.links)?;
        let target = absolute(target)?;
        let row = CheckTargetRow {
            name: target.name.clone(),
            config: serde_json::to_string(&target)
                .map_err(|e| CoreError::Internal(e.to_string()))?,
            created_at: self.now(),
        };
        self.store.transaction(|store| {
            store.insert_check_target(&row)?;
            store.audit(self.now(), AuditAction::Add, &format!("check-target:{}", row.name))
        })?;
        self.check_target(&row.name)
    }

    /// One target with its attestations.
    pub fn check_target(&self, name: &str) -> Result<TargetView> {
        let row = self.store.check_target(name).map_err(|_| not_found(name))?;
        self.target_view(row)
    }

    /// Every target, by name.
    pub fn check_targets(&self) -> Result<Vec<TargetView>> {
        self.store.list_check_targets()?.into_iter().map(|r| self.target_view(r)).collect()
    }

    /// Removes a target and its attestations.
    pub fn check_target_remove(&self, name: &str) -> Result<()> {
        self.store.check_target(name).map_err(|_| not_found(name))?;
        self.store.transaction(|store| {
            store.delete_check_target(name)?;
            store.audit(self.now(), AuditAction::Delete, &format!("check-target:{name}"))
        })?;
        Ok(())
    }

    fn target_view(&self, row: CheckTargetRow) -> Result<TargetView> {
        let target = parse_target(&row)?;
        Ok(TargetView {
            created_at: rfc3339(row.created_at),
            attestations: self.check_attestations(&target.name)?,
            review: self.review_at(&row, &target, self.now())?,
            target,
        })
    }

    /// Reads a stored target, everything a run needs from Rampart's records, and the target's
    /// attestations. `only` selects items or sections (empty: all); `login_burst` turns the
    /// opt-in login burst on for this run.
    pub fn check_prepare(
        &self,
        name: &str,
        only: &[String],
        login_burst: bool,
    ) -> Result<PreparedCheck> {
        let row = self.store.check_target(name).map_err(|_| not_found(name))?;
        let mut target = parse_target(&row)?;
        target.login_burst |= login_burst;
        let selected = catalog::select(only).map_err(CoreError::InvalidInput)?;
        let valid = target.validate().map_err(check_error)?;
        let (records, prometheus) = self.check_records(&target, &selected)?;
        Ok(PreparedCheck {
            target: valid,
            attestations: self.attestation_map(name)?,
            selected,
            records,
            prometheus,
            limits: Limits::default(),
            clock: self.clock.clone(),
        })
    }

    /// A run of a target given on the spot (not stored): live probes and the repository only,
    /// no attestations and no Rampart records.
    pub fn check_prepare_adhoc(&self, target: &Target, only: &[String]) -> Result<PreparedCheck> {
        let selected = catalog::select(only).map_err(CoreError::InvalidInput)?;
        Ok(PreparedCheck {
            target: target.validate().map_err(check_error)?,
            attestations: HashMap::new(),
            selected,
            records: Vec::new(),
            prometheus: Vec::new(),
            limits: Limits::default(),
            clock: self.clock.clone(),
        })
    }

    /// Prepares, runs and records a stored target's check (the CLI's path).
    pub async fn check_run(
        &self,
        name: &str,
        only: &[String],
        login_burst: bool,
    ) -> Result<Report> {
        Ok(self.check_run_recorded(name, only, login_burst, |_| {}).await?.0)
    }

    /// Like [`check_run`](Self::check_run), reporting each item to `on_item` as soon as it is
    /// known ([`PreparedCheck::run_with_progress`]) and also returning the regressions
    /// ([`check_record`](Self::check_record)): the CLI's and the desktop's one path.
    pub async fn check_run_recorded(
        &self,
        name: &str,
        only: &[String],
        login_burst: bool,
        on_item: impl FnMut(&ItemResult) + Send,
    ) -> Result<(Report, Vec<Regression>)> {
        let report = self.check_prepare(name, only, login_burst)?.run_with_progress(on_item).await;
        let regressions = self.check_record(&report)?;
        Ok((report, regressions))
    }
}

fn parse_target(row: &CheckTargetRow) -> Result<Target> {
    serde_json::from_str(&row.config).map_err(|e| {
        CoreError::Internal(format!(
            "the stored check target {} is unreadable ({e}); remove it and add it again",
            row.name
        ))
    })
}

#[cfg(test)]
mod tests;
