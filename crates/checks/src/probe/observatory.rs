//! Mozilla HTTP Observatory's score and grade (algorithm v6, `scanner/index.js`, `grader`,
//! `analyzer/tests/*`): each test's result and modifier from one response's headers, then
//! 100 + modifiers, bonuses counted only when the score without them is already 90 or more,
//! and the grade of the score floored to a multiple of 5. Not modelled: the bundled HSTS
//! preload list (+5), `<meta http-equiv>` policies, and SRI beyond `<script src>` tags. The
//! per-header tests besides CSP, HSTS and CORS are in [`super::header_rules`].

use super::client::Exchange;
use super::csp::{self, CspVerdict};
use super::header_rules::{cookies, referrer, simple, sri};

/// `app.use(helmet())` on Express 4/5, helmet 8.3.0: the 13 headers it sets, verbatim.
pub const HELMET_DEFAULTS: &[(&str, &str)] = &[
    (
        "content-security-policy",
        "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
    ),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("origin-agent-cluster", "?1"),
    ("referrer-policy", "no-referrer"),
    ("strict-transport-security", "max-age=31536000; includeSubDomains"),
    ("x-content-type-options", "nosniff"),
    ("x-dns-prefetch-control", "off"),
    ("x-download-options", "noopen"),
    ("x-frame-options", "SAMEORIGIN"),
    ("x-permitted-cross-domain-policies", "none"),
    ("x-xss-protection", "0"),
];

/// One test's outcome: Observatory's result name, its score modifier and whether it passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub test: &'static str,
    pub result: &'static str,
    pub modifier: i32,
    pub pass: bool,
}

pub(super) fn out(test: &'static str, result: &'static str, modifier: i32, pass: bool) -> Outcome {
    Outcome { test, result, modifier, pass }
}

/// The redirection test's result, worked out by the HTTP->HTTPS probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redirection {
    ToHttps,
    NotNeededNoHttp,
    OffHostFromHttp,
    NotToHttpsOnInitial,
    Missing,
    NotToHttps,
}

impl Redirection {
    pub fn outcome(self) -> Outcome {
        use Redirection::*;
        let t = "redirection";
        match self {
            ToHttps => out(t, "redirection-to-https", 0, true),
            NotNeededNoHttp => out(t, "redirection-not-needed-no-http", 0, true),
            OffHostFromHttp => out(t, "redirection-off-host-from-http", -5, false),
            NotToHttpsOnInitial => {
                out(t, "redirection-not-to-https-on-initial-redirection", -10, false)
            }
            Missing => out(t, "redirection-missing", -20, false),
            NotToHttps => out(t, "redirection-not-to-https", -20, false),
        }
    }
}

/// A graded response.
#[derive(Debug, Clone)]
pub struct Graded {
    pub score: i32,
    pub grade: &'static str,
    pub tests: Vec<Outcome>,
    pub csp: CspVerdict,
}

impl Graded {
    pub fn test(&self, name: &str) -> Option<&Outcome> {
        self.tests.iter().find(|t| t.test == name)
    }
}

/// HSTS max-age Observatory accepts ("15768000 is six months, but ... a white lie").
pub const SIX_MONTHS: u64 = 15_552_000;

/// Parses `max-age` from an HSTS value; `None` when missing or not a number.
pub fn hsts_max_age(value: &str) -> Option<u64> {
    value.split(';').find_map(|d| {
        let (k, v) = d.trim().split_once('=')?;
        (k.trim().eq_ignore_ascii_case("max-age"))
            .then(|| v.trim().trim_matches('"').parse().ok())?
    })
}

fn hsts(r: &Exchange, https: bool) -> Outcome {
    let t = "strict-transport-security";
    if !https {
        return out(t, "hsts-not-implemented-no-https", -20, false);
    }
    let values = r.all("strict-transport-security");
    match values.as_slice() {
        [] => out(t, "hsts-not-implemented", -20, false),
        [v] if !v.contains(',') => match hsts_max_age(v) {
            None => out(t, "hsts-header-invalid", -20, false),
            Some(age) if age >= SIX_MONTHS => {
                out(t, "hsts-implemented-max-age-at-least-six-months", 0, true)
            }
            Some(_) => out(t, "hsts-implemented-max-age-less-than-six-months", -10, false),
        },
        _ => out(t, "hsts-header-invalid", -20, false),
    }
}

/// The CORS test from the preflight Observatory sends (ACAO equal to its Origin with
/// credentials = universal access, -50).
pub fn cors(preflight: Option<&Exchange>, origin: &str) -> Outcome {
    let t = "cross-origin-resource-sharing";
    let acao = preflight.and_then(|p| p.header("access-control-allow-origin")).map(str::trim);
    let acac = preflight
        .and_then(|p| p.header("access-control-allow-credentials"))
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    match acao {
        None => out(t, "cross-origin-resource-sharing-not-implemented", 0, true),
        Some("*") => {
            out(t, "cross-origin-resource-sharing-implemented-with-public-access", 0, true)
        }
        Some(a) if a == origin && acac => {
            out(t, "cross-origin-resource-sharing-implemented-with-universal-access", -50, false)
        }
        Some(_) => {
            out(t, "cross-origin-resource-sharing-implemented-with-restricted-access", 0, true)
        }
    }
}

/// Observatory's grade of a score.
pub fn grade_of(score: i32) -> &'static str {
    let s = score.max(0);
    match (s - s % 5).min(100) {
        100 => "A+",
        90 | 95 => "A",
        85 => "A-",
        80 => "B+",
        70 | 75 => "B",
        65 => "B-",
        60 => "C+",
        50 | 55 => "C",
        45 => "C-",
        40 => "D+",
        30 | 35 => "D",
        25 => "D-",
        _ => "F",
    }
}

/// Grades `r` (fetched over HTTPS when `https`), with the redirection and CORS outcomes the
/// other probes worked out.
pub fn grade(r: &Exchange, https: bool, host: &str, redirection: Outcome, cors: Outcome) -> Graded {
    let report_only = r.header("content-security-policy-report-only").is_some();
    let csp = csp::grade(&r.all("content-security-policy"), report_only, https);
    let (name, modifier, pass) = csp.result.grade();
    let hsts = hsts(r, https);
    let mut tests = vec![
        out("content-security-policy", name, modifier, pass),
        cookies(r, hsts.pass),
        cors,
        redirection,
        referrer(r),
        hsts,
        sri(r, host),
    ];
    tests.extend(simple(r, &csp));
    let with_bonus: i32 = 100 + tests.iter().map(|t| t.modifier).sum::<i32>();
    let uncurved: i32 = 100 + tests.iter().map(|t| t.modifier.min(0)).sum::<i32>();
    let score = if uncurved >= 90 { with_bonus } else { uncurved }.max(0);
    Graded { score, grade: grade_of(score), tests, csp }
}
