//! Observatory scoring against real header sets: helmet 8.3.0's defaults, a bare Express app,
//! cookies, HSTS and referrer edge cases, and the grade chart.

use super::client::Exchange;
use super::observatory::*;

pub fn exchange(headers: &[(&str, &str)]) -> Exchange {
    Exchange {
        method: "GET".into(),
        url: "https://api.example.com/".into(),
        status: 200,
        headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
        body: "{}".into(),
    }
}

fn score(headers: &[(&str, &str)]) -> Graded {
    grade(
        &exchange(headers),
        true,
        "api.example.com",
        Redirection::ToHttps.outcome(),
        cors(None, "x"),
    )
}

#[test]
fn helmets_defaults_score_130_a_plus() {
    let mut h = HELMET_DEFAULTS.to_vec();
    h.push(("content-type", "application/json; charset=utf-8"));
    let g = score(&h);
    assert_eq!((g.score, g.grade), (130, "A+"), "{:#?}", g.tests);
    assert_eq!(g.test("x-frame-options").unwrap().result, "x-frame-options-implemented-via-csp");
}

#[test]
fn a_bare_express_app_scores_30_d() {
    let g =
        score(&[("x-powered-by", "Express"), ("content-type", "application/json; charset=utf-8")]);
    assert_eq!((g.score, g.grade), (30, "D"), "{:#?}", g.tests);
}

#[test]
fn bonuses_count_only_from_90_up() {
    // Missing XCTO (-5) keeps 95 uncurved: bonuses count. Missing HSTS (-20): they do not.
    let mut h: Vec<_> =
        HELMET_DEFAULTS.iter().filter(|(n, _)| *n != "x-content-type-options").copied().collect();
    assert_eq!(score(&h).score, 125);
    h.retain(|(n, _)| *n != "strict-transport-security");
    let g = score(&h);
    assert_eq!((g.score, g.grade), (75, "B"));
}

#[test]
fn hsts_rules() {
    let r = |v: &str| {
        score(&[("strict-transport-security", v)]).test("strict-transport-security").unwrap().result
    };
    assert_eq!(r("max-age=15552000"), "hsts-implemented-max-age-at-least-six-months");
    assert_eq!(r("max-age=86400"), "hsts-implemented-max-age-less-than-six-months");
    assert_eq!(r("includeSubDomains"), "hsts-header-invalid");
    assert_eq!(r("max-age=31536000, max-age=31536000"), "hsts-header-invalid");
    let plain = grade(
        &exchange(&[("strict-transport-security", "max-age=31536000")]),
        false,
        "x",
        Redirection::Missing.outcome(),
        cors(None, "x"),
    );
    assert_eq!(plain.test("strict-transport-security").unwrap().modifier, -20);
    assert_eq!(hsts_max_age("max-age=\"300\"; preload"), Some(300));
}

#[test]
fn cookie_rules_worst_wins() {
    // Express's default `connect.sid` is not a session cookie to Observatory's name heuristic.
    assert_eq!(
        score(&[("set-cookie", "connect.sid=abc; Path=/; HttpOnly")])
            .test("cookies")
            .unwrap()
            .result,
        "cookies-without-secure-flag"
    );
    let c = |cookies: &[&str], hsts: bool| {
        let mut h: Vec<(&str, &str)> = cookies.iter().map(|c| ("set-cookie", *c)).collect();
        if hsts {
            h.push(("strict-transport-security", "max-age=31536000"));
        }
        score(&h).test("cookies").unwrap().result
    };
    assert_eq!(c(&[], false), "cookies-not-found");
    assert_eq!(
        c(&["sessionid=abc; Path=/; HttpOnly; Secure; SameSite=Lax"], true),
        "cookies-secure-with-httponly-sessions-and-samesite"
    );
    assert_eq!(
        c(&["sessionid=abc; Path=/; HttpOnly; Secure"], true),
        "cookies-secure-with-httponly-sessions"
    );
    assert_eq!(
        c(&["sessionid=abc; Path=/; HttpOnly"], false),
        "cookies-session-without-secure-flag"
    );
    assert_eq!(
        c(&["sessionid=abc; Path=/; HttpOnly"], true),
        "cookies-session-without-secure-flag-but-protected-by-hsts"
    );
    assert_eq!(
        c(&["sessionid=abc; Secure; SameSite=Lax"], true),
        "cookies-session-without-httponly-flag"
    );
    assert_eq!(
        c(&["theme=dark; Secure; SameSite=None", "x=1; Secure; SameSite=bogus"], true),
        "cookies-samesite-flag-invalid"
    );
    assert_eq!(c(&["_csrf=t; Secure; HttpOnly"], true), "cookies-anticsrf-without-samesite-flag");
}

#[test]
fn referrer_and_cors_and_redirection() {
    let r = |v: &str| score(&[("referrer-policy", v)]).test("referrer-policy").unwrap().modifier;
    assert_eq!(r("no-referrer"), 5);
    assert_eq!(r("unsafe-url, strict-origin-when-cross-origin"), 5, "the last valid token wins");
    assert_eq!(r("no-referrer, unsafe-url"), -5);
    assert_eq!(r("bogus"), -5);
    let pre = exchange(&[
        ("access-control-allow-origin", "https://o.example"),
        ("access-control-allow-credentials", "true"),
    ]);
    assert_eq!(cors(Some(&pre), "https://o.example").modifier, -50);
    assert_eq!(cors(Some(&pre), "https://other.example").modifier, 0);
    assert_eq!(Redirection::Missing.outcome().modifier, -20);
}

#[test]
fn the_grade_chart() {
    let cases = [
        (165, "A+"),
        (100, "A+"),
        (99, "A"),
        (90, "A"),
        (85, "A-"),
        (80, "B+"),
        (70, "B"),
        (65, "B-"),
        (60, "C+"),
        (50, "C"),
        (45, "C-"),
        (40, "D+"),
        (30, "D"),
        (25, "D-"),
        (20, "F"),
        (-40, "F"),
    ];
    for (s, g) in cases {
        assert_eq!(grade_of(s), g, "{s}");
    }
}

#[test]
fn sri_on_html_pages() {
    let page = |body: &str| {
        let mut e = exchange(&[("content-type", "text/html")]);
        e.body = body.into();
        grade(&e, true, "api.example.com", Redirection::ToHttps.outcome(), cors(None, "x"))
            .test("subresource-integrity")
            .unwrap()
            .modifier
    };
    assert_eq!(page("<script src=\"/app.js\"></script>"), 0);
    assert_eq!(
        page("<script src=\"https://cdn.other.com/a.js\" integrity=\"sha384-x\"></script>"),
        5
    );
    assert_eq!(page("<script src=\"https://cdn.other.com/a.js\"></script>"), -5);
    assert_eq!(page("<script src=\"http://cdn.other.com/a.js\"></script>"), -50);
}
