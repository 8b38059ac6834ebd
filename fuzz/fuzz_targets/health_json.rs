//! A health endpoint's answer (rampart_feeds::health::judge): the body (the guide's /health
//! JSON or anything else) against the default conditions and a JSON-path condition whose path,
//! operator and expected value come from the input's first line; plus certificate expiry from
//! DER bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_feeds::health::{CompareOp, Condition, Expected, judge, tls};

const OPS: [CompareOp; 6] =
    [CompareOp::Eq, CompareOp::Ne, CompareOp::Lt, CompareOp::Le, CompareOp::Gt, CompareOp::Ge];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let (head, body) = match rest.iter().position(|&b| b == b'\n') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&[][..], rest),
    };
    let head = String::from_utf8_lossy(head).into_owned();
    let (path, value) = head.split_once('=').unwrap_or((head.as_str(), "ok"));
    let expected = match mode >> 4 & 3 {
        0 => Expected::String(value.to_owned()),
        1 => Expected::Number(value.parse().unwrap_or(f64::NAN)),
        _ => Expected::Bool(value == "true"),
    };
    let mut conditions = Condition::defaults();
    conditions.push(Condition::JsonPath {
        path: path.to_owned(),
        op: OPS[usize::from(mode % 6)],
        value: expected,
    });
    conditions.push(Condition::BodyContains { text: value.to_owned() });
    conditions.push(Condition::CertExpiresInMoreThan { days: 14 });
    let status = [200, 204, 301, 404, 500, 503][usize::from(mode >> 6 & 3)];
    let cert = tls::days_left(body, 1_700_000_000);
    let _ = judge(&conditions, status, 12, body, cert);
    let _ = judge(&[], status, 12, body, Err("no certificate".into()));
});
