//! `Sensitive<T>`: the type that marks a secret.
//!
//! Its `Debug` and `Display` print `<redacted>`, its `Serialize` refuses (so a secret can never
//! slip into an IPC payload, a JSON log line or a `--json` listing by accident), and the value
//! is zeroized on drop. Reading the value is always an explicit `.expose()`.

use std::fmt;
use zeroize::Zeroize;

/// A secret value. Access it with [`Sensitive::expose`]; everything else hides it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Sensitive<T: Zeroize>(T);

impl<T: Zeroize> Sensitive<T> {
    /// Wraps a secret.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret itself. Call sites of this function are the places a secret leaves its wrapper.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Maps the secret into another secret without exposing it to the caller's scope.
    pub fn map<U: Zeroize>(&self, f: impl FnOnce(&T) -> U) -> Sensitive<U> {
        Sensitive(f(&self.0))
    }
}

impl<T: Zeroize> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T: Zeroize> Drop for Sensitive<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T: Zeroize> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T: Zeroize> serde::Serialize for Sensitive<T> {
    fn serialize<S: serde::Serializer>(&self, _serializer: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(
            "refusing to serialize a secret: expose it explicitly where that is intended",
        ))
    }
}

/// A secret string.
pub type SecretString = Sensitive<String>;
/// Secret bytes.
pub type SecretBytes = Sensitive<Vec<u8>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = SecretString::new("hunter2-very-secret".into());
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{s}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&s)), "Some(<redacted>)");
    }

    #[test]
    fn serialize_refuses_instead_of_leaking() {
        #[derive(serde::Serialize)]
        struct Payload {
            name: &'static str,
            value: SecretString,
        }
        let p = Payload { name: "db", value: SecretString::new("postgres://u:pw@h/db".into()) };
        let err = serde_json::to_string(&p).expect_err("a secret must not serialize");
        assert!(err.to_string().contains("refusing to serialize a secret"), "{err}");
        assert!(!err.to_string().contains("pw@h"), "the error must not carry the value");
    }

    #[test]
    fn expose_and_map_give_the_value_deliberately() {
        let s = SecretBytes::new(vec![1, 2, 3]);
        assert_eq!(s.expose(), &vec![1, 2, 3]);
        let len = s.map(|v| v.iter().map(|b| b.to_string()).collect::<String>());
        assert_eq!(len.expose(), "123");
    }
}
