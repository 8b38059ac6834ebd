//! Password hashes from a user record: bcrypt (`$2a$`/`$2b$`/`$2y$`, the guide's cost 10) and
//! argon2 PHC strings. Their parameters are held against the guide's and OWASP's minimums, and a
//! typed password is checked against them. A hash asking for more work than any real deployment
//! uses is refused, so a hostile record cannot stall the app.

use crate::{Error, Result};
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use rampart_sensitive::SecretString;
use serde::Serialize;
use std::str::FromStr;

/// The guide's `bcrypt.hash(password, 10)` and OWASP's minimum bcrypt cost.
pub const BCRYPT_MIN_COST: u32 = 10;
/// bcrypt reads only this many bytes of a password.
pub const BCRYPT_MAX_PASSWORD_BYTES: usize = 72;
/// Costs above this take minutes per check: refused as hostile.
pub const BCRYPT_MAX_COST: u32 = 16;
/// argon2 memory above this (KiB) is refused as hostile (256 MiB).
pub const ARGON2_MAX_MEMORY_KIB: u32 = 256 * 1024;
/// argon2 passes above this are refused as hostile.
pub const ARGON2_MAX_ITERATIONS: u32 = 32;
/// OWASP's argon2id settings (memory KiB, iterations), each equally acceptable.
pub const ARGON2ID_OWASP: [(u32, u32); 5] =
    [(47_104, 1), (19_456, 2), (12_288, 3), (9_216, 4), (7_168, 5)];

/// What a hash says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HashInfo {
    pub algorithm: String,
    pub version: String,
    pub cost: Option<u32>,
    pub memory_kib: Option<u32>,
    pub iterations: Option<u32>,
    pub parallelism: Option<u32>,
    pub meets_minimum: bool,
    pub findings: Vec<String>,
}

/// The result of checking a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HashCheck {
    pub matches: bool,
    pub info: HashInfo,
}

enum Parsed<'a> {
    Bcrypt(&'a str),
    Argon2(Box<PasswordHash<'a>>),
}

fn not_a_password_hash(hash: &str) -> Error {
    let hex = hash.chars().all(|c| c.is_ascii_hexdigit());
    let what = match hash.len() {
        32 if hex => "an unsalted MD5 digest",
        40 if hex => "an unsalted SHA-1 digest",
        64 if hex => "an unsalted SHA-256 digest",
        _ if hash.starts_with("$1$") || hash.starts_with("$5$") || hash.starts_with("$6$") => {
            "a crypt(3) MD5/SHA hash"
        }
        _ if hash.starts_with("$pbkdf2") => "a PBKDF2 hash",
        _ if hash.starts_with("$scrypt$") => "an scrypt hash",
        _ => "",
    };
    if what.is_empty() {
        Error::Input(
            "not a bcrypt ($2a$/$2b$/$2y$) or argon2 ($argon2id$...) hash: paste the whole hash \
             from the user record"
                .into(),
        )
    } else {
        Error::Input(format!(
            "this looks like {what}, not bcrypt or argon2: the checklist asks for bcrypt \
             (the guide's cost 10) or argon2id; rehash at the next login"
        ))
    }
}

fn parse(hash: &str) -> Result<Parsed<'_>> {
    let hash = hash.trim();
    if hash.len() > 512 {
        return Err(Error::Input("a password hash is under 512 characters".into()));
    }
    if ["$2a$", "$2b$", "$2y$", "$2x$"].iter().any(|p| hash.starts_with(p)) {
        return Ok(Parsed::Bcrypt(hash));
    }
    if hash.starts_with("$argon2") {
        return PasswordHash::new(hash)
            .map(|h| Parsed::Argon2(Box::new(h)))
            .map_err(|e| Error::Input(format!("not a valid argon2 PHC string: {e}")));
    }
    Err(not_a_password_hash(hash))
}

