//! Aegis vault files (outer version 1, database versions 1–3): reading plain and
//! password-encrypted vaults, and writing encrypted ones.
//!
//! Encryption: a random 256-bit master key encrypts the database with AES-256-GCM; each
//! password slot wraps the master key with `scrypt(password, salt, N, r, p)` + AES-256-GCM.
//! Only password slots (type 1) are usable off the phone; other slots are skipped.
//!
//! A vault is attacker-controlled input: more than [`MAX_PASSWORD_SLOTS`] password slots, or
//! scrypt costs that together exceed [`MAX_KDF_WORK`], are refused before any key derivation.

use rampart_sensitive::Sensitive;
use rand::CryptoRng;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::crypto::{self, ScryptParams};
use crate::error::json_detail;
use crate::import::{ImportFormat, ImportItem};
use crate::params::shorten;
use crate::{Algorithm, OtpAccount, OtpError, OtpKind, OtpParams, base32};

const FORMAT: &str = "Aegis vault";

/// The most password slots one import tries (Aegis writes one; more than a few is hostile).
pub const MAX_PASSWORD_SLOTS: usize = 4;
/// The most scrypt work one import may cost, as N·r·p summed over every password slot: 32
/// times Aegis's own N = 2^15, r = 8, p = 1 (a few seconds). Checked before any derivation.
pub const MAX_KDF_WORK: u64 = 32 * ScryptParams::AEGIS.work();

fn damaged(detail: impl Into<String>) -> OtpError {
    OtpError::DamagedFile { format: FORMAT, detail: detail.into() }
}

#[derive(Deserialize)]
struct VaultFile {
    version: u64,
    header: Header,
    db: Value,
}

#[derive(Deserialize)]
struct Header {
    slots: Option<Vec<Value>>,
    params: Option<KeyParams>,
}

#[derive(Deserialize)]
struct KeyParams {
    nonce: String,
    tag: String,
}

#[derive(Deserialize)]
struct PasswordSlot {
    key: String,
    key_params: KeyParams,
    n: u64,
    r: u64,
    p: u64,
    salt: String,
}

#[derive(Deserialize)]
struct Db {
    version: u64,
    entries: Vec<Value>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    issuer: String,
    info: Info,
}

#[derive(Deserialize)]
struct Info {
    secret: String,
    algo: Option<String>,
    digits: Option<u64>,
    period: Option<u64>,
    counter: Option<u64>,
}

fn unhex(field: &str, s: &str) -> Result<Vec<u8>, OtpError> {
    hex::decode(s.trim()).map_err(|_| damaged(format!("its {field} is not hexadecimal")))
}

/// Whether parsed JSON looks like an Aegis vault.
pub(crate) fn looks_like(v: &Value) -> bool {
    v.get("header").is_some() && v.get("db").is_some()
}

/// Reads a vault from its parsed JSON.
pub(crate) fn read(
    value: Value,
    password: Option<&Sensitive<String>>,
) -> Result<(ImportFormat, Vec<ImportItem>), OtpError> {
    let file: VaultFile = serde_json::from_value(value).map_err(|e| damaged(json_detail(&e)))?;
    if file.version > 1 {
        return Err(OtpError::UnsupportedVersion {
            format: FORMAT,
            version: file.version,
            supported: "1",
        });
    }
    match (file.header.slots, file.header.params, file.db) {
        (None, _, db @ Value::Object(_)) => Ok((ImportFormat::AegisPlain, read_db(db)?)),
        (Some(slots), Some(params), Value::String(db)) => {
            let password = password.ok_or(OtpError::PasswordRequired { format: FORMAT })?;
            let master = unlock(&slots, password)?;
            let mut ct = data_encoding::BASE64
                .decode(db.trim().as_bytes())
                .map_err(|_| damaged("its db field is not valid base64"))?;
            ct.extend(unhex("db tag", &params.tag)?);
            let plain = crypto::open(master.expose(), &unhex("db nonce", &params.nonce)?, &ct)
                .ok_or_else(|| damaged("the database does not decrypt with the unlocked key"))?;
            let db: Value =
                serde_json::from_slice(plain.expose()).map_err(|e| damaged(json_detail(&e)))?;
            Ok((ImportFormat::AegisEncrypted, read_db(db)?))
        }
        _ => Err(damaged(
            "its header and db fields do not match (plain vaults have slots: null and a db object)",
        )),
    }
}

