//! The HTTP probes of a target and their findings: HTTP->HTTPS (a redirect, or a closed or
//! refusing plain port for an API), headers on `/`, the API paths and an error response
//! (HSTS, CSP, helmet's set, X-Powered-By), rate-limit headers, the opt-in login burst, and
//! error leakage (malformed JSON, an unknown route). Each request is bounded by the client.

use super::client::{Client, Exchange, Req};
use super::observatory::{self, Graded, Outcome, Redirection};
use super::ratelimit;
use crate::status::{Evidence, Finding, Status};

/// Most failed logins the burst sends.
pub const BURST_MAX: usize = 12;

/// The plain-HTTP probe: findings for `transport.https` and Observatory's redirection result.
pub async fn redirect(client: &Client, plain_port: u16) -> (Vec<Finding>, Outcome) {
    let base = client.base();
    if base.scheme() == "http" {
        let f = Finding::new(
            "transport.https",
            Status::Fail,
            "the target URL is plain HTTP: traffic and tokens travel in clear",
        );
        return (vec![f], observatory::Redirection::Missing.outcome());
    }
    let mut plain = base.clone();
    let _ = plain.set_scheme("http");
    let _ = plain.set_port(Some(plain_port));
    plain.set_path("/");
    let item = "transport.https";
    match client.send_to(plain.clone(), Req::get("/")).await {
        Err(e) if e.starts_with("could not connect") => (
            vec![
                Finding::new(
                    item,
                    Status::Pass,
                    format!("plain HTTP port {plain_port} is closed (fine for an API: ASVS 4.1.2)"),
                )
                .with(Evidence::note(e)),
            ],
            Redirection::NotNeededNoHttp.outcome(),
        ),
        Err(e) => (
            vec![Finding::new(
                item,
                Status::unknown(format!("plain HTTP probe: {e}")),
                "could not check plain HTTP",
            )],
            Redirection::Missing.outcome(),
        ),
        Ok(r) => {
            let ev = Evidence::request(r.line());
            let location = r.header("location").unwrap_or_default().to_owned();
            let (status, summary, outcome) = if (300..400).contains(&r.status) {
                match url::Url::parse(&location).or_else(|_| plain.join(&location)) {
                    Ok(to) if to.scheme() == "https" && to.host_str() == base.host_str() => (
                        Status::Pass,
                        "plain HTTP redirects to HTTPS on the same host".to_owned(),
                        Redirection::ToHttps,
                    ),
                    Ok(to) if to.scheme() == "https" => (
                        Status::Warn,
                        "plain HTTP redirects to HTTPS on another host (HSTS cannot be set first)"
                            .into(),
                        Redirection::OffHostFromHttp,
                    ),
                    _ => (
                        Status::Fail,
                        "plain HTTP redirects, but not to HTTPS".into(),
                        Redirection::NotToHttpsOnInitial,
                    ),
                }
            } else if (400..500).contains(&r.status) {
                (
                    Status::Pass,
                    format!(
                        "plain HTTP is refused with {} (fine for an API: ASVS 4.1.2)",
                        r.status
                    ),
                    Redirection::Missing,
                )
            } else {
                (
                    Status::Fail,
                    format!("plain HTTP answers {} without redirecting to HTTPS", r.status),
                    Redirection::Missing,
                )
            };
            let mut f = Finding::new(item, status, summary).with(ev);
            if !location.is_empty() {
                f = f.with(Evidence::header("location", &location));
            }
            (vec![f], outcome.outcome())
        }
    }
}

