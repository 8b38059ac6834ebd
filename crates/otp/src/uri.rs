//! `otpauth://` and `steam://` links: a lenient parser (what real exporters write) and a
//! writer whose output the parser reads back unchanged.
//!
//! Leniency: any-case scheme/type/algorithm, spaced/padded/lowercase base32, `+` as a space in
//! query values, a literal `#` kept as text (an unescaped `#` in an account name is common),
//! unknown parameters ignored, and the `issuer=` parameter winning over a disagreeing label
//! prefix. Steam is recognised from `otpauth://steam/`, `encoder=steam` (KeePassXC),
//! `steam://SECRET` (Bitwarden), and `issuer=Steam` on a TOTP link that does not ask for a
//! specific number of digits (Ente/totp-rs heuristic; an explicit `digits=6` keeps it TOTP).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use rampart_sensitive::Sensitive;

use crate::params::{DEFAULT_PERIOD, shorten, validate_digits, validate_period};
use crate::{Algorithm, OtpAccount, OtpError, OtpKind, OtpParams, base32};

/// Characters escaped in labels and query values: everything except unreserved and `@`.
const ESCAPE: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'@');

/// Splits `scheme://rest`, returning the lowercased scheme.
pub(crate) fn split_scheme(text: &str) -> Option<(String, &str)> {
    let (scheme, rest) = text.split_once("://")?;
    if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return None;
    }
    Some((scheme.to_ascii_lowercase(), rest))
}

/// What to say about a text that is not an OTP link, without quoting its content.
pub(crate) fn describe_scheme(text: &str) -> String {
    match split_scheme(text.trim()) {
        Some((scheme, _)) => format!("it starts with '{}://'", shorten(&scheme)),
        None => "it has no scheme such as otpauth://".to_owned(),
    }
}

/// Percent-decodes; `plus_is_space` maps `+` to a space first (query-string rule).
pub(crate) fn decode_component(s: &str, plus_is_space: bool) -> String {
    if plus_is_space {
        percent_decode_str(&s.replace('+', " ")).decode_utf8_lossy().into_owned()
    } else {
        percent_decode_str(s).decode_utf8_lossy().into_owned()
    }
}

/// Query pairs with keys lowercased; the first occurrence of a key wins.
pub(crate) fn query_pairs(query: &str, plus_is_space: bool) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let key = decode_component(k, true).trim().to_ascii_lowercase();
        if out.iter().any(|(existing, _)| *existing == key) {
            continue;
        }
        out.push((key, decode_component(v, plus_is_space)));
    }
    out
}

fn param<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn parse_number(name: &'static str, value: &str) -> Result<u64, OtpError> {
    value
        .trim()
        .parse::<u64>()
        .map_err(|_| OtpError::InvalidNumber { name, value: shorten(value.trim()) })
}

/// Splits the label path into (issuer prefix, account). The separator is the first literal
/// `:`; a `%3A` separates only when what precedes it equals the `issuer=` parameter.
fn split_label(raw: &str, issuer_param: Option<&str>) -> (Option<String>, String) {
    if let Some((prefix, account)) = raw.split_once(':') {
        let prefix = decode_component(prefix, false).trim().to_owned();
        let account = decode_component(account, false).trim().to_owned();
        return ((!prefix.is_empty()).then_some(prefix), account);
    }
    let decoded = decode_component(raw, false);
    if let Some(issuer) = issuer_param
        && let Some((prefix, account)) = decoded.split_once(':')
        && prefix.trim().eq_ignore_ascii_case(issuer.trim())
    {
        return (Some(prefix.trim().to_owned()), account.trim().to_owned());
    }
    (None, decoded.trim().to_owned())
}

