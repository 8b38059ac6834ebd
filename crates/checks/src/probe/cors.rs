//! CORS origin mutations (after CORScanner) sent on GET and on a preflight to `/` and the first
//! API path: an arbitrary origin, `null`, prefix, suffix and substring mutations of the target's
//! host, and an http downgrade. A reflected origin with credentials fails (`api.cors`), without
//! credentials warns; a dynamic Access-Control-Allow-Origin without `Vary: Origin` warns.

use super::client::{Client, Exchange, Req};
use crate::status::{Evidence, Finding, Status};

/// The origins sent for a target host `host` (`scheme` is the target's scheme).
pub fn mutations(scheme: &str, host: &str) -> Vec<(&'static str, String)> {
    let tail = host.get(1..).unwrap_or(host);
    let mut list = vec![
        ("arbitrary origin", format!("{scheme}://rampart-check.example")),
        ("null origin", "null".to_owned()),
        ("prefix match", format!("{scheme}://{host}.rampart-check.example")),
        ("suffix match", format!("{scheme}://rampartcheck{host}")),
        ("substring match", format!("{scheme}://{tail}")),
    ];
    if scheme == "https" {
        list.push(("http downgrade", format!("http://{host}")));
    }
    list
}

fn reflected(r: &Exchange, origin: &str) -> bool {
    r.header("access-control-allow-origin").is_some_and(|a| a.trim().eq_ignore_ascii_case(origin))
}

fn credentials(r: &Exchange) -> bool {
    r.header("access-control-allow-credentials")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

fn varies_on_origin(r: &Exchange) -> bool {
    r.all("vary")
        .iter()
        .any(|v| v.split(',').any(|t| matches!(t.trim().to_lowercase().as_str(), "origin" | "*")))
}

/// Judges one answer to one mutated origin; `None` when it did not trust it.
pub fn judge(kind: &str, origin: &str, r: &Exchange) -> Option<Finding> {
    let acao = r.header("access-control-allow-origin")?.trim().to_owned();
    let creds = credentials(r);
    let ev = [
        Evidence::request(format!("{} (Origin: {origin})", r.line())),
        Evidence::header("access-control-allow-origin", &acao),
    ];
    if reflected(r, origin) {
        let (status, what) = if creds {
            (
                Status::Fail,
                format!(
                    "{kind}: the origin is trusted with credentials: any site can read authenticated answers"
                ),
            )
        } else {
            (Status::Warn, format!("{kind}: the origin is reflected (without credentials)"))
        };
        let mut f = Finding::new("api.cors", status, what).with_all(ev);
        if creds {
            f = f.with(Evidence::header("access-control-allow-credentials", "true"));
        }
        if !varies_on_origin(r) {
            f = f.with(Evidence::note(
                "dynamic Access-Control-Allow-Origin without Vary: Origin (cache poisoning)",
            ));
        }
        return Some(f);
    }
    if acao == "*" && creds {
        return Some(
            Finding::new("api.cors", Status::Warn, "Access-Control-Allow-Origin: * with credentials (browsers refuse it: a configuration error)")
                .with_all(ev),
        );
    }
    None
}

/// Sends every mutation on GET and on a preflight to each of `paths`; findings for `api.cors`
/// (a pass when nothing was trusted), or `unknown` when no answer came.
pub async fn probe(client: &Client, paths: &[&str]) -> Vec<Finding> {
    let base = client.base();
    let host = base.host_str().unwrap_or_default().to_owned();
    let origins = mutations(base.scheme(), &host);
    let mut findings = Vec::new();
    let mut answered = 0;
    // Answers that were redirects say nothing about the origin policy.
    let mut redirected = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        for (kind, origin) in &origins {
            for preflight in [false, true] {
                let mut req = Req::get(path).header("origin", origin.clone());
                if preflight {
                    req.method = "OPTIONS";
                    req = req
                        .header("access-control-request-method", "POST")
                        .header("access-control-request-headers", "authorization,content-type");
                }
                match client.send(req).await {
                    Ok(r) if (300..400).contains(&r.status) => redirected.push(format!(
                        "{} to {}",
                        r.line(),
                        r.header("location").unwrap_or("nowhere")
                    )),
                    Ok(r) => {
                        answered += 1;
                        findings.extend(judge(kind, origin, &r));
                    }
                    Err(e) => errors
                        .push(format!("{} {path}: {e}", if preflight { "OPTIONS" } else { "GET" })),
                }
            }
        }
    }
    if answered == 0 && !redirected.is_empty() {
        return vec![Finding::new(
            "api.cors",
            Status::unknown(format!(
                "every answer to the CORS probes was a redirect ({}): nothing to judge; give the \
                 path it leads to as an API path (--path)",
                crate::status::trim(&redirected[0])
            )),
            "could not check CORS",
        )];
    }
    if answered == 0 {
        let reason = errors.first().cloned().unwrap_or_else(|| "no path to probe".into());
        return vec![Finding::new(
            "api.cors",
            Status::unknown(format!("no answer to the CORS probes: {reason}")),
            "could not check CORS",
        )];
    }
    if findings.is_empty() {
        findings.push(
            Finding::new(
                "api.cors",
                Status::Pass,
                format!("no mutated origin was trusted ({answered} requests, GET and preflight)"),
            )
            .with(Evidence::note(format!(
                "origins tried: {}",
                origins.iter().map(|(_, o)| o.as_str()).collect::<Vec<_>>().join(", ")
            ))),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::observatory_tests::exchange;

    #[test]
    fn mutations_follow_corscanner() {
        let m = mutations("https", "api.example.com");
        let origins: Vec<&str> = m.iter().map(|(_, o)| o.as_str()).collect();
        assert!(origins.contains(&"null"));
        assert!(origins.contains(&"https://api.example.com.rampart-check.example"));
        assert!(origins.contains(&"https://rampartcheckapi.example.com"));
        assert!(origins.contains(&"https://pi.example.com"));
        assert!(origins.contains(&"http://api.example.com"));
        assert!(!mutations("http", "x").iter().any(|(k, _)| *k == "http downgrade"));
    }

    #[test]
    fn reflection_with_credentials_fails_and_without_warns() {
        let o = "https://rampart-check.example";
        let bad = exchange(&[
            ("access-control-allow-origin", o),
            ("access-control-allow-credentials", "true"),
        ]);
        let f = judge("arbitrary origin", o, &bad).unwrap();
        assert_eq!(f.status, Status::Fail);
        assert!(f.evidence.iter().any(|e| e.text.contains("Vary")));
        let soft = exchange(&[("access-control-allow-origin", o), ("vary", "Origin")]);
        let f = judge("arbitrary origin", o, &soft).unwrap();
        assert_eq!(f.status, Status::Warn);
        assert!(!f.evidence.iter().any(|e| e.text.contains("Vary")));
        assert_eq!(
            judge(
                "null origin",
                "null",
                &exchange(&[
                    ("access-control-allow-origin", "null"),
                    ("access-control-allow-credentials", "true")
                ])
            )
            .unwrap()
            .status,
            Status::Fail
        );
        assert!(
            judge("x", o, &exchange(&[("access-control-allow-origin", "https://app.example.com")]))
                .is_none()
        );
        assert!(judge("x", o, &exchange(&[("access-control-allow-origin", "*")])).is_none());
        assert_eq!(
            judge(
                "x",
                o,
                &exchange(&[
                    ("access-control-allow-origin", "*"),
                    ("access-control-allow-credentials", "true")
                ])
            )
            .unwrap()
            .status,
            Status::Warn
        );
    }
}
