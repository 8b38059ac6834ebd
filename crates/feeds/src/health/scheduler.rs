//! Running checks: [`check_all`] (one pass over every service, for `rampart health`) and
//! [`Scheduler`] (one tokio task per service: jittered start, its own interval with
//! `MissedTickBehavior::Delay`, a shared semaphore that bounds concurrency, each check capped by
//! its service's timeout, so a slow or dead service never delays the others). [`StateTracker`]
//! turns results into up/down transitions, which the scheduler emits as [`HealthEvent`]s.

use super::check::{CheckOptions, check_service};
use super::{CheckResult, Service, Status};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{Semaphore, mpsc};

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Checks every service once, at most `concurrency` at a time; results in `services` order.
pub async fn check_all(
    client: &reqwest::Client,
    services: &[Service],
    concurrency: usize,
    options: CheckOptions,
) -> Vec<CheckResult> {
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, service) in services.iter().cloned().enumerate() {
        let (client, permits) = (client.clone(), permits.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.expect("the semaphore is never closed");
            (index, check_service(&client, &service, options, now_ms()).await)
        });
    }
    let mut results: Vec<Option<CheckResult>> = vec![None; services.len()];
    while let Some(joined) = tasks.join_next().await {
        if let Ok((index, result)) = joined {
            results[index] = Some(result);
        }
    }
    results.into_iter().flatten().collect()
}

/// A service went up or down.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StateChange {
    pub service: String,
    pub from: Status,
    pub to: Status,
    pub at_ms: i64,
    /// Why it is down (empty on recovery).
    pub reasons: Vec<String>,
}

/// Remembers each service's last status and reports transitions.
#[derive(Debug, Default)]
pub struct StateTracker {
    last: HashMap<String, Status>,
}

impl StateTracker {
    /// Starts from known statuses (e.g. the last stored result), so a restart is not an event.
    pub fn with_known(known: impl IntoIterator<Item = (String, Status)>) -> Self {
        Self { last: known.into_iter().collect() }
    }

    /// Records a result; returns the transition if the status changed. A service's first
    /// result is not a transition.
    pub fn observe(&mut self, result: &CheckResult) -> Option<StateChange> {
        let previous = self.last.insert(result.service.clone(), result.status)?;
        (previous != result.status).then(|| StateChange {
            service: result.service.clone(),
            from: previous,
            to: result.status,
            at_ms: result.at_ms,
            reasons: result.reasons.clone(),
        })
    }
}

/// What the scheduler reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum HealthEvent {
    Checked(Box<CheckResult>),
    Changed(StateChange),
}

/// Periodic checks of a set of services.
pub struct Scheduler {
    pub client: reqwest::Client,
    pub services: Vec<Service>,
    /// Checks in flight at once, across all services.
    pub concurrency: usize,
    pub options: CheckOptions,
    /// Known statuses to start from.
    pub tracker: StateTracker,
}

/// Stops the scheduler's tasks when dropped.
pub struct SchedulerHandle {
    tasks: tokio::task::JoinSet<()>,
}

impl SchedulerHandle {
    /// Stops every check task.
    pub fn stop(mut self) {
        self.tasks.abort_all();
    }
}

impl Scheduler {
    pub fn new(client: reqwest::Client, services: Vec<Service>) -> Self {
        Self {
            client,
            services,
            concurrency: 32,
            options: CheckOptions::default(),
            tracker: StateTracker::default(),
        }
    }

    /// Starts one task per service on the current runtime; events go to `events`. Each task
    /// waits a random part of its interval first, so services do not all fire at once.
    pub fn spawn(self, events: mpsc::Sender<HealthEvent>) -> SchedulerHandle {
        let permits = Arc::new(Semaphore::new(self.concurrency.max(1)));
        let tracker = Arc::new(Mutex::new(self.tracker));
        let mut tasks = tokio::task::JoinSet::new();
        for service in self.services {
            let (client, permits, tracker, events) =
                (self.client.clone(), permits.clone(), tracker.clone(), events.clone());
            let options = self.options;
            tasks.spawn(async move {
                let jitter_ms = rand::random_range(0..service.interval.as_millis().max(1) as u64);
                tokio::time::sleep(std::time::Duration::from_millis(jitter_ms)).await;
                let mut ticks = tokio::time::interval(service.interval);
                ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    ticks.tick().await;
                    let result = {
                        let _permit = permits.acquire().await.expect("never closed");
                        check_service(&client, &service, options, now_ms()).await
                    };
                    let change = tracker.lock().expect("not poisoned").observe(&result);
                    if events.send(HealthEvent::Checked(Box::new(result))).await.is_err() {
                        return;
                    }
                    if let Some(change) = change
                        && events.send(HealthEvent::Changed(change)).await.is_err()
                    {
                        return;
                    }
                }
            });
        }
        SchedulerHandle { tasks }
    }
}
