//! What Rampart's own records prove about a target, through the names it links: backup sources
//! (schedule and retention, the last successful run against the schedule, age encryption, a
//! drill or verified restore in the last 30/90 days), Sentry, Prometheus and Alertmanager
//! sources, the Slack webhook, Rampart's audit chain, and the age of the vault credentials it
//! links (or that are tagged with its name) against the rotation setting, and the authenticator
//! accounts enrolled for it ([`super::two_factor`]). Only the alert rules
//! need the network: [`alert_rules`] asks each linked Prometheus for `/api/v1/rules`.

use super::Item;
use crate::backups::{SourceView, next_run, utc};
use crate::views::rfc3339;
use crate::{CoreError, Rampart, Result};
use rampart_checks::target::Target;
use rampart_checks::{Evidence, Finding, Status};
use rampart_feeds::prometheus::Prometheus;

pub(super) const ALERT_RULES: &str = "monitoring.alert-rules";
const DAY: i64 = 86_400;
/// How late a scheduled backup may finish before `backup.automated` fails.
pub const BACKUP_GRACE_SECS: i64 = 2 * 3600;
/// A drill or verified restore this recent passes `backup.recovery-tested`; older, up to
/// [`RECOVERY_WARN_DAYS`], warns; older still fails.
pub const RECOVERY_PASS_DAYS: i64 = 30;
pub const RECOVERY_WARN_DAYS: i64 = 90;

fn days(secs: i64) -> i64 {
    secs.max(0) / DAY
}

impl Rampart {
    /// Checks that every link names a backup source, an alert/Sentry source, a service or a
    /// vault credential.
    pub(super) fn check_links(&self, links: &[String]) -> Result<()> {
        let sources = self.sources()?;
        let backups = self.backup_sources()?;
        let services = self.store.list_services()?;
        let vault = self.vault_list()?;
        for link in links {
            let known = backups.iter().any(|s| &s.spec.name == link)
                || sources.iter().any(|s| &s.name == link)
                || services.iter().any(|s| &s.name == link)
                || vault.iter().any(|c| &c.name == link);
            if !known {
                return Err(CoreError::NotFound(format!(
                    "the link {link:?} names no backup source, Prometheus/Alertmanager/Sentry \
                     source, service or vault credential; add it to Rampart first"
                )));
            }
        }
        Ok(())
    }