/// HSTS, CSP and the helmet set on one graded response.
pub fn header_findings(r: &Exchange, g: &Graded, https: bool) -> Vec<Finding> {
    let line = Evidence::request(r.line());
    let mut out = Vec::new();
    let hsts = r.header("strict-transport-security");
    let (status, summary) = match (https, hsts.and_then(observatory::hsts_max_age)) {
        (false, _) => (Status::Fail, "no HTTPS, so no HSTS".to_owned()),
        (true, None) => (Status::Fail, "no valid Strict-Transport-Security header".into()),
        (true, Some(age))
            if age >= 31_536_000
                && hsts.is_some_and(|h| h.to_lowercase().contains("includesubdomains")) =>
        {
            (Status::Pass, format!("HSTS max-age {age} with includeSubDomains"))
        }
        (true, Some(age)) if age >= observatory::SIX_MONTHS => (
            Status::Warn,
            format!("HSTS max-age {age}: ASVS asks for a year and includeSubDomains"),
        ),
        (true, Some(age)) => (Status::Fail, format!("HSTS max-age {age} is under six months")),
    };
    let mut f =
        Finding::new("transport.hsts", status, format!("{}: {summary}", r.url)).with(line.clone());
    if let Some(h) = hsts {
        f = f.with(Evidence::header("strict-transport-security", h));
    }
    out.push(f);
    let (name, _, pass) = g.csp.result.grade();
    let csp_ev =
        r.header("content-security-policy").map(|v| Evidence::header("content-security-policy", v));
    let (status, summary) = if !pass {
        (Status::Fail, format!("{}: {name}", r.url))
    } else if !g.csp.object_none || !g.csp.anti_clickjacking {
        (
            Status::Warn,
            format!(
                "{}: {name}, but object-src 'none' or frame-ancestors is missing (ASVS 3.4.3/3.4.6)",
                r.url
            ),
        )
    } else {
        (Status::Pass, format!("{}: {name}", r.url))
    };
    out.push(Finding::new("transport.csp", status, summary).with(line.clone()).with_all(csp_ev));
    let missing: Vec<&str> = [
        ("strict-transport-security", https && hsts.is_some()),
        ("content-security-policy", r.header("content-security-policy").is_some()),
        ("x-content-type-options", g.test("x-content-type-options").is_some_and(|t| t.pass)),
        ("x-frame-options/frame-ancestors", g.test("x-frame-options").is_some_and(|t| t.pass)),
        ("referrer-policy", r.header("referrer-policy").is_some()),
        ("cross-origin-resource-policy", r.header("cross-origin-resource-policy").is_some()),
    ]
    .into_iter()
    .filter(|(_, ok)| !ok)
    .map(|(n, _)| n)
    .collect();
    let helmet = [
        "x-dns-prefetch-control",
        "x-download-options",
        "x-permitted-cross-domain-policies",
        "origin-agent-cluster",
        "x-xss-protection",
    ]
    .iter()
    .all(|h| r.header(h).is_some());
    let powered = r.header("x-powered-by");
    let core_missing = missing.iter().take(4).count();
    let (status, mut summary) = match (core_missing, missing.len(), powered) {
        (0, 0, None) => (Status::Pass, format!("{}: every security header is set", r.url)),
        (0, _, _) => (Status::Warn, format!("{}: missing {}", r.url, missing.join(", "))),
        _ => (Status::Fail, format!("{}: missing {}", r.url, missing.join(", "))),
    };
    if missing.is_empty() && powered.is_some() {
        summary = format!("{}: X-Powered-By is sent (helmet removes it)", r.url);
    }
    let mut f = Finding::new("code.security-headers", status, summary)
        .with(line)
        .with(Evidence::note(format!("Observatory score {} ({})", g.score, g.grade)));
    if helmet {
        f = f.with(Evidence::note("helmet's default header set recognised"));
    }
    if let Some(p) = powered {
        f = f.with(Evidence::header("x-powered-by", p));
        out.push(
            Finding::new(
                "code.error-leakage",
                Status::Warn,
                format!("{}: X-Powered-By names the framework", r.url),
            )
            .with(Evidence::header("x-powered-by", p)),
        );
    }
    out.push(f);
    out
}

/// Rate-limit headers seen on the API responses (`api.rate-limit`).
pub fn rate_limit_findings(api: &[Exchange]) -> Vec<Finding> {
    if api.is_empty() {
        return Vec::new();
    }
    match api.iter().find_map(|r| ratelimit::parse(r).map(|l| (r, l))) {
        Some((r, l)) => vec![
            Finding::new(
                "api.rate-limit",
                Status::Pass,
                format!(
                    "{} rate-limit headers: limit {:?}, remaining {:?}, reset {:?}",
                    l.format, l.limit, l.remaining, l.reset
                ),
            )
            .with(Evidence::request(r.line())),
        ],
        None => vec![
            Finding::new(
                "api.rate-limit",
                Status::Warn,
                format!(
                    "no rate-limit headers on {} API responses (a limiter may exist without them)",
                    api.len()
                ),
            )
            .with_all(api.iter().map(|r| Evidence::request(r.line()))),
        ],
    }
}

