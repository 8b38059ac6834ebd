//! JWTs as the guide configures them (HS256, issuer `alawael-api`, audience `alawael-users`,
//! 7 d tokens): decode without a key, verify with an HMAC secret against a [`Profile`], and sign
//! a test token. `alg: none` and public-key algorithms are refused (no algorithm confusion: the
//! secret is only ever an HMAC key). Signatures are checked by `jsonwebtoken`; the claim checks
//! are done here so each one is reported on its own.

use crate::{Error, Result, weak_secret};
use data_encoding::{BASE64URL, BASE64URL_NOPAD};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rampart_sensitive::SecretBytes;
use serde::Serialize;
use serde_json::{Map, Value};

/// The longest token read (a real one is well under 8 KiB).
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;
/// The checklist's session timeout is 15-30 minutes; a longer-lived token is flagged.
pub const SESSION_TIMEOUT_MAX_SECONDS: i64 = 30 * 60;
/// A token issued this far in the future fails the `iat` check (clock skew allowance).
pub const IAT_SKEW_SECONDS: i64 = 60;

/// What a token is checked against. `None` = not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub issuer: Option<String>,
    pub audience: Option<String>,
}

impl Profile {
    /// The guide's `config/jwt.js`.
    pub fn guide() -> Self {
        Self { issuer: Some("alawael-api".into()), audience: Some("alawael-users".into()) }
    }

    /// The guide's profile with each given override: `None` keeps the guide's value, an empty
    /// string turns that check off.
    pub fn with_overrides(issuer: Option<&str>, audience: Option<&str>) -> Self {
        let pick = |given: Option<&str>, default: Option<String>| match given {
            None => default,
            Some("") => None,
            Some(v) => Some(v.to_owned()),
        };
        let guide = Self::guide();
        Self { issuer: pick(issuer, guide.issuer), audience: pick(audience, guide.audience) }
    }
}

/// One of `exp`, `nbf`, `iat`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "JwtTime"))]
pub struct TokenTime {
    /// `exp`, `nbf` or `iat`.
    #[cfg_attr(feature = "ts", ts(type = "\"exp\" | \"nbf\" | \"iat\""))]
    pub claim: &'static str,
    pub unix: i64,
    /// RFC 3339, UTC.
    pub utc: String,
}

/// A token read without a key.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "JwtDecoded"))]
pub struct Decoded {
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub header: Map<String, Value>,
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub claims: Map<String, Value>,
    pub algorithm: String,
    pub times: Vec<TokenTime>,
    pub expires_in_seconds: Option<i64>,
    pub lifetime_seconds: Option<i64>,
    pub warnings: Vec<String>,
}

impl Decoded {
    fn time(&self, claim: &str) -> Option<i64> {
        self.times.iter().find(|t| t.claim == claim).map(|t| t.unix)
    }
}

/// One check of a verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "JwtCheck"))]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// A verification: valid only when every check passed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "JwtVerifyReport"))]
pub struct Report {
    pub valid: bool,
    pub decoded: Decoded,
    pub checks: Vec<Check>,
    pub secret_warnings: Vec<String>,
}

/// A signed test token.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "JwtSigned"))]
pub struct Signed {
    pub token: String,
    pub decoded: Decoded,
}

/// "7 d", "6 d 23 h", "2 h 5 min", "45 s".
pub fn human_duration(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    let (d, h, m) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s} s"),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

fn utc(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| "out of range".into())
}

fn part(text: &str, name: &str) -> Result<Map<String, Value>> {
    let bytes = BASE64URL_NOPAD
        .decode(text.as_bytes())
        .or_else(|_| BASE64URL.decode(text.as_bytes()))
        .map_err(|_| Error::Input(format!("the token's {name} is not base64url")))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Error::Input(format!("the token's {name} is not a JSON object"))),
    }
}

/// The token without surrounding whitespace and a leading `Bearer ` (as copied from a log line).
fn normalize(token: &str) -> &str {
    let token = token.trim();
    token.strip_prefix("Bearer ").unwrap_or(token).trim()
}

/// The three parts of a token.
fn split(token: &str) -> Result<(&str, &str, &str)> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(Error::TooLarge(format!(
            "the token is {} KiB; real tokens are a few KiB (at most {} KiB read)",
            token.len() / 1024,
            MAX_TOKEN_BYTES / 1024
        )));
    }
    let mut parts = token.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(c), Some(s), None) if !h.is_empty() && !c.is_empty() => Ok((h, c, s)),
        _ => Err(Error::Input(
            "not a JWT: expected three base64url parts separated by dots (header.claims.signature)"
                .into(),
        )),
    }
}