/// A password slot whose costs passed the caps.
struct Slot {
    slot: PasswordSlot,
    params: ScryptParams,
}

/// The password slots (type 1) of a header, refused up front when there are more than
/// [`MAX_PASSWORD_SLOTS`] or their scrypt work together exceeds [`MAX_KDF_WORK`]: a hostile
/// file must not make an import spin for minutes.
fn password_slots(slots: &[Value]) -> Result<Vec<Slot>, OtpError> {
    let slots: Vec<&Value> =
        slots.iter().filter(|s| s.get("type").and_then(Value::as_u64) == Some(1)).collect();
    if slots.len() > MAX_PASSWORD_SLOTS {
        return Err(OtpError::ImportTooCostly {
            format: FORMAT,
            detail: format!(
                "it has {} password slots and at most {MAX_PASSWORD_SLOTS} are tried (Aegis writes one)",
                slots.len()
            ),
        });
    }
    let mut out = Vec::with_capacity(slots.len());
    let mut work = 0u64;
    for slot in slots {
        let slot: PasswordSlot =
            serde_json::from_value(slot.clone()).map_err(|e| damaged(json_detail(&e)))?;
        let params = ScryptParams::from_file(slot.n, slot.r, slot.p)?;
        work = work.saturating_add(params.work());
        out.push(Slot { slot, params });
    }
    if work > MAX_KDF_WORK {
        let aegis = ScryptParams::AEGIS.work();
        return Err(OtpError::ImportTooCostly {
            format: FORMAT,
            detail: format!(
                "all password slots together need {} times the scrypt work Aegis uses (N·r·p = {work}); an import allows at most {} times",
                work / aegis,
                MAX_KDF_WORK / aegis
            ),
        });
    }
    Ok(out)
}

fn unlock(slots: &[Value], password: &Sensitive<String>) -> Result<Sensitive<Vec<u8>>, OtpError> {
    let slots = password_slots(slots)?;
    for Slot { slot, params } in &slots {
        let key = crypto::scrypt_key(
            password.expose().as_bytes(),
            &unhex("slot salt", &slot.salt)?,
            *params,
        )?;
        let mut wrapped = unhex("slot key", &slot.key)?;
        wrapped.extend(unhex("slot tag", &slot.key_params.tag)?);
        if let Some(master) =
            crypto::open(key.expose(), &unhex("slot nonce", &slot.key_params.nonce)?, &wrapped)
        {
            return Ok(master);
        }
    }
    if slots.is_empty() {
        Err(OtpError::NoPasswordSlot)
    } else {
        Err(OtpError::WrongPassword { format: FORMAT })
    }
}

fn read_db(db: Value) -> Result<Vec<ImportItem>, OtpError> {
    let db: Db = serde_json::from_value(db).map_err(|e| damaged(json_detail(&e)))?;
    if db.version > 3 {
        return Err(OtpError::UnsupportedVersion {
            format: FORMAT,
            version: db.version,
            supported: "1 to 3",
        });
    }
    Ok(db
        .entries
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            let label = entry_label(&raw).unwrap_or_else(|| format!("entry {}", i + 1));
            let outcome = serde_json::from_value::<Entry>(raw)
                .map_err(|e| format!("this entry could not be read: {}", json_detail(&e)))
                .and_then(|e| convert(&e));
            ImportItem { label, outcome }
        })
        .collect())
}

fn entry_label(raw: &Value) -> Option<String> {
    let issuer = raw.get("issuer").and_then(Value::as_str).unwrap_or("").trim();
    let name = raw.get("name").and_then(Value::as_str).unwrap_or("").trim();
    match (issuer.is_empty(), name.is_empty()) {
        (true, true) => None,
        (false, false) => Some(format!("{issuer}:{name}")),
        (false, true) => Some(issuer.to_owned()),
        (true, false) => Some(name.to_owned()),
    }
}

