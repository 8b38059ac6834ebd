//! The guide's contact escalation as data: levels (On-call engineer, Security team,
//! Management, External), each with contacts, and per severity how long an unacknowledged
//! incident waits before it moves up (P1 15 min, P2 1 h, P3/P4 never by default). Kept in the
//! settings table (`incidents.escalation`) with the on-call rota. [`due_level`] is the pure
//! rule (time passed in); [`Rampart::incident_escalation_step`] records a step on the timeline
//! and in the audit log, and says whom to notify ([`super::notify`] delivers).

use super::oncall::Rota;
use super::{Priority, Status};
use crate::{AuditAction, CoreError, Rampart, Result};
use rampart_store::incidents::EventRow;
use serde::{Deserialize, Serialize};

pub(crate) const KEY: &str = "incidents.escalation";

/// Someone to notify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// A Slack user id (`U...`, mentioned) or a channel (`#name`).
    #[serde(default)]
    pub slack: Option<String>,
}

/// One step of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "EscalationLevel"))]
pub struct Level {
    pub name: String,
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

/// Minutes an unacknowledged incident waits at a level before moving up; None = never.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "EscalationWaits"))]
pub struct Waits {
    pub p1: Option<u32>,
    pub p2: Option<u32>,
    pub p3: Option<u32>,
    pub p4: Option<u32>,
}

impl Waits {
    pub fn for_severity(&self, p: Priority) -> Option<u32> {
        match p {
            Priority::P1 => self.p1,
            Priority::P2 => self.p2,
            Priority::P3 => self.p3,
            Priority::P4 => self.p4,
        }
    }
}

/// The chain, the waits and the rota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "ts", ts(rename = "EscalationPolicy"))]
pub struct Policy {
    pub levels: Vec<Level>,
    pub wait_minutes: Waits,
    pub rota: Rota,
}

impl Default for Policy {
    fn default() -> Self {
        let level = |name: &str, contacts: Vec<Contact>| Level { name: name.into(), contacts };
        Self {
            levels: vec![
                level("On-call engineer", vec![]),
                level(
                    "Security team",
                    vec![Contact {
                        name: "Security team".into(),
                        email: Some("security@alawael.com".into()),
                        phone: None,
                        slack: None,
                    }],
                ),
                level("Management", vec![]),
                level("External", vec![]),
            ],
            wait_minutes: Waits { p1: Some(15), p2: Some(60), p3: None, p4: None },
            rota: Rota::default(),
        }
    }
}

impl Policy {
    /// 1-10 levels with names, contacts with names (unique on their level) and well-formed
    /// email, phone and Slack fields, waits of 1 min to 7 days.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(CoreError::InvalidInput(m));
        if self.levels.is_empty() || self.levels.len() > 10 {
            return bad("the escalation chain needs 1 to 10 levels".into());
        }
        for (i, level) in self.levels.iter().enumerate() {
            if level.name.trim().is_empty() {
                return bad(format!("level {} needs a name", i + 1));
            }
            let mut names = std::collections::BTreeSet::new();
            for c in &level.contacts {
                c.validate()?;
                if !names.insert(c.name.as_str()) {
                    return bad(format!(
                        "the contact name {:?} is used twice at level {}",
                        c.name,
                        i + 1
                    ));
                }
            }
        }
        for p in Priority::ALL {
            if let Some(m) = self.wait_minutes.for_severity(p)
                && !(1..=7 * 24 * 60).contains(&m)
            {
                return bad(format!(
                    "the {} wait must be 1 minute to 7 days, or never",
                    p.as_str()
                ));
            }
        }
        self.rota.validate(self)
    }

    /// Every contact, with its level (1-based).
    pub fn contacts(&self) -> impl Iterator<Item = (usize, &Contact)> {
        self.levels.iter().enumerate().flat_map(|(i, l)| l.contacts.iter().map(move |c| (i + 1, c)))
    }

