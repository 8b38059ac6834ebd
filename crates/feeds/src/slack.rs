//! Slack incoming webhooks. [`SlackMessage`] renders the guide's shape (one attachment whose
//! colour follows the level: error #FF0000, warning #FFA500, info #0099FF). [`SlackSender`] is a
//! queue in front of one webhook: `send` never blocks; a worker task posts at most one message
//! per `min_interval`, honours 429 `Retry-After`, retries 5xx and transport failures with backoff
//! a bounded number of times, and reports each outcome on a channel. Slack's error strings
//! (`invalid_payload`, `no_service`, `channel_is_archived`, ...) come back verbatim; the webhook
//! URL (a secret) never appears in an error or a log line. Each attempt is bounded by
//! [`SlackConfig::limits`]; the queue's pacing and `Retry-After` waits are not.

use crate::bounded::{Limits, fetch};
use crate::retry::RetryPolicy;
use crate::{FeedsError, Result, SecretString};
use serde::Serialize;
use std::time::Duration;
use tokio::sync::mpsc;

const SOURCE: &str = "Slack webhook";

/// How loud a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Level {
    Error,
    Warning,
    Info,
}

impl Level {
    pub fn color(self) -> &'static str {
        match self {
            Self::Error => "#FF0000",
            Self::Warning => "#FFA500",
            Self::Info => "#0099FF",
        }
    }
}

/// A notification.
#[derive(Debug, Clone, PartialEq)]
pub struct SlackMessage {
    pub level: Level,
    pub title: String,
    pub text: String,
    /// Short `title: value` pairs shown side by side.
    pub fields: Vec<(String, String)>,
    /// Unix seconds shown as the attachment's time.
    pub at: i64,
}

impl SlackMessage {
    /// The webhook payload.
    pub fn payload(&self) -> serde_json::Value {
        let fields: Vec<_> = self
            .fields
            .iter()
            .map(|(t, v)| serde_json::json!({"title": t, "value": v, "short": true}))
            .collect();
        serde_json::json!({
            "text": self.title,
            "attachments": [{
                "color": self.level.color(),
                "fallback": format!("{}: {}", self.title, self.text),
                "title": self.title,
                "text": self.text,
                "fields": fields,
                "footer": "Rampart",
                "ts": self.at,
            }]
        })
    }
}

/// Largest answer read from Slack (it answers `ok` or a short error string).
pub const BODY_CAP: usize = 64 * 1024;

/// Posts one message, with retries per `policy`, each attempt within the default timeout.
/// 200 + `ok` is success; anything else is an error carrying Slack's own error string.
pub async fn post(
    client: &reqwest::Client,
    webhook: &SecretString,
    message: &SlackMessage,
    policy: RetryPolicy,
) -> Result<()> {
    post_within(client, webhook, message, policy, SlackConfig::default().limits).await
}

/// [`post`] with each attempt within `limits`.
pub async fn post_within(
    client: &reqwest::Client,
    webhook: &SecretString,
    message: &SlackMessage,
    policy: RetryPolicy,
    limits: Limits,
) -> Result<()> {
    let url = reqwest::Url::parse(webhook.expose())
        .map_err(|_| FeedsError::InvalidInput("the Slack webhook URL is not a URL".into()))?;
    let payload = message.payload();
    let answer = fetch(SOURCE, limits, policy, || client.post(url.clone()).json(&payload)).await?;
    let (status, body) = (answer.status, answer.text());
    if status == 200 && body.trim() == "ok" {
        return Ok(());
    }
    Err(FeedsError::status(SOURCE, status, &body))
}

/// How the sender paces and retries.
#[derive(Debug, Clone, Copy)]
pub struct SlackConfig {
    /// At least this long between two posts to the webhook (Slack: 1 message per second).
    pub min_interval: Duration,
    pub retry: RetryPolicy,
    /// Messages waiting at most; `send` fails beyond that rather than block.
    pub queue: usize,
    /// Timeout and body cap of each attempt.
    pub limits: Limits,
}

impl Default for SlackConfig {
    fn default() -> Self {
        Self {
            min_interval: Duration::from_secs(1),
            retry: RetryPolicy::default(),
            queue: 256,
            limits: Limits { body_cap: BODY_CAP, ..Limits::default() },
        }
    }
}

/// What happened to one queued message.
#[derive(Debug)]
pub struct Delivery {
    /// The number `send` returned.
    pub id: u64,
    pub result: Result<()>,
}

/// The sending side of a webhook's queue. Cheap to clone.
#[derive(Clone)]
pub struct SlackSender {
    queue: mpsc::Sender<(u64, SlackMessage)>,
    next_id: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl SlackSender {
    /// Starts the worker on the current tokio runtime. Outcomes arrive on the returned receiver
    /// (dropping it is fine: failures are then only logged).
    pub fn spawn(
        client: reqwest::Client,
        webhook: SecretString,
        config: SlackConfig,
    ) -> (Self, mpsc::Receiver<Delivery>) {
        let (queue, mut pending) = mpsc::channel::<(u64, SlackMessage)>(config.queue.max(1));
        let (report, deliveries) = mpsc::channel(config.queue.max(1));
        tokio::spawn(async move {
            let mut last_post: Option<tokio::time::Instant> = None;
            while let Some((id, message)) = pending.recv().await {
                if let Some(last) = last_post {
                    tokio::time::sleep_until(last + config.min_interval).await;
                }
                let result =
                    post_within(&client, &webhook, &message, config.retry, config.limits).await;
                last_post = Some(tokio::time::Instant::now());
                if let Err(e) = &result {
                    tracing::warn!(id, error = %e, "Slack message not delivered");
                }
                let _ = report.try_send(Delivery { id, result });
            }
        });
        (Self { queue, next_id: Default::default() }, deliveries)
    }

    /// Queues a message without waiting; returns its id (see [`Delivery::id`]).
    pub fn send(&self, message: SlackMessage) -> Result<u64> {
        let id = self.next_id.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.queue.try_send((id, message)).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => {
                FeedsError::QueueFull("the Slack queue is full; the message was dropped".into())
            }
            mpsc::error::TrySendError::Closed(_) => {
                FeedsError::QueueFull("the Slack sender has stopped".into())
            }
        })?;
        Ok(id)
    }
}
