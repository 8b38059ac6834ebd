//! Schedules: cron via `croner` (5 fields, or 6 with seconds), evaluated in the UTC offset of
//! the time passed in (the desktop passes local time; a DST change between two runs shifts one
//! run by the difference). [`next_run`] and [`missed_runs`] are pure, with time passed in.
//! [`BackupScheduler`] runs due sources while the desktop app is open: on start it reports the
//! runs missed while it was closed and catches up with one run per source; it then sleeps until
//! the next run (re-reading the configuration at least every minute) and reports everything
//! through an event callback. It reaches the app only briefly through [`AppAccess`], never
//! across an await, so the network work runs with the database free.

use super::{ProgressFn, RunView, Trigger, utc};
use crate::{CoreError, Rampart, Result};
use chrono::{DateTime, FixedOffset};
use croner::Cron;
use rampart_backup::Progress;
use serde::Serialize;
use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use time::OffsetDateTime;

/// Parses a cron expression, with an error that says what is expected.
pub(crate) fn parse(cron: &str) -> Result<Cron> {
    Cron::from_str(cron.trim()).map_err(|e| {
        CoreError::InvalidInput(format!(
            "{cron:?} is not a cron schedule ({e}); use 5 fields, e.g. \"0 3 * * *\" for 03:00 daily"
        ))
    })
}

fn to_chrono(t: OffsetDateTime) -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(t.offset().whole_seconds()).expect("a valid UTC offset");
    DateTime::from_timestamp(t.unix_timestamp(), 0)
        .expect("a representable time")
        .with_timezone(&offset)
}

fn from_chrono(t: DateTime<FixedOffset>, like: OffsetDateTime) -> OffsetDateTime {
    utc(t.timestamp()).to_offset(like.offset())
}

/// The first run strictly after `after`; `None` when the schedule never fires again.
pub fn next_run(schedule: &str, after: OffsetDateTime) -> Result<Option<OffsetDateTime>> {
    let cron = parse(schedule)?;
    Ok(cron.find_next_occurrence(&to_chrono(after), false).ok().map(|t| from_chrono(t, after)))
}

/// The runs due after `last_run` up to and including `now`, oldest first, at most `limit`
/// (the newest ones are kept when there are more).
pub fn missed_runs(
    schedule: &str,
    last_run: OffsetDateTime,
    now: OffsetDateTime,
    limit: usize,
) -> Result<Vec<OffsetDateTime>> {
    let cron = parse(schedule)?;
    let mut out = Vec::new();
    let mut at = to_chrono(last_run);
    let end = to_chrono(now);
    while let Ok(next) = cron.find_next_occurrence(&at, false) {
        if next > end {
            break;
        }
        out.push(from_chrono(next, now));
        if out.len() > limit {
            out.remove(0);
        }
        at = next;
    }
    Ok(out)
}

/// How the scheduler reaches the open app: the desktop through its unlocked session (an error
/// while locked), the tests through a `Mutex`.
pub trait AppAccess: Send + Sync + 'static {
    /// Calls `f` with the app; an error when it cannot be reached (e.g. locked).
    fn with_app(&self, f: &mut dyn FnMut(&Rampart)) -> Result<()>;
}

impl AppAccess for std::sync::Mutex<Rampart> {
    fn with_app(&self, f: &mut dyn FnMut(&Rampart)) -> Result<()> {
        let app = self.lock().unwrap_or_else(|p| p.into_inner());
        f(&app);
        Ok(())
    }
}

fn call<T>(access: &dyn AppAccess, f: impl FnOnce(&Rampart) -> Result<T>) -> Result<T> {
    let mut f = Some(f);
    let mut out = None;
    access.with_app(&mut |app| {
        if let Some(f) = f.take() {
            out = Some(f(app));
        }
    })?;
    out.unwrap_or_else(|| Err(CoreError::Internal("the scheduler could not reach the app".into())))
}

/// What happens to backups, as the scheduler reports it and the desktop announces it (the
/// `backup://event` payload, plain numbers throughout).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", tag = "event")]
pub enum BackupEvent {
    /// Runs that were due while the app was closed or asleep (unix seconds).
    Missed {
        source: String,
        missed: Vec<i64>,
    },
    Started {
        source: String,
    },
    Progress {
        source: String,
        progress: Progress,
    },
    /// A run finished (look at `run.ok`; a failed run carries its error and retryability).
    Finished {
        run: RunView,
    },
    /// The scheduler could not do something (e.g. read the configuration).
    Error {
        source: Option<String>,
        message: String,
    },
    /// Configuration or history changed (a source added, a drill recorded...): re-read.
    Changed,
}

impl BackupEvent {
    /// What the event says in a desktop notification, if anything: a failed run, runs missed
    /// while the app was closed, and the scheduler's own errors.
    pub fn notification(&self) -> Option<(String, String)> {
        match self {
            Self::Finished { run } if !run.ok => Some((
                format!("Backup of {} failed", run.source),
                run.error.clone().unwrap_or_else(|| "the run failed; see the Backups page".into()),
            )),
            Self::Missed { source, missed } => Some((
                format!("Backup of {source} missed {} scheduled run(s)", missed.len()),
                "Rampart was not running at the scheduled time; it is catching up now.".into(),
            )),
            Self::Error { source, message } => Some((
                match source {
                    Some(s) => format!("Backup scheduler: {s}"),
                    None => "Backup scheduler".into(),
                },
                message.clone(),
            )),
            _ => None,
        }
    }
}

