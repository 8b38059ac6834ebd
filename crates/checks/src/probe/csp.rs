//! Content-Security-Policy graded as Mozilla's HTTP Observatory (algorithm v6, `csp.js` and
//! `cspParser.js`) does: policies split on `,`, directives parsed (a repeated directive other
//! than report-uri/report-to makes the header invalid), fallbacks to default-src, nonces and
//! hashes neutralising 'unsafe-inline', 'strict-dynamic', then the ladder (first hit wins).
//! Several policies combine by intersection per directive (a directive only in a later policy
//! becomes 'none'), a simplification of Observatory's path-prefix matching.

use std::collections::{BTreeMap, BTreeSet};

const BROAD: &[&str] =
    &["ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"];
const UNSAFE_INLINE: &[&str] = &["'unsafe-inline'", "data:"];
const NONCE_HASH: &[&str] = &["'sha256-", "'sha384-", "'sha512-", "'nonce-"];

/// Observatory's CSP results with their score modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CspResult {
    NoUnsafeDefaultSrcNone,
    NoUnsafe,
    UnsafeInlineInStyleSrcOnly,
    DuplicateDirectives,
    InsecureSchemeInPassiveContentOnly,
    UnsafeEval,
    UnsafeInline,
    InsecureScheme,
    HeaderInvalid,
    NotImplemented,
    NotImplementedButReportingEnabled,
}

impl CspResult {
    /// (Observatory result name, score modifier, pass).
    pub fn grade(self) -> (&'static str, i32, bool) {
        use CspResult::*;
        match self {
            NoUnsafeDefaultSrcNone => ("csp-implemented-with-no-unsafe-default-src-none", 10, true),
            NoUnsafe => ("csp-implemented-with-no-unsafe", 5, true),
            UnsafeInlineInStyleSrcOnly => {
                ("csp-implemented-with-unsafe-inline-in-style-src-only", 0, true)
            }
            DuplicateDirectives => ("csp-implemented-but-duplicate-directives", 0, true),
            InsecureSchemeInPassiveContentOnly => {
                ("csp-implemented-with-insecure-scheme-in-passive-content-only", -10, true)
            }
            UnsafeEval => ("csp-implemented-with-unsafe-eval", -10, false),
            UnsafeInline => ("csp-implemented-with-unsafe-inline", -20, false),
            InsecureScheme => ("csp-implemented-with-insecure-scheme", -20, false),
            HeaderInvalid => ("csp-header-invalid", -25, false),
            NotImplemented => ("csp-not-implemented", -25, false),
            NotImplementedButReportingEnabled => {
                ("csp-not-implemented-but-reporting-enabled", -25, false)
            }
        }
    }
}

/// The graded policy and what ASVS 3.4.3/3.4.6 add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CspVerdict {
    pub result: CspResult,
    /// frame-ancestors set (from the header) and not broad.
    pub anti_clickjacking: bool,
    /// object-src (or default-src) is exactly 'none'.
    pub object_none: bool,
    /// base-uri is exactly 'none' (ASVS 3.4.3; helmet sends 'self').
    pub base_uri_none: bool,
}

type Policy = BTreeMap<String, BTreeSet<String>>;

/// Parses one policy; `None` when a directive repeats (other than report-uri/report-to) or
/// the policy is too short to hold any directive. The bool is "had an allowed duplicate".
fn parse_policy(text: &str) -> Option<(Policy, bool)> {
    let text = text.replace(['\r', '\n'], "");
    let text = text.trim();
    if text.len() < "img-src".len() - 1 {
        return None;
    }
    let mut policy = Policy::new();
    let mut dup = false;
    for entry in text.split(';') {
        let mut parts = entry.split_whitespace();
        let Some(name) = parts.next() else { continue };
        let name = name.to_lowercase();
        if policy.contains_key(&name) {
            if name == "report-uri" || name == "report-to" {
                dup = true;
                continue;
            }
            return None;
        }
        let mut values: BTreeSet<String> = parts.map(str::to_lowercase).collect();
        if values.is_empty() && name.ends_with("-src") {
            values.insert("'none'".into());
        }
        policy.insert(name, values);
    }
    Some((policy, dup))
}