    /// The findings Rampart's records give for `target` (the selected items only), and the
    /// linked Prometheus servers to ask for alert rules.
    pub(super) fn check_records(
        &self,
        target: &Target,
        selected: &[&'static Item],
    ) -> Result<(Vec<Finding>, Vec<Prometheus>)> {
        let wants = |id: &str| selected.iter().any(|i| i.id == id);
        let linked = |name: &str| target.links.iter().any(|l| l == name);
        let now = self.now();
        let mut out = Vec::new();
        for source in self.backup_sources()?.into_iter().filter(|s| linked(&s.spec.name)) {
            out.extend(self.backup_findings(&source, now)?);
        }
        let sources = self.sources()?;
        for s in sources.iter().filter(|s| s.kind == "sentry" && linked(&s.name)) {
            let text = format!("Sentry project {} ({}) is configured in Rampart", s.name, s.url);
            for item in ["monitoring.sentry", "monitoring.error-tracking"] {
                out.push(Finding::new(item, Status::Pass, &text).with(Evidence::record(&text)));
            }
        }
        if wants("monitoring.notifications") {
            out.push(self.notifications(&sources, &linked)?);
        }
        if wants("auth.2fa") {
            out.push(self.two_factor_finding(target)?);
        }
        if wants("monitoring.audit-logs") {
            out.push(self.audit_finding());
        }
        if wants("api.keys-rotated") {
            out.extend(self.rotation_finding(target)?);
        }
        let mut prometheus = Vec::new();
        if wants(ALERT_RULES) {
            let linked_prometheus =
                self.prometheus_sources()?.into_iter().filter(|p| linked(&p.name));
            prometheus.extend(linked_prometheus);
        }
        Ok((out, prometheus))
    }

    fn backup_findings(&self, s: &SourceView, now: i64) -> Result<Vec<Finding>> {
        let name = &s.spec.name;
        let mut out = Vec::new();
        let runs = self.backup_runs(Some(name), 200)?;
        let last_ok = runs.iter().find(|r| r.ok);
        // Strategy: a schedule and a retention policy.
        let r = &s.spec.retention;
        let keeps = r.keep_last + r.keep_daily + r.keep_weekly + r.keep_monthly > 0
            || r.keep_within_secs.is_some();
        let strategy = match (&s.spec.schedule, keeps) {
            (Some(cron), true) => Finding::new(
                "backup.strategy",
                Status::Pass,
                format!(
                    "backup source {name}: schedule \"{cron}\", retention set, target {}",
                    s.spec.target
                ),
            ),
            (Some(cron), false) => Finding::new(
                "backup.strategy",
                Status::Warn,
                format!(
                    "backup source {name}: schedule \"{cron}\" but no retention (every backup is kept forever; set --keep-daily and friends)"
                ),
            ),
            (None, _) => Finding::new(
                "backup.strategy",
                Status::Warn,
                format!("backup source {name} has no schedule: it runs only by hand"),
            ),
        };
        out.push(strategy);
        // Automated: the last success is no older than its schedule allows.
        let automated = match (&s.spec.schedule, last_ok) {
            (None, _) => Finding::new(
                "backup.automated",
                Status::Fail,
                format!(
                    "backup source {name} has no schedule; give it one (--schedule \"0 3 * * *\")"
                ),
            ),
            (Some(_), None) => Finding::new(
                "backup.automated",
                Status::Fail,
                format!(
                    "backup source {name} has no successful run yet (`rampart backup run {name}`)"
                ),
            ),
            (Some(cron), Some(run)) => {
                let due = next_run(cron, utc(run.started_at))?.map(|t| t.unix_timestamp());
                let last = format!(
                    "last successful run of {name} started {} ({} days ago)",
                    rfc3339(run.started_at),
                    days(now - run.started_at)
                );
                match due {
                    Some(due) if due + BACKUP_GRACE_SECS < now => Finding::new(
                        "backup.automated",
                        Status::Fail,
                        format!("{last}; the run due {} is missing", rfc3339(due)),
                    ),
                    _ => match runs.first().filter(|r| !r.ok) {
                        Some(failed) => Finding::new(
                            "backup.automated",
                            Status::Warn,
                            format!(
                                "{last}, on schedule, but the newest run failed: {}",
                                failed.error.as_deref().unwrap_or("no reason recorded")
                            ),
                        ),
                        None => Finding::new(
                            "backup.automated",
                            Status::Pass,
                            format!("{last}, on schedule \"{cron}\""),
                        ),
                    },
                }
                .with(Evidence::record(format!(
                    "backup run {} of {name}: {} bytes, backup {}",
                    run.id,
                    run.bytes_out,
                    run.backup_id.as_deref().unwrap_or("-")
                )))
            }
        };
        out.push(automated);
        // Encryption: every archive is age-encrypted to the source's recipients.
        let text = format!(
            "backup source {name} encrypts every archive with age to {} recipient(s) before upload",
            s.spec.recipients.len()
        );
        let status = if s.spec.recipients.is_empty() { Status::Fail } else { Status::Pass };
        for item in ["backup.encryption", "database.backups-encrypted"] {
            out.push(Finding::new(item, status.clone(), &text).with(Evidence::record(&text)));
        }
        out.push(self.recovery_finding(name, now)?);
        Ok(out)
    }

    /// `backup.recovery-tested`: the newest passed drill or verified restore of the source.
    fn recovery_finding(&self, name: &str, now: i64) -> Result<Finding> {
        let item = "backup.recovery-tested";
        let drills = self.backup_drills(Some(name), 50)?;
        let drill = drills.iter().find(|d| d.ok).map(|d| (d.at, format!("drill: {}", d.message)));
        let prefix = format!("backup:{name}/");
        let restored = self.audit_log(10_000)?.into_iter().find(|e| {
            e.subject.starts_with(&prefix)
                && (e.action == "restore"
                    || (e.action == "verify" && e.subject.ends_with(" full ok")))
        });
        let restored = restored.map(|e| (e.at, format!("{} {}", e.action, e.subject)));
        let newest = [drill, restored].into_iter().flatten().max_by_key(|(at, _)| *at);
        if let Some(failed) = drills.first().filter(|d| !d.ok)
            && newest.as_ref().is_none_or(|(at, _)| *at < failed.at)
        {
            return Ok(Finding::new(
                item,
                Status::Fail,
                format!("the last restore drill of {name} failed on {}", rfc3339(failed.at)),
            )
            .with(Evidence::record(&failed.message)));
        }
        let Some((at, what)) = newest else {
            return Ok(Finding::new(
                item,
                Status::Fail,
                format!("{name} was never drilled or restored: run `rampart backup drill {name}`"),
            ));
        };
        let age = days(now - at);
        let status = match age {
            a if a <= RECOVERY_PASS_DAYS => Status::Pass,
            a if a <= RECOVERY_WARN_DAYS => Status::Warn,
            _ => Status::Fail,
        };
        Ok(Finding::new(
            item,
            status,
            format!(
                "{name} last proved restorable on {} ({age} days ago; pass within {RECOVERY_PASS_DAYS})",
                rfc3339(at)
            ),
        )
        .with(Evidence::record(what)))
    }

    fn notifications(
        &self,
        sources: &[crate::feeds::SourceView],
        linked: &dyn Fn(&str) -> bool,
    ) -> Result<Finding> {
        let item = "monitoring.notifications";
        let ams: Vec<&str> = sources
            .iter()
            .filter(|s| s.kind == "alertmanager" && linked(&s.name))
            .map(|s| s.name.as_str())
            .collect();
        let mut f = match self.feeds_settings()?.slack_webhook_from {
            Some(from) => match self.vault_find(&from) {
                Ok(_) => Finding::new(
                    item,
                    Status::Pass,
                    format!("a Slack webhook is configured (vault credential {from})"),
                ),
                Err(_) => Finding::new(
                    item,
                    Status::Fail,
                    format!("the Slack webhook's vault credential {from} is gone; set it again"),
                ),
            },
            None => Finding::new(
                item,
                Status::unknown(
                    "no Slack webhook in Rampart (`rampart slack set --webhook-from NAME`); for \
                     another channel, attest it",
                ),
                "no Slack webhook configured",
            ),
        };
        if !ams.is_empty() {
            f = f.with(Evidence::record(format!("linked Alertmanager: {}", ams.join(", "))));
        }
        Ok(f)
    }

    fn audit_finding(&self) -> Finding {
        let item = "monitoring.audit-logs";
        match self.audit_verify() {
            Ok(r) if r.ok => {
                let text = format!(
                    "Rampart's audit log of this deployment's operations is hash-chained and verified ({} entries)",
                    r.entries
                );
                Finding::new(item, Status::Pass, &text).with(Evidence::record(&text))
            }
            Ok(r) => Finding::new(
                item,
                Status::Fail,
                format!(
                    "Rampart's audit chain does not verify: {}",
                    r.reason.unwrap_or_else(|| "broken".into())
                ),
            ),
            Err(e) => Finding::new(
                item,
                Status::unknown(format!("Rampart's audit chain could not be checked: {e}")),
                "audit chain not checked",
            ),
        }
    }

    /// `api.keys-rotated`: the vault credentials the target links or that carry its name as a
    /// tag, against the rotate-after setting.
    fn rotation_finding(&self, target: &Target) -> Result<Option<Finding>> {
        let after = self.settings()?.rotate_after_days;
        let creds: Vec<_> = self
            .vault_list()?
            .into_iter()
            .filter(|c| target.links.contains(&c.name) || c.tags.contains(&target.name))
            .collect();
        if creds.is_empty() {
            return Ok(None);
        }
        let stale: Vec<String> = creds
            .iter()
            .filter(|c| c.stale)
            .map(|c| format!("{} ({} days)", c.name, c.age_days))
            .collect();
        let evidence = creds.iter().map(|c| {
            Evidence::record(format!(
                "{}: rotated {} ({} days ago)",
                c.name, c.rotated_at, c.age_days
            ))
        });
        let f = if stale.is_empty() {
            let oldest = creds.iter().map(|c| c.age_days).max().unwrap_or(0);
            Finding::new(
                "api.keys-rotated",
                Status::Pass,
                format!(
                    "{} credential(s), the oldest rotated {oldest} days ago (rotate after {after})",
                    creds.len()
                ),
            )
        } else {
            Finding::new(
                "api.keys-rotated",
                Status::Fail,
                format!("past their rotate-by date ({after} days): {}", stale.join(", ")),
            )
        };
        Ok(Some(f.with_all(evidence)))
    }
}

/// `monitoring.alert-rules` from each linked Prometheus: alerting rules loaded and healthy.
pub(super) async fn alert_rules(servers: &[Prometheus]) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in servers {
        let name = &p.name;
        let f = match p.rules().await {
            Err(e) => Finding::new(
                ALERT_RULES,
                Status::unknown(format!("Prometheus {name} did not answer: {e}")),
                format!("Prometheus {name} not reached"),
            ),
            Ok(groups) => {
                let alerting: Vec<_> = groups
                    .iter()
                    .flat_map(|g| g.rules.iter())
                    .filter(|r| r.kind == "alerting")
                    .collect();
                let unhealthy: Vec<String> = alerting
                    .iter()
                    // `unknown` is a rule not evaluated yet (a Prometheus just started): only
                    // `err` is a rule that fails.
                    .filter(|r| r.health == "err")
                    .map(|r| {
                        format!("{} ({})", r.name, r.last_error.as_deref().unwrap_or(&r.health))
                    })
                    .collect();
                let names: Vec<&str> = alerting.iter().map(|r| r.name.as_str()).collect();
                let f = if alerting.is_empty() {
                    Finding::new(
                        ALERT_RULES,
                        Status::Fail,
                        format!("Prometheus {name} has no alerting rules loaded"),
                    )
                } else if !unhealthy.is_empty() {
                    Finding::new(
                        ALERT_RULES,
                        Status::Warn,
                        format!("Prometheus {name}: rules failing: {}", unhealthy.join(", ")),
                    )
                } else {
                    Finding::new(
                        ALERT_RULES,
                        Status::Pass,
                        format!(
                            "Prometheus {name}: {} alerting rule(s) loaded, none failing",
                            names.len()
                        ),
                    )
                };
                f.with(Evidence::record(format!("rules on {name}: {}", names.join(", "))))
            }
        };
        out.push(f);
    }
    out
}