/// The opt-in login burst: failed logins until a 429 (`auth.login-rate-limit`).
pub async fn login_burst(client: &Client, path: &str) -> Finding {
    let item = "auth.login-rate-limit";
    let body =
        br#"{"email":"rampart-check@invalid.example","password":"rampart-check-wrong-password"}"#;
    for attempt in 1..=BURST_MAX {
        let req = Req {
            method: "POST",
            path,
            headers: vec![("content-type", "application/json".into())],
            body: Some(body.to_vec()),
        };
        match client.send(req).await {
            Err(e) => {
                return Finding::new(
                    item,
                    Status::unknown(format!("login attempt {attempt}: {e}")),
                    "the login burst got no answer",
                );
            }
            Ok(r) if r.status == 429 => {
                let ev = Evidence::request(format!("{} (attempt {attempt})", r.line()));
                return match r.header("retry-after") {
                    Some(ra) => Finding::new(
                        item,
                        Status::Pass,
                        format!("429 after {attempt} failed logins, Retry-After {ra}"),
                    )
                    .with(ev),
                    None => Finding::new(
                        item,
                        Status::Warn,
                        format!("429 after {attempt} failed logins, but without Retry-After"),
                    )
                    .with(ev),
                };
            }
            Ok(_) => {}
        }
    }
    Finding::new(
        item,
        Status::Fail,
        format!("{BURST_MAX} failed logins in a row were not limited (no 429)"),
    )
}

/// Signs that an answer leaks internals.
pub fn leak_signs(body: &str) -> Vec<&'static str> {
    let signs: [(&str, &str); 6] = [
        (r"\n\s+at [^\n]+\(?[^\n]+:\d+:\d+\)?", "a stack trace"),
        (r"SyntaxError: Unexpected", "a parser error message"),
        (r"node_modules/", "a node_modules path"),
        (r"(/home/|/usr/src/|/var/www/|[A-Z]:\\)[^\s]+\.(js|ts)", "a server file path"),
        (r"(?i)MongoServerError|MongoError|CastError|ValidationError: ", "a database error"),
        (r"Cannot (GET|POST) /", "Express's default error page"),
    ];
    signs
        .iter()
        .filter(|(re, _)| regex::Regex::new(re).expect("a valid regex").is_match(body))
        .map(|(_, what)| *what)
        .collect()
}

/// Malformed JSON to `path` (input validation and leakage) and the answer's findings.
pub async fn malformed_json(client: &Client, path: &str) -> (Vec<Finding>, Option<Exchange>) {
    let req = Req {
        method: "POST",
        path,
        headers: vec![("content-type", "application/json".into())],
        body: Some(b"{\"a\":".to_vec()),
    };
    let r = match client.send(req).await {
        Ok(r) => r,
        Err(e) => {
            return (
                vec![Finding::new(
                    "api.input-validation",
                    Status::unknown(format!("malformed JSON to {path}: {e}")),
                    "no answer",
                )],
                None,
            );
        }
    };
    let ev = Evidence::request(format!("POST {path} with malformed JSON -> {}", r.status));
    let mut out = vec![match r.status {
        400..=499 => Finding::new(
            "api.input-validation",
            Status::Pass,
            format!("malformed JSON to {path} gets {}", r.status),
        )
        .with(ev.clone()),
        500..=599 => Finding::new(
            "api.input-validation",
            Status::Fail,
            format!("malformed JSON to {path} gets a server error ({})", r.status),
        )
        .with(ev.clone()),
        s => Finding::new(
            "api.input-validation",
            Status::Warn,
            format!("malformed JSON to {path} gets {s}, not a 4xx"),
        )
        .with(ev.clone()),
    }];
    out.push(leak_finding(&r, ev));
    (out, Some(r))
}

/// `code.error-leakage` for one error answer.
pub fn leak_finding(r: &Exchange, ev: Evidence) -> Finding {
    let signs = leak_signs(&r.body);
    if signs.is_empty() {
        Finding::new(
            "code.error-leakage",
            Status::Pass,
            format!("{} {}: no internals in the answer", r.method, r.url),
        )
        .with(ev)
    } else {
        let fatal = signs.iter().any(|s| *s != "Express's default error page");
        let status = if fatal { Status::Fail } else { Status::Warn };
        Finding::new(
            "code.error-leakage",
            status,
            format!("{} {} shows {}", r.method, r.url, signs.join(", ")),
        )
        .with(ev)
    }
}