    pub fn contact(&self, name: &str) -> Option<&Contact> {
        self.contacts().map(|(_, c)| c).find(|c| c.name == name)
    }
}

/// The level (1-based) an incident should have reached at `now_ms`: level 1 from opening, one
/// more per wait while unacknowledged, capped at the last level. An acknowledged or resolved
/// incident is due nothing (0): acknowledging stops the timer.
pub fn due_level(
    policy: &Policy,
    severity: Priority,
    opened_ms: i64,
    acknowledged: bool,
    resolved: bool,
    now_ms: i64,
) -> u32 {
    if acknowledged || resolved || policy.levels.is_empty() {
        return 0;
    }
    let top = policy.levels.len() as i64;
    let steps = match policy.wait_minutes.for_severity(severity) {
        None => 0,
        Some(m) => (now_ms - opened_ms).max(0) / (i64::from(m) * 60_000),
    };
    (1 + steps).min(top) as u32
}

/// One escalation step to deliver.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub incident: super::IncidentView,
    /// 1-based.
    pub level: u32,
    pub level_name: String,
    pub contacts: Vec<Contact>,
    /// `by hand` or `unacknowledged for N min`.
    pub reason: String,
}

impl Rampart {
    /// The escalation policy (the guide's defaults where unset).
    pub fn escalation_policy(&self) -> Result<Policy> {
        Ok(self.store.setting::<Policy>(KEY)?.unwrap_or_default())
    }

    /// Validates and saves the policy; audited as a settings change.
    pub fn set_escalation_policy(&self, policy: &Policy) -> Result<Policy> {
        policy.validate()?;
        self.store.transaction(|store| {
            store.set_setting(KEY, policy)?;
            store.audit(self.now(), AuditAction::Settings, "escalation policy")?;
            Ok(())
        })?;
        Ok(policy.clone())
    }

    /// Moves incident `id` up: by hand one level above the current one, else to the level due
    /// now (None when nothing is due). Records the step and returns whom to notify.
    pub fn incident_escalation_step(&self, id: i64, by_hand: bool) -> Result<Option<Step>> {
        let policy = self.escalation_policy()?;
        let row = self.store.incident(id)?;
        let view = self.incident_view(id)?;
        let now = self.now_ms();
        let current = row.escalation_level.max(0) as u32;
        let top = policy.levels.len() as u32;
        let (level, reason) = if by_hand {
            if view.status == Status::Resolved {
                return Err(CoreError::Conflict(format!(
                    "incident #{id} is resolved: reopen it before escalating"
                )));
            }
            if current >= top {
                return Err(CoreError::Conflict(format!(
                    "incident #{id} is already at the last level ({}): nobody is above it",
                    policy.levels[top as usize - 1].name
                )));
            }
            (current + 1, "by hand".to_owned())
        } else {
            let due = due_level(
                &policy,
                view.severity,
                row.opened_at,
                row.acknowledged_at.is_some(),
                row.resolved_at.is_some(),
                now,
            );
            if due <= current {
                return Ok(None);
            }
            let minutes = (now - row.opened_at) / 60_000;
            (due, format!("unacknowledged for {minutes} min"))
        };
        let level_def = &policy.levels[level as usize - 1];
        let mut contacts = level_def.contacts.clone();
        if level == 1
            && let Some(name) = super::oncall::on_call(&policy.rota, &policy, now / 1000)
            && let Some(c) = policy.contact(&name)
            && !contacts.iter().any(|k| k.name == c.name)
        {
            contacts.insert(0, c.clone());
        }
        let names: Vec<&str> = contacts.iter().map(|c| c.name.as_str()).collect();
        let who = if names.is_empty() { "nobody (no contacts)".into() } else { names.join(", ") };
        let text = format!("escalated to level {level} ({}), {reason}: {who}", level_def.name);
        let mut updated = row.clone();
        updated.escalation_level = i64::from(level);
        self.store.transaction(|store| {
            store.update_incident(&updated)?;
            let author = crate::feeds::ops::author(None);
            store.add_incident_event(
                id,
                &EventRow { at: now, kind: "escalation".into(), author, text },
            )?;
            store.audit(
                self.now(),
                AuditAction::Escalate,
                &format!("incident:{id} level {level} ({}) {reason}: {who}", level_def.name),
            )?;
            Ok(())
        })?;
        Ok(Some(Step {
            incident: self.incident_view(id)?,
            level,
            level_name: level_def.name.clone(),
            contacts,
            reason,
        }))
    }

