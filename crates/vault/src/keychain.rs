//! The OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows)
//! through the `keyring` crate. Every secret is one item: service = the configured namespace
//! (`rampart`, or `RAMPART_KEYRING_SERVICE` in tests), user = a stable item key such as
//! `credential:<id>`. Errors say what to do and never carry the secret.

use rampart_sensitive::SecretString;
use std::collections::HashMap;
use zeroize::Zeroize;

/// Environment variable that overrides the keychain service name (tests use their own).
pub const SERVICE_ENV: &str = "RAMPART_KEYRING_SERVICE";
/// The default keychain service name.
pub const DEFAULT_SERVICE: &str = "rampart";

/// The largest secret we store, in bytes. Windows' Credential Manager caps an item at 2,560
/// bytes of UTF-16 (1,280 characters); elsewhere we cap at 64 KiB to keep items sane.
#[cfg(windows)]
pub const MAX_SECRET_BYTES: usize = 1280;
#[cfg(not(windows))]
pub const MAX_SECRET_BYTES: usize = 64 * 1024;

/// Keychain failures, mapped to what the user can do about them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeychainError {
    #[error("the keychain has no item {0}; it may have been deleted outside Rampart")]
    Missing(String),
    #[error(
        "the keychain is locked or refused access ({0}). Unlock your login keyring (e.g. open \
         \"Passwords and Keys\" or log in again) and retry"
    )]
    Locked(String),
    #[error(
        "no OS keychain is reachable ({0}). On Linux, Rampart needs a Secret Service such as \
         gnome-keyring running in your D-Bus session: install gnome-keyring and log in again, or \
         start `gnome-keyring-daemon --start --components=secrets`"
    )]
    Unavailable(String),
    #[error(
        "the secret is {len} bytes; this platform's keychain holds at most {max} bytes per item. \
         Store a shorter value (e.g. keep large files elsewhere and put their key here)"
    )]
    TooLarge { len: usize, max: usize },
    #[error("the keychain item {0} does not hold valid UTF-8 text")]
    BadEncoding(String),
    #[error("keychain error: {0}")]
    Other(String),
}

/// A keychain namespace.
#[derive(Debug, Clone)]
pub struct Keychain {
    service: String,
}

impl Keychain {
    /// A keychain under `service`.
    pub fn new(service: impl Into<String>) -> Self {
        Self { service: service.into() }
    }

