//! Observatory's per-header tests besides CSP, HSTS and CORS (algorithm v6,
//! `analyzer/tests/*`): cookies (worst result wins), Referrer-Policy (last valid token),
//! X-Content-Type-Options, X-Frame-Options (or CSP frame-ancestors), CORP, COOP, COEP, and SRI
//! on `<script src>` tags. [`super::observatory`] sums them into the score.

use super::client::Exchange;
use super::csp::CspVerdict;
use super::observatory::{Outcome, out};

pub(super) fn cookies(r: &Exchange, hsts_ok: bool) -> Outcome {
    let t = "cookies";
    let mut worst: Option<Outcome> = None;
    let mut all_samesite = true;
    // Observatory's `onlyIfWorse` order (not the modifiers' order), best first.
    const GOODNESS: [&str; 7] = [
        "cookies-without-secure-flag-but-protected-by-hsts",
        "cookies-without-secure-flag",
        "cookies-session-without-secure-flag-but-protected-by-hsts",
        "cookies-samesite-flag-invalid",
        "cookies-anticsrf-without-samesite-flag",
        "cookies-session-without-httponly-flag",
        "cookies-session-without-secure-flag",
    ];
    let rank = |o: &Outcome| GOODNESS.iter().position(|g| *g == o.result);
    let mut consider = |o: Outcome| {
        if worst.as_ref().is_none_or(|w| rank(&o) > rank(w)) {
            worst = Some(o);
        }
    };
    let set = r.all("set-cookie");
    for line in &set {
        let mut parts = line.split(';');
        let name = parts
            .next()
            .and_then(|nv| nv.split_once('='))
            .map(|(n, _)| n.trim().to_lowercase())
            .unwrap_or_default();
        if name == "heroku-session-affinity" {
            continue;
        }
        let (mut secure, mut httponly, mut samesite) = (false, false, None::<String>);
        for attr in parts {
            let (k, v) = attr.split_once('=').unwrap_or((attr, ""));
            match k.trim().to_lowercase().as_str() {
                "secure" => secure = true,
                "httponly" => httponly = true,
                "samesite" => samesite = Some(v.trim().to_lowercase()),
                _ => {}
            }
        }
        let session = name.contains("login") || name.contains("sess");
        match &samesite {
            Some(v)
                if !["lax", "strict", "none"].contains(&v.as_str()) || (v == "none" && !secure) =>
            {
                consider(out(t, "cookies-samesite-flag-invalid", -20, false))
            }
            None => all_samesite = false,
            _ => {}
        }
        if !secure {
            consider(if hsts_ok {
                out(t, "cookies-without-secure-flag-but-protected-by-hsts", -5, false)
            } else {
                out(t, "cookies-without-secure-flag", -20, false)
            });
            if session && hsts_ok {
                consider(out(
                    t,
                    "cookies-session-without-secure-flag-but-protected-by-hsts",
                    -10,
                    false,
                ));
            } else if session {
                consider(out(t, "cookies-session-without-secure-flag", -40, false));
            }
        }
        if name.contains("csrf") && samesite.is_none() {
            consider(out(t, "cookies-anticsrf-without-samesite-flag", -20, false));
        }
        if session && !httponly {
            consider(out(t, "cookies-session-without-httponly-flag", -30, false));
        }
    }
    if set.is_empty() {
        return out(t, "cookies-not-found", 0, true);
    }
    worst.unwrap_or_else(|| {
        if all_samesite {
            out(t, "cookies-secure-with-httponly-sessions-and-samesite", 5, true)
        } else {
            out(t, "cookies-secure-with-httponly-sessions", 0, true)
        }
    })
}

pub(super) fn referrer(r: &Exchange) -> Outcome {
    let t = "referrer-policy";
    const PRIVATE: &[&str] =
        &["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"];
    const UNSAFE: &[&str] =
        &["origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade"];
    let tokens: Vec<String> = r
        .all("referrer-policy")
        .iter()
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_lowercase())
        .collect();
    if tokens.is_empty() {
        return out(t, "referrer-policy-not-implemented", 0, true);
    }
    match tokens
        .iter()
        .rev()
        .find(|v| PRIVATE.contains(&v.as_str()) || UNSAFE.contains(&v.as_str()))
    {
        Some(v) if PRIVATE.contains(&v.as_str()) => out(t, "referrer-policy-private", 5, true),
        Some(_) => out(t, "referrer-policy-unsafe", -5, false),
        None => out(t, "referrer-policy-header-invalid", -5, false),
    }
}

fn token(r: &Exchange, name: &str) -> Option<Result<String, ()>> {
    match r.all(name).as_slice() {
        [] => None,
        [v] => Some(Ok(v.trim().to_lowercase())),
        _ => Some(Err(())),
    }
}

