//! Input probes of an API path (`api.input-validation`, `code.error-leakage`): malformed JSON,
//! a JSON body sent as `text/plain`, and a 2 MB JSON body (body-parser's default limit is
//! 100 kB). Each must get a 4xx (415 and 413 where apt), never a 5xx, a stack trace, a
//! framework path or an HTML error page from a JSON API. Every request is bounded by the client
//! (timeout, answer body cap).

use super::client::{Client, Exchange, Req};
use super::live;
use crate::status::{Evidence, Finding, Status};

/// The over-limit body: 2 MB.
pub const OVERSIZE: usize = 2 * 1024 * 1024;

const ITEM: &str = "api.input-validation";

/// Whether an answer is an HTML page (a JSON API's error should be JSON or plain text).
fn html_page(r: &Exchange) -> bool {
    r.header("content-type").is_some_and(|c| c.to_ascii_lowercase().contains("text/html"))
        || r.body.trim_start().to_ascii_lowercase().starts_with("<!doctype html")
        || r.body.trim_start().to_ascii_lowercase().starts_with("<html")
}

/// `code.error-leakage` for an error answer to a JSON request: internals in the body, or an
/// HTML error page.
fn leakage(r: &Exchange, what: &str, ev: &Evidence) -> Option<Finding> {
    let leak = live::leak_finding(r, ev.clone());
    if leak.status != Status::Pass {
        return Some(leak);
    }
    (r.status >= 400 && html_page(r)).then(|| {
        Finding::new(
            "code.error-leakage",
            Status::Warn,
            format!("{what} gets an HTML error page from a JSON API ({})", r.status),
        )
        .with(ev.clone())
    })
}

/// The verdict on one probe's answer: `apt` is the status that fits best (415, 413).
fn verdict(r: &Exchange, what: &str, apt: u16, ev: Evidence) -> Finding {
    let (status, summary) = match r.status {
        s if s == apt => (Status::Pass, format!("{what} gets {s}")),
        400..=499 => (Status::Pass, format!("{what} gets {} ({apt} would be apter)", r.status)),
        500..=599 => (Status::Fail, format!("{what} gets a server error ({})", r.status)),
        s => (Status::Warn, format!("{what} is accepted ({s}), not refused with {apt}")),
    };
    Finding::new(ITEM, status, summary).with(ev)
}

/// Wrong content type and an over-limit body to `path` (malformed JSON is
/// [`live::malformed_json`]).
pub async fn probe(client: &Client, path: &str) -> Vec<Finding> {
    let (mut out, answer) = live::malformed_json(client, path).await;
    if let Some(r) = answer.filter(|r| r.status >= 400 && html_page(r)) {
        let what = format!("malformed JSON to {path}");
        let ev = Evidence::request(format!("POST {path} with malformed JSON -> {}", r.status));
        out.extend(leakage(&r, &what, &ev).filter(|f| f.status == Status::Warn));
    }
    let json_as_text = Req {
        method: "POST",
        path,
        headers: vec![("content-type", "text/plain".into()), ("accept", "application/json".into())],
        body: Some(br#"{"email":"rampart-check@invalid.example"}"#.to_vec()),
    };
    let mut big = Vec::with_capacity(OVERSIZE + 16);
    big.extend_from_slice(b"{\"a\":\"");
    big.resize(OVERSIZE, b'a');
    big.extend_from_slice(b"\"}");
    let oversize = Req {
        method: "POST",
        path,
        headers: vec![
            ("content-type", "application/json".into()),
            ("accept", "application/json".into()),
        ],
        body: Some(big),
    };
    for (req, what, apt) in [
        (json_as_text, format!("JSON sent as text/plain to {path}"), 415),
        (oversize, format!("a 2 MB JSON body to {path}"), 413),
    ] {
        match client.send(req).await {
            Ok(r) => {
                let ev = Evidence::request(format!("POST {path} ({what}) -> {}", r.status));
                if let Some(leak) = leakage(&r, &what, &ev) {
                    out.push(leak);
                }
                out.push(verdict(&r, &what, apt, ev));
            }
            Err(e) => out.push(Finding::new(
                ITEM,
                Status::unknown(format!("{what}: {e}")),
                format!("{what}: no answer"),
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(status: u16, ctype: &str, body: &str) -> Exchange {
        Exchange {
            method: "POST".into(),
            url: "http://x/api".into(),
            status,
            headers: vec![("content-type".into(), ctype.into())],
            body: body.into(),
        }
    }

    #[test]
    fn verdicts_and_html_error_pages() {
        let ev = Evidence::note("e");
        let v = |r: &Exchange| verdict(r, "probe", 415, ev.clone()).status;
        assert_eq!(v(&ex(415, "application/json", "{}")), Status::Pass);
        assert_eq!(v(&ex(400, "application/json", "{}")), Status::Pass);
        assert_eq!(v(&ex(500, "application/json", "{}")), Status::Fail);
        assert_eq!(v(&ex(201, "application/json", "{}")), Status::Warn);
        let page = ex(413, "text/html; charset=utf-8", "<!DOCTYPE html><title>Error</title>");
        assert_eq!(leakage(&page, "probe", &ev).unwrap().status, Status::Warn);
        assert!(
            leakage(&ex(413, "application/json", "{\"error\":\"too large\"}"), "p", &ev).is_none()
        );
        let trace =
            ex(400, "text/html", "SyntaxError: Unexpected token\n    at JSON.parse (x.js:1:2)");
        assert_eq!(leakage(&trace, "probe", &ev).unwrap().status, Status::Fail);
    }
}