    /// The service from `RAMPART_KEYRING_SERVICE`, else `rampart`.
    pub fn from_env() -> Self {
        let service = std::env::var(SERVICE_ENV)
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| DEFAULT_SERVICE.to_owned());
        Self::new(service)
    }

    /// The service name items are stored under.
    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, item: &str) -> Result<keyring::Entry, KeychainError> {
        keyring::Entry::new(&self.service, item).map_err(|e| map_error(e, item))
    }

    /// Runs one keyring call, retrying (50 ms doubling to 3.2 s, about 6 s in all) when the
    /// Secret Service briefly finds no collection: gnome-keyring answers "no result found" for
    /// a moment while it is busy or still starting (seen under concurrent test load on 2 cores:
    /// a full test run failed once with the shorter 0.75 s budget). Other errors, a really
    /// locked keyring among them, return at once.
    fn retrying<T>(
        &self,
        mut call: impl FnMut() -> Result<T, keyring::Error>,
    ) -> Result<T, keyring::Error> {
        let mut delay = std::time::Duration::from_millis(50);
        for _ in 0..7 {
            match call() {
                Err(keyring::Error::NoStorageAccess(e)) if is_transient(&e.to_string()) => {
                    std::thread::sleep(delay);
                    delay *= 2;
                }
                other => return other,
            }
        }
        call()
    }

    /// Stores (or replaces) the item's secret.
    pub fn set(&self, item: &str, secret: &SecretString) -> Result<(), KeychainError> {
        let len = secret.expose().len();
        if len > MAX_SECRET_BYTES {
            return Err(KeychainError::TooLarge { len, max: MAX_SECRET_BYTES });
        }
        let entry = self.entry(item)?;
        self.retrying(|| entry.set_password(secret.expose())).map_err(|e| map_error(e, item))
    }

    /// Reads the item's secret.
    pub fn get(&self, item: &str) -> Result<SecretString, KeychainError> {
        let entry = self.entry(item)?;
        self.retrying(|| entry.get_password())
            .map(SecretString::new)
            .map_err(|e| map_error(e, item))
    }

    /// Deletes the item; deleting a missing item is not an error.
    pub fn delete(&self, item: &str) -> Result<(), KeychainError> {
        let entry = self.entry(item)?;
        match self.retrying(|| entry.delete_credential()) {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e, item)),
        }
    }

    /// True when the item exists. On Linux it asks the Secret Service to search for the item
    /// without an encrypted session and without reading the secret: the idle-lock tick asks
    /// whether a passphrase is set every 5 s, and a read costs a key exchange each time.
    /// A locked item counts as existing (so a passphrase in a locked keyring keeps the app
    /// locked, and unlocking then says the keyring is locked).
    #[cfg(target_os = "linux")]
    pub fn contains(&self, item: &str) -> Result<bool, KeychainError> {
        use dbus_secret_service::{EncryptionType, SecretService};
        let fail = |e: dbus_secret_service::Error| classify_platform_failure(e.to_string());
        let ss = SecretService::connect(EncryptionType::Plain).map_err(fail)?;
        let attributes = HashMap::from([("service", self.service.as_str()), ("username", item)]);
        let found = ss.search_items(attributes).map_err(fail)?;
        Ok(!found.unlocked.is_empty() || !found.locked.is_empty())
    }

    /// True when the item exists (elsewhere by reading it; the platform stores are cheap per
    /// call).
    #[cfg(not(target_os = "linux"))]
    pub fn contains(&self, item: &str) -> Result<bool, KeychainError> {
        let entry = self.entry(item)?;
        match self.retrying(|| entry.get_password()) {
            Ok(mut secret) => {
                secret.zeroize(); // read only to learn that it exists
                Ok(true)
            }
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(map_error(e, item)),
        }
    }

    /// Every item whose key starts with `prefix`, read in one Secret Service session (keyring
    /// opens a session, with its key exchange, per call: 200 seeds took seconds). Items that
    /// are locked or unreadable are left out; callers fall back to [`Keychain::get`] for them.
    #[cfg(target_os = "linux")]
    pub fn get_many(&self, prefix: &str) -> Result<HashMap<String, SecretString>, KeychainError> {
        use dbus_secret_service::{EncryptionType, SecretService};
        let fail = |e: dbus_secret_service::Error| classify_platform_failure(e.to_string());
        let ss = SecretService::connect(EncryptionType::Dh).map_err(fail)?;
        let found =
            ss.search_items(HashMap::from([("service", self.service.as_str())])).map_err(fail)?;
        let mut out = HashMap::new();
        for item in found.unlocked {
            let Ok(attributes) = item.get_attributes() else { continue };
            let Some(user) = attributes.get("username").filter(|u| u.starts_with(prefix)) else {
                continue;
            };
            let Ok(bytes) = item.get_secret() else { continue };
            match String::from_utf8(bytes) {
                Ok(text) => {
                    out.insert(user.clone(), SecretString::new(text));
                }
                Err(not_text) => not_text.into_bytes().zeroize(),
            }
        }
        Ok(out)
    }

    /// Elsewhere the platform stores are cheap per call: no bulk path.
    #[cfg(not(target_os = "linux"))]
    pub fn get_many(&self, _prefix: &str) -> Result<HashMap<String, SecretString>, KeychainError> {
        Ok(HashMap::new())
    }

    /// Writes then reads back and deletes a probe item: proves the keychain is usable.
    pub fn probe(&self) -> Result<(), KeychainError> {
        let item = "rampart:probe";
        self.set(item, &SecretString::new("probe".into()))?;
        let ok = self.get(item)?.expose() == "probe";
        self.delete(item)?;
        if ok {
            Ok(())
        } else {
            Err(KeychainError::Other("probe read back a different value".into()))
        }
    }
}

