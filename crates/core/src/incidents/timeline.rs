//! An incident's timeline, built from what Rampart has stored, so every front end shows the
//! same one: the incident's own events (opened, notes, status, acknowledgement, owner, links,
//! escalation steps), its linked alerts' transitions (firing, silenced, resolved), silences
//! created or expired through Rampart on those alerts (audit log), its linked services' health
//! changes (check history), and backup runs, restores and drills of its linked sources. The
//! window runs from a day before the incident opened until it was resolved (or now).

use super::utc_ms;
use crate::{Rampart, Result};
use serde::Serialize;

/// How far back before opening the timeline looks (what led to the incident).
pub const LEAD_MS: i64 = 24 * 3_600_000;

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    /// RFC 3339 UTC.
    pub at: String,
    /// Unix milliseconds (for sorting and local display).
    pub at_ms: i64,
    /// `opened`, `note`, `status`, `ack`, `owner`, `link`, `unlink`, `escalation`, `notify`,
    /// `resolved`, `reopened`, `postmortem`, `alert`, `silence`, `health`, `backup`, `restore`,
    /// `drill`.
    pub kind: String,
    pub text: String,
}

fn entry(at_ms: i64, kind: &str, text: String) -> TimelineEntry {
    TimelineEntry { at: utc_ms(at_ms), at_ms, kind: kind.into(), text }
}

impl Rampart {
    /// The timeline of incident `id`, oldest first.
    pub fn incident_timeline(&self, id: i64) -> Result<Vec<TimelineEntry>> {
        let row = self.store.incident(id)?;
        let links = self.store.incident_links(id)?;
        let from = row.opened_at - LEAD_MS;
        let to = row.resolved_at.unwrap_or(self.now_ms());
        let targets = |kind: &str| -> Vec<String> {
            links.iter().filter(|l| l.kind == kind).map(|l| l.target.clone()).collect()
        };
        let mut out: Vec<TimelineEntry> = self
            .store
            .incident_events(id)?
            .into_iter()
            .map(|e| {
                let by =
                    if e.author.is_empty() { String::new() } else { format!(" [{}]", e.author) };
                entry(e.at, &e.kind, format!("{}{by}", e.text))
            })
            .collect();

        let mut silences = std::collections::BTreeSet::new();
        for t in self.store.alert_transitions(&targets("alert"), from, to)? {
            let service =
                if t.service.is_empty() { String::new() } else { format!(" on {}", t.service) };
            let text = match t.state.as_str() {
                "firing" => {
                    format!("alert {} [{}]{service} firing: {}", t.alertname, t.severity, t.summary)
                }
                "silenced" => {
                    silences
                        .extend(t.detail.split(',').filter(|s| !s.is_empty()).map(str::to_owned));
                    format!("alert {}{service} silenced (by {})", t.alertname, t.detail)
                }
                _ => format!("alert {}{service} resolved", t.alertname),
            };
            out.push(entry(t.at, "alert", text.trim_end_matches([' ', ':']).to_owned()));
        }
        for a in self.store.audit_entries_between("silence:", from / 1000, to / 1000)? {
            let id_part = a.subject.rsplit('/').next().unwrap_or_default();
            if !silences.contains(id_part) {
                continue;
            }
            let what = if a.action == "delete" { "expired" } else { "created" };
            let name = a.subject.trim_start_matches("silence:");
            out.push(entry(a.at * 1000, "silence", format!("silence {name} {what} in Rampart")));
        }

        for service in targets("service") {
            let Ok((before, checks)) = self.store.check_states_between(&service, from, to) else {
                continue; // a service removed since it was linked has no history left
            };
            let mut last = before;
            for (at, up) in checks {
                if last != Some(up) && (last.is_some() || !up) {
                    let text =
                        if up { format!("{service} is up") } else { format!("{service} is down") };
                    out.push(entry(at, "health", text));
                }
                last = Some(up);
            }
        }

        for source in targets("backup") {
            let in_window = |secs: i64| (from..=to).contains(&(secs * 1000));
            for run in self.store.backup_runs(Some(&source), 1000)? {
                if !in_window(run.started_at) {
                    continue;
                }
                let text = match run.ok {
                    true => format!("backup of {source} succeeded ({} trigger)", run.trigger),
                    false => format!(
                        "backup of {source} failed: {}",
                        run.error.as_deref().unwrap_or("no reason recorded")
                    ),
                };
                out.push(entry(run.finished_at * 1000, "backup", text));
            }
            for drill in self.store.backup_drills(Some(&source), 1000)? {
                if in_window(drill.at) {
                    let outcome = if drill.ok { "passed" } else { "failed" };
                    out.push(entry(
                        drill.at * 1000,
                        "drill",
                        format!("restore drill of {source} {outcome}"),
                    ));
                }
            }
            for a in self.store.audit_entries_between(
                &format!("backup:{source}/"),
                from / 1000,
                to / 1000,
            )? {
                let what = match a.action.as_str() {
                    "restore" => "restored",
                    "failed-restore" => "restore failed",
                    _ => continue,
                };
                let name = a.subject.trim_start_matches("backup:");
                out.push(entry(a.at * 1000, "restore", format!("{what}: {name}")));
            }
        }
        out.sort_by_key(|e| e.at_ms);
        Ok(out)
    }
}
