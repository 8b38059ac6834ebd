//! Telling an escalation level: a Slack message in the guide's format (the feeds' webhook,
//! its colour from the severity, the level's Slack users mentioned) and an email over SMTP to
//! the level's addresses (server, port, TLS and sender in settings as `incidents.email`, the
//! password read from the vault by name). [`Rampart::incident_escalate_due`] (the desktop's
//! timer and `rampart incident escalate --due`) and [`Rampart::incident_escalate`] (by hand)
//! are the one path, in three parts: taking the steps raises each incident's level and reads
//! the secrets at once (so a second tick meanwhile takes nothing again), delivering holds no
//! store lock, and each outcome then lands on the timeline and in the audit log.

use super::Priority;
use super::escalation::Step;
use crate::feeds::{Level, SlackMessage};
use crate::{AuditAction, CoreError, Rampart, Result, SecretString};
use rampart_feeds::email::{self, Email, SmtpConfig, SmtpTls};
use rampart_feeds::reqwest;
use rampart_store::incidents::EventRow;
use serde::{Deserialize, Serialize};
use std::time::Duration;

const KEY: &str = "incidents.email";

/// Email settings (no secret: the password is a vault item's name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct EmailSettings {
    pub server: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub from: String,
    #[serde(default)]
    pub username: Option<String>,
    /// The vault credential holding the SMTP password.
    #[serde(default)]
    pub password_from: Option<String>,
}

/// What to deliver with: detached from the database (Send + Sync).
pub(crate) struct Notifier {
    client: reqwest::Client,
    slack: Option<SecretString>,
    email: Option<(SmtpConfig, Option<SecretString>)>,
}

/// The Slack message for a step: red for P1/P2, orange for P3, blue for P4.
pub fn slack_message(step: &Step, at_unix: i64) -> SlackMessage {
    let i = &step.incident;
    let level = match i.severity {
        Priority::P1 | Priority::P2 => Level::Error,
        Priority::P3 => Level::Warning,
        Priority::P4 => Level::Info,
    };
    let mentions: Vec<String> = step
        .contacts
        .iter()
        .map(|c| match c.slack.as_deref() {
            Some(s) if s.starts_with('U') || s.starts_with('W') => format!("<@{s}>"),
            Some(s) => s.to_owned(),
            None => c.name.clone(),
        })
        .collect();
    let text = format!(
        "{} ({}), {}; escalated to level {} ({}), {}. Notifying: {}. Acknowledge with `rampart incident ack {}`.",
        i.severity.as_str(),
        i.severity_definition,
        super::escalation::opened_text(i),
        step.level,
        step.level_name,
        step.reason,
        if mentions.is_empty() {
            "nobody (no contacts at this level)".into()
        } else {
            mentions.join(", ")
        },
        i.id
    );
    SlackMessage {
        level,
        title: format!("[{}] Incident #{}: {}", i.severity.as_str(), i.id, i.title),
        text,
        fields: vec![
            ("Severity".into(), i.severity.as_str().into()),
            ("Status".into(), i.status.as_str().into()),
            ("Level".into(), format!("{} {}", step.level, step.level_name)),
            ("Owner".into(), i.owner.clone().unwrap_or_else(|| "nobody yet".into())),
        ],
        at: at_unix,
    }
}

/// The email for a step.
pub fn email_for(step: &Step) -> Option<Email> {
    let to: Vec<String> = step.contacts.iter().filter_map(|c| c.email.clone()).collect();
    if to.is_empty() {
        return None;
    }
    let i = &step.incident;
    let links: Vec<String> =
        i.links.iter().map(|l| format!("  - {}: {}", l.kind, l.target)).collect();
    let body = format!(
        "Incident #{id}: {title}\n\nSeverity: {sev} ({def})\nStatus: {status}\nOwner: {owner}\n\
         Opened: {opened} (UTC)\nEscalated to level {level} ({name}), {reason}.\n\nLinked:\n{links}\n\n\
         Acknowledge with `rampart incident ack {id}` to stop the escalation.\n",
        id = i.id,
        title = i.title,
        sev = i.severity.as_str(),
        def = i.severity_definition,
        status = i.status.as_str(),
        owner = i.owner.as_deref().unwrap_or("nobody yet"),
        opened = i.opened_at,
        level = step.level,
        name = step.level_name,
        reason = step.reason,
        links = if links.is_empty() { "  (nothing)".into() } else { links.join("\n") },
    );
    Some(Email {
        to,
        subject: format!(
            "[Rampart {}] Incident #{}: {} (level {} {})",
            i.severity.as_str(),
            i.id,
            i.title,
            step.level,
            step.level_name
        ),
        body,
    })
}

