//! Incidents: the guide's "Security Incident Response" as data. An incident has a severity
//! (P1-P4, with the guide's definition of each), a status (investigating -> identified ->
//! monitoring -> resolved), an owner, links (services, alert fingerprints, Sentry issues,
//! backup sources) and a timeline built from what Rampart stores. Modules:
//! - this one: the types, opening (by hand, from an alert group, a down service, a Sentry
//!   issue, with a suggested severity) and reading;
//! - [`lifecycle`]: status, acknowledge, owner, notes, links, postmortem fields;
//! - [`timeline`]: the timeline from stored records;
//! - [`escalation`], [`contacts`], [`oncall`], [`notify`]: the escalation chain, its contacts,
//!   the rota and notifying;
//! - [`postmortem`]: Markdown and printable HTML exports.
//!
//! Every change is audited (`incident:ID ...`); times are unix ms inside, RFC 3339 UTC outside.

pub mod contacts;
pub mod escalation;
pub mod lifecycle;
pub mod notify;
pub mod oncall;
pub mod postmortem;
pub mod timeline;

use crate::{AuditAction, CoreError, Rampart, Result};
use rampart_store::incidents::{EventRow, IncidentRow, LinkRow};
use serde::{Deserialize, Serialize};

pub use timeline::TimelineEntry;

/// The guide's severity levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Priority {
    P1,
    P2,
    P3,
    P4,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Self::P1, Self::P2, Self::P3, Self::P4];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::P1 => "P1",
            Self::P2 => "P2",
            Self::P3 => "P3",
            Self::P4 => "P4",
        }
    }

    /// The guide's name and definition of the level.
    pub fn definition(self) -> &'static str {
        match self {
            Self::P1 => "Critical: system down, data breach, security exploit",
            Self::P2 => "High: degraded performance, security vulnerability",
            Self::P3 => "Medium: minor bugs, warnings",
            Self::P4 => "Low: documentation, improvements",
        }
    }

    /// `P1`..`P4` (case-insensitive).
    pub fn parse(text: &str) -> Result<Self> {
        Self::ALL.into_iter().find(|p| p.as_str().eq_ignore_ascii_case(text.trim())).ok_or_else(
            || CoreError::InvalidInput(format!("{text:?} is not a severity: use P1, P2, P3 or P4")),
        )
    }
}

/// Where an incident is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "IncidentStatus"))]
pub enum Status {
    Investigating,
    Identified,
    Monitoring,
    Resolved,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Investigating => "investigating",
            Self::Identified => "identified",
            Self::Monitoring => "monitoring",
            Self::Resolved => "resolved",
        }
    }

    pub fn parse(text: &str) -> Result<Self> {
        [Self::Investigating, Self::Identified, Self::Monitoring, Self::Resolved]
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                CoreError::InvalidInput(format!(
                    "{text:?} is not a status: use investigating, identified, monitoring or resolved"
                ))
            })
    }
}

/// What an incident is opened from; the severity is suggested from it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "IncidentOrigin"))]
pub enum Origin {
    /// By hand.
    Manual,
    /// A firing alert group: every open alert with this fingerprint, or named this.
    Alert { alert: String },
    /// A monitored service (down or not).
    Service { service: String },
    /// A Sentry issue (its id or short id).
    Sentry { issue: String },
}

/// A severity suggested from an origin, with the guide's definition and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    pub severity: Priority,
    pub definition: &'static str,
    pub reason: String,
}

/// The suggestion for an alert's `severity` label: critical = P1, warning (or error) = P2,
/// anything else P3.
pub fn suggest_for_alert(label: &str) -> Suggestion {
    let (severity, why) = match label.to_ascii_lowercase().as_str() {
        "critical" | "page" | "p1" => (Priority::P1, "a critical alert"),
        "warning" | "warn" | "error" | "high" | "p2" => (Priority::P2, "a warning alert"),
        _ => (Priority::P3, "an alert that is neither critical nor a warning"),
    };
    Suggestion { severity, definition: severity.definition(), reason: why.into() }
}

/// The suggestion for a service: down = P1, else P3.
pub fn suggest_for_service(down: bool) -> Suggestion {
    let (severity, why) = match down {
        true => (Priority::P1, "the service is down"),
        false => (Priority::P3, "the service is not down"),
    };
    Suggestion { severity, definition: severity.definition(), reason: why.into() }
}

fn suggestion(severity: Priority, reason: &str) -> Suggestion {
    Suggestion { severity, definition: severity.definition(), reason: reason.into() }
}

