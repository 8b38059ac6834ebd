//! Telling an escalation level: a Slack message in the guide's format (the feeds' webhook,
//! its colour from the severity, the level's Slack users mentioned) and an email over SMTP to
//! the level's addresses (server, port, TLS and sender in settings as `incidents.email`, the
//! password read from the vault by name). [`Notifier`] is detached from the database, so the
//! desktop can deliver on its own tasks; each outcome goes back on the timeline.

use super::Priority;
use super::escalation::Step;
use crate::feeds::{Level, SlackMessage, reqwest};
use crate::{AuditAction, CoreError, Rampart, Result, SecretString};
use rampart_feeds::email::{self, Email, SmtpConfig, SmtpTls};
use serde::{Deserialize, Serialize};
use std::time::Duration;

const KEY: &str = "incidents.email";

/// Email settings (no secret: the password is a vault item's name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct Notifier {
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
            outcomes.push("nobody notified: configure Slack (`rampart slack set`) or email (`rampart email set`)".into());
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
    pub fn incident_notifier(&self, client: &reqwest::Client) -> Result<Notifier> {
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
        Ok(Notifier { client: client.clone(), slack, email })
    }

    /// Escalates incident `id` one level by hand and notifies that level.
    pub async fn incident_escalate(
        &self,
        client: &reqwest::Client,
        id: i64,
    ) -> Result<(Step, Vec<String>)> {
        let notifier = self.incident_notifier(client)?;
        let step = self
            .incident_escalation_step(id, true)?
            .ok_or_else(|| CoreError::Internal("no step".into()))?;
        let outcomes = notifier.deliver(&step, self.now()).await;
        for o in &outcomes {
            self.incident_record_delivery(id, o)?;
        }
        Ok((step, outcomes))
    }

    /// Escalates every open incident that is due (the timer; `rampart incident escalate --due`
    /// from cron does the same) and notifies each level.
    pub async fn incident_escalate_due(
        &self,
        client: &reqwest::Client,
    ) -> Result<Vec<(Step, Vec<String>)>> {
        let notifier = self.incident_notifier(client)?;
        let mut done = Vec::new();
        for step in self.incident_due_steps()? {
            let outcomes = notifier.deliver(&step, self.now()).await;
            for o in &outcomes {
                self.incident_record_delivery(step.incident.id, o)?;
            }
            done.push((step, outcomes));
        }
        Ok(done)
    }
}