fn numeric_date(claims: &Map<String, Value>, claim: &'static str) -> Result<Option<TokenTime>> {
    match claims.get(claim) {
        None => Ok(None),
        Some(Value::Number(n)) => {
            let unix = n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f.floor() as i64))
                .ok_or_else(|| Error::Input(format!("the {claim} claim is not a usable time")))?;
            Ok(Some(TokenTime { claim, unix, utc: utc(unix) }))
        }
        Some(_) => Err(Error::Input(format!(
            "the {claim} claim is not a number of seconds (a NumericDate); verifiers will refuse it"
        ))),
    }
}

/// Reads a token without checking its signature. `now` is unix seconds.
pub fn decode(token: &str, now: i64) -> Result<Decoded> {
    let (h, c, signature) = split(normalize(token))?;
    let header = part(h, "header")?;
    let claims = part(c, "claims")?;
    let algorithm = match header.get("alg") {
        Some(Value::String(alg)) => alg.clone(),
        _ => return Err(Error::Input("the token's header has no alg".into())),
    };
    let mut times = Vec::new();
    for claim in ["exp", "nbf", "iat"] {
        times.extend(numeric_date(&claims, claim)?);
    }
    let mut decoded = Decoded {
        header,
        claims,
        algorithm,
        times,
        expires_in_seconds: None,
        lifetime_seconds: None,
        warnings: Vec::new(),
    };
    decoded.expires_in_seconds = decoded.time("exp").map(|exp| exp.saturating_sub(now));
    decoded.lifetime_seconds =
        decoded.time("exp").zip(decoded.time("iat")).map(|(e, i)| e.saturating_sub(i));
    decoded.warnings = warnings(&decoded, signature);
    Ok(decoded)
}

fn warnings(decoded: &Decoded, signature: &str) -> Vec<String> {
    let mut out = Vec::new();
    let alg = decoded.algorithm.as_str();
    if alg.eq_ignore_ascii_case("none") {
        out.push(
            "alg none: the token is unsigned and anyone can forge it; verifiers must refuse it"
                .into(),
        );
    } else if !alg.starts_with("HS") {
        out.push(format!(
            "alg {alg}: a public-key algorithm; the guide's config signs with HS256, and a \
             verifier that takes the alg from the token is open to algorithm confusion"
        ));
    }
    if signature.is_empty() && !alg.eq_ignore_ascii_case("none") {
        out.push("the signature part is empty".into());
    }
    if decoded.header.contains_key("jwk") || decoded.header.contains_key("jku") {
        out.push(
            "the header carries its own key (jwk/jku): a verifier that trusts it accepts forgeries"
                .into(),
        );
    }
    match (decoded.expires_in_seconds, decoded.lifetime_seconds) {
        (None, _) => out.push("no exp: the token never expires".into()),
        (Some(left), _) if left <= 0 => out.push(format!("expired {} ago", human_duration(left))),
        _ => {}
    }
    if let Some(life) = decoded.lifetime_seconds.filter(|l| *l > SESSION_TIMEOUT_MAX_SECONDS) {
        out.push(format!(
            "lifetime {} is longer than the checklist's 15-30 min session timeout",
            human_duration(life)
        ));
    }
    out
}

fn hmac_algorithm(alg: &str) -> Option<Algorithm> {
    match alg {
        "HS256" => Some(Algorithm::HS256),
        "HS384" => Some(Algorithm::HS384),
        "HS512" => Some(Algorithm::HS512),
        _ => None,
    }
}

fn check(name: &'static str, ok: bool, detail: impl Into<String>) -> Check {
    Check { name, ok, detail: detail.into() }
}

fn signature_check(token: &str, alg: Algorithm, secret: &[u8]) -> Check {
    let mut validation = Validation::new(alg);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    match jsonwebtoken::decode::<Value>(token, &DecodingKey::from_secret(secret), &validation) {
        Ok(_) => check("signature", true, format!("{alg:?} signature matches the secret")),
        Err(e) => match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => check(
                "signature",
                false,
                "the signature does not match this secret: wrong secret, or the token was changed",
            ),
            _ => check("signature", false, format!("the token could not be checked: {e}")),
        },
    }
}

fn claim_check(decoded: &Decoded, name: &'static str, expected: Option<&str>) -> Option<Check> {
    let expected = expected?;
    let found = decoded.claims.get(name);
    let matches = match found {
        Some(Value::String(s)) => s == expected,
        Some(Value::Array(items)) => items.iter().any(|v| v.as_str() == Some(expected)),
        _ => false,
    };
    let found = found.map_or("none".into(), Value::to_string);
    Some(check(name, matches, format!("expected {expected:?}, found {found}")))
}

