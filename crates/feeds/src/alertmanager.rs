//! Alertmanager API v2: alerts from one or more Alertmanagers merged and de-duplicated by
//! fingerprint ([`merge`]), grouped by alertname/severity/service ([`group`]); silences listed,
//! created (acknowledge = a silence built from the alert's labels, [`silence_for`]) and expired.
//! Every call is bounded by the Alertmanager's [`Limits`] (one deadline over all attempts).

use crate::bounded::{Limits, fetch, policy_within, within};
use crate::retry::parse;
use crate::{FeedsError, Result, endpoint, rfc3339};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub type Labels = BTreeMap<String, String>;

/// One Alertmanager.
#[derive(Debug, Clone)]
pub struct Alertmanager {
    pub name: String,
    pub base: reqwest::Url,
    pub client: reqwest::Client,
    /// Timeout and body cap of every call.
    pub limits: Limits,
}

/// `gettableAlert`, the fields Rampart uses (unknown fields are ignored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AmAlert {
    pub fingerprint: String,
    #[cfg_attr(feature = "ts", ts(type = "Record<string, string>"))]
    pub labels: Labels,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "Record<string, string>"))]
    pub annotations: Labels,
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: Option<String>,
    #[serde(rename = "generatorURL", default)]
    pub generator_url: Option<String>,
    pub status: AlertStatus,
}

/// `alertStatus`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AlertStatus {
    /// `active`, `suppressed` or `unprocessed`.
    pub state: String,
    #[serde(default)]
    pub silenced_by: Vec<String>,
    #[serde(default)]
    pub inhibited_by: Vec<String>,
}

/// An alert seen by one or more Alertmanagers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    #[serde(flatten)]
    pub alert: AmAlert,
    /// The Alertmanagers that reported it.
    pub sources: Vec<String>,
}

impl Alert {
    pub fn alertname(&self) -> &str {
        self.alert.labels.get("alertname").map_or("", String::as_str)
    }
}

/// Alerts sharing alertname, severity and service.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AlertGroup {
    pub alertname: String,
    pub severity: String,
    pub service: String,
    pub alerts: Vec<Alert>,
}

/// A silence matcher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Matcher {
    pub name: String,
    pub value: String,
    pub is_regex: bool,
    #[serde(default = "yes")]
    pub is_equal: bool,
}

fn yes() -> bool {
    true
}

/// `postableSilence` (without `id`: always a new silence).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewSilence {
    pub matchers: Vec<Matcher>,
    pub starts_at: String,
    pub ends_at: String,
    pub created_by: String,
    pub comment: String,
}

