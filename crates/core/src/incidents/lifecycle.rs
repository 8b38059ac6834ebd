//! Changing an incident: status (resolving needs a summary and refuses while linked alerts
//! still fire, unless forced), acknowledge (stops the escalation timer), owner, notes, links
//! and the postmortem fields. Each change is one transaction: the row, an event on the
//! timeline and an audit entry land together.

use super::{IncidentView, KINDS, Status, check_text};
use crate::{AuditAction, CoreError, Rampart, Result};
use rampart_store::incidents::{EventRow, IncidentRow, LinkRow};

/// The fields a postmortem reads besides the timeline.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostmortemFields {
    pub impact: Option<String>,
    pub root_cause: Option<String>,
    /// Replaces the list when given.
    pub action_items: Option<Vec<String>>,
}

impl Rampart {
    /// Applies `change` to incident `id` with an event of `kind`/`text` and an audit entry
    /// `incident:ID audit`, all in one transaction.
    fn incident_change(
        &self,
        id: i64,
        kind: &str,
        text: String,
        audit: &str,
        change: impl FnOnce(&mut IncidentRow) -> Result<()>,
    ) -> Result<IncidentView> {
        let mut row = self.store.incident(id)?;
        change(&mut row)?;
        let event = EventRow {
            at: self.now_ms(),
            kind: kind.into(),
            author: crate::feeds::ops::author(None),
            text,
        };
        self.store.transaction(|store| {
            store.update_incident(&row)?;
            store.add_incident_event(id, &event)?;
            store.audit(self.now(), AuditAction::Incident, &format!("incident:{id} {audit}"))?;
            Ok(())
        })?;
        self.incident_view(id)
    }

