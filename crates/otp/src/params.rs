//! The non-secret OTP settings: kind, hash algorithm, code length, period and counter, and
//! their validation rules.

use serde::{Deserialize, Serialize};

use crate::OtpError;

/// The HMAC hash function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Algorithm {
    /// HMAC-SHA1, the default almost everywhere.
    #[default]
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// The canonical name used in URIs and files: `SHA1`, `SHA256`, `SHA512`.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// Parses a name leniently: any case, optional `-` and an optional `HMAC-` prefix.
    pub fn parse(name: &str) -> Result<Self, OtpError> {
        let norm: String = name
            .trim()
            .to_ascii_uppercase()
            .trim_start_matches("HMAC-")
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect();
        match norm.as_str() {
            "SHA1" => Ok(Algorithm::Sha1),
            "SHA256" => Ok(Algorithm::Sha256),
            "SHA512" => Ok(Algorithm::Sha512),
            _ => Err(OtpError::UnsupportedAlgorithm { name: shorten(name.trim()) }),
        }
    }
}

/// Keeps quoted user input short in error messages.
pub(crate) fn shorten(s: &str) -> String {
    const MAX: usize = 24;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        s.chars().take(MAX).collect::<String>() + "…"
    }
}

/// Which kind of one-time password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum OtpKind {
    /// RFC 6238 time-based codes.
    #[default]
    Totp,
    /// RFC 4226 counter-based codes.
    Hotp,
    /// Steam Guard: TOTP (SHA1, 30 s) shown as 5 characters of a 26-letter alphabet.
    Steam,
}

impl OtpKind {
    /// `totp`, `hotp` or `steam`, as in `otpauth://<kind>/`.
    pub fn as_str(self) -> &'static str {
        match self {
            OtpKind::Totp => "totp",
            OtpKind::Hotp => "hotp",
            OtpKind::Steam => "steam",
        }
    }
}

/// Smallest supported code length for TOTP/HOTP.
pub const MIN_DIGITS: u8 = 6;
/// Largest supported code length (10 needs 64-bit arithmetic).
pub const MAX_DIGITS: u8 = 10;
/// Steam codes are always this long.
pub const STEAM_DIGITS: u8 = 5;
/// Largest supported period in seconds (one day).
pub const MAX_PERIOD: u32 = 86_400;
/// The usual period.
pub const DEFAULT_PERIOD: u32 = 30;

/// Settings that, with the secret, determine the codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OtpParams {
    /// TOTP, HOTP or Steam.
    pub kind: OtpKind,
    /// The HMAC hash (Steam always uses SHA1).
    pub algorithm: Algorithm,
    /// Code length: 6..=10, or 5 for Steam.
    pub digits: u8,
    /// Time step in seconds for TOTP and Steam (ignored for HOTP, kept at 30).
    pub period: u32,
    /// HOTP moving counter (0 for TOTP and Steam).
    pub counter: u64,
}

impl Default for OtpParams {
    fn default() -> Self {
        Self::totp()
    }
}

impl OtpParams {
    /// TOTP, SHA1, 6 digits, 30 s.
    pub fn totp() -> Self {
        Self { kind: OtpKind::Totp, algorithm: Algorithm::Sha1, digits: 6, period: 30, counter: 0 }
    }

    /// HOTP, SHA1, 6 digits, starting at `counter`.
    pub fn hotp(counter: u64) -> Self {
        Self { kind: OtpKind::Hotp, counter, ..Self::totp() }
    }

    /// Steam Guard: SHA1, 5 characters, 30 s.
    pub fn steam() -> Self {
        Self { kind: OtpKind::Steam, digits: STEAM_DIGITS, ..Self::totp() }
    }

    /// Checks the ranges: digits 6..=10 (exactly 5 and SHA1 for Steam), period 1..=86400.
    pub fn validate(&self) -> Result<(), OtpError> {
        match self.kind {
            OtpKind::Steam => {
                if self.digits != STEAM_DIGITS {
                    return Err(OtpError::SteamDigits { digits: self.digits });
                }
                if self.algorithm != Algorithm::Sha1 {
                    return Err(OtpError::UnsupportedAlgorithm {
                        name: format!("{} for Steam (Steam uses SHA1)", self.algorithm.as_str()),
                    });
                }
            }
            OtpKind::Totp | OtpKind::Hotp => {
                validate_digits(u64::from(self.digits))?;
            }
        }
        validate_period(u64::from(self.period)).map(|_| ())
    }
}

/// Checks a code length for TOTP/HOTP.
pub(crate) fn validate_digits(digits: u64) -> Result<u8, OtpError> {
    if (u64::from(MIN_DIGITS)..=u64::from(MAX_DIGITS)).contains(&digits) {
        Ok(digits as u8)
    } else {
        Err(OtpError::DigitsOutOfRange { digits })
    }
}

/// Checks a period.
pub(crate) fn validate_period(period: u64) -> Result<u32, OtpError> {
    if (1..=u64::from(MAX_PERIOD)).contains(&period) {
        Ok(period as u32)
    } else {
        Err(OtpError::PeriodOutOfRange { period })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_names_are_lenient_but_md5_is_refused() {
        assert_eq!(Algorithm::parse("sha256").unwrap(), Algorithm::Sha256);
        assert_eq!(Algorithm::parse("SHA-512").unwrap(), Algorithm::Sha512);
        assert_eq!(Algorithm::parse("HMAC-SHA-1").unwrap(), Algorithm::Sha1);
        let err = Algorithm::parse("MD5").unwrap_err().to_string();
        assert!(err.contains("'MD5'") && err.contains("SHA1, SHA256 or SHA512"), "{err}");
        assert!(Algorithm::parse("SHA224").is_err());
    }

    #[test]
    fn validation_ranges() {
        assert!(OtpParams::totp().validate().is_ok());
        assert!(OtpParams { digits: 10, ..OtpParams::totp() }.validate().is_ok());
        assert!(OtpParams { digits: 5, ..OtpParams::totp() }.validate().is_err());
        assert!(OtpParams { digits: 11, ..OtpParams::totp() }.validate().is_err());
        assert!(OtpParams { period: 0, ..OtpParams::totp() }.validate().is_err());
        assert!(OtpParams { period: 86_400, ..OtpParams::totp() }.validate().is_ok());
        assert!(OtpParams { period: 86_401, ..OtpParams::totp() }.validate().is_err());
        assert!(OtpParams::steam().validate().is_ok());
        assert!(OtpParams { digits: 6, ..OtpParams::steam() }.validate().is_err());
    }

    #[test]
    fn serde_is_camel_case() {
        let json = serde_json::to_string(&OtpParams::hotp(3)).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"hotp","algorithm":"SHA1","digits":6,"period":30,"counter":3}"#
        );
    }
}