/// `gettableSilence`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Silence {
    pub id: String,
    pub matchers: Vec<Matcher>,
    pub starts_at: String,
    pub ends_at: String,
    pub created_by: String,
    pub comment: String,
    pub status: SilenceState,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SilenceState {
    /// `active`, `pending` or `expired`.
    pub state: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Created {
    #[serde(rename = "silenceID")]
    silence_id: String,
}

impl Alertmanager {
    pub fn new(name: &str, base: &str, client: reqwest::Client) -> Result<Self> {
        let base = crate::parse_base_url(&format!("Alertmanager {name}"), base)?;
        Ok(Self { name: name.to_owned(), base, client, limits: Limits::default() })
    }

    /// The same Alertmanager with other limits.
    pub fn with_limits(self, limits: Limits) -> Self {
        Self { limits, ..self }
    }

    fn source(&self) -> String {
        format!("Alertmanager {}", self.name)
    }

    /// One call within the limits, `attempts` tries at most; the body of a 2xx answer.
    async fn call(
        &self,
        attempts: u32,
        make: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<String> {
        let source = self.source();
        let policy = policy_within(self.limits, attempts);
        let answer =
            within(&source, self.limits.timeout, fetch(&source, self.limits, policy, make)).await?;
        answer.text_or_error(&source)
    }

    async fn get(&self, path: &str) -> Result<String> {
        let url = endpoint(&self.base, path);
        self.call(2, || self.client.get(url.clone())).await
    }

    /// Every alert (active, silenced, inhibited).
    pub async fn alerts(&self) -> Result<Vec<AmAlert>> {
        parse(&self.source(), &self.get("api/v2/alerts").await?)
    }

    /// Every silence (active, pending and expired).
    pub async fn silences(&self) -> Result<Vec<Silence>> {
        parse(&self.source(), &self.get("api/v2/silences").await?)
    }

    /// Creates a silence; returns its id.
    pub async fn create_silence(&self, silence: &NewSilence) -> Result<String> {
        let url = endpoint(&self.base, "api/v2/silences");
        // Not retried: a POST that timed out may still have created the silence.
        let body = self.call(1, || self.client.post(url.clone()).json(silence)).await?;
        Ok(parse::<Created>(&self.source(), &body)?.silence_id)
    }

    /// Expires a silence now.
    pub async fn expire_silence(&self, id: &str) -> Result<()> {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(FeedsError::InvalidInput(format!("{id:?} is not a silence id")));
        }
        let url = endpoint(&self.base, &format!("api/v2/silence/{id}"));
        self.call(1, || self.client.delete(url.clone())).await.map(drop)
    }
}

/// Merges per-Alertmanager lists into one, de-duplicated by fingerprint (HA pairs report the
/// same alert twice). An alert is active if any source says so; silences and inhibitions are
/// the union; the earliest start wins.
pub fn merge(per_source: Vec<(String, Vec<AmAlert>)>) -> Vec<Alert> {
    let mut merged: BTreeMap<String, Alert> = BTreeMap::new();
    for (source, alerts) in per_source {
        for alert in alerts {
            match merged.get_mut(&alert.fingerprint) {
                None => {
                    let key = alert.fingerprint.clone();
                    merged.insert(key, Alert { alert, sources: vec![source.clone()] });
                }
                Some(seen) => {
                    if !seen.sources.contains(&source) {
                        seen.sources.push(source.clone());
                    }
                    let s = &mut seen.alert.status;
                    if alert.status.state == "active" {
                        s.state = "active".into();
                    }
                    for id in alert.status.silenced_by {
                        if !s.silenced_by.contains(&id) {
                            s.silenced_by.push(id);
                        }
                    }
                    for id in alert.status.inhibited_by {
                        if !s.inhibited_by.contains(&id) {
                            s.inhibited_by.push(id);
                        }
                    }
                    if alert.starts_at < seen.alert.starts_at {
                        seen.alert.starts_at = alert.starts_at;
                    }
                }
            }
        }
    }
    merged.into_values().collect()
}

fn severity_rank(severity: &str) -> u8 {
    match severity {
        "critical" | "page" => 0,
        "error" => 1,
        "warning" => 2,
        "info" => 3,
        _ => 4,
    }
}

/// Groups alerts by (alertname, severity, service), most severe first.
pub fn group(alerts: Vec<Alert>) -> Vec<AlertGroup> {
    let mut groups: BTreeMap<(u8, String, String, String), Vec<Alert>> = BTreeMap::new();
    for alert in alerts {
        let label = |k: &str| alert.alert.labels.get(k).cloned().unwrap_or_default();
        let (severity, service) = (label("severity"), label("service"));
        let key = (severity_rank(&severity), alert.alertname().to_owned(), severity, service);
        groups.entry(key).or_default().push(alert);
    }
    groups
        .into_iter()
        .map(|((_, alertname, severity, service), alerts)| AlertGroup {
            alertname,
            severity,
            service,
            alerts,
        })
        .collect()
}

/// An acknowledgement: a silence from `now` for `duration_secs` matching the labels every one
/// of `alerts` shares (all labels for a single alert).
pub fn silence_for(
    alerts: &[&Alert],
    now_unix: i64,
    duration_secs: i64,
    created_by: &str,
    comment: &str,
) -> Result<NewSilence> {
    let (first, rest) = alerts
        .split_first()
        .ok_or_else(|| FeedsError::InvalidInput("no alert to silence".into()))?;
    let matchers: Vec<Matcher> = first
        .alert
        .labels
        .iter()
        .filter(|(k, v)| rest.iter().all(|a| a.alert.labels.get(*k) == Some(*v)))
        .map(|(k, v)| Matcher {
            name: k.clone(),
            value: v.clone(),
            is_regex: false,
            is_equal: true,
        })
        .collect();
    if matchers.is_empty() {
        return Err(FeedsError::InvalidInput("these alerts share no label to silence on".into()));
    }
    if duration_secs <= 0 {
        return Err(FeedsError::InvalidInput("a silence must last longer than 0 s".into()));
    }
    if comment.trim().is_empty() {
        return Err(FeedsError::InvalidInput("a silence needs a comment".into()));
    }
    Ok(NewSilence {
        matchers,
        starts_at: rfc3339(now_unix),
        ends_at: rfc3339(now_unix + duration_secs),
        created_by: created_by.to_owned(),
        comment: comment.to_owned(),
    })
}
