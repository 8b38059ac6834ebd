//! Prometheus HTTP API: pending and firing alerts (`/api/v1/alerts`), rule groups with each
//! rule's health and last error (`/api/v1/rules`), and readiness (`/-/ready`). The
//! `{status, data, errorType, error}` envelope is unwrapped here. Every call is bounded by the
//! server's [`Limits`] (one deadline over all attempts).

use crate::bounded::{Answer, Limits, fetch, policy_within, within};
use crate::retry::parse;
use crate::{FeedsError, Result, endpoint};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One Prometheus server.
#[derive(Debug, Clone)]
pub struct Prometheus {
    pub name: String,
    pub base: reqwest::Url,
    pub client: reqwest::Client,
    /// Timeout and body cap of every call.
    pub limits: Limits,
}

/// An alert as Prometheus sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PromAlert {
    #[cfg_attr(feature = "ts", ts(type = "Record<string, string>"))]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "Record<string, string>"))]
    pub annotations: BTreeMap<String, String>,
    /// `pending` or `firing`.
    pub state: String,
    #[serde(default)]
    pub active_at: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
}

/// A rule group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RuleGroup {
    pub name: String,
    pub file: String,
    pub rules: Vec<Rule>,
}

/// A recording or alerting rule with its health.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub name: String,
    /// `alerting` or `recording`.
    #[serde(rename = "type")]
    pub kind: String,
    pub query: String,
    /// `ok`, `err` or `unknown`.
    pub health: String,
    #[serde(default)]
    pub last_error: Option<String>,
    /// Alerting rules: `inactive`, `pending` or `firing`.
    #[serde(default)]
    pub state: Option<String>,
}

/// Whether the server is ready to serve queries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    pub ready: bool,
    pub detail: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<T> {
    status: String,
    data: Option<T>,
    error_type: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct AlertsData {
    alerts: Vec<PromAlert>,
}

#[derive(Deserialize)]
struct RulesData {
    groups: Vec<RuleGroup>,
}

impl Prometheus {
    pub fn new(name: &str, base: &str, client: reqwest::Client) -> Result<Self> {
        let base = crate::parse_base_url(&format!("Prometheus {name}"), base)?;
        Ok(Self { name: name.to_owned(), base, client, limits: Limits::default() })
    }

    /// The same server with other limits.
    pub fn with_limits(self, limits: Limits) -> Self {
        Self { limits, ..self }
    }

    pub(crate) fn source(&self) -> String {
        format!("Prometheus {}", self.name)
    }

    /// `GET path` within the limits, `attempts` tries at most.
    async fn get(&self, path: &str, attempts: u32) -> Result<Answer> {
        self.get_url(endpoint(&self.base, path), attempts).await
    }

    /// `GET url` within the limits, `attempts` tries at most.
    async fn get_url(&self, url: reqwest::Url, attempts: u32) -> Result<Answer> {
        let source = self.source();
        let policy = policy_within(self.limits, attempts);
        let make = || self.client.get(url.clone());
        within(&source, self.limits.timeout, fetch(&source, self.limits, policy, make)).await
    }

    async fn api<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.api_url(endpoint(&self.base, path)).await
    }

    /// An API call to `url` (a path under the base, with its query string), unwrapped.
    pub(crate) async fn api_url<T: serde::de::DeserializeOwned>(
        &self,
        url: reqwest::Url,
    ) -> Result<T> {
        let answer = self.get_url(url, 2).await?;
        let (status, body) = (answer.status, answer.text());
        // Errors come in the same envelope, with an HTTP error status.
        let envelope: Envelope<T> = match parse(&self.source(), &body) {
            Ok(envelope) => envelope,
            Err(_) if status >= 300 => {
                return Err(FeedsError::status(&self.source(), status, &body));
            }
            Err(e) => return Err(e),
        };
        match (envelope.status.as_str(), envelope.data) {
            ("success", Some(data)) => Ok(data),
            _ => Err(FeedsError::status(
                &self.source(),
                status,
                &format!(
                    "{}: {}",
                    envelope.error_type.unwrap_or_default(),
                    envelope.error.unwrap_or_default()
                ),
            )),
        }
    }

    /// Pending and firing alerts.
    pub async fn alerts(&self) -> Result<Vec<PromAlert>> {
        Ok(self.api::<AlertsData>("api/v1/alerts").await?.alerts)
    }

    /// Rule groups with health and last error.
    pub async fn rules(&self) -> Result<Vec<RuleGroup>> {
        Ok(self.api::<RulesData>("api/v1/rules").await?.groups)
    }

    /// `GET /-/ready`: 200 when ready, 503 while starting or stopping. Unreachable is an error.
    pub async fn ready(&self) -> Result<Readiness> {
        let answer = self.get("-/ready", 1).await?;
        let status = answer.status;
        let stopping = answer
            .headers
            .get("X-Prometheus-Stopping")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = answer.text();
        let detail = match (status, stopping.as_deref()) {
            (200, _) => body.trim().to_owned(),
            (_, Some("true")) => format!("HTTP {status}: stopping"),
            _ => format!("HTTP {status}: {}", crate::truncate(body.trim(), 200)),
        };
        Ok(Readiness { ready: status == 200, detail })
    }
}
