//! Typed health conditions (in the spirit of Gatus, without its pitfalls): each condition is a
//! serde enum stored as JSON, values keep their types (no string-to-0 coercion), and a condition
//! that cannot be evaluated (missing path, wrong type, non-JSON body, no certificate) FAILS with a
//! reason that says so. Never a silent pass.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One thing a response must satisfy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Condition {
    /// The HTTP status is one of `codes` (one code = equality).
    Status { codes: Vec<u16> },
    /// The response (headers and body) arrived in less than `ms` milliseconds.
    ResponseTimeBelow { ms: u64 },
    /// The JSON value at `path` (dots and `[index]`, e.g. `checks.database.status`,
    /// `items[0].id`) compares to `value` with `op`.
    JsonPath { path: String, op: CompareOp, value: Expected },
    /// The body contains `text`.
    BodyContains { text: String },
    /// The server's TLS certificate expires in more than `days` days.
    CertExpiresInMoreThan { days: i64 },
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CompareOp {
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
}

impl CompareOp {
    fn symbol(self) -> &'static str {
        match self {
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
        }
    }

    fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Self::Eq => ord == Equal,
            Self::Ne => ord != Equal,
            Self::Lt => ord == Less,
            Self::Le => ord != Greater,
            Self::Gt => ord == Greater,
            Self::Ge => ord != Less,
        }
    }
}

/// A typed expected value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(untagged)]
#[cfg_attr(feature = "ts", ts(rename = "ConditionValue"))]
pub enum Expected {
    Bool(bool),
    Number(f64),
    String(String),
}

impl Condition {
    /// The guide's `/health`: HTTP 200 and `status == "ok"`.
    pub fn defaults() -> Vec<Self> {
        vec![
            Self::Status { codes: vec![200] },
            Self::JsonPath {
                path: "status".into(),
                op: CompareOp::Eq,
                value: Expected::String("ok".into()),
            },
        ]
    }

    /// Whether the body must be read (and parsed) to evaluate this condition.
    pub fn needs_body(&self) -> bool {
        matches!(self, Self::JsonPath { .. } | Self::BodyContains { .. })
    }
}

/// What a response looked like, for evaluation.
pub struct Observation<'a> {
    pub status: u16,
    pub latency_ms: u64,
    pub body: &'a [u8],
    /// The parsed body, or why it is not JSON.
    pub json: &'a Result<Value, String>,
    /// Days left on the certificate, or why it is unknown.
    pub cert_days_left: Result<i64, String>,
}

/// Evaluates `condition`; `Err(reason)` when it does not hold or cannot be evaluated.
pub fn evaluate(condition: &Condition, obs: &Observation<'_>) -> Result<(), String> {
    match condition {
        Condition::Status { codes } => {
            if codes.contains(&obs.status) {
                return Ok(());
            }
            let want: Vec<String> = codes.iter().map(u16::to_string).collect();
            Err(format!("HTTP status {} is not {}", obs.status, want.join(" or ")))
        }
        Condition::ResponseTimeBelow { ms } => match obs.latency_ms < *ms {
            true => Ok(()),
            false => Err(format!("response time {} ms is not below {ms} ms", obs.latency_ms)),
        },
        Condition::BodyContains { text } => {
            let found = obs.body.windows(text.len().max(1)).any(|w| w == text.as_bytes());
            if found || text.is_empty() {
                Ok(())
            } else {
                Err(format!("body does not contain {text:?}"))
            }
        }
        Condition::CertExpiresInMoreThan { days } => match &obs.cert_days_left {
            Ok(left) if left > days => Ok(()),
            Ok(left) if *left < 0 => Err(format!("TLS certificate expired {} day(s) ago", -left)),
            Ok(left) => {
                Err(format!("TLS certificate expires in {left} day(s), not more than {days}"))
            }
            Err(why) => Err(format!("cannot check the certificate expiry: {why}")),
        },
        Condition::JsonPath { path, op, value } => {
            let json = obs.json.as_ref().map_err(|why| {
                format!("cannot evaluate {path} {} {}: {why}", op.symbol(), show(value))
            })?;
            let found = lookup(json, path)
                .ok_or_else(|| format!("{path} is missing from the JSON body"))?;
            compare(path, found, *op, value)
        }
    }
}

fn show(value: &Expected) -> String {
    match value {
        Expected::Bool(b) => b.to_string(),
        Expected::Number(n) => n.to_string(),
        Expected::String(s) => format!("{s:?}"),
    }
}

fn compare(path: &str, found: &Value, op: CompareOp, want: &Expected) -> Result<(), String> {
    let sym = op.symbol();
    let ord = match (found, want) {
        (Value::String(s), Expected::String(w)) => s.as_str().cmp(w.as_str()),
        (Value::Number(n), Expected::Number(w)) => {
            let n = n.as_f64().unwrap_or(f64::NAN);
            n.partial_cmp(w).ok_or_else(|| format!("{path} ({n}) cannot be compared to {w}"))?
        }
        (Value::Bool(b), Expected::Bool(w)) => {
            if !matches!(op, CompareOp::Eq | CompareOp::Ne) {
                return Err(format!("{path} is a boolean: only == and != apply, not {sym}"));
            }
            b.cmp(w)
        }
        _ => {
            return Err(format!(
                "{path} is {} ({found}), expected {} for {sym} {}",
                kind(found),
                expected_kind(want),
                show(want)
            ));
        }
    };
    if op.holds(ord) {
        Ok(())
    } else {
        Err(format!("{path} is {found}, expected {sym} {}", show(want)))
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn expected_kind(v: &Expected) -> &'static str {
    match v {
        Expected::Bool(_) => "a boolean",
        Expected::Number(_) => "a number",
        Expected::String(_) => "a string",
    }
}

/// Follows a dot path with optional `[index]` parts (`a.b[0].c`, also `a.b.0.c`).
pub fn lookup<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    let mut current = root;
    for segment in path.split('.').filter(|s| !s.is_empty()) {
        let (name, indexes) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if !name.is_empty() {
            current = match current {
                Value::Object(map) => map.get(name)?,
                Value::Array(items) => items.get(name.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        for index in indexes.split('[').filter(|s| !s.is_empty()) {
            let index: usize = index.strip_suffix(']')?.parse().ok()?;
            current = current.as_array()?.get(index)?;
        }
    }
    Some(current)
}
