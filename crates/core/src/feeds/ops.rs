//! Feed operations split for the desktop shell, which must not hold the app's lock across network
//! waits: a synchronous part under the lock (read configuration, audit) and an async part over a
//! detached [`FeedsSnapshot`]. Also the service detail view (latest health fields, uptime,
//! response-time series, recent checks) and the service input the UI sends.

use super::{
    CheckResult, Condition, FeedsSnapshot, Service, ServiceView, Silence, SilenceCreated,
    SourceError, feed_error,
};
use crate::{AuditAction, CoreError, Rampart, Result};
use rampart_feeds::SecretString;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A service as the UI adds it; `conditions: null` means the defaults (HTTP 200 and
/// `status == "ok"`).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ServiceInput {
    pub name: String,
    #[serde(default)]
    pub environment: String,
    pub url: String,
    /// Milliseconds.
    pub interval: u64,
    /// Milliseconds.
    pub timeout: u64,
    pub conditions: Option<Vec<Condition>>,
}

impl From<ServiceInput> for Service {
    fn from(i: ServiceInput) -> Self {
        Service {
            environment: i.environment,
            interval: Duration::from_millis(i.interval),
            timeout: Duration::from_millis(i.timeout),
            conditions: i.conditions.unwrap_or_else(Condition::defaults),
            ..Service::new(i.name, i.url)
        }
    }
}

/// One point of a response-time chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LatencyPoint {
    pub at_ms: i64,
    pub mean_ms: f64,
}

/// One stored check.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RecentCheck {
    pub at_ms: i64,
    pub up: bool,
    pub latency_ms: i64,
    pub http_status: Option<i64>,
    pub reasons: Vec<String>,
}

/// The service page: the view (last check with its health fields, uptime 24h/7d/30d/90d), a
/// response-time series and the newest checks.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ServiceDetail {
    pub service: ServiceView,
    pub latency: Vec<LatencyPoint>,
    pub step_ms: i64,
    pub recent: Vec<RecentCheck>,
}

/// A silence and the Alertmanager that holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SilenceView {
    pub alertmanager: String,
    #[serde(flatten)]
    pub silence: Silence,
}

/// Silences from every Alertmanager.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SilencesReport {
    pub silences: Vec<SilenceView>,
    pub errors: Vec<SourceError>,
}

/// A Slack message ready to post (holds the webhook URL; never printed).
pub struct PreparedSlack {
    client: rampart_feeds::reqwest::Client,
    webhook: SecretString,
    message: super::SlackMessage,
}

impl PreparedSlack {
    /// Posts it once (with the usual retries); Slack's error string comes back verbatim.
    pub async fn post(&self) -> Result<()> {
        let policy = rampart_feeds::RetryPolicy::default();
        rampart_feeds::slack::post(&self.client, &self.webhook, &self.message, policy)
            .await
            .map_err(feed_error)
    }
}

/// Chart resolution for a window of `hours`.
fn step_for(hours: i64) -> i64 {
    match hours {
        ..=6 => 60_000,
        7..=48 => 300_000,
        49..=336 => 3_600_000,
        _ => 86_400_000,
    }
}

impl Rampart {
    /// The service page for the last `hours` (1 h to 90 days).
    pub fn service_detail(&self, name: &str, hours: i64) -> Result<ServiceDetail> {
        let hours = hours.clamp(1, 90 * 24);
        let service = self.service_view(name)?;
        let step_ms = step_for(hours);
        let since = self.now_ms() - hours * 3_600_000;
        let latency = self
            .service_latency(name, since, step_ms)?
            .into_iter()
            .map(|(at_ms, mean_ms)| LatencyPoint { at_ms, mean_ms })
            .collect();
        let recent = self
            .store
            .recent_checks(name, 50)?
            .into_iter()
            .map(|r| RecentCheck {
                at_ms: r.at_ms,
                up: r.up,
                latency_ms: r.latency_ms,
                http_status: r.http_status,
                reasons: serde_json::from_str(&r.reasons).unwrap_or_default(),
            })
            .collect();
        Ok(ServiceDetail { service, latency, step_ms, recent })
    }

    /// The latest stored result of every service (the monitor starts from these).
    pub fn last_results(&self) -> Result<Vec<CheckResult>> {
        Ok(self
            .store
            .list_services()?
            .into_iter()
            .filter_map(|r| r.last_result.and_then(|j| serde_json::from_str(&j).ok()))
            .collect())
    }