fn bcrypt_info(hash: &str) -> Result<HashInfo> {
    let parts = bcrypt::HashParts::from_str(hash).map_err(|_| {
        Error::Input(
            "not a valid bcrypt hash: it should be 60 characters, $2b$10$ then 53 more".into(),
        )
    })?;
    let cost = parts.get_cost();
    if cost > BCRYPT_MAX_COST {
        return Err(Error::TooLarge(format!(
            "bcrypt cost {cost} would take minutes per check; no deployment uses over {BCRYPT_MAX_COST}: refused"
        )));
    }
    let mut findings = Vec::new();
    if cost < BCRYPT_MIN_COST {
        findings.push(format!(
            "cost {cost} is below the guide's and OWASP's minimum of {BCRYPT_MIN_COST}: rehash at the next login"
        ));
    }
    let version = hash[1..3].to_owned();
    if version == "2x" {
        findings.push("$2x$ marks hashes from a buggy crypt_blowfish: rehash them".into());
    }
    Ok(HashInfo {
        algorithm: "bcrypt".into(),
        version,
        cost: Some(cost),
        memory_kib: None,
        iterations: None,
        parallelism: None,
        meets_minimum: cost >= BCRYPT_MIN_COST,
        findings,
    })
}

fn argon2_info(hash: &PasswordHash<'_>) -> Result<HashInfo> {
    let params = argon2::Params::try_from(hash)
        .map_err(|e| Error::Input(format!("the argon2 parameters are not valid: {e}")))?;
    let (m, t, p) = (params.m_cost(), params.t_cost(), params.p_cost());
    if m > ARGON2_MAX_MEMORY_KIB || t > ARGON2_MAX_ITERATIONS {
        return Err(Error::TooLarge(format!(
            "argon2 m={m} KiB t={t} is far past any deployment's settings \
             (at most {ARGON2_MAX_MEMORY_KIB} KiB and {ARGON2_MAX_ITERATIONS} passes read): refused"
        )));
    }
    let algorithm = hash.algorithm.as_str().to_owned();
    let mut findings = Vec::new();
    let strong_enough = ARGON2ID_OWASP.iter().any(|&(min_m, min_t)| m >= min_m && t >= min_t);
    if algorithm != "argon2id" {
        findings.push(format!("{algorithm}: OWASP recommends argon2id"));
    }
    if !strong_enough {
        findings.push(format!(
            "m={m} KiB, t={t} is below OWASP's minimum (m=19456 KiB with t=2, or an equivalent pair)"
        ));
    }
    let version = hash.version.map_or("v=19".into(), |v| format!("v={v}"));
    Ok(HashInfo {
        meets_minimum: algorithm == "argon2id" && strong_enough,
        algorithm,
        version,
        cost: None,
        memory_kib: Some(m),
        iterations: Some(t),
        parallelism: Some(p),
        findings,
    })
}

/// What the hash says about itself, with no password involved.
pub fn inspect(hash: &str) -> Result<HashInfo> {
    match parse(hash)? {
        Parsed::Bcrypt(h) => bcrypt_info(h),
        Parsed::Argon2(h) => argon2_info(&h),
    }
}

/// Checks `password` against `hash`. The password is used for this check only.
pub fn check(hash: &str, password: &SecretString) -> Result<HashCheck> {
    let parsed = parse(hash)?;
    let pw = password.expose().as_bytes();
    let (matches, mut info) = match parsed {
        Parsed::Bcrypt(h) => {
            let info = bcrypt_info(h)?;
            let matches = bcrypt::verify(pw, h)
                .map_err(|e| Error::Input(format!("the bcrypt hash could not be checked: {e}")))?;
            (matches, info)
        }
        Parsed::Argon2(h) => {
            let info = argon2_info(&h)?;
            (argon2::Argon2::default().verify_password(pw, &h).is_ok(), info)
        }
    };
    if info.algorithm == "bcrypt" && pw.len() > BCRYPT_MAX_PASSWORD_BYTES {
        info.findings.push(format!(
            "the password is {} bytes; bcrypt reads only the first {BCRYPT_MAX_PASSWORD_BYTES}",
            pw.len()
        ));
    }
    Ok(HashCheck { matches, info })
}
