//! The feeds monitor a long-running front end (the desktop app) hosts: the health [`Scheduler`]
//! over the configured services with one shared HTTP client, every result stored through
//! [`Rampart::record_check`], Alertmanager/Prometheus polled every 30 s and Sentry every 2 min on
//! their own tasks, check history compacted hourly, and the latest picture kept in memory
//! ([`Monitor`]). Every alerts poll lands in the alert history
//! ([`Rampart::record_alert_history`]). State changes and newly firing alerts go through the notification rules
//! ([`super::notify::decide`]) to the desktop and to Slack. One failing source never stops the
//! others: its error shows in the overview. The host supplies access to the app and a sink for
//! events ([`MonitorHost`]); it never waits on the network.

use super::monitor::MonitorState;
use super::notify::{FeedEvent, FeedsSettings, Severity, decide};
use super::{AlertsReport, FeedsOverview, FeedsSnapshot, FeedsSummary, FiringAlert, SentryView};
use super::{CheckResult, SourceError, StateChange, report};
use crate::{Rampart, Result};
use rampart_feeds::health::{HealthEvent, Scheduler, scheduler::SchedulerHandle};
use rampart_feeds::slack::{SlackConfig, SlackSender};
use rampart_feeds::tokio::{self, sync::mpsc};
use serde::Serialize;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// What the monitor needs from the program hosting it.
pub trait MonitorHost: Send + Sync + 'static {
    /// Runs `f` with the open app (called on the blocking pool). Monitoring goes on while the
    /// app is locked: it stores check results and reads feed tokens, never shows a secret.
    fn with_app<T>(&self, f: impl FnOnce(&Rampart) -> Result<T>) -> Result<T>;
    /// Delivers an event (to the UI, the tray, the notification centre).
    fn emit(&self, event: MonitorEvent);
}

/// What the monitor tells its host.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum MonitorEvent {
    /// The picture changed (at most once per second).
    Changed(FeedsSummary),
    /// A service went down or recovered.
    ServiceChanged(StateChange),
    /// An alert started firing.
    AlertFiring(FiringAlert),
    /// The rules say: show a desktop notification.
    Notify { title: String, body: String, severity: Severity },
}

/// Polling periods.
#[derive(Debug, Clone, Copy)]
pub struct MonitorOptions {
    pub alerts_every: Duration,
    pub sentry_every: Duration,
    pub compact_every: Duration,
    /// At most one `Changed` event per this period.
    pub emit_every: Duration,
    /// Sentry pages read per project and poll (100 issues a page).
    pub sentry_pages: usize,
    /// Health checks in flight at once.
    pub concurrency: usize,
}

impl Default for MonitorOptions {
    fn default() -> Self {
        Self {
            alerts_every: Duration::from_secs(30),
            sentry_every: Duration::from_secs(120),
            compact_every: Duration::from_secs(3600),
            emit_every: Duration::from_secs(1),
            sentry_pages: 5,
            concurrency: 32,
        }
    }
}

enum Control {
    Reload,
    Refresh,
}

enum Poll {
    Alerts(AlertsReport),
    Sentry(super::SentryReport),
}

/// The monitor's handle: the latest picture, and reload/refresh requests.
pub struct Monitor {
    state: Mutex<MonitorState>,
    control: mpsc::UnboundedSender<Control>,
}

/// The monitor's loop; run it on the host's tokio runtime with [`MonitorRunner::run`].
pub struct MonitorRunner {
    monitor: Arc<Monitor>,
    control: mpsc::UnboundedReceiver<Control>,
    options: MonitorOptions,
}

fn now_ms() -> i64 {
    rampart_feeds::health::scheduler::now_ms()
}

/// Minutes after local midnight, for quiet hours.
pub fn local_minute() -> u16 {
    use chrono::Timelike;
    let now = chrono::Local::now();
    (now.hour() * 60 + now.minute()) as u16
}

impl Monitor {
    /// A monitor and its loop; the loop talks to the network with the app's HTTP client.
    pub fn new(options: MonitorOptions) -> (Arc<Self>, MonitorRunner) {
        let (tx, rx) = mpsc::unbounded_channel();
        let monitor = Arc::new(Self { state: Mutex::default(), control: tx });
        (monitor.clone(), MonitorRunner { monitor, control: rx, options })
    }

    fn state(&self) -> MutexGuard<'_, MonitorState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Re-reads the configuration (services, sources, settings) and restarts the scheduler.
    pub fn reload(&self) {
        let _ = self.control.send(Control::Reload);
    }

    /// Polls alerts and Sentry now (e.g. after a silence).
    pub fn refresh(&self) {
        let _ = self.control.send(Control::Refresh);
    }