    /// Moves an incident to `status`. Resolving needs a `summary`; with linked alerts still
    /// firing it is refused (the message names them) unless `force`. A resolved incident
    /// moved back is reopened.
    pub fn incident_set_status(
        &self,
        id: i64,
        status: Status,
        summary: Option<&str>,
        force: bool,
    ) -> Result<IncidentView> {
        let row = self.store.incident(id)?;
        let current = Status::parse(&row.status)?;
        if current == status {
            return Err(CoreError::Conflict(format!(
                "incident #{id} is already {}",
                status.as_str()
            )));
        }
        if status == Status::Resolved {
            let summary = summary.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| {
                CoreError::InvalidInput(format!(
                    "resolving incident #{id} needs a summary of what happened and what fixed \
                     it: pass --summary TEXT"
                ))
            })?;
            let summary = check_text("summary", summary, 4000)?;
            let firing = self.still_firing(id)?;
            if !firing.is_empty() && !force {
                return Err(CoreError::Conflict(format!(
                    "incident #{id} has linked alerts still firing: {}. Wait until they resolve \
                     (`rampart alerts` polls them), or resolve anyway with --force",
                    firing.join(", ")
                )));
            }
            let forced = if firing.is_empty() {
                String::new()
            } else {
                format!(" (forced while firing: {})", firing.join(", "))
            };
            let now = self.now_ms();
            return self.incident_change(
                id,
                "resolved",
                format!("resolved{forced}: {summary}"),
                "status resolved",
                |row| {
                    row.status = status.as_str().into();
                    row.resolved_at = Some(now);
                    row.summary = summary;
                    Ok(())
                },
            );
        }
        let (kind, text) = match current {
            Status::Resolved => ("reopened", format!("reopened as {}", status.as_str())),
            _ => ("status", format!("{} -> {}", current.as_str(), status.as_str())),
        };
        self.incident_change(id, kind, text, &format!("status {}", status.as_str()), |row| {
            row.status = status.as_str().into();
            row.resolved_at = None;
            Ok(())
        })
    }

    /// Acknowledges an incident (stops its escalation timer); `by` defaults to `$USER`.
    pub fn incident_ack(&self, id: i64, by: Option<&str>) -> Result<IncidentView> {
        let row = self.store.incident(id)?;
        if let Some(at) = row.acknowledged_at {
            return Err(CoreError::Conflict(format!(
                "incident #{id} was acknowledged already at {}",
                super::utc_ms(at)
            )));
        }
        let by = crate::feeds::ops::author(by);
        let now = self.now_ms();
        let owner_text = match row.owner {
            None => format!("; owner now {by}"),
            Some(_) => String::new(),
        };
        self.incident_change(id, "ack", format!("acknowledged by {by}{owner_text}"), "ack", |row| {
            row.acknowledged_at = Some(now);
            if row.owner.is_none() {
                row.owner = Some(by.clone());
            }
            Ok(())
        })
    }

    /// Sets the owner.
    pub fn incident_assign(&self, id: i64, owner: &str) -> Result<IncidentView> {
        let owner = check_text("owner", owner, 128)?;
        self.incident_change(id, "owner", format!("owner: {owner}"), "owner", |row| {
            row.owner = Some(owner.clone());
            Ok(())
        })
    }

    /// Adds a note (up to 10,000 characters) to the timeline; `by` defaults to `$USER`.
    pub fn incident_note(&self, id: i64, text: &str, by: Option<&str>) -> Result<IncidentView> {
        let text = check_text("note", text, 10_000)?;
        self.store.incident(id)?;
        let event = EventRow {
            at: self.now_ms(),
            kind: "note".into(),
            author: crate::feeds::ops::author(by),
            text,
        };
        self.store.transaction(|store| {
            store.add_incident_event(id, &event)?;
            store.audit(self.now(), AuditAction::Incident, &format!("incident:{id} note"))?;
            Ok(())
        })?;
        self.incident_view(id)
    }

    /// Links a service (must exist), alert fingerprint, Sentry issue or backup source (must
    /// exist). Linking twice is a no-op.
    pub fn incident_link(&self, id: i64, kind: &str, target: &str) -> Result<IncidentView> {
        let target = self.link_target(kind, target)?;
        self.store.incident(id)?;
        let now = self.now_ms();
        let link = LinkRow { kind: kind.into(), target: target.clone(), linked_at: now };
        self.store.transaction(|store| {
            if store.add_incident_link(id, &link)? {
                let text = format!("linked {kind} {target}");
                let event = EventRow {
                    at: now,
                    kind: "link".into(),
                    author: crate::feeds::ops::author(None),
                    text,
                };
                store.add_incident_event(id, &event)?;
                store.audit(
                    self.now(),
                    AuditAction::Incident,
                    &format!("incident:{id} link {kind}:{target}"),
                )?;
            }
            Ok(())
        })?;
        self.incident_view(id)
    }

    /// Removes a link.
    pub fn incident_unlink(&self, id: i64, kind: &str, target: &str) -> Result<IncidentView> {
        let now = self.now_ms();
        self.store.transaction(|store| {
            store.remove_incident_link(id, kind, target)?;
            let event = EventRow {
                at: now,
                kind: "unlink".into(),
                author: crate::feeds::ops::author(None),
                text: format!("unlinked {kind} {target}"),
            };
            store.add_incident_event(id, &event)?;
            store.audit(
                self.now(),
                AuditAction::Incident,
                &format!("incident:{id} unlink {kind}:{target}"),
            )?;
            Ok(())
        })?;
        self.incident_view(id)
    }

    fn link_target(&self, kind: &str, target: &str) -> Result<String> {
        if !KINDS.contains(&kind) {
            return Err(CoreError::InvalidInput(format!(
                "{kind:?} is not a link kind: use service, alert, sentry or backup"
            )));
        }
        let target = check_text(&format!("{kind} to link"), target, 256)?;
        match kind {
            "service" => {
                self.store.service(&target)?;
            }
            "backup" => {
                self.store.backup_source(&target)?;
            }
            _ => {}
        }
        Ok(target)
    }

    /// Sets the postmortem's impact, root cause and action items (each given field replaces
    /// the stored one).
    pub fn incident_set_postmortem(
        &self,
        id: i64,
        fields: &PostmortemFields,
    ) -> Result<IncidentView> {
        let clean = |what: &str, v: &Option<String>| -> Result<Option<String>> {
            v.as_deref().map(|t| check_text(what, t, 10_000)).transpose()
        };
        let impact = clean("impact", &fields.impact)?;
        let root_cause = clean("root cause", &fields.root_cause)?;
        let items = match &fields.action_items {
            Some(list) => Some(
                list.iter()
                    .map(|i| check_text("action item", i, 1000))
                    .collect::<Result<Vec<_>>>()?,
            ),
            None => None,
        };
        let mut changed = Vec::new();
        impact.is_some().then(|| changed.push("impact"));
        root_cause.is_some().then(|| changed.push("root cause"));
        items.is_some().then(|| changed.push("action items"));
        if changed.is_empty() {
            return Err(CoreError::InvalidInput(
                "nothing to change: give an impact, a root cause or action items".into(),
            ));
        }
        let text = format!("postmortem: {} updated", changed.join(", "));
        self.incident_change(id, "postmortem", text, "postmortem", |row| {
            if let Some(v) = impact {
                row.impact = v;
            }
            if let Some(v) = root_cause {
                row.root_cause = v;
            }
            if let Some(v) = items {
                row.action_items = serde_json::to_string(&v).unwrap_or_else(|_| "[]".into());
            }
            Ok(())
        })
    }
}