    /// Only the Alertmanagers (no keychain access): enough to silence and list silences.
    pub fn alert_snapshot(&self) -> Result<FeedsSnapshot> {
        Ok(FeedsSnapshot {
            client: self.http()?,
            services: Vec::new(),
            alertmanagers: self.alertmanager_sources()?,
            prometheus: Vec::new(),
            sentry: Vec::new(),
        })
    }

    /// Audits silences created through Rampart (`add silence:AM/ID`).
    pub fn audit_silences(&self, created: &[SilenceCreated]) -> Result<()> {
        for c in created {
            self.audit(AuditAction::Add, &format!("silence:{}/{}", c.alertmanager, c.silence_id))?;
        }
        Ok(())
    }

    /// Audits an expired silence (`delete silence:AM/ID`).
    pub fn audit_silence_expired(&self, alertmanager: &str, id: &str) -> Result<()> {
        self.audit(AuditAction::Delete, &format!("silence:{alertmanager}/{id}"))
    }

    /// A test message for the configured Slack webhook.
    pub fn slack_test_message(&self) -> Result<PreparedSlack> {
        let credential = self.feeds_settings()?.slack_webhook_from.ok_or_else(|| {
            CoreError::InvalidInput(
                "no Slack webhook is configured: `rampart slack set --webhook-from VAULT_NAME`"
                    .into(),
            )
        })?;
        let message = super::SlackMessage {
            level: super::Level::Info,
            title: "Rampart test message".into(),
            text: "Slack notifications from Rampart reach this channel.".into(),
            fields: Vec::new(),
            at: self.now(),
        };
        Ok(PreparedSlack {
            client: self.http()?,
            webhook: self.slack_webhook(&credential)?,
            message,
        })
    }

    /// The webhook URL kept in the vault as `credential`.
    /// The webhook URL from the vault, refused unless it is https (or http to loopback): the
    /// URL is the credential. The error names the vault item, never the URL.
    pub(crate) fn slack_webhook(&self, credential: &str) -> Result<SecretString> {
        let view = self.vault_find(credential)?;
        let url = self.keychain.get(&format!("credential:{}", view.id))?;
        let what = format!("the Slack webhook in vault item {:?}", view.name);
        let parsed = rampart_feeds::reqwest::Url::parse(url.expose().trim()).map_err(|_| {
            CoreError::InvalidInput(format!(
                "{what} is not a URL: store the https:// URL Slack gave you"
            ))
        })?;
        rampart_feeds::require_https_for_credentials(&what, &parsed).map_err(feed_error)?;
        Ok(url)
    }
}

/// Expires silence `id` on the Alertmanager named `alertmanager`.
pub async fn expire_on(snapshot: &FeedsSnapshot, alertmanager: &str, id: &str) -> Result<()> {
    let am =
        snapshot.alertmanagers.iter().find(|a| a.name == alertmanager).ok_or_else(|| {
            CoreError::NotFound(format!("no Alertmanager named {alertmanager:?}"))
        })?;
    am.expire_silence(id).await.map_err(feed_error)
}

/// Every silence of every Alertmanager (active first, then pending, then expired).
pub async fn silences_on(snapshot: &FeedsSnapshot) -> SilencesReport {
    let mut report = SilencesReport { silences: Vec::new(), errors: Vec::new() };
    for am in &snapshot.alertmanagers {
        match am.silences().await {
            Ok(list) => report.silences.extend(
                list.into_iter().map(|s| SilenceView { alertmanager: am.name.clone(), silence: s }),
            ),
            Err(e) => report.errors.push(SourceError {
                source: format!("Alertmanager {}", am.name),
                message: e.to_string(),
                retryable: e.retryable(),
            }),
        }
    }
    let rank = |s: &SilenceView| match s.silence.status.state.as_str() {
        "active" => 0,
        "pending" => 1,
        _ => 2,
    };
    report.silences.sort_by(|a, b| {
        rank(a).cmp(&rank(b)).then_with(|| b.silence.ends_at.cmp(&a.silence.ends_at))
    });
    report
}

/// Who a silence is recorded as: `given` when not blank, else `$USER`, else `rampart`.
pub fn author(given: Option<&str>) -> String {
    given
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "rampart".into())
}
