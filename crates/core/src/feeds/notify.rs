//! Who hears about what: the feeds settings (mute switch, minimum severity, quiet hours, Slack
//! webhook by vault name, raw history retention), the pure rule [`decide`] that says whether an
//! event notifies the desktop and/or Slack (local time passed in), and the Slack message for an
//! event in the guide's colours. Settings live in the settings table (`feeds.notifications`,
//! `feeds.raw_days`).

use super::{Level, SlackMessage, StateChange, Status};
use crate::{CoreError, Rampart, Result};
use serde::{Deserialize, Serialize};

/// How severe an event is, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    Critical,
    Error,
    Warning,
    Info,
}

impl Severity {
    /// A `severity` label's value: `critical`/`page`, `error`/`high`, `warning`/`warn`,
    /// `info`/`none`/`low`; anything else (or no label) counts as a warning, so an alert with an
    /// unusual label still notifies rather than vanish.
    pub fn from_label(label: &str) -> Self {
        match label.to_ascii_lowercase().as_str() {
            "critical" | "page" | "p1" => Self::Critical,
            "error" | "high" | "p2" => Self::Error,
            "info" | "none" | "low" | "p4" => Self::Info,
            _ => Self::Warning,
        }
    }

    /// Whether `self` is at least as severe as `min`.
    pub fn at_least(self, min: Severity) -> bool {
        self <= min
    }
}

/// The feeds' settings, as the UI edits them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct FeedsSettings {
    /// Mute switch: no desktop notification at all (Slack is unaffected).
    pub muted: bool,
    /// Desktop notifications on (service down/recovered, alert firing).
    pub desktop: bool,
    /// Events below this severity notify nobody.
    pub min_severity: Severity,
    /// Quiet hours in local time, `HH:MM` (both or neither): only critical events notify the
    /// desktop then. The window may wrap midnight (22:00-07:00).
    pub quiet_start: Option<String>,
    pub quiet_end: Option<String>,
    /// Also notify when a service recovers.
    pub notify_recovered: bool,
    /// Vault credential name holding the Slack incoming-webhook URL; None = no Slack.
    pub slack_webhook_from: Option<String>,
    /// Days of raw check results kept before rolling them up (1-90).
    pub raw_days: u32,
}

impl Default for FeedsSettings {
    fn default() -> Self {
        Self {
            muted: false,
            desktop: true,
            min_severity: Severity::Warning,
            quiet_start: None,
            quiet_end: None,
            notify_recovered: true,
            slack_webhook_from: None,
            raw_days: 7,
        }
    }
}

/// `HH:MM` as minutes after midnight.
pub fn parse_hhmm(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

impl FeedsSettings {
    /// Checks ranges and the quiet-hours format.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(CoreError::InvalidInput(m.to_owned()));
        match (&self.quiet_start, &self.quiet_end) {
            (None, None) => {}
            (Some(s), Some(e)) => {
                if parse_hhmm(s).is_none() || parse_hhmm(e).is_none() {
                    return bad("quiet hours must be HH:MM, e.g. 22:00 and 07:00");
                }
            }
            _ => return bad("set both the start and the end of the quiet hours, or neither"),
        }
        if !(1..=90).contains(&self.raw_days) {
            return bad("raw check history must be kept between 1 and 90 days");
        }
        Ok(())
    }

    /// Whether `minute` (local, after midnight) is inside the quiet hours.
    pub fn is_quiet(&self, minute: u16) -> bool {
        let (Some(s), Some(e)) = (
            self.quiet_start.as_deref().and_then(parse_hhmm),
            self.quiet_end.as_deref().and_then(parse_hhmm),
        ) else {
            return false;
        };
        match s.cmp(&e) {
            std::cmp::Ordering::Less => (s..e).contains(&minute),
            std::cmp::Ordering::Greater => minute >= s || minute < e,
            std::cmp::Ordering::Equal => false,
        }
    }
}

/// Something worth telling the user about.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedEvent {
    /// A service went down or came back.
    Service(StateChange),
    /// An alert started firing.
    Firing(super::FiringAlert),
}

impl FeedEvent {
    /// A service down is critical (it is what on-call is for); its recovery carries the same
    /// severity so a down notification always gets its all-clear; alerts follow their label.
    pub fn severity(&self) -> Severity {
        match self {
            Self::Service(_) => Severity::Critical,
            Self::Firing(a) => Severity::from_label(&a.severity),
        }
    }

    /// A one-line title and a body, for a desktop notification.
    pub fn headline(&self) -> (String, String) {
        match self {
            Self::Service(c) if c.to == Status::Down => {
                (format!("{} is down", c.service), c.reasons.join("; "))
            }
            Self::Service(c) => {
                (format!("{} recovered", c.service), "The health check passes again".into())
            }
            Self::Firing(a) => {
                let service =
                    if a.service.is_empty() { String::new() } else { format!(" ({})", a.service) };
                (format!("{} firing [{}]{service}", a.alertname, a.severity), a.summary.clone())
            }
        }
    }

