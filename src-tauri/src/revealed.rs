//! A secret on its way to the webview after an explicit, audited reveal (a vault value, an
//! otpauth URI or its QR code, the backup key's break-glass text). It serializes as the plain
//! string the UI contract names, and the shell's copy is zeroized when the response has been
//! written (the JSON buffer Tauri builds from it is Tauri's).

use rampart_core::SecretString;
use serde::{Serialize, Serializer};

/// A revealed secret: `Debug` prints `<redacted>`, dropping it zeroizes it.
pub struct Revealed(SecretString);

impl Revealed {
    pub fn new(secret: SecretString) -> Self {
        Self(secret)
    }
}

impl From<SecretString> for Revealed {
    fn from(secret: SecretString) -> Self {
        Self(secret)
    }
}

impl From<String> for Revealed {
    fn from(secret: String) -> Self {
        Self(SecretString::new(secret))
    }
}

impl From<&str> for Revealed {
    fn from(secret: &str) -> Self {
        Self::from(secret.to_owned())
    }
}

impl std::fmt::Debug for Revealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Serialize for Revealed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.expose())
    }
}

#[cfg(test)]
mod tests {
    use super::Revealed;

    #[test]
    fn serializes_as_the_plain_string_and_never_debug_prints_it() {
        let revealed = Revealed::from("hunter2");
        assert_eq!(serde_json::to_string(&revealed).unwrap(), "\"hunter2\"");
        assert_eq!(format!("{revealed:?}"), "<redacted>");
    }
}
