//! Typed conditions: every comparison, and every way a condition cannot be evaluated fails with
//! a reason instead of passing.

use rampart_feeds::health::condition::{Observation, evaluate, lookup};
use rampart_feeds::health::{CompareOp, Condition, Expected};
use serde_json::json;

fn obs<'a>(body: &'a [u8], json: &'a Result<serde_json::Value, String>) -> Observation<'a> {
    Observation {
        status: 200,
        latency_ms: 40,
        body,
        json,
        cert_days_left: Err("plain HTTP".into()),
    }
}

fn path(p: &str, op: CompareOp, value: Expected) -> Condition {
    Condition::JsonPath { path: p.into(), op, value }
}

#[test]
fn json_paths_compare_typed_values() {
    let body = json!({"status": "ok", "checks": {"database": {"status": "ok", "latency": 3.5}},
        "items": [{"id": 7}], "ready": true, "cpu": "90%"});
    let parsed = Ok(body.clone());
    let o = obs(b"{}", &parsed);
    let s = |v: &str| Expected::String(v.into());
    assert_eq!(lookup(&body, "items[0].id"), Some(&json!(7)));
    assert_eq!(lookup(&body, "items.0.id"), Some(&json!(7)));
    for (c, ok) in [
        (path("checks.database.status", CompareOp::Eq, s("ok")), true),
        (path("checks.database.status", CompareOp::Ne, s("ok")), false),
        (path("checks.database.latency", CompareOp::Lt, Expected::Number(5.0)), true),
        (path("checks.database.latency", CompareOp::Ge, Expected::Number(3.5)), true),
        (path("checks.database.latency", CompareOp::Gt, Expected::Number(3.5)), false),
        (path("items[0].id", CompareOp::Le, Expected::Number(7.0)), true),
        (path("ready", CompareOp::Eq, Expected::Bool(true)), true),
    ] {
        assert_eq!(evaluate(&c, &o).is_ok(), ok, "{c:?}: {:?}", evaluate(&c, &o));
    }
}

#[test]
fn conditions_that_cannot_be_evaluated_fail_with_the_reason() {
    let parsed = Ok(json!({"cpu": "90%", "ready": true, "status": "degraded"}));
    let o = obs(b"{}", &parsed);
    let reason = |c: Condition| evaluate(&c, &o).unwrap_err();
    assert_eq!(
        reason(path("checks.redis", CompareOp::Eq, Expected::String("ok".into()))),
        "checks.redis is missing from the JSON body"
    );
    let r = reason(path("cpu", CompareOp::Lt, Expected::Number(0.9)));
    assert!(r.contains("cpu is a string") && r.contains("expected a number"), "{r}");
    let r = reason(path("ready", CompareOp::Gt, Expected::Bool(false)));
    assert!(r.contains("only == and != apply"), "{r}");
    let r = reason(Condition::defaults().remove(1));
    assert_eq!(r, "status is \"degraded\", expected == \"ok\"");
    let not_json = Err("the body is not JSON (expected value at line 1 column 1)".to_owned());
    let r = evaluate(&Condition::defaults()[1], &obs(b"<html>", &not_json)).unwrap_err();
    assert!(r.contains("cannot evaluate status == \"ok\"") && r.contains("not JSON"), "{r}");
    let r = reason(Condition::CertExpiresInMoreThan { days: 7 });
    assert!(r.contains("cannot check the certificate expiry: plain HTTP"), "{r}");
}

#[test]
fn status_time_and_body_conditions() {
    let parsed = Ok(json!({}));
    let o = obs(b"all systems go", &parsed);
    assert!(evaluate(&Condition::Status { codes: vec![200, 204] }, &o).is_ok());
    let r = evaluate(&Condition::Status { codes: vec![201, 204] }, &o).unwrap_err();
    assert_eq!(r, "HTTP status 200 is not 201 or 204");
    assert!(evaluate(&Condition::ResponseTimeBelow { ms: 41 }, &o).is_ok());
    let r = evaluate(&Condition::ResponseTimeBelow { ms: 40 }, &o).unwrap_err();
    assert_eq!(r, "response time 40 ms is not below 40 ms");
    assert!(evaluate(&Condition::BodyContains { text: "systems".into() }, &o).is_ok());
    assert!(evaluate(&Condition::BodyContains { text: "down".into() }, &o).is_err());
}

#[test]
fn conditions_serialize_as_tagged_json() {
    let c = path("checks.database.status", CompareOp::Ge, Expected::Number(1.5));
    let j = serde_json::to_value(&c).unwrap();
    assert_eq!(
        j,
        json!({"type": "jsonPath", "path": "checks.database.status", "op": ">=", "value": 1.5})
    );
    assert_eq!(serde_json::from_value::<Condition>(j).unwrap(), c);
    let all: Vec<Condition> = serde_json::from_value(json!([
        {"type": "status", "codes": [200]},
        {"type": "responseTimeBelow", "ms": 300},
        {"type": "bodyContains", "text": "ok"},
        {"type": "certExpiresInMoreThan", "days": 14},
        {"type": "jsonPath", "path": "ready", "op": "==", "value": true}
    ]))
    .unwrap();
    assert_eq!(all.len(), 5);
}