/// The event callback type.
pub type EventFn = Arc<dyn Fn(BackupEvent) + Send + Sync>;
/// The clock type: now, in the offset schedules are read in (local time in the app).
pub type NowFn = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

/// Runs scheduled backups while the app is open.
#[derive(Clone)]
pub struct BackupScheduler {
    access: Arc<dyn AppAccess>,
    events: EventFn,
    now: NowFn,
}

/// A run an occurrence counts as on time if it starts within this many seconds.
const ON_TIME_SECS: i64 = 90;

impl BackupScheduler {
    pub fn new(access: Arc<dyn AppAccess>, events: EventFn, now: NowFn) -> Self {
        Self { access, events, now }
    }

    /// Sources due at `now` with the occurrences since their last run (or creation).
    pub fn due(&self, now: OffsetDateTime) -> Result<Vec<(String, Vec<OffsetDateTime>)>> {
        call(&*self.access, |app| {
            let mut due = Vec::new();
            for s in app.backup_sources()? {
                let Some(cron) = &s.spec.schedule else { continue };
                let last = s.last_run.as_ref().map_or(s.created_at, |r| r.started_at);
                let runs = missed_runs(cron, utc(last), now, 100)?;
                if !runs.is_empty() {
                    due.push((s.spec.name, runs));
                }
            }
            Ok(due)
        })
    }

    /// Runs every due source once. With `startup`, every due occurrence counts as missed;
    /// otherwise the ones that are not the newest or are more than 90 s late do.
    pub async fn tick(&self, now: OffsetDateTime, startup: bool) -> Vec<RunView> {
        let due = match self.due(now) {
            Ok(d) => d,
            Err(e) => {
                (self.events)(BackupEvent::Error { source: None, message: e.to_string() });
                return Vec::new();
            }
        };
        let mut runs = Vec::new();
        for (source, occurrences) in due {
            let newest = occurrences.last().copied();
            let missed: Vec<i64> = occurrences
                .iter()
                .filter(|t| {
                    startup || Some(**t) != newest || (now - **t).whole_seconds() > ON_TIME_SECS
                })
                .map(|t| t.unix_timestamp())
                .collect();
            if !missed.is_empty() {
                (self.events)(BackupEvent::Missed { source: source.clone(), missed });
            }
            if let Some(run) = self.run_one(&source).await {
                runs.push(run);
            }
        }
        runs
    }

    async fn run_one(&self, source: &str) -> Option<RunView> {
        let prepared = call(&*self.access, |app| app.backup_prepare_run(source, Trigger::Schedule));
        let outcome = match prepared {
            Ok(p) => {
                (self.events)(BackupEvent::Started { source: source.to_owned() });
                let (events, name) = (Arc::clone(&self.events), source.to_owned());
                let progress: ProgressFn = Arc::new(move |p: &Progress| {
                    events(BackupEvent::Progress { source: name.clone(), progress: p.clone() })
                });
                p.execute(Some(progress)).await
            }
            Err(CoreError::Conflict(_)) => return None,
            Err(e) => {
                let now = (self.now)().unix_timestamp();
                super::RunOutcome {
                    source: source.to_owned(),
                    trigger: Trigger::Schedule,
                    started_at: now,
                    finished_at: now,
                    result: Err(e.into()),
                    bytes_in: 0,
                    bytes_out: 0,
                }
            }
        };
        match call(&*self.access, |app| app.backup_record_run(&outcome)) {
            Ok(run) => {
                (self.events)(BackupEvent::Finished { run: run.clone() });
                Some(run)
            }
            Err(e) => {
                let message = format!("the run finished but could not be recorded: {e}");
                (self.events)(BackupEvent::Error { source: Some(source.to_owned()), message });
                None
            }
        }
    }

    /// The earliest next run of any scheduled source after `now`.
    pub fn next_wake(&self, now: OffsetDateTime) -> Option<OffsetDateTime> {
        let sources = call(&*self.access, |app| app.backup_sources()).ok()?;
        sources
            .iter()
            .filter_map(|s| s.spec.schedule.as_deref())
            .filter_map(|c| next_run(c, now).ok().flatten())
            .min()
    }

    /// Runs until `shutdown` completes: a startup tick (reports missed runs), then a tick at
    /// every next run, re-reading the configuration at least every minute.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut startup = true;
        loop {
            let now = (self.now)();
            self.tick(now, startup).await;
            startup = false;
            let now = (self.now)();
            let wait =
                self.next_wake(now).map_or(60, |t| (t - now).whole_seconds().clamp(1, 60)) as u64;
            tokio::select! {
                _ = tokio::time::sleep(std::time::Duration::from_secs(wait)) => {}
                _ = &mut shutdown => return,
            }
        }
    }
}

#[cfg(test)]
mod tests;