impl Notifier {
    /// Delivers a step to Slack and by email; returns one line per channel tried, for the
    /// timeline (`Slack: delivered`, `email to a@x: failed: ...`).
    pub async fn deliver(&self, step: &Step, at_unix: i64) -> Vec<String> {
        let mut outcomes = Vec::new();
        if let Some(webhook) = &self.slack {
            let policy = rampart_feeds::RetryPolicy::default();
            let message = slack_message(step, at_unix);
            let r = rampart_feeds::slack::post(&self.client, webhook, &message, policy).await;
            outcomes.push(match r {
                Ok(()) => "Slack: delivered".to_owned(),
                Err(e) => format!("Slack: failed: {e}"),
            });
        }
        if let (Some((config, password)), Some(mail)) = (&self.email, email_for(step)) {
            let to = mail.to.join(", ");
            outcomes.push(match email::send(config, password.as_ref(), &mail).await {
                Ok(()) => format!("email to {to}: delivered"),
                Err(e) => format!("email to {to}: failed: {e}"),
            });
        }
        if outcomes.is_empty() {
            outcomes.push(
                "nobody notified: set up Slack or email (the app's Settings, or `rampart slack set` / `rampart email set`)"
                    .into(),
            );
        }
        outcomes
    }
}

impl Rampart {
    /// The email settings (None: no email).
    pub fn email_settings(&self) -> Result<Option<EmailSettings>> {
        Ok(self.store.setting::<EmailSettings>(KEY)?)
    }

    /// Saves (or with None removes) the email settings; the password's vault item must exist.
    pub fn set_email_settings(&self, settings: Option<&EmailSettings>) -> Result<()> {
        if let Some(s) = settings {
            if s.server.trim().is_empty() || s.port == 0 {
                return Err(CoreError::InvalidInput("give the SMTP server and port".into()));
            }
            if !s.from.contains('@') {
                return Err(CoreError::InvalidInput(format!(
                    "{:?} is not a sender address",
                    s.from
                )));
            }
            if let Some(name) = &s.password_from {
                self.vault_find(name)?;
                if s.username.is_none() {
                    return Err(CoreError::InvalidInput(
                        "a password needs a --user to log in with".into(),
                    ));
                }
            }
        }
        self.store.transaction(|store| {
            match settings {
                Some(s) => store.set_setting(KEY, s)?,
                None => store.set_setting(KEY, &serde_json::Value::Null)?,
            }
            store.audit(self.now(), AuditAction::Settings, "incident email settings")?;
            Ok(())
        })?;
        Ok(())
    }

    /// What to deliver with: the feeds' Slack webhook and the email settings, secrets read
    /// from the vault now.
    fn incident_notifier(&self) -> Result<Notifier> {
        let slack = match self.feeds_settings()?.slack_webhook_from {
            Some(name) => Some(self.slack_webhook(&name)?),
            None => None,
        };
        let email = match self.email_settings()? {
            None => None,
            Some(s) => {
                let password = match &s.password_from {
                    Some(name) => {
                        let view = self.vault_find(name)?;
                        Some(self.keychain.get(&format!("credential:{}", view.id))?)
                    }
                    None => None,
                };
                let config = SmtpConfig {
                    server: s.server,
                    port: s.port,
                    tls: s.tls,
                    username: s.username,
                    from: s.from,
                    timeout: Duration::from_secs(20),
                };
                Some((config, password))
            }
        };
        Ok(Notifier { client: self.http()?, slack, email })
    }

    /// Prepares moving incident `id` up one level by hand: takes the step (the level, the
    /// timeline and the audit log record it at once) and returns what to deliver.
    pub(crate) fn escalation_prepare(&self, id: i64) -> Result<PreparedEscalation> {
        let notifier = self.incident_notifier()?;
        let step = self
            .incident_escalation_step(id, true)?
            .ok_or_else(|| CoreError::Internal("no step".into()))?;
        Ok(PreparedEscalation { notifier, steps: vec![step], at_unix: self.now() })
    }

