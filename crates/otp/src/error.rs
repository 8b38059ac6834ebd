//! `OtpError`: every failure this crate reports.
//!
//! Messages say what is wrong and what to do about it. They never contain a secret, a password
//! or a whole URI (a URI carries its secret); at most they quote a scheme, a parameter name, a
//! non-secret parameter value or one offending character.

use thiserror::Error;

/// Everything that can go wrong while parsing, generating, importing or exporting OTP data.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum OtpError {
    /// The secret decoded to zero bytes.
    #[error(
        "the secret is empty: enter the setup key shown by the service (base32: letters A–Z and digits 2–7)"
    )]
    EmptySecret,
    /// The secret contains a character outside the base32 alphabet.
    #[error(
        "the secret is not valid base32: it contains '{character}' at position {position}; base32 uses A–Z and 2–7"
    )]
    InvalidBase32 { character: char, position: usize },
    /// The secret has a length no base32 encoder produces.
    #[error(
        "the secret is not valid base32: {length} characters cannot be a complete base32 value; check that the whole key was copied"
    )]
    InvalidBase32Length { length: usize },
    /// `digits` outside what the crate supports.
    #[error("the code length {digits} is not supported: TOTP and HOTP codes have 6 to 10 digits")]
    DigitsOutOfRange { digits: u64 },
    /// Steam codes are always five characters.
    #[error("a Steam code always has 5 characters, not {digits}: leave the digits setting out")]
    SteamDigits { digits: u8 },
    /// `period` outside 1..=86400.
    #[error(
        "the period {period} s is not supported: use 1 to 86400 seconds (30 is the usual value)"
    )]
    PeriodOutOfRange { period: u64 },
    /// An algorithm other than SHA1/SHA256/SHA512.
    #[error("the algorithm '{name}' is not supported: use SHA1, SHA256 or SHA512")]
    UnsupportedAlgorithm { name: String },
    /// The text is not an `otpauth://`, `otpauth-migration://` or `steam://` URI.
    #[error(
        "this is not an OTP link: {found}; expected 'otpauth://totp/…', 'otpauth://hotp/…', 'otpauth-migration://offline?data=…' or 'steam://…'"
    )]
    WrongScheme { found: String },
    /// `otpauth://<type>/` with an unknown type.
    #[error(
        "the OTP type '{kind}' is not supported: use totp, hotp or steam (as in otpauth://totp/…)"
    )]
    UnknownOtpType { kind: String },
    /// No `secret=` parameter.
    #[error(
        "the link has no secret= parameter: copy the complete link or enter the setup key by hand"
    )]
    MissingSecret,
    /// An HOTP link without `counter=`.
    #[error(
        "an HOTP link needs a counter= parameter (the starting counter, usually 0): add it or enter the account by hand"
    )]
    MissingCounter,
    /// A parameter that is not a number where a number is needed.
    #[error("the {name}= parameter '{value}' is not a valid whole number")]
    InvalidNumber { name: &'static str, value: String },
    /// A Google Authenticator export that cannot be decoded.
    #[error(
        "the Google Authenticator export is damaged: {reason}; scan or copy the export QR code again"
    )]
    InvalidMigration { reason: String },
    /// An encrypted file was given without a password.
    #[error("this {format} is encrypted: supply its password")]
    PasswordRequired { format: &'static str },
    /// The password does not unlock the file.
    #[error(
        "the password does not unlock this {format}: check the password (it is case-sensitive) and try again"
    )]
    WrongPassword { format: &'static str },
    /// No slot the desktop can use.
    #[error(
        "this Aegis vault has no password slot, so it can only be opened on the phone that made it: export it again from Aegis with a password"
    )]
    NoPasswordSlot,
    /// A file whose version is newer than this crate understands.
    #[error(
        "this {format} uses version {version}, newer than the supported {supported}: export it again from an app version that writes it, or update Rampart"
    )]
    UnsupportedVersion { format: &'static str, version: u64, supported: &'static str },
    /// The file asks for more key-derivation work than one import may take (a hostile or
    /// hand-made file: Aegis writes one password slot with N = 32768, r = 8, p = 1).
    #[error(
        "this {format} asks for more work than an import may take: {detail}; export it again from the app that made it with its default settings"
    )]
    ImportTooCostly { format: &'static str, detail: String },
    /// The file is structurally broken.
    #[error("this {format} is damaged or incomplete: {detail}")]
    DamagedFile { format: &'static str, detail: String },
    /// None of the known formats matched.
    #[error(
        "the file is not a format that can be imported{hint}: use an otpauth link list (.txt), a Google Authenticator export, an Aegis vault (.json), a 2FAS backup (.2fas) or a PNG/JPEG picture of a QR code"
    )]
    UnrecognisedFormat { hint: String },
    /// The image bytes are not a decodable PNG or JPEG.
    #[error(
        "the image could not be read as PNG or JPEG: save the picture or screenshot as PNG or JPEG and try again"
    )]
    ImageUnreadable,
    /// The image holds no QR code.
    #[error(
        "no QR code found in this image: crop the picture to the QR code, make it sharper or larger, and try again"
    )]
    NoQrCode,
    /// A QR code was found but its content could not be read.
    #[error(
        "a QR code was found but could not be read: take a sharper, straighter picture and try again"
    )]
    QrUnreadable,
    /// The text does not fit in a QR code.
    #[error("the text is too long for a QR code: export fewer accounts per code")]
    QrTooLong,
    /// An encryption step failed (should not happen with valid parameters).
    #[error("encryption failed: {detail}")]
    Crypto { detail: &'static str },
}

/// Describes a `serde_json` failure without quoting the input (which may carry secrets).
pub(crate) fn json_detail(err: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let at = format!("line {}, column {}", err.line(), err.column());
    match err.classify() {
        Category::Eof => {
            format!("the JSON ends early at {at}; the file is probably truncated, copy it again")
        }
        Category::Syntax => format!("the JSON is malformed at {at}"),
        Category::Data => format!("a field has an unexpected type or is missing near {at}"),
        Category::Io => "the file could not be read".to_owned(),
    }
}