/// Combines policies: the first's directives, intersected with later ones that repeat them.
fn parse_all(policies: &[&str]) -> Option<(Policy, bool)> {
    let mut out: Option<Policy> = None;
    let mut dup = false;
    for p in policies {
        let (policy, d) = parse_policy(p)?;
        dup |= d;
        out = Some(match out {
            None => policy,
            Some(mut acc) => {
                for (name, values) in policy {
                    let merged: BTreeSet<String> = match acc.get(&name) {
                        Some(prev) => prev.intersection(&values).cloned().collect(),
                        None => BTreeSet::new(),
                    };
                    acc.insert(name, merged);
                }
                acc
            }
        });
    }
    let mut policy = out.unwrap_or_default();
    for values in policy.values_mut() {
        if values.is_empty() {
            values.insert("'none'".into());
        }
    }
    Some((policy, dup))
}

fn any_in(set: &BTreeSet<String>, list: &[&str]) -> bool {
    set.iter().any(|s| list.contains(&s.as_str()))
}

/// Grades the `Content-Security-Policy` header values of a response (`report_only` tells
/// whether a `Content-Security-Policy-Report-Only` header was present; `https` whether the
/// page was fetched over HTTPS).
pub fn grade(values: &[&str], report_only: bool, https: bool) -> CspVerdict {
    let verdict = |result| CspVerdict {
        result,
        anti_clickjacking: false,
        object_none: false,
        base_uri_none: false,
    };
    let policies: Vec<&str> = values.iter().flat_map(|v| v.split(',')).map(str::trim).collect();
    if policies.is_empty() {
        return verdict(if report_only {
            CspResult::NotImplementedButReportingEnabled
        } else {
            CspResult::NotImplemented
        });
    }
    let Some((csp, dup)) = parse_all(&policies) else { return verdict(CspResult::HeaderInvalid) };
    let star = || BTreeSet::from(["*".to_owned()]);
    let fallback =
        |name: &str| csp.get(name).or(csp.get("default-src")).cloned().unwrap_or_else(star);
    let base_uri = csp.get("base-uri").cloned().unwrap_or_else(star);
    let frame_ancestors = csp.get("frame-ancestors").cloned().unwrap_or_else(star);
    let object_src = fallback("object-src");
    let mut script_src = fallback("script-src");
    let mut style_src = fallback("style-src");
    let has_nonce =
        |s: &BTreeSet<String>| s.iter().any(|v| NONCE_HASH.iter().any(|n| v.starts_with(n)));
    for list in [&mut script_src, &mut style_src] {
        if has_nonce(list) {
            list.remove("'unsafe-inline'");
        }
    }
    let mut result = None;
    if has_nonce(&script_src) && script_src.contains("'strict-dynamic'") {
        script_src.retain(|s| {
            !(BROAD.iter().any(|b| s.starts_with(b)) || s == "'self'" || s == "'unsafe-inline'")
        });
    } else if script_src.contains("'strict-dynamic'") {
        result = Some(CspResult::HeaderInvalid);
    }
    let insecure = |s: &String| s.starts_with("http:") || s.starts_with("ftp:");
    let passive = ["img-src", "media-src"];
    let active_insecure = csp
        .iter()
        .filter(|(n, _)| !passive.contains(&n.as_str()) && n.as_str() != "script-src")
        .flat_map(|(_, v)| v.iter())
        .chain(script_src.iter())
        .any(insecure);
    let passive_insecure = passive
        .iter()
        .flat_map(|d| csp.get(*d).or(csp.get("default-src")).into_iter().flatten())
        .any(insecure);
    let ladder = [
        (
            any_in(&script_src, BROAD)
                || any_in(&script_src, UNSAFE_INLINE)
                || any_in(&object_src, BROAD),
            CspResult::UnsafeInline,
        ),
        (https && active_insecure, CspResult::InsecureScheme),
        (
            script_src.contains("'unsafe-eval'") || style_src.contains("'unsafe-eval'"),
            CspResult::UnsafeEval,
        ),
        (https && passive_insecure, CspResult::InsecureSchemeInPassiveContentOnly),
        (
            any_in(&style_src, BROAD) || any_in(&style_src, UNSAFE_INLINE),
            CspResult::UnsafeInlineInStyleSrcOnly,
        ),
    ];
    for (hit, r) in ladder {
        if hit && result.is_none() {
            result = Some(r);
        }
    }
    let default_none = csp.get("default-src").is_some_and(|d| d.len() == 1 && d.contains("'none'"));
    let mut result = result.unwrap_or(if default_none {
        CspResult::NoUnsafeDefaultSrcNone
    } else {
        CspResult::NoUnsafe
    });
    if result.grade().2 && dup {
        result = CspResult::DuplicateDirectives;
    }
    let only_none = |s: &BTreeSet<String>| s.len() == 1 && s.contains("'none'");
    CspVerdict {
        result,
        anti_clickjacking: csp.contains_key("frame-ancestors") && !any_in(&frame_ancestors, BROAD),
        object_none: only_none(&object_src),
        base_uri_none: only_none(&base_uri),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CspResult::*;

    /// helmet 8.3.0's default policy, verbatim.
    pub const HELMET: &str = "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests";

    fn r(csp: &str) -> CspResult {
        grade(&[csp], false, true).result
    }

    #[test]
    fn helmets_default_is_unsafe_inline_in_style_only_and_passes() {
        let v = grade(&[HELMET], false, true);
        assert_eq!(v.result, UnsafeInlineInStyleSrcOnly);
        assert_eq!(
            v.result.grade(),
            ("csp-implemented-with-unsafe-inline-in-style-src-only", 0, true)
        );
        assert!(v.anti_clickjacking && v.object_none && !v.base_uri_none);
    }

    #[test]
    fn the_ladder_matches_observatory() {
        assert_eq!(r("default-src 'none'"), NoUnsafeDefaultSrcNone);
        assert_eq!(r("default-src 'none'; frame-ancestors 'none'"), NoUnsafeDefaultSrcNone);
        assert_eq!(r("default-src 'self'"), NoUnsafe);
        assert_eq!(r("default-src 'self'; script-src 'self' 'unsafe-inline'"), UnsafeInline);
        assert_eq!(r("default-src 'self'; script-src 'self' data:"), UnsafeInline);
        assert_eq!(r("script-src 'self'"), UnsafeInline, "object-src falls back to *");
        assert_eq!(r("default-src https:"), UnsafeInline);
        assert_eq!(
            r("default-src 'self'; script-src 'self' http://cdn.example.com"),
            InsecureScheme
        );
        assert_eq!(r("default-src 'self'; script-src 'self' 'unsafe-eval'"), UnsafeEval);
        assert_eq!(
            r("default-src 'self'; img-src http://img.example.com"),
            InsecureSchemeInPassiveContentOnly
        );
        assert_eq!(grade(&["default-src 'self'; img-src http://x"], false, false).result, NoUnsafe);
        assert_eq!(r("default-src 'self'; style-src 'unsafe-inline'"), UnsafeInlineInStyleSrcOnly);
        assert_eq!(r("default-src 'self'; script-src 'self'; script-src 'none'"), HeaderInvalid);
        assert_eq!(r("x"), HeaderInvalid);
        assert_eq!(r("default-src 'self'; script-src 'strict-dynamic'"), HeaderInvalid);
        assert_eq!(r("default-src 'self'; report-uri /a; report-uri /b"), DuplicateDirectives);
    }

    #[test]
    fn nonces_and_strict_dynamic_neutralise_inline_and_broad_sources() {
        assert_eq!(
            r("default-src 'none'; script-src 'nonce-abc' 'unsafe-inline'"),
            NoUnsafeDefaultSrcNone
        );
        assert_eq!(
            r(
                "default-src 'self'; object-src 'none'; script-src 'nonce-abc' 'strict-dynamic' https: 'unsafe-inline'"
            ),
            NoUnsafe
        );
    }

    #[test]
    fn missing_report_only_and_multiple_policies() {
        assert_eq!(grade(&[], false, true).result, NotImplemented);
        assert_eq!(grade(&[], true, true).result, NotImplementedButReportingEnabled);
        // A second policy can only narrow the first.
        assert_eq!(
            grade(&["default-src 'self' 'unsafe-inline'", "default-src 'self'"], false, true)
                .result,
            NoUnsafe
        );
        assert_eq!(
            grade(&["default-src 'none', script-src 'self'"], false, true).result,
            NoUnsafeDefaultSrcNone
        );
    }
}
