//! 2FAS backups (`.2fas`): plain and password-encrypted.
//!
//! Encryption: `servicesEncrypted = b64(ciphertext ‖ tag) ":" b64(salt) ":" b64(iv)` with
//! key = PBKDF2-HMAC-SHA256(password, salt, 10 000, 256 bit) and AES-256-GCM. `reference` has
//! the same shape and is used only to tell a wrong password from a damaged file.

use rampart_sensitive::Sensitive;
use serde::Deserialize;
use serde_json::Value;

use crate::crypto;
use crate::error::json_detail;
use crate::import::{ImportFormat, ImportItem};
use crate::params::shorten;
use crate::{Algorithm, OtpAccount, OtpError, OtpParams, base32};

const FORMAT: &str = "2FAS backup";
/// PBKDF2 rounds 2FAS uses.
pub const PBKDF2_ROUNDS: u32 = 10_000;

fn damaged(detail: impl Into<String>) -> OtpError {
    OtpError::DamagedFile { format: FORMAT, detail: detail.into() }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Backup {
    #[serde(default)]
    services: Vec<Value>,
    services_encrypted: Option<String>,
    reference: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Service {
    #[serde(default)]
    name: String,
    secret: String,
    otp: Option<Otp>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Otp {
    label: Option<String>,
    account: Option<String>,
    issuer: Option<String>,
    digits: Option<u64>,
    period: Option<u64>,
    algorithm: Option<String>,
    counter: Option<u64>,
    token_type: Option<String>,
}

/// Whether parsed JSON looks like a 2FAS backup.
pub(crate) fn looks_like(v: &Value) -> bool {
    v.get("services").is_some() || v.get("servicesEncrypted").is_some()
}

/// One `b64:b64:b64` blob split into (ciphertext ‖ tag, salt, iv).
struct Blob {
    ct: Vec<u8>,
    salt: Vec<u8>,
    iv: Vec<u8>,
}

fn split_blob(field: &str, s: &str) -> Result<Blob, OtpError> {
    let parts: Vec<&str> = s.trim().split(':').collect();
    let [ct, salt, iv] = parts.as_slice() else {
        return Err(damaged(format!(
            "its {field} field does not have the three parts data:salt:iv"
        )));
    };
    let b64 = |p: &str| {
        data_encoding::BASE64
            .decode(p.trim().as_bytes())
            .map_err(|_| damaged(format!("its {field} field is not valid base64")))
    };
    Ok(Blob { ct: b64(ct)?, salt: b64(salt)?, iv: b64(iv)? })
}

/// Reads a backup from its parsed JSON.
pub(crate) fn read(
    value: Value,
    password: Option<&Sensitive<String>>,
) -> Result<(ImportFormat, Vec<ImportItem>), OtpError> {
    let backup: Backup = serde_json::from_value(value).map_err(|e| damaged(json_detail(&e)))?;
    let Some(encrypted) = backup.services_encrypted.filter(|s| !s.trim().is_empty()) else {
        return Ok((ImportFormat::TwoFasPlain, read_services(backup.services)));
    };
    let password = password.ok_or(OtpError::PasswordRequired { format: FORMAT })?;
    let services = split_blob("servicesEncrypted", &encrypted)?;
    let key = crypto::pbkdf2_sha256(password.expose().as_bytes(), &services.salt, PBKDF2_ROUNDS);
    let mut password_checked = false;
    if let Some(reference) = backup.reference.filter(|s| !s.trim().is_empty()) {
        let r = split_blob("reference", &reference)?;
        let ref_key = if r.salt == services.salt {
            key.clone()
        } else {
            crypto::pbkdf2_sha256(password.expose().as_bytes(), &r.salt, PBKDF2_ROUNDS)
        };
        if crypto::open(ref_key.expose(), &r.iv, &r.ct).is_none() {
            return Err(OtpError::WrongPassword { format: FORMAT });
        }
        password_checked = true;
    }
    let plain = match crypto::open(key.expose(), &services.iv, &services.ct) {
        Some(p) => p,
        None if password_checked => {
            return Err(damaged("the password is right but the accounts do not decrypt"));
        }
        None => return Err(OtpError::WrongPassword { format: FORMAT }),
    };
    let list: Vec<Value> =
        serde_json::from_slice(plain.expose()).map_err(|e| damaged(json_detail(&e)))?;
    Ok((ImportFormat::TwoFasEncrypted, read_services(list)))
}

fn read_services(services: Vec<Value>) -> Vec<ImportItem> {
    services
        .into_iter()
        .enumerate()
        .map(|(i, raw)| match serde_json::from_value::<Service>(raw) {
            Ok(service) => {
                let (issuer, account) = identity(&service);
                let label = match (issuer.is_empty(), account.is_empty()) {
                    (true, true) => format!("entry {}", i + 1),
                    (false, false) => format!("{issuer}:{account}"),
                    (false, true) => issuer.clone(),
                    (true, false) => account.clone(),
                };
                ImportItem { label, outcome: convert(&service, issuer, account) }
            }
            Err(e) => ImportItem {
                label: format!("entry {}", i + 1),
                outcome: Err(format!("this entry could not be read: {}", json_detail(&e))),
            },
        })
        .collect()
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn identity(s: &Service) -> (String, String) {
    let otp = s.otp.as_ref();
    let issuer = otp.and_then(|o| non_empty(&o.issuer)).unwrap_or_else(|| s.name.trim().to_owned());
    let account =
        otp.and_then(|o| non_empty(&o.account).or_else(|| non_empty(&o.label))).unwrap_or_default();
    (issuer, account)
}

fn convert(s: &Service, issuer: String, account: String) -> Result<OtpAccount, String> {
    let err = |e: OtpError| e.to_string();
    let default = Otp::default();
    let otp = s.otp.as_ref().unwrap_or(&default);
    let algorithm = match non_empty(&otp.algorithm) {
        Some(a) => Algorithm::parse(&a).map_err(err)?,
        None => Algorithm::Sha1,
    };
    let digits = otp.digits.unwrap_or(6);
    let digits = u8::try_from(digits).map_err(|_| err(OtpError::DigitsOutOfRange { digits }))?;
    let period = otp.period.unwrap_or(30);
    let period = u32::try_from(period).map_err(|_| err(OtpError::PeriodOutOfRange { period }))?;
    let kind = non_empty(&otp.token_type).unwrap_or_else(|| "TOTP".into()).to_ascii_uppercase();
    let params = match kind.as_str() {
        "TOTP" => OtpParams { algorithm, digits, period, ..OtpParams::totp() },
        "HOTP" => OtpParams { algorithm, digits, ..OtpParams::hotp(otp.counter.unwrap_or(0)) },
        "STEAM" => OtpParams { period, ..OtpParams::steam() },
        other => {
            return Err(format!(
                "the token type '{}' is not supported (only TOTP, HOTP and Steam are)",
                shorten(other)
            ));
        }
    };
    let secret = base32::decode(&s.secret).map_err(err)?;
    OtpAccount::new(issuer, account, secret, params).map_err(err)
}