    /// The Slack message: error red for down/critical/error, warning orange, info blue
    /// (recoveries are info).
    pub fn slack_message(&self, at_unix: i64) -> SlackMessage {
        let (title, text) = self.headline();
        let (level, fields) = match self {
            Self::Service(c) => {
                let level = if c.to == Status::Down { Level::Error } else { Level::Info };
                (level, vec![("Service".to_owned(), c.service.clone())])
            }
            Self::Firing(a) => {
                let level = match self.severity() {
                    Severity::Critical | Severity::Error => Level::Error,
                    Severity::Warning => Level::Warning,
                    Severity::Info => Level::Info,
                };
                let mut fields = vec![("Severity".to_owned(), a.severity.clone())];
                if !a.service.is_empty() {
                    fields.push(("Service".to_owned(), a.service.clone()));
                }
                (level, fields)
            }
        };
        SlackMessage { level, title, text, fields, at: at_unix }
    }
}

/// Where an event goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Decision {
    pub desktop: bool,
    pub slack: bool,
}

/// The notification rule. `local_minute` is the local time of day in minutes (0..1440).
/// - below the minimum severity: nobody;
/// - recoveries only when `notify_recovered`;
/// - desktop: not when muted or disabled; during quiet hours only critical events;
/// - Slack: whenever a webhook is configured (mute and quiet hours are about this laptop).
pub fn decide(settings: &FeedsSettings, event: &FeedEvent, local_minute: u16) -> Decision {
    let severity = event.severity();
    if !severity.at_least(settings.min_severity) {
        return Decision::default();
    }
    if let FeedEvent::Service(c) = event
        && c.to == Status::Up
        && !settings.notify_recovered
    {
        return Decision::default();
    }
    let quiet_ok = !settings.is_quiet(local_minute) || severity == Severity::Critical;
    Decision {
        desktop: settings.desktop && !settings.muted && quiet_ok,
        slack: settings.slack_webhook_from.is_some(),
    }
}

const KEY: &str = "feeds.notifications";
const RAW_DAYS_KEY: &str = "feeds.raw_days";

impl Rampart {
    /// The feeds settings (defaults where unset).
    pub fn feeds_settings(&self) -> Result<FeedsSettings> {
        let mut s = self.store.setting::<FeedsSettings>(KEY)?.unwrap_or_default();
        if let Some(days) = self.store.setting::<u32>(RAW_DAYS_KEY)? {
            s.raw_days = days;
        }
        Ok(s)
    }

