//! User preferences: clipboard auto-clear, idle lock, the credential rotate-by period and the
//! page the desktop opens on. Every
//! change of preferences (these and the feeds') is audited as `settings` with the fields that
//! changed, from and to ([`changes`]); preferences hold no secrets, only names and numbers.

use crate::{AuditAction, CoreError, Rampart, Result};
use serde::{Deserialize, Serialize};

/// The app's preferences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Seconds after a copy before the clipboard is cleared (if it still holds our value).
    pub clipboard_clear_seconds: u32,
    /// Minutes without user activity before the app locks (1-30).
    pub idle_lock_minutes: u32,
    /// Credentials older than this many days are flagged for rotation.
    pub rotate_after_days: u32,
    /// The page the desktop app opens on.
    pub start_page: StartPage,
}

/// The page the desktop app opens on: on-call engineers start from the Overview, admins who
/// mostly hand out codes from the code list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum StartPage {
    #[default]
    Overview,
    Codes,
}

impl StartPage {
    /// `overview` or `codes`; anything else says what is accepted.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "overview" => Ok(Self::Overview),
            "codes" => Ok(Self::Codes),
            other => Err(CoreError::InvalidInput(format!(
                "{other:?} is not a start page: use overview or codes"
            ))),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            clipboard_clear_seconds: 20,
            idle_lock_minutes: 15,
            rotate_after_days: 90,
            start_page: StartPage::Overview,
        }
    }
}

impl Settings {
    /// Checks ranges; the message says which field and what is allowed.
    pub fn validate(&self) -> Result<()> {
        let bad = |msg: &str| Err(CoreError::InvalidInput(msg.to_owned()));
        if !(5..=300).contains(&self.clipboard_clear_seconds) {
            return bad("clipboard clear time must be between 5 and 300 seconds");
        }
        if !(1..=30).contains(&self.idle_lock_minutes) {
            return bad("idle lock must be between 1 and 30 minutes");
        }
        if !(1..=3650).contains(&self.rotate_after_days) {
            return bad("rotate-after must be between 1 and 3650 days");
        }
        Ok(())
    }
}

const KEY: &str = "settings";

impl Rampart {
    /// The current settings (defaults where unset).
    pub fn settings(&self) -> Result<Settings> {
        Ok(self.store.setting::<Settings>(KEY)?.unwrap_or_default())
    }

    /// Validates and saves settings; a change is audited with what changed.
    pub fn set_settings(&self, settings: Settings) -> Result<Settings> {
        settings.validate()?;
        let changed = changes(&self.settings()?, &settings);
        self.store.transaction(|store| {
            store.set_setting(KEY, &settings)?;
            if !changed.is_empty() {
                store.audit(self.now(), AuditAction::Settings, &format!("settings: {changed}"))?;
            }
            Ok(())
        })?;
        Ok(settings)
    }
}

/// The top-level fields that differ, as `field old -> new, ...` (empty when none).
pub(crate) fn changes<T: Serialize>(old: &T, new: &T) -> String {
    let (Ok(serde_json::Value::Object(old)), Ok(serde_json::Value::Object(new))) =
        (serde_json::to_value(old), serde_json::to_value(new))
    else {
        return String::new();
    };
    let null = serde_json::Value::Null;
    new.iter()
        .filter(|(field, value)| old.get(*field) != Some(*value))
        .map(|(field, value)| format!("{field} {} -> {value}", old.get(field).unwrap_or(&null)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_enforced_with_a_readable_message() {
        assert!(Settings::default().validate().is_ok());
        let err = Settings { idle_lock_minutes: 0, ..Default::default() }.validate().unwrap_err();
        assert!(err.to_string().contains("between 1 and 30 minutes"));
        assert!(Settings { idle_lock_minutes: 31, ..Default::default() }.validate().is_err());
        assert!(Settings { clipboard_clear_seconds: 1, ..Default::default() }.validate().is_err());
        assert_eq!(StartPage::parse("codes").unwrap(), StartPage::Codes);
        let err = StartPage::parse("kpis").unwrap_err().to_string();
        assert!(err.contains("use overview or codes"), "{err}");
    }

    #[test]
    fn settings_saved_before_the_start_page_existed_open_on_the_overview() {
        let old: Settings = serde_json::from_str(
            r#"{"clipboardClearSeconds": 30, "idleLockMinutes": 5, "rotateAfterDays": 90}"#,
        )
        .unwrap();
        assert_eq!((old.start_page, old.clipboard_clear_seconds), (StartPage::Overview, 30));
        let json = serde_json::to_value(Settings { start_page: StartPage::Codes, ..old }).unwrap();
        assert_eq!(json["startPage"], "codes");
    }

    #[test]
    fn changes_name_each_changed_field_with_its_old_and_new_value() {
        let old = Settings::default();
        assert_eq!(changes(&old, &old), "");
        let new = Settings { idle_lock_minutes: 5, rotate_after_days: 30, ..old };
        assert_eq!(changes(&old, &new), "idleLockMinutes 15 -> 5, rotateAfterDays 90 -> 30");
    }
}
