//! Code generation and verification: one RFC 4226 HOTP core (u64 arithmetic, so 10 digits
//! work), TOTP as HOTP over `floor(t / period)`, and Steam's 5-character rendering. Time comes
//! in as unix seconds; nothing here reads a clock.

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha1::Sha1;
use sha2::{Sha256, Sha512};
use subtle::ConstantTimeEq;

use crate::{Algorithm, OtpAccount, OtpKind};

/// Steam Guard's alphabet (no vowels or look-alikes).
pub const STEAM_ALPHABET: &[u8; 26] = b"23456789BCDFGHJKMNPQRTVWXY";

/// The code to show now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeNow {
    /// The current code.
    pub code: String,
    /// The code of the next time step (TOTP/Steam only).
    pub next_code: Option<String>,
    /// Unix second at which `code` stops being current (0 for HOTP: it never expires by time).
    pub valid_until: u64,
}

/// RFC 4226 dynamic truncation of one MAC: the 31-bit value before the modulo.
fn dynamic_truncation(mac: &[u8]) -> u32 {
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    u32::from_be_bytes([mac[offset], mac[offset + 1], mac[offset + 2], mac[offset + 3]])
        & 0x7fff_ffff
}

/// The truncated values for each of `counters`, with the key set up once (the HMAC state after
/// the key is cloned per counter: the current and next codes cost one key setup, not two).
fn truncated_each<const N: usize>(
    algorithm: Algorithm,
    key: &[u8],
    counters: [u64; N],
) -> [u32; N] {
    fn run<M: Mac + hmac::digest::KeyInit + Clone, const N: usize>(
        key: &[u8],
        counters: [u64; N],
    ) -> [u32; N] {
        let keyed = <M as hmac::digest::KeyInit>::new_from_slice(key)
            .expect("HMAC accepts keys of any length");
        counters.map(|counter| {
            let mut mac = keyed.clone();
            mac.update(&counter.to_be_bytes());
            dynamic_truncation(&mac.finalize().into_bytes())
        })
    }
    match algorithm {
        Algorithm::Sha1 => run::<Hmac<Sha1>, N>(key, counters),
        Algorithm::Sha256 => run::<Hmac<Sha256>, N>(key, counters),
        Algorithm::Sha512 => run::<Hmac<Sha512>, N>(key, counters),
    }
}

/// RFC 4226 dynamic truncation: the 31-bit value before the modulo.
pub fn truncated(algorithm: Algorithm, key: &[u8], counter: u64) -> u32 {
    truncated_each(algorithm, key, [counter])[0]
}

/// `value` as `digits` decimal digits (leading zeros kept).
fn decimal(value: u32, digits: u8) -> String {
    let value = u64::from(value) % 10u64.pow(u32::from(digits));
    format!("{value:0width$}", width = usize::from(digits))
}

/// `value` in Steam Guard's five characters.
fn steam_chars(mut value: u32) -> String {
    let mut out = String::with_capacity(5);
    for _ in 0..5 {
        out.push(char::from(STEAM_ALPHABET[(value % 26) as usize]));
        value /= 26;
    }
    out
}

/// An HOTP code of `digits` decimal digits (leading zeros kept).
pub fn hotp(algorithm: Algorithm, key: &[u8], counter: u64, digits: u8) -> String {
    decimal(truncated(algorithm, key, counter), digits)
}

/// A Steam Guard code for a time-step counter.
pub fn steam(key: &[u8], counter: u64) -> String {
    steam_chars(truncated(Algorithm::Sha1, key, counter))
}

/// The code for an explicit counter / time step, according to the account's kind.
pub fn code_for_counter(account: &OtpAccount, counter: u64) -> String {
    let p = &account.params;
    let key = account.secret.expose();
    match p.kind {
        OtpKind::Steam => steam(key, counter),
        OtpKind::Totp | OtpKind::Hotp => hotp(p.algorithm, key, counter, p.digits),
    }
}