/// Parses one `otpauth://totp|hotp|steam/…` or `steam://SECRET` link.
pub fn parse(text: &str) -> Result<OtpAccount, OtpError> {
    let text = text.trim();
    let (scheme, rest) =
        split_scheme(text).ok_or_else(|| OtpError::WrongScheme { found: describe_scheme(text) })?;
    match scheme.as_str() {
        "steam" => {
            let secret = base32::decode(rest.trim_end_matches('/'))?;
            return OtpAccount::new("Steam", "", secret, OtpParams::steam());
        }
        "otpauth" => {}
        _ => return Err(OtpError::WrongScheme { found: describe_scheme(text) }),
    }
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (host, label) = path.split_once('/').unwrap_or((path, ""));
    let mut kind = match host.to_ascii_lowercase().as_str() {
        "totp" => OtpKind::Totp,
        "hotp" => OtpKind::Hotp,
        "steam" => OtpKind::Steam,
        other => {
            return Err(OtpError::UnknownOtpType {
                kind: shorten(&decode_component(other, false)),
            });
        }
    };
    let pairs = query_pairs(query, true);
    let issuer_param = param(&pairs, "issuer").map(str::trim).filter(|s| !s.is_empty());
    let (label_issuer, account) = split_label(label, issuer_param);
    let issuer = issuer_param.map(str::to_owned).or(label_issuer).unwrap_or_default();

    let secret_text = param(&pairs, "secret").ok_or(OtpError::MissingSecret)?;
    let secret = base32::decode(secret_text)?;

    let digits_param = param(&pairs, "digits").map(str::trim).filter(|s| !s.is_empty());
    if param(&pairs, "encoder").is_some_and(|e| e.trim().eq_ignore_ascii_case("steam")) {
        kind = OtpKind::Steam;
    }
    if kind == OtpKind::Totp
        && issuer.eq_ignore_ascii_case("steam")
        && digits_param.is_none_or(|d| d == "5")
    {
        kind = OtpKind::Steam;
    }

    let period = match param(&pairs, "period").map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) if kind != OtpKind::Hotp => validate_period(parse_number("period", p)?)?,
        _ => DEFAULT_PERIOD,
    };
    let params = match kind {
        OtpKind::Steam => OtpParams { period, ..OtpParams::steam() },
        OtpKind::Totp | OtpKind::Hotp => {
            let algorithm =
                match param(&pairs, "algorithm").map(str::trim).filter(|s| !s.is_empty()) {
                    Some(a) => Algorithm::parse(a)?,
                    None => Algorithm::Sha1,
                };
            let digits = match digits_param {
                Some(d) => validate_digits(parse_number("digits", d)?)?,
                None => 6,
            };
            let counter = if kind == OtpKind::Hotp {
                let c = param(&pairs, "counter").map(str::trim).filter(|s| !s.is_empty());
                parse_number("counter", c.ok_or(OtpError::MissingCounter)?)?
            } else {
                0
            };
            OtpParams { kind, algorithm, digits, period, counter }
        }
    };
    OtpAccount::new(issuer, account, secret, params)
}

fn esc(s: &str) -> String {
    utf8_percent_encode(s, ESCAPE).to_string()
}

/// Writes an `otpauth://` link for the account. [`parse`] reads it back to an equal account.
pub fn to_uri(account: &OtpAccount) -> Sensitive<String> {
    let p = &account.params;
    let label = if account.issuer.is_empty() {
        esc(&account.account)
    } else {
        format!("{}:{}", esc(&account.issuer), esc(&account.account))
    };
    let secret = base32::encode(&account.secret);
    let mut uri = format!("otpauth://{}/{}?secret={}", p.kind.as_str(), label, secret.expose());
    if !account.issuer.is_empty() {
        uri.push_str("&issuer=");
        uri.push_str(&esc(&account.issuer));
    }
    match p.kind {
        OtpKind::Steam => {}
        OtpKind::Totp | OtpKind::Hotp => {
            uri.push_str(&format!("&algorithm={}&digits={}", p.algorithm.as_str(), p.digits));
        }
    }
    match p.kind {
        OtpKind::Hotp => uri.push_str(&format!("&counter={}", p.counter)),
        OtpKind::Totp | OtpKind::Steam => uri.push_str(&format!("&period={}", p.period)),
    }
    Sensitive::new(uri)
}