fn time_checks(decoded: &Decoded, now: i64) -> Vec<Check> {
    let mut out = Vec::new();
    out.push(match decoded.time("exp") {
        None => check("exp", false, "no exp: a token without expiry is valid forever"),
        Some(exp) if now >= exp => {
            check("exp", false, format!("expired {} ago", human_duration(now - exp)))
        }
        Some(exp) => check("exp", true, format!("expires in {}", human_duration(exp - now))),
    });
    out.push(match decoded.time("nbf") {
        None => check("nbf", true, "not set"),
        Some(nbf) if now < nbf => {
            check("nbf", false, format!("not valid for another {}", human_duration(nbf - now)))
        }
        Some(_) => check("nbf", true, "in the past"),
    });
    out.push(match decoded.time("iat") {
        None => check("iat", true, "not set"),
        Some(iat) if iat > now + IAT_SKEW_SECONDS => check(
            "iat",
            false,
            format!(
                "issued {} in the future: a clock is wrong or the token is forged",
                human_duration(iat - now)
            ),
        ),
        Some(iat) => check("iat", true, format!("issued {} ago", human_duration(now - iat))),
    });
    out
}

/// Verifies `token` with the HMAC `secret` against `profile` at `now` (unix seconds). A token
/// that cannot be read at all is an error; one that reads but fails a check is a report with
/// `valid: false`.
pub fn verify(token: &str, secret: &SecretBytes, profile: &Profile, now: i64) -> Result<Report> {
    if secret.expose().is_empty() {
        return Err(Error::Key("the secret is empty".into()));
    }
    let decoded = decode(token, now)?;
    let mut checks = Vec::new();
    match hmac_algorithm(&decoded.algorithm) {
        Some(alg) => {
            checks.push(check("algorithm", true, format!("{alg:?}, an HMAC algorithm")));
            checks.push(signature_check(normalize(token), alg, secret.expose()));
        }
        None if decoded.algorithm.eq_ignore_ascii_case("none") => {
            checks.push(check("algorithm", false, "alg none is refused: the token is unsigned"));
            checks.push(check("signature", false, "not checked: the token is unsigned"));
        }
        None => {
            checks.push(check(
                "algorithm",
                false,
                format!(
                    "algorithm confusion refused: the token says {} but the key is an HMAC \
                     secret; only HS256, HS384 and HS512 are verified with a secret",
                    decoded.algorithm
                ),
            ));
            checks.push(check("signature", false, "not checked: the algorithm was refused"));
        }
    }
    checks.extend(claim_check(&decoded, "iss", profile.issuer.as_deref()));
    checks.extend(claim_check(&decoded, "aud", profile.audience.as_deref()));
    checks.extend(time_checks(&decoded, now));
    Ok(Report {
        valid: checks.iter().all(|c| c.ok),
        decoded,
        checks,
        secret_warnings: weak_secret::findings(secret.expose()),
    })
}

/// Reads a lifetime such as `15m`, `1h`, `7d` or `1h 30m`.
pub fn parse_lifetime(text: &str) -> Result<i64> {
    let d = humantime::parse_duration(text.trim()).map_err(|_| {
        Error::Input(format!("{text:?} is not a lifetime: write it as 15m, 1h, 7d or 1h 30m"))
    })?;
    match i64::try_from(d.as_secs()) {
        Ok(s) if s > 0 && s <= 10 * 365 * 86_400 => Ok(s),
        _ => Err(Error::Input("a lifetime is between 1 s and 10 years".into())),
    }
}

/// Signs `claims` (a JSON object) with `secret`. With `lifetime_seconds`, `iat` is now and `exp`
/// is now + lifetime; without it, a missing `iat` is set to now (as Node's jsonwebtoken does).
pub fn sign(
    secret: &SecretBytes,
    algorithm: &str,
    claims: &str,
    lifetime_seconds: Option<i64>,
    now: i64,
) -> Result<Signed> {
    if secret.expose().is_empty() {
        return Err(Error::Key("the secret is empty".into()));
    }
    let alg = hmac_algorithm(algorithm).ok_or_else(|| {
        Error::Input(format!("{algorithm:?}: test tokens are signed with HS256, HS384 or HS512"))
    })?;
    if claims.len() > MAX_TOKEN_BYTES {
        return Err(Error::TooLarge("the claims are over 64 KiB".into()));
    }
    let mut claims = match serde_json::from_str(claims) {
        Ok(Value::Object(map)) => map,
        Ok(_) => {
            return Err(Error::Input(
                "the claims must be a JSON object, e.g. {\"sub\": \"42\"}".into(),
            ));
        }
        Err(e) => return Err(Error::Input(format!("the claims are not JSON: {e}"))),
    };
    if let Some(life) = lifetime_seconds {
        claims.insert("iat".into(), now.into());
        claims.insert("exp".into(), now.saturating_add(life).into());
    } else {
        claims.entry("iat").or_insert_with(|| now.into());
    }
    let token = jsonwebtoken::encode(
        &Header::new(alg),
        &claims,
        &EncodingKey::from_secret(secret.expose()),
    )
    .map_err(|e| Error::Input(format!("could not sign the token: {e}")))?;
    let decoded = decode(&token, now)?;
    Ok(Signed { token, decoded })
}