/// A Secret Service answer that means "not ready yet" rather than "locked".
fn is_transient(message: &str) -> bool {
    message.to_lowercase().contains("no result found")
}

/// Maps keyring errors to ours. Never formats a payload that could hold the secret
/// (`BadEncoding` carries the raw bytes, so only the item name is kept).
fn map_error(err: keyring::Error, item: &str) -> KeychainError {
    match err {
        keyring::Error::NoEntry => KeychainError::Missing(item.to_owned()),
        keyring::Error::NoStorageAccess(e) => KeychainError::Locked(e.to_string()),
        keyring::Error::PlatformFailure(e) => classify_platform_failure(e.to_string()),
        keyring::Error::BadEncoding(_) => KeychainError::BadEncoding(item.to_owned()),
        keyring::Error::TooLong(attr, max) => {
            KeychainError::Other(format!("the keychain rejected {attr}: longer than {max}"))
        }
        keyring::Error::Invalid(attr, reason) => {
            KeychainError::Other(format!("invalid keychain {attr}: {reason}"))
        }
        other => KeychainError::Other(other.to_string()),
    }
}

/// D-Bus failures come in as text; sort them into "locked" and "not there".
fn classify_platform_failure(text: String) -> KeychainError {
    let lower = text.to_lowercase();
    if lower.contains("locked") || lower.contains("dismissed") || lower.contains("prompt") {
        KeychainError::Locked(text)
    } else if lower.contains("serviceunknown")
        || lower.contains("not provided by any .service")
        || lower.contains("no such")
        || lower.contains("connection")
        || lower.contains("dbus_session_bus_address")
        || lower.contains("autolaunch")
    {
        KeychainError::Unavailable(text)
    } else {
        KeychainError::Other(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn d_bus_failures_are_sorted_into_actionable_kinds() {
        let locked =
            classify_platform_failure("Cannot create an item in a locked collection".into());
        assert!(matches!(locked, KeychainError::Locked(_)));
        assert!(locked.to_string().contains("Unlock your login keyring"));
        let gone = classify_platform_failure(
            "org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files".into(),
        );
        assert!(matches!(gone, KeychainError::Unavailable(_)));
        assert!(gone.to_string().contains("gnome-keyring"));
    }

    #[test]
    fn only_a_missing_collection_is_retried() {
        assert!(is_transient("Secret Service: no result found"));
        assert!(!is_transient("Cannot create an item in a locked collection"));
        let keychain = Keychain::new("rampart-retry-unit-test");
        let mut calls = 0;
        let result: Result<(), _> = keychain.retrying(|| {
            calls += 1;
            if calls < 3 {
                Err(keyring::Error::NoStorageAccess("Secret Service: no result found".into()))
            } else {
                Ok(())
            }
        });
        assert!(result.is_ok() && calls == 3);
        let mut calls = 0;
        let locked: Result<(), _> = keychain.retrying(|| {
            calls += 1;
            Err(keyring::Error::NoStorageAccess("locked collection".into()))
        });
        assert!(locked.is_err() && calls == 1, "a locked keyring is not retried");
    }

    #[test]
    fn oversize_secrets_are_refused_before_reaching_the_keychain() {
        // A service name that cannot exist; the size check must fire before any D-Bus call.
        let kc = Keychain::new("rampart-test-never-written");
        let big = SecretString::new("x".repeat(MAX_SECRET_BYTES + 1));
        let err = kc.set("item", &big).unwrap_err();
        assert!(matches!(err, KeychainError::TooLarge { .. }), "{err}");
        assert!(err.to_string().contains("at most"));
    }

    #[test]
    fn bad_encoding_errors_name_the_item_not_the_bytes() {
        let err = map_error(keyring::Error::BadEncoding(b"super-secret-bytes".to_vec()), "otp:1");
        assert!(!err.to_string().contains("super-secret"), "{err}");
        assert!(err.to_string().contains("otp:1"));
    }
}