    /// Validates and saves the feeds settings; a Slack webhook name must be a vault credential.
    /// A change is audited with what changed (the webhook by its vault name).
    pub fn set_feeds_settings(&self, mut settings: FeedsSettings) -> Result<FeedsSettings> {
        settings.validate()?;
        settings.slack_webhook_from = match settings.slack_webhook_from.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(name) => Some(self.vault_find(name)?.name),
        };
        let changed = crate::settings::changes(&self.feeds_settings()?, &settings);
        self.store.transaction(|store| {
            store.set_setting(KEY, &settings)?;
            store.set_setting(RAW_DAYS_KEY, &settings.raw_days)?;
            if !changed.is_empty() {
                let subject = format!("feeds-settings: {changed}");
                store.audit(self.now(), crate::AuditAction::Settings, &subject)?;
            }
            Ok(())
        })?;
        Ok(settings)
    }

    /// Sets (or with None clears) the vault credential holding the Slack webhook URL.
    pub fn set_slack_webhook(&self, credential: Option<&str>) -> Result<FeedsSettings> {
        let settings = FeedsSettings {
            slack_webhook_from: credential.map(str::to_owned),
            ..self.feeds_settings()?
        };
        self.set_feeds_settings(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feeds::FiringAlert;

    fn down(to: Status) -> FeedEvent {
        FeedEvent::Service(StateChange {
            service: "api".into(),
            from: if to == Status::Down { Status::Up } else { Status::Down },
            to,
            at_ms: 0,
            reasons: vec!["HTTP status 503 is not 200".into()],
        })
    }

    fn firing(severity: &str) -> FeedEvent {
        FeedEvent::Firing(FiringAlert {
            fingerprint: "f1".into(),
            alertname: "HighCPUUsage".into(),
            severity: severity.into(),
            service: "api".into(),
            summary: "CPU above 90%".into(),
            starts_at: "2026-01-01T00:00:00Z".into(),
        })
    }

    const NOON: u16 = 12 * 60;
    const NIGHT: u16 = 3 * 60;

    #[test]
    fn severity_labels_are_ranked_and_unknown_ones_count_as_warnings() {
        assert_eq!(Severity::from_label("PAGE"), Severity::Critical);
        assert_eq!(Severity::from_label("high"), Severity::Error);
        assert_eq!(Severity::from_label("none"), Severity::Info);
        assert_eq!(Severity::from_label(""), Severity::Warning);
        assert!(Severity::Critical.at_least(Severity::Warning));
        assert!(!Severity::Info.at_least(Severity::Warning));
    }

    #[test]
    fn the_minimum_severity_filters_desktop_and_slack() {
        let s = FeedsSettings { slack_webhook_from: Some("hook".into()), ..Default::default() };
        assert_eq!(decide(&s, &firing("info"), NOON), Decision::default());
        assert_eq!(decide(&s, &firing("warning"), NOON), Decision { desktop: true, slack: true });
        let strict = FeedsSettings { min_severity: Severity::Critical, ..s.clone() };
        assert_eq!(decide(&strict, &firing("error"), NOON), Decision::default());
        assert_eq!(
            decide(&strict, &down(Status::Down), NOON),
            Decision { desktop: true, slack: true }
        );
    }

    #[test]
    fn quiet_hours_wrap_midnight_and_let_only_critical_through() {
        let s = FeedsSettings {
            quiet_start: Some("22:00".into()),
            quiet_end: Some("07:00".into()),
            ..Default::default()
        };
        assert!(
            s.is_quiet(23 * 60) && s.is_quiet(NIGHT) && !s.is_quiet(7 * 60) && !s.is_quiet(NOON)
        );
        assert!(!decide(&s, &firing("warning"), NIGHT).desktop);
        assert!(decide(&s, &firing("warning"), NOON).desktop);
        assert!(decide(&s, &firing("critical"), NIGHT).desktop);
        assert!(decide(&s, &down(Status::Down), NIGHT).desktop, "a service down is critical");
        let day = FeedsSettings {
            quiet_start: Some("09:00".into()),
            quiet_end: Some("17:30".into()),
            ..s
        };
        assert!(day.is_quiet(NOON) && !day.is_quiet(17 * 60 + 30) && !day.is_quiet(NIGHT));
    }

    #[test]
    fn mute_silences_the_desktop_only_and_recoveries_can_be_turned_off() {
        let s = FeedsSettings {
            muted: true,
            slack_webhook_from: Some("hook".into()),
            ..Default::default()
        };
        assert_eq!(decide(&s, &firing("critical"), NOON), Decision { desktop: false, slack: true });
        let s = FeedsSettings { notify_recovered: false, ..Default::default() };
        assert_eq!(decide(&s, &down(Status::Up), NOON), Decision::default());
        assert!(decide(&s, &down(Status::Down), NOON).desktop);
        let off = FeedsSettings { desktop: false, ..Default::default() };
        assert_eq!(
            decide(&off, &down(Status::Down), NOON),
            Decision::default(),
            "no Slack configured"
        );
    }

    #[test]
    fn settings_are_validated() {
        assert!(FeedsSettings::default().validate().is_ok());
        let half = FeedsSettings { quiet_start: Some("22:00".into()), ..Default::default() };
        assert!(half.validate().unwrap_err().to_string().contains("both"));
        let bad = FeedsSettings {
            quiet_start: Some("25:00".into()),
            quiet_end: Some("07:00".into()),
            ..Default::default()
        };
        assert!(bad.validate().unwrap_err().to_string().contains("HH:MM"));
        assert!(FeedsSettings { raw_days: 0, ..Default::default() }.validate().is_err());
        assert_eq!(parse_hhmm("7:05"), Some(425));
    }

    #[test]
    fn slack_messages_use_the_guides_colours() {
        let red = down(Status::Down).slack_message(10).payload();
        assert_eq!(red["attachments"][0]["color"], "#FF0000");
        assert_eq!(red["text"], "api is down");
        assert_eq!(
            down(Status::Up).slack_message(10).payload()["attachments"][0]["color"],
            "#0099FF"
        );
        assert_eq!(
            firing("warning").slack_message(10).payload()["attachments"][0]["color"],
            "#FFA500"
        );
        let crit = firing("critical").slack_message(10).payload();
        assert_eq!(crit["attachments"][0]["color"], "#FF0000");
        assert_eq!(crit["attachments"][0]["text"], "CPU above 90%");
    }

    #[test]
    fn settings_persist_and_a_slack_webhook_must_be_in_the_vault() {
        let dir = tempfile::tempdir().unwrap();
        let config = crate::Config {
            data_dir: dir.path().into(),
            keychain: crate::Keychain::new("unused-notify-test"),
        };
        let app = Rampart::open(config).unwrap();
        assert_eq!(app.feeds_settings().unwrap(), FeedsSettings::default());
        let s = FeedsSettings { muted: true, raw_days: 3, ..Default::default() };
        app.set_feeds_settings(s.clone()).unwrap();
        assert_eq!(app.feeds_settings().unwrap(), s);
        let err = app.set_slack_webhook(Some("no-such-credential")).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::NotFound, "{err}");
        assert_eq!(app.set_slack_webhook(None).unwrap().slack_webhook_from, None);
    }
}