pub(super) fn simple(r: &Exchange, csp: &CspVerdict) -> Vec<Outcome> {
    let xcto = match r.header("x-content-type-options").map(|v| v.trim().to_lowercase()) {
        Some(v) if v == "nosniff" => {
            out("x-content-type-options", "x-content-type-options-nosniff", 0, true)
        }
        Some(_) => {
            out("x-content-type-options", "x-content-type-options-header-invalid", -5, false)
        }
        None => out("x-content-type-options", "x-content-type-options-not-implemented", -5, false),
    };
    let xfo = if csp.anti_clickjacking
        || r.all("content-security-policy")
            .iter()
            .any(|v| v.to_lowercase().contains("frame-ancestors"))
    {
        out("x-frame-options", "x-frame-options-implemented-via-csp", 5, true)
    } else {
        match r.header("x-frame-options").map(|v| v.trim().to_lowercase()) {
            Some(v) if v == "deny" || v == "sameorigin" => {
                out("x-frame-options", "x-frame-options-sameorigin-or-deny", 5, true)
            }
            Some(v) if v.starts_with("allow-from") => {
                out("x-frame-options", "x-frame-options-allow-from-origin", 0, true)
            }
            Some(_) => out("x-frame-options", "x-frame-options-header-invalid", -20, false),
            None => out("x-frame-options", "x-frame-options-not-implemented", -20, false),
        }
    };
    let corp = match token(r, "cross-origin-resource-policy") {
        None => out("cross-origin-resource-policy", "corp-not-implemented", 0, true),
        Some(Ok(v)) if v == "same-origin" || v == "same-site" => {
            out("cross-origin-resource-policy", "corp-implemented-with-same-origin", 10, true)
        }
        Some(Ok(v)) if v == "cross-origin" => {
            out("cross-origin-resource-policy", "corp-implemented-with-cross-origin", 0, true)
        }
        Some(_) => out("cross-origin-resource-policy", "corp-header-invalid", -5, false),
    };
    let coop = match token(r, "cross-origin-opener-policy") {
        None => out("cross-origin-opener-policy", "coop-not-implemented", 0, true),
        Some(Ok(v))
            if ["same-origin", "same-origin-allow-popups", "noopener-allow-popups"]
                .contains(&v.as_str()) =>
        {
            out("cross-origin-opener-policy", "coop-implemented", 10, true)
        }
        Some(Ok(v)) if v == "unsafe-none" => {
            out("cross-origin-opener-policy", "coop-implemented-with-unsafe-none", 0, true)
        }
        Some(_) => out("cross-origin-opener-policy", "coop-header-invalid", -5, false),
    };
    let coep = match token(r, "cross-origin-embedder-policy") {
        None => out("cross-origin-embedder-policy", "coep-not-implemented", 0, true),
        Some(Ok(v)) if v == "require-corp" || v == "credentialless" => {
            out("cross-origin-embedder-policy", "coep-implemented", 10, true)
        }
        Some(Ok(v)) if v == "unsafe-none" => {
            out("cross-origin-embedder-policy", "coep-implemented-with-unsafe-none", 0, true)
        }
        Some(_) => out("cross-origin-embedder-policy", "coep-header-invalid", -5, false),
    };
    vec![xcto, xfo, corp, coop, coep]
}

/// SRI on `<script src>` tags of an HTML body (same host = same origin).
pub(super) fn sri(r: &Exchange, host: &str) -> Outcome {
    let t = "subresource-integrity";
    let html = r.header("content-type").is_some_and(|c| c.contains("html"));
    if !html {
        return out(t, "sri-not-implemented-response-not-html", 0, true);
    }
    let tag = regex::Regex::new(r#"(?is)<script\b([^>]*)>"#).expect("a valid regex");
    let src = regex::Regex::new(r#"(?i)\bsrc\s*=\s*["']?([^"'\s>]+)"#).expect("a valid regex");
    let (mut external, mut without, mut insecure) = (0, 0, false);
    for cap in tag.captures_iter(&r.body) {
        let attrs = &cap[1];
        let Some(s) = src.captures(attrs).map(|c| c[1].to_lowercase()) else { continue };
        let same = !(s.starts_with("http:") || s.starts_with("https:") || s.starts_with("//"))
            || s.trim_start_matches("https:")
                .trim_start_matches("http:")
                .trim_start_matches("//")
                .starts_with(host);
        if same {
            continue;
        }
        external += 1;
        insecure |= s.starts_with("http:") || s.starts_with("//");
        without += usize::from(!attrs.to_lowercase().contains("integrity"));
    }
    match (external, without, insecure) {
        (0, _, _) => {
            out(t, "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0, true)
        }
        (_, 0, false) => out(t, "sri-implemented-and-external-scripts-loaded-securely", 5, true),
        (_, 0, true) => {
            out(t, "sri-implemented-but-external-scripts-not-loaded-securely", -20, false)
        }
        (_, _, false) => {
            out(t, "sri-not-implemented-but-external-scripts-loaded-securely", -5, false)
        }
        (_, _, true) => {
            out(t, "sri-not-implemented-and-external-scripts-not-loaded-securely", -50, false)
        }
    }
}