/// The time step containing `unix` (period is clamped to at least 1).
pub fn time_step(unix: u64, period: u32) -> u64 {
    unix / u64::from(period.max(1))
}

/// The code at unix time `unix`. HOTP uses `params.counter` and has no next code.
pub fn code_at(account: &OtpAccount, unix: u64) -> CodeNow {
    code_at_with(&account.params, account.secret.expose(), unix)
}

/// [`code_at`] from the parameters and the key itself (the code list computes from a borrowed
/// seed, without copying it).
pub fn code_at_with(p: &crate::OtpParams, key: &[u8], unix: u64) -> CodeNow {
    let render = |value: u32| match p.kind {
        OtpKind::Steam => steam_chars(value),
        OtpKind::Totp | OtpKind::Hotp => decimal(value, p.digits),
    };
    let algorithm = if p.kind == OtpKind::Steam { Algorithm::Sha1 } else { p.algorithm };
    match p.kind {
        OtpKind::Hotp => {
            let [now] = truncated_each(algorithm, key, [p.counter]);
            CodeNow { code: render(now), next_code: None, valid_until: 0 }
        }
        OtpKind::Totp | OtpKind::Steam => {
            let step = time_step(unix, p.period);
            let valid_until = step.saturating_add(1).saturating_mul(u64::from(p.period.max(1)));
            match step.checked_add(1) {
                Some(next) => {
                    let [now, next] = truncated_each(algorithm, key, [step, next]);
                    CodeNow { code: render(now), next_code: Some(render(next)), valid_until }
                }
                None => {
                    let [now] = truncated_each(algorithm, key, [step]);
                    CodeNow { code: render(now), next_code: None, valid_until }
                }
            }
        }
    }
}

/// Checks a code typed by a user. Returns the matching offset: for TOTP/Steam the time-step
/// offset within ±`window` (0 preferred, then −1, +1, −2, +2, …); for HOTP the look-ahead
/// `0..=window` from `params.counter`. Spaces in the input are ignored and Steam codes compare
/// case-insensitively. Every candidate is computed and compared in constant time.
pub fn verify(account: &OtpAccount, code: &str, unix: u64, window: u8) -> Option<i64> {
    let typed: String = code
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if account.params.kind == OtpKind::Steam { c.to_ascii_uppercase() } else { c })
        .collect();
    let w = i64::from(window);
    let offsets: Vec<i64> = match account.params.kind {
        OtpKind::Hotp => (0..=w).collect(),
        OtpKind::Totp | OtpKind::Steam => {
            std::iter::once(0).chain((1..=w).flat_map(|d| [-d, d])).collect()
        }
    };
    let base = match account.params.kind {
        OtpKind::Hotp => account.params.counter,
        OtpKind::Totp | OtpKind::Steam => time_step(unix, account.params.period),
    };
    let mut found: Option<i64> = None;
    for offset in offsets {
        let Some(counter) = base.checked_add_signed(offset) else { continue };
        let candidate = code_for_counter(account, counter);
        let equal: bool = candidate.as_bytes().ct_eq(typed.as_bytes()).into();
        if equal && found.is_none() {
            found = Some(offset);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OtpParams;
    use rampart_sensitive::Sensitive;

    const SEED20: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc4226_vectors() {
        let want = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (counter, code) in want.iter().enumerate() {
            assert_eq!(hotp(Algorithm::Sha1, SEED20, counter as u64, 6), *code);
        }
    }

    #[test]
    fn ten_digits_need_u64() {
        assert_eq!(hotp(Algorithm::Sha1, SEED20, 1, 10), "1094287082");
    }

    #[test]
    fn hotp_code_at_uses_counter() {
        let a =
            OtpAccount::new("", "x", Sensitive::new(SEED20.to_vec()), OtpParams::hotp(3)).unwrap();
        let now = code_at(&a, 1_000_000);
        assert_eq!(now, CodeNow { code: "969429".into(), next_code: None, valid_until: 0 });
    }
}