/// What to open.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NewIncident {
    /// Empty: taken from the origin (the alert's name, "SERVICE is down", ...).
    #[serde(default)]
    pub title: String,
    /// None: the suggestion.
    pub severity: Option<Priority>,
    pub origin: Origin,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub services: Vec<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub alerts: Vec<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub owner: Option<String>,
}

/// A link as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "IncidentLink"))]
pub struct LinkView {
    pub kind: String,
    pub target: String,
}

/// An incident as shown (times RFC 3339 UTC).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct IncidentView {
    pub id: i64,
    pub title: String,
    pub severity: Priority,
    pub severity_definition: &'static str,
    pub status: Status,
    pub owner: Option<String>,
    pub source: String,
    pub opened_at: String,
    pub acknowledged_at: Option<String>,
    pub resolved_at: Option<String>,
    pub summary: String,
    pub impact: String,
    pub root_cause: String,
    pub action_items: Vec<String>,
    pub escalation_level: u32,
    pub links: Vec<LinkView>,
}

/// An incident with its timeline and what still fires.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct IncidentDetail {
    #[serde(flatten)]
    pub incident: IncidentView,
    pub timeline: Vec<TimelineEntry>,
    /// Linked alerts not resolved yet, as `alertname (fingerprint)`.
    pub still_firing: Vec<String>,
}

/// Unix ms as RFC 3339 UTC with milliseconds dropped when zero.
pub fn utc_ms(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| ms.to_string())
}

pub(crate) const KINDS: [&str; 4] = ["service", "alert", "sentry", "backup"];

pub(crate) fn view(row: &IncidentRow, links: Vec<LinkRow>) -> Result<IncidentView> {
    let bad =
        |what: &str| CoreError::Internal(format!("incident #{}: stored {what} unreadable", row.id));
    Ok(IncidentView {
        id: row.id,
        title: row.title.clone(),
        severity: Priority::parse(&row.severity).map_err(|_| bad("severity"))?,
        severity_definition: Priority::parse(&row.severity)
            .map_err(|_| bad("severity"))?
            .definition(),
        status: Status::parse(&row.status).map_err(|_| bad("status"))?,
        owner: row.owner.clone(),
        source: row.source.clone(),
        opened_at: utc_ms(row.opened_at),
        acknowledged_at: row.acknowledged_at.map(utc_ms),
        resolved_at: row.resolved_at.map(utc_ms),
        summary: row.summary.clone(),
        impact: row.impact.clone(),
        root_cause: row.root_cause.clone(),
        action_items: serde_json::from_str(&row.action_items).unwrap_or_default(),
        escalation_level: row.escalation_level.max(0) as u32,
        links: links.into_iter().map(|l| LinkView { kind: l.kind, target: l.target }).collect(),
    })
}

pub(crate) fn check_text(what: &str, text: &str, max: usize) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(CoreError::InvalidInput(format!("the {what} is empty: write something")));
    }
    if text.chars().count() > max {
        return Err(CoreError::InvalidInput(format!(
            "the {what} is longer than {max} characters: shorten it"
        )));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(CoreError::InvalidInput(format!(
            "the {what} holds control characters: use plain text"
        )));
    }
    Ok(text.to_owned())
}

impl Rampart {
    /// The severity Rampart suggests for `origin`, with the guide's definition and why. An
    /// alert is looked up in the alert history by fingerprint, then by name.
    pub fn incident_suggestion(&self, origin: &Origin) -> Result<Suggestion> {
        Ok(match origin {
            Origin::Manual => suggestion(Priority::P3, "opened by hand"),
            Origin::Alert { alert } => {
                let first = self.open_alerts_for(alert)?.into_iter().next().ok_or_else(|| {
                    CoreError::NotFound(format!(
                        "no alert {alert:?} (fingerprint or name) is firing in Rampart's alert \
                         history: `rampart alerts` polls the sources and lists them"
                    ))
                })?;
                suggest_for_alert(&first.severity)
            }
            Origin::Service { service } => {
                suggest_for_service(self.store.service(service)?.last_up == Some(false))
            }
            Origin::Sentry { .. } => suggestion(Priority::P3, "a Sentry issue"),
        })
    }

    /// The open (firing or silenced) alerts with fingerprint `alert`, else named `alert`.
    pub(crate) fn open_alerts_for(
        &self,
        alert: &str,
    ) -> Result<Vec<rampart_store::alert_history::TransitionRow>> {
        let open = self.store.open_alert_states()?;
        if let Some(one) = open.get(alert) {
            return Ok(vec![one.clone()]);
        }
        Ok(open.into_values().filter(|t| t.alertname == alert).collect())
    }

