//! Rate-limit headers in every format express-rate-limit and the IETF drafts use: legacy
//! `X-RateLimit-*`, draft-6 (`RateLimit-Limit/-Remaining/-Reset`), draft-7
//! (`RateLimit: limit=, remaining=, reset=`) and draft-8 onwards, the current wire format
//! (`RateLimit: "name";r=;t=` with `RateLimit-Policy: "name";q=;w=`).

use super::client::Exchange;

/// What a response says about its rate limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    /// `legacy`, `draft-6`, `draft-7` or `draft-8+`.
    pub format: &'static str,
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// Seconds to reset (legacy sends an epoch; kept as sent).
    pub reset: Option<u64>,
}

fn num(v: Option<&str>) -> Option<u64> {
    v.and_then(|v| v.split([',', ';']).next()).and_then(|v| v.trim().parse().ok())
}

/// `key=value` parameters of a structured-field member (`;` or `,` separated).
fn params(v: &str) -> Vec<(String, String)> {
    v.split([',', ';'])
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().trim_matches('"').to_owned()))
        .collect()
}

fn param(ps: &[(String, String)], key: &str) -> Option<u64> {
    ps.iter().find(|(k, _)| k == key).and_then(|(_, v)| v.parse().ok())
}

/// Reads the rate-limit headers of `r`, newest format first; `None` when there are none.
pub fn parse(r: &Exchange) -> Option<RateLimit> {
    if let Some(v) = r.header("ratelimit") {
        let ps = params(v);
        if ps.iter().any(|(k, _)| k == "r") {
            let limit = r.header("ratelimit-policy").and_then(|p| param(&params(p), "q"));
            return Some(RateLimit {
                format: "draft-8+",
                limit,
                remaining: param(&ps, "r"),
                reset: param(&ps, "t"),
            });
        }
        if ps.iter().any(|(k, _)| k == "remaining" || k == "limit") {
            return Some(RateLimit {
                format: "draft-7",
                limit: param(&ps, "limit"),
                remaining: param(&ps, "remaining"),
                reset: param(&ps, "reset"),
            });
        }
    }
    if r.header("ratelimit-limit").is_some() || r.header("ratelimit-remaining").is_some() {
        return Some(RateLimit {
            format: "draft-6",
            limit: num(r.header("ratelimit-limit")),
            remaining: num(r.header("ratelimit-remaining")),
            reset: num(r.header("ratelimit-reset")),
        });
    }
    if r.header("x-ratelimit-limit").is_some() || r.header("x-ratelimit-remaining").is_some() {
        return Some(RateLimit {
            format: "legacy",
            limit: num(r.header("x-ratelimit-limit")),
            remaining: num(r.header("x-ratelimit-remaining")),
            reset: num(r.header("x-ratelimit-reset")),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::observatory_tests::exchange;

    #[test]
    fn every_express_rate_limit_format_is_read() {
        let legacy = exchange(&[
            ("x-ratelimit-limit", "100"),
            ("x-ratelimit-remaining", "99"),
            ("x-ratelimit-reset", "1767225600"),
        ]);
        assert_eq!(
            parse(&legacy),
            Some(RateLimit {
                format: "legacy",
                limit: Some(100),
                remaining: Some(99),
                reset: Some(1767225600)
            })
        );
        let d6 = exchange(&[
            ("ratelimit-policy", "100;w=60"),
            ("ratelimit-limit", "100"),
            ("ratelimit-remaining", "99"),
            ("ratelimit-reset", "42"),
        ]);
        assert_eq!(
            parse(&d6),
            Some(RateLimit {
                format: "draft-6",
                limit: Some(100),
                remaining: Some(99),
                reset: Some(42)
            })
        );
        let d7 = exchange(&[
            ("ratelimit-policy", "100;w=60"),
            ("ratelimit", "limit=100, remaining=99, reset=42"),
        ]);
        assert_eq!(
            parse(&d7),
            Some(RateLimit {
                format: "draft-7",
                limit: Some(100),
                remaining: Some(99),
                reset: Some(42)
            })
        );
        let d8 = exchange(&[
            ("ratelimit-policy", "\"100-in-1min\"; q=100; w=60; pk=:ZTNiMGM0NDI5OGZj:"),
            ("ratelimit", "\"100-in-1min\"; r=99; t=42"),
        ]);
        assert_eq!(
            parse(&d8),
            Some(RateLimit {
                format: "draft-8+",
                limit: Some(100),
                remaining: Some(99),
                reset: Some(42)
            })
        );
        assert_eq!(parse(&exchange(&[("content-type", "text/plain")])), None);
    }
}
