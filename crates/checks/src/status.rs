//! An item's verdict and what it rests on: [`Status`] (pass, fail, warn, unknown with its reason,
//! attested by a person, not applicable), [`Evidence`] (what was sent and seen, trimmed and never
//! a secret) and [`Finding`] (one probe's word on one item; an item's findings combine, the worst
//! wins).

use serde::{Deserialize, Serialize};

/// The longest evidence text kept; longer values are cut with an ellipsis.
pub const EVIDENCE_MAX: usize = 200;

/// A person's word for an item Rampart cannot prove.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "CheckAttestation"))]
pub struct Attestation {
    pub note: String,
    pub by: String,
    /// RFC 3339 date and time of the attestation.
    pub date: String,
    /// RFC 3339 date and time after which it no longer counts.
    pub expires: Option<String>,
}

/// An item's verdict. Serialized with the tag `status`, so an item's JSON reads
/// `"status": "unknown", "reason": "..."`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "status", rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "CheckVerdict"))]
pub enum Status {
    Pass,
    Fail,
    Warn,
    /// Could not be checked; the reason says why and what would let Rampart check it.
    Unknown {
        reason: String,
    },
    /// A person attests it (Rampart could not prove it).
    Attested(Attestation),
    /// Does not apply to this target.
    Na,
}

impl Status {
    /// The status's name as in the JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::Unknown { .. } => "unknown",
            Status::Attested(_) => "attested",
            Status::Na => "na",
        }
    }

    /// How bad it is when findings combine: fail > warn > unknown > pass > attested > na.
    pub fn severity(&self) -> u8 {
        match self {
            Status::Fail => 5,
            Status::Warn => 4,
            Status::Unknown { .. } => 3,
            Status::Pass => 2,
            Status::Attested(_) => 1,
            Status::Na => 0,
        }
    }

    pub fn unknown(reason: impl Into<String>) -> Status {
        Status::Unknown { reason: reason.into() }
    }
}

/// What a verdict rests on: a request and its answer, a header, a file and line, a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "CheckEvidence"))]
pub struct Evidence {
    /// `request`, `header`, `file`, `record` or `note`.
    pub kind: String,
    /// The trimmed text (never a secret).
    pub text: String,
    /// For `file`: the path relative to the repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub line: Option<usize>,
}

impl Evidence {
    fn new(kind: &str, text: impl AsRef<str>) -> Self {
        Self { kind: kind.into(), text: trim(text.as_ref()), file: None, line: None }
    }
    /// A request and the status line it got, e.g. `GET https://x/ -> 200`.
    pub fn request(text: impl AsRef<str>) -> Self {
        Self::new("request", text)
    }
    /// A response header, `name: value`.
    pub fn header(name: &str, value: &str) -> Self {
        Self::new("header", format!("{name}: {value}"))
    }
    /// A place in the repository.
    pub fn file(path: &str, line: Option<usize>, text: impl AsRef<str>) -> Self {
        Self { file: Some(path.into()), line, ..Self::new("file", text) }
    }
    /// A record of Rampart's own (a backup run, a drill, a source, a vault credential's age).
    pub fn record(text: impl AsRef<str>) -> Self {
        Self::new("record", text)
    }
    /// A free note.
    pub fn note(text: impl AsRef<str>) -> Self {
        Self::new("note", text)
    }
}

/// `text` on one line, cut to [`EVIDENCE_MAX`] characters.
pub fn trim(text: &str) -> String {
    let one_line: String =
        text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>();
    let one_line = one_line.trim();
    if one_line.chars().count() <= EVIDENCE_MAX {
        return one_line.to_owned();
    }
    let mut cut: String = one_line.chars().take(EVIDENCE_MAX).collect();
    cut.push('…');
    cut
}

/// One probe's word on one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub item: &'static str,
    pub status: Status,
    pub summary: String,
    pub evidence: Vec<Evidence>,
}

impl Finding {
    pub fn new(item: &'static str, status: Status, summary: impl Into<String>) -> Self {
        Self { item, status, summary: summary.into(), evidence: Vec::new() }
    }
    pub fn with(mut self, evidence: Evidence) -> Self {
        self.evidence.push(evidence);
        self
    }
    pub fn with_all(mut self, evidence: impl IntoIterator<Item = Evidence>) -> Self {
        self.evidence.extend(evidence);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_serialize_with_a_status_tag() {
        let u = serde_json::to_value(Status::unknown("timed out after 5 s")).unwrap();
        assert_eq!(u, serde_json::json!({"status": "unknown", "reason": "timed out after 5 s"}));
        assert_eq!(
            serde_json::to_value(Status::Pass).unwrap(),
            serde_json::json!({"status": "pass"})
        );
        let a = Status::Attested(Attestation {
            note: "LUKS on the volume".into(),
            by: "ana".into(),
            date: "2026-01-01T00:00:00Z".into(),
            expires: None,
        });
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["status"], "attested");
        assert_eq!(v["by"], "ana");
        assert_eq!(serde_json::from_value::<Status>(v).unwrap(), a);
    }

    #[test]
    fn evidence_is_one_trimmed_line() {
        let long = "x".repeat(1000);
        let e = Evidence::header("server", &format!("a\r\nb {long}"));
        assert!(!e.text.contains('\n'));
        assert_eq!(e.text.chars().count(), EVIDENCE_MAX + 1);
        assert!(e.text.ends_with('…'));
    }
}