    /// Opens an incident: the title and severity default from the origin, the origin's alerts
    /// (the whole group) and service are linked. Returns it.
    pub fn incident_open(&self, new: &NewIncident) -> Result<IncidentView> {
        let suggested = self.incident_suggestion(&new.origin)?;
        let severity = new.severity.unwrap_or(suggested.severity);
        let mut links: Vec<(&str, String)> = Vec::new();
        let (source, default_title) = match &new.origin {
            Origin::Manual => ("manual".to_owned(), String::new()),
            Origin::Alert { alert } => {
                let group = self.open_alerts_for(alert)?;
                let first = &group[0];
                for a in &group {
                    links.push(("alert", a.fingerprint.clone()));
                    if !a.service.is_empty() && self.store.service(&a.service).is_ok() {
                        links.push(("service", a.service.clone()));
                    }
                }
                let title = match first.summary.is_empty() {
                    true => first.alertname.clone(),
                    false => format!("{}: {}", first.alertname, first.summary),
                };
                (format!("alert:{}", first.alertname), title)
            }
            Origin::Service { service } => {
                links.push(("service", service.clone()));
                let down = self.store.service(service)?.last_up == Some(false);
                let title = if down { format!("{service} is down") } else { service.clone() };
                (format!("service:{service}"), title)
            }
            Origin::Sentry { issue } => {
                let issue = check_text("Sentry issue id", issue, 128)?;
                links.push(("sentry", issue.clone()));
                (format!("sentry:{issue}"), format!("Sentry issue {issue}"))
            }
        };
        let title = if new.title.trim().is_empty() { default_title } else { new.title.clone() };
        let title = check_text("title", &title, 200).map_err(|_| {
            CoreError::InvalidInput(
                "an incident needs a title of 1-200 characters: pass --title".into(),
            )
        })?;
        for s in &new.services {
            self.store.service(s)?;
            links.push(("service", s.clone()));
        }
        for a in &new.alerts {
            links.push(("alert", check_text("alert fingerprint", a, 256)?));
        }
        let owner = match &new.owner {
            Some(o) => Some(check_text("owner", o, 128)?),
            None => None,
        };
        let now = self.now_ms();
        let author = crate::feeds::ops::author(None);
        let row = IncidentRow {
            id: 0,
            title,
            severity: severity.as_str().into(),
            status: Status::Investigating.as_str().into(),
            owner,
            source,
            opened_at: now,
            acknowledged_at: None,
            resolved_at: None,
            summary: String::new(),
            impact: String::new(),
            root_cause: String::new(),
            action_items: "[]".into(),
            escalation_level: 0,
        };
        let id = self.store.transaction(|store| {
            let id = store.insert_incident(&row)?;
            for (kind, target) in &links {
                let link = LinkRow { kind: (*kind).into(), target: target.clone(), linked_at: now };
                store.add_incident_link(id, &link)?;
            }
            let text = format!(
                "opened as {} ({}) from {}; suggested {}: {}",
                severity.as_str(),
                severity.definition(),
                row.source,
                suggested.severity.as_str(),
                suggested.reason
            );
            store.add_incident_event(
                id,
                &EventRow { at: now, kind: "opened".into(), author, text },
            )?;
            store.audit(
                self.now(),
                AuditAction::Incident,
                &format!("incident:{id} opened {} from {}", severity.as_str(), row.source),
            )?;
            Ok(id)
        })?;
        self.incident_view(id)
    }

    /// One incident.
    pub fn incident_view(&self, id: i64) -> Result<IncidentView> {
        let row = self.store.incident(id)?;
        view(&row, self.store.incident_links(id)?)
    }

    /// Incidents, newest first (only unresolved ones when `open_only`).
    pub fn incident_list(&self, open_only: bool) -> Result<Vec<IncidentView>> {
        self.store
            .list_incidents(open_only)?
            .iter()
            .map(|row| view(row, self.store.incident_links(row.id)?))
            .collect()
    }

    /// One incident with its timeline and its linked alerts still firing.
    pub fn incident_detail(&self, id: i64) -> Result<IncidentDetail> {
        let incident = self.incident_view(id)?;
        let timeline = self.incident_timeline(id)?;
        let still_firing = self.still_firing(id)?;
        Ok(IncidentDetail { incident, timeline, still_firing })
    }

    /// Linked alerts the alert history has not seen resolve, as `alertname (fingerprint)`.
    pub fn still_firing(&self, id: i64) -> Result<Vec<String>> {
        let open = self.store.open_alert_states()?;
        Ok(self
            .store
            .incident_links(id)?
            .into_iter()
            .filter(|l| l.kind == "alert")
            .filter_map(|l| open.get(&l.target))
            .map(|t| format!("{} ({})", t.alertname, t.fingerprint))
            .collect())
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