    /// Prepares the escalation timer's tick: takes a step for every open incident that is due
    /// to move up now (empty when none is) and returns what to deliver. Taking a step raises
    /// the incident's level, so a second tick before this one is delivered and recorded does
    /// not notify the same level again.
    pub(crate) fn escalation_prepare_due(&self) -> Result<PreparedEscalation> {
        if !self.incidents_due_now()? {
            // Nothing due: no secret is read.
            let notifier = Notifier { client: self.http()?, slack: None, email: None };
            return Ok(PreparedEscalation { notifier, steps: Vec::new(), at_unix: self.now() });
        }
        let notifier = self.incident_notifier()?;
        let steps = self.incident_due_steps()?;
        Ok(PreparedEscalation { notifier, steps, at_unix: self.now() })
    }

    /// Records how delivering went: one `notify` entry per channel on each incident's timeline
    /// and one audit entry per step (counts only: outcome texts may name addresses). Returns
    /// what was escalated, for a desktop notification.
    pub(crate) fn escalation_record(&self, outcome: &EscalationOutcome) -> Result<Vec<Escalated>> {
        let now = self.now_ms();
        self.store.transaction(|store| {
            for d in &outcome.deliveries {
                let id = d.step.incident.id;
                for text in &d.outcomes {
                    let event = EventRow {
                        at: now,
                        kind: "notify".into(),
                        author: String::new(),
                        text: text.clone(),
                    };
                    store.add_incident_event(id, &event)?;
                }
                let failed = d.outcomes.iter().filter(|o| o.contains(": failed:")).count();
                store.audit(
                    self.now(),
                    AuditAction::Escalate,
                    &format!(
                        "incident:{id} level {} notified: {} delivered, {failed} failed",
                        d.step.level,
                        d.outcomes.len() - failed
                    ),
                )?;
            }
            Ok(())
        })?;
        Ok(outcome.escalated())
    }

    /// Escalates incident `id` one level by hand and notifies that level; how each channel
    /// went is on the timeline and in the result.
    pub async fn incident_escalate(&self, id: i64) -> Result<Delivery> {
        let outcome = self.escalation_prepare(id)?.run().await;
        self.escalation_record(&outcome)?;
        outcome.deliveries.into_iter().next().ok_or_else(|| CoreError::Internal("no step".into()))
    }

    /// Escalates every open incident that is due (the desktop's timer; `rampart incident
    /// escalate --due` from cron does the same) and notifies each level. A tick that finds
    /// nothing due reads no secret.
    pub async fn incident_escalate_due(&self) -> Result<EscalationOutcome> {
        let prepared = self.escalation_prepare_due()?;
        if prepared.is_empty() {
            return Ok(EscalationOutcome::default());
        }
        let outcome = prepared.run().await;
        self.escalation_record(&outcome)?;
        Ok(outcome)
    }
}

/// Steps taken and ready to deliver, detached from the database: it owns the steps and the
/// notifier (the Slack webhook and SMTP password as [`SecretString`]), so delivering holds no
/// lock of the app's.
pub(crate) struct PreparedEscalation {
    notifier: Notifier,
    steps: Vec<Step>,
    at_unix: i64,
}

/// One step and how delivering it went, one line per channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub step: Step,
    pub outcomes: Vec<String>,
}

/// What [`PreparedEscalation::run`] did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EscalationOutcome {
    pub deliveries: Vec<Delivery>,
}

/// What was escalated, for a desktop notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Escalated {
    pub id: i64,
    /// 1-based.
    pub level: u32,
    pub level_name: String,
    pub severity: Priority,
    pub title: String,
}

impl Escalated {
    fn of(step: &Step) -> Self {
        Self {
            id: step.incident.id,
            level: step.level,
            level_name: step.level_name.clone(),
            severity: step.incident.severity,
            title: step.incident.title.clone(),
        }
    }
}

impl PreparedEscalation {
    /// Nothing was due.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// What was escalated (known before delivering).
    #[cfg(test)]
    pub fn escalated(&self) -> Vec<Escalated> {
        self.steps.iter().map(Escalated::of).collect()
    }

    /// Delivers every step to Slack and by email, one after the other; never fails, a
    /// channel that failed says so in its outcome line.
    pub async fn run(self) -> EscalationOutcome {
        let mut deliveries = Vec::with_capacity(self.steps.len());
        for step in self.steps {
            let outcomes = self.notifier.deliver(&step, self.at_unix).await;
            deliveries.push(Delivery { step, outcomes });
        }
        EscalationOutcome { deliveries }
    }
}

impl EscalationOutcome {
    /// What was escalated.
    pub fn escalated(&self) -> Vec<Escalated> {
        self.deliveries.iter().map(|d| Escalated::of(&d.step)).collect()
    }
}