    /// Whether any open incident is due to move up now (reads only: the timer asks this each
    /// tick before it reads any secret).
    pub fn incidents_due_now(&self) -> Result<bool> {
        let policy = self.escalation_policy()?;
        let now = self.now_ms();
        for row in self.store.list_incidents(true)? {
            let severity = Priority::parse(&row.severity)?;
            let acked = row.acknowledged_at.is_some();
            let due =
                due_level(&policy, severity, row.opened_at, acked, row.resolved_at.is_some(), now);
            if due > row.escalation_level.max(0) as u32 {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Steps for every open incident that is due to move up now.
    pub fn incident_due_steps(&self) -> Result<Vec<Step>> {
        let mut steps = Vec::new();
        for row in self.store.list_incidents(true)? {
            steps.extend(self.incident_escalation_step(row.id, false)?);
        }
        Ok(steps)
    }
}

/// `opened 2027-01-15T08:00:00Z` for messages.
pub(crate) fn opened_text(view: &super::IncidentView) -> String {
    format!("opened {}", view.opened_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_p1_moves_up_every_15_minutes_until_acknowledged_and_p3_never() {
        let p = Policy::default();
        let min = 60_000;
        let due = |sev, at, ack| due_level(&p, sev, 0, ack, false, at);
        assert_eq!(due(Priority::P1, 0, false), 1, "the on-call engineer from the start");
        assert_eq!(due(Priority::P1, 15 * min - 1, false), 1);
        assert_eq!(due(Priority::P1, 15 * min, false), 2, "security team at 15 min");
        assert_eq!(due(Priority::P1, 30 * min, false), 3);
        assert_eq!(due(Priority::P1, 600 * min, false), 4, "capped at External");
        assert_eq!(due(Priority::P1, 600 * min, true), 0, "acknowledged: nothing due");
        assert_eq!(due_level(&p, Priority::P1, 0, false, true, 600 * min), 0, "resolved");
        assert_eq!(due(Priority::P2, 59 * min, false), 1);
        assert_eq!(due(Priority::P2, 60 * min, false), 2);
        assert_eq!(due(Priority::P3, 10_000 * min, false), 1, "P3 never moves up");
        assert_eq!(due(Priority::P4, 10_000 * min, false), 1);
        assert_eq!(
            p.levels.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(),
            ["On-call engineer", "Security team", "Management", "External"]
        );
    }

    #[test]
    fn policies_are_validated_with_messages_that_say_what_to_fix() {
        let mut p = Policy::default();
        p.validate().unwrap();
        p.wait_minutes.p1 = Some(0);
        assert!(p.validate().unwrap_err().to_string().contains("P1 wait must be 1 minute"));
        let mut p = Policy::default();
        p.levels[1].contacts.push(Contact {
            name: "Security team".into(),
            email: None,
            phone: None,
            slack: None,
        });
        assert!(p.validate().unwrap_err().to_string().contains("used twice at level 2"));
        let mut p = Policy::default();
        p.levels[2].contacts.push(Contact {
            name: "Boss".into(),
            email: Some("nope".into()),
            phone: None,
            slack: None,
        });
        assert!(p.validate().unwrap_err().to_string().contains("not an email address"));
        assert!(Policy { levels: vec![], ..Policy::default() }.validate().is_err());
    }
}