    pub fn overview(&self) -> FeedsOverview {
        self.state().overview(now_ms())
    }

    pub fn summary(&self) -> FeedsSummary {
        self.state().summary(now_ms())
    }

    pub fn alerts(&self) -> AlertsReport {
        self.state().alerts()
    }

    pub fn sentry(&self) -> SentryView {
        self.state().sentry()
    }
}

/// What the loop currently runs with.
#[derive(Default)]
struct Running {
    scheduler: Option<SchedulerHandle>,
    snapshot: Option<Arc<FeedsSnapshot>>,
    settings: FeedsSettings,
    slack: Option<SlackSender>,
    alerts_busy: bool,
    sentry_busy: bool,
}

async fn blocking<H: MonitorHost, T: Send + 'static>(
    host: &Arc<H>,
    f: impl FnOnce(&Rampart) -> Result<T> + Send + 'static,
) -> Result<T> {
    let host = host.clone();
    tokio::task::spawn_blocking(move || host.with_app(f))
        .await
        .unwrap_or_else(|e| Err(crate::CoreError::Internal(format!("monitor task failed: {e}"))))
}

impl MonitorRunner {
    /// Runs until the host's runtime stops.
    pub async fn run<H: MonitorHost>(mut self, host: Arc<H>) {
        let (health_tx, mut health_rx) = mpsc::channel::<HealthEvent>(1024);
        let (poll_tx, mut poll_rx) = mpsc::channel::<Poll>(8);
        let mut run = Running::default();
        self.reload(&host, &mut run, &health_tx).await;
        let tick = |every: Duration| {
            let mut t = tokio::time::interval(every);
            t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            t
        };
        let (mut alerts_t, mut sentry_t) =
            (tick(self.options.alerts_every), tick(self.options.sentry_every));
        let (mut compact_t, mut emit_t) =
            (tick(self.options.compact_every), tick(self.options.emit_every));
        let mut dirty = true;
        loop {
            tokio::select! {
                Some(first) = health_rx.recv() => {
                    let mut batch = vec![first];
                    while batch.len() < 256 && let Ok(e) = health_rx.try_recv() {
                        batch.push(e);
                    }
                    self.record(&host, &run, batch).await;
                    dirty = true;
                }
                Some(poll) = poll_rx.recv() => {
                    self.apply_poll(&host, &mut run, poll);
                    dirty = true;
                }
                Some(control) = self.control.recv() => match control {
                    Control::Reload => {
                        self.reload(&host, &mut run, &health_tx).await;
                        self.poll_alerts(&mut run, &poll_tx);
                        self.poll_sentry(&mut run, &poll_tx);
                        dirty = true;
                    }
                    Control::Refresh => {
                        self.poll_alerts(&mut run, &poll_tx);
                        self.poll_sentry(&mut run, &poll_tx);
                    }
                },
                _ = alerts_t.tick() => self.poll_alerts(&mut run, &poll_tx),
                _ = sentry_t.tick() => self.poll_sentry(&mut run, &poll_tx),
                _ = compact_t.tick() => {
                    let days = i64::from(run.settings.raw_days);
                    match blocking(&host, move |app| app.compact_check_history(days)).await {
                        Ok(n) if n > 0 => tracing::info!(rolled_up = n, "check history compacted"),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "check history compaction failed"),
                    }
                }
                _ = emit_t.tick() => if std::mem::take(&mut dirty) {
                    host.emit(MonitorEvent::Changed(self.monitor.summary()));
                },
            }
        }
    }

    async fn reload<H: MonitorHost>(
        &self,
        host: &Arc<H>,
        run: &mut Running,
        health_tx: &mpsc::Sender<HealthEvent>,
    ) {
        let config = match blocking(host, |app| app.monitor_config()).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "feeds configuration unreadable; monitor idle");
                let error = SourceError {
                    source: "Configuration".into(),
                    retryable: e.retryable(),
                    message: e.to_string(),
                };
                self.monitor.state().set_config(Vec::new(), Vec::new(), false, vec![error]);
                return;
            }
        };
        if let Some(old) = run.scheduler.take() {
            old.stop();
        }
        let snapshot = config.snapshot;
        self.monitor.state().set_config(
            snapshot.services.clone(),
            config.last,
            !snapshot.alertmanagers.is_empty(),
            config.errors,
        );
        let mut scheduler = Scheduler::new(snapshot.client.clone(), snapshot.services.clone());
        scheduler.concurrency = self.options.concurrency;
        run.scheduler = Some(scheduler.spawn(health_tx.clone()));
        run.slack = config.slack.map(|url| {
            let (sender, mut deliveries) =
                SlackSender::spawn(snapshot.client.clone(), url, SlackConfig::default());
            let monitor = Arc::downgrade(&self.monitor);
            tokio::spawn(async move {
                while let Some(d) = deliveries.recv().await {
                    let Some(monitor) = monitor.upgrade() else { return };
                    monitor.state().set_slack_error(d.result.err().map(|e| SourceError {
                        source: "Slack webhook".into(),
                        retryable: e.retryable(),
                        message: e.to_string(),
                    }));
                }
            });
            sender
        });
        run.settings = config.settings;
        run.snapshot = Some(Arc::new(snapshot));
        tracing::info!(
            services = run.snapshot.as_ref().map_or(0, |s| s.services.len()),
            "feeds monitor (re)started"
        );
    }

    async fn record<H: MonitorHost>(&self, host: &Arc<H>, run: &Running, batch: Vec<HealthEvent>) {
        let results: Vec<CheckResult> = batch
            .into_iter()
            .filter_map(|e| match e {
                HealthEvent::Checked(r) => Some(*r),
                HealthEvent::Changed(_) => None, // the store's last status is the authority
            })
            .collect();
        let to_store = results.clone();
        let changes = blocking(host, move |app| {
            let mut changes = Vec::new();
            for r in &to_store {
                match app.record_check(r) {
                    Ok(change) => changes.extend(change),
                    Err(e) => tracing::debug!(service = %r.service, error = %e, "check not stored"),
                }
            }
            Ok(changes)
        })
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "check results not stored");
            Vec::new()
        });
        {
            let mut state = self.monitor.state();
            for r in results {
                state.apply_check(r);
            }
        }
        for change in changes {
            self.announce(host, run, FeedEvent::Service(change));
        }
    }

    fn apply_poll<H: MonitorHost>(&self, host: &Arc<H>, run: &mut Running, poll: Poll) {
        match poll {
            Poll::Alerts(report) => {
                run.alerts_busy = false;
                let seen = report.clone();
                let recorder = host.clone();
                tokio::spawn(async move {
                    match blocking(&recorder, move |app| app.record_alert_history(&seen)).await {
                        Ok(t) if !t.is_empty() => tracing::debug!(n = t.len(), "alert transitions"),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "alert history not recorded"),
                    }
                });
                let new = self.monitor.state().apply_alerts(report, now_ms());
                for alert in new {
                    self.announce(host, run, FeedEvent::Firing(alert));
                }
            }
            Poll::Sentry(report) => {
                run.sentry_busy = false;
                self.monitor.state().apply_sentry(report, now_ms());
            }
        }
    }

    fn poll_alerts(&self, run: &mut Running, tx: &mpsc::Sender<Poll>) {
        let Some(snapshot) = run.snapshot.clone() else { return };
        if run.alerts_busy || (snapshot.alertmanagers.is_empty() && snapshot.prometheus.is_empty())
        {
            return;
        }
        run.alerts_busy = true;
        let tx = tx.clone();
        tokio::spawn(async move {
            let _ = tx.send(Poll::Alerts(report::alerts(&snapshot).await)).await;
        });
    }

    fn poll_sentry(&self, run: &mut Running, tx: &mpsc::Sender<Poll>) {
        let Some(snapshot) = run.snapshot.clone() else { return };
        if run.sentry_busy || snapshot.sentry.is_empty() {
            return;
        }
        run.sentry_busy = true;
        let (tx, pages) = (tx.clone(), self.options.sentry_pages);
        tokio::spawn(async move {
            let _ = tx.send(Poll::Sentry(report::sentry(&snapshot, pages).await)).await;
        });
    }

    /// Tells the UI, then applies the notification rules for the desktop and Slack.
    fn announce<H: MonitorHost>(&self, host: &Arc<H>, run: &Running, event: FeedEvent) {
        host.emit(match &event {
            FeedEvent::Service(c) => MonitorEvent::ServiceChanged(c.clone()),
            FeedEvent::Firing(a) => MonitorEvent::AlertFiring(a.clone()),
        });
        let decision = decide(&run.settings, &event, local_minute());
        if decision.desktop {
            let (title, body) = event.headline();
            host.emit(MonitorEvent::Notify { title, body, severity: event.severity() });
        }
        if decision.slack
            && let Some(slack) = &run.slack
            && let Err(e) = slack.send(event.slack_message(now_ms() / 1000))
        {
            tracing::warn!(error = %e, "Slack message not queued");
        }
    }
}

#[cfg(test)]
#[path = "runner_tests.rs"]
mod tests;