fn convert(e: &Entry) -> Result<OtpAccount, String> {
    let kind = match e.kind.to_ascii_lowercase().as_str() {
        "totp" => OtpKind::Totp,
        "hotp" => OtpKind::Hotp,
        "steam" => OtpKind::Steam,
        "motp" | "yandex" => {
            return Err(format!(
                "{} entries are not supported (only TOTP, HOTP and Steam are); keep this one in Aegis",
                e.kind
            ));
        }
        other => {
            return Err(format!(
                "the entry type '{}' is not supported (only TOTP, HOTP and Steam are)",
                shorten(other)
            ));
        }
    };
    let info = &e.info;
    let err = |e: OtpError| e.to_string();
    let algorithm = match &info.algo {
        Some(a) => Algorithm::parse(a).map_err(err)?,
        None => Algorithm::Sha1,
    };
    let digits = info.digits.unwrap_or(6);
    let digits = u8::try_from(digits).map_err(|_| err(OtpError::DigitsOutOfRange { digits }))?;
    let period = info.period.unwrap_or(30);
    let period = u32::try_from(period).map_err(|_| err(OtpError::PeriodOutOfRange { period }))?;
    let params = match kind {
        OtpKind::Totp => OtpParams { algorithm, digits, period, ..OtpParams::totp() },
        OtpKind::Hotp => {
            OtpParams { algorithm, digits, ..OtpParams::hotp(info.counter.unwrap_or(0)) }
        }
        OtpKind::Steam => OtpParams { period, ..OtpParams::steam() },
    };
    let secret = base32::decode(&info.secret).map_err(err)?;
    OtpAccount::new(e.issuer.trim(), e.name.trim(), secret, params).map_err(err)
}

fn uuid_v4<R: CryptoRng + ?Sized>(rng: &mut R) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

fn random<R: CryptoRng + ?Sized, const N: usize>(rng: &mut R) -> [u8; N] {
    let mut b = [0u8; N];
    rng.fill_bytes(&mut b);
    b
}

fn entry_json<R: CryptoRng + ?Sized>(a: &OtpAccount, rng: &mut R) -> Value {
    let p = &a.params;
    let secret = a.secret_base32();
    let mut info =
        json!({ "secret": secret.expose(), "algo": p.algorithm.as_str(), "digits": p.digits });
    match p.kind {
        OtpKind::Hotp => info["counter"] = json!(p.counter),
        OtpKind::Totp | OtpKind::Steam => info["period"] = json!(p.period),
    }
    json!({
        "type": p.kind.as_str(), "uuid": uuid_v4(rng), "name": a.account, "issuer": a.issuer,
        "note": "", "favorite": false, "icon": null, "icon_mime": null, "icon_hash": null,
        "info": info, "groups": [],
    })
}

/// Writes an encrypted Aegis vault (outer version 1, database version 3) with one password
/// slot using the given scrypt costs. [`crate::export::aegis_encrypted`] uses Aegis's own.
pub fn write_encrypted<R: CryptoRng + ?Sized>(
    accounts: &[OtpAccount],
    password: &Sensitive<String>,
    rng: &mut R,
    kdf: ScryptParams,
) -> Result<String, OtpError> {
    let entries: Vec<Value> = accounts.iter().map(|a| entry_json(a, rng)).collect();
    let db = Sensitive::new(
        json!({ "version": 3, "entries": entries, "groups": [], "icons_optimized": true })
            .to_string(),
    );
    let master = Sensitive::new(random::<R, 32>(rng).to_vec());
    let salt: [u8; 32] = random(rng);
    let slot_nonce: [u8; 12] = random(rng);
    let db_nonce: [u8; 12] = random(rng);
    let key = crypto::scrypt_key(password.expose().as_bytes(), &salt, kdf)?;
    let (wrapped, slot_tag) = crypto::seal(key.expose(), &slot_nonce, master.expose())?;
    let (ct, db_tag) = crypto::seal(master.expose(), &db_nonce, db.expose().as_bytes())?;
    let vault = json!({
        "version": 1,
        "header": {
            "slots": [{
                "type": 1, "uuid": uuid_v4(rng), "key": hex::encode(wrapped),
                "key_params": { "nonce": hex::encode(slot_nonce), "tag": hex::encode(slot_tag) },
                "n": kdf.n(), "r": kdf.r, "p": kdf.p, "salt": hex::encode(salt),
                "repaired": true, "is_backup": false,
            }],
            "params": { "nonce": hex::encode(db_nonce), "tag": hex::encode(db_tag) },
        },
        "db": data_encoding::BASE64.encode(&ct),
    });
    serde_json::to_string_pretty(&vault)
        .map_err(|_| OtpError::Crypto { detail: "JSON encoding failed" })
}
