//! The checklist's review reminder: a cheap periodic check (one store read per target, every
//! half hour, whatever the lock state: a review falls due whether or not the vault is open)
//! shows a desktop notification for each target whose review (the guide's "Next Review") is
//! overdue, at most once per day per target while the app runs.

use crate::state::Shared;
use rampart_core::checks::ReviewView;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Runtime};

const TICK: Duration = Duration::from_secs(30 * 60);

/// Starts the reminder on the Tauri runtime; the first check runs at once.
pub fn start<R: Runtime>(handle: &AppHandle<R>, shared: Arc<Shared>) {
    let handle = handle.clone();
    tauri::async_runtime::spawn(async move {
        let mut reminded = Reminded::default();
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let shared = shared.clone();
            let due = tauri::async_runtime::spawn_blocking(move || {
                shared.background(|app| {
                    let now = app.now();
                    Ok((app.check_reviews_due(now)?, now))
                })
            })
            .await;
            match due {
                Ok(Ok((due, now))) => {
                    for r in reminded.take(&due, now) {
                        let (title, body) = message(r);
                        crate::notify::show(&handle, &title, &body);
                    }
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "checklist review check failed"),
                Err(e) => tracing::warn!(error = %e, "checklist review check stopped"),
            }
        }
    });
}

/// The day (UTC) each target was last reminded of.
#[derive(Debug, Default)]
pub struct Reminded {
    last: HashMap<String, i64>,
}

impl Reminded {
    /// The overdue reviews to remind of at `now` (Unix seconds): those not reminded yet today.
    pub fn take<'a>(&mut self, due: &'a [ReviewView], now: i64) -> Vec<&'a ReviewView> {
        let today = now.div_euclid(86_400);
        due.iter()
            .filter(|r| r.overdue && self.last.insert(r.target.clone(), today) != Some(today))
            .collect()
    }
}

/// The notification's title and body.
pub fn message(r: &ReviewView) -> (String, String) {
    let day = r.due.split_once('T').map_or(r.due.as_str(), |(d, _)| d);
    (
        format!("Checklist review overdue: {}", r.target),
        format!(
            "The review was due {day} (every {} days): run the checks on the Checklist page.",
            r.every_days
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_core::checks::{Target, review_of};

    const NOW: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

    fn overdue(name: &str) -> ReviewView {
        let t = Target { name: name.into(), review_every_days: Some(7), ..Default::default() };
        review_of(&t, NOW - 10 * 86_400, None, NOW)
    }

    #[test]
    fn each_overdue_target_is_reminded_once_a_day() {
        let mut reminded = Reminded::default();
        let due = [overdue("web"), overdue("api")];
        let names = |v: Vec<&ReviewView>| v.iter().map(|r| r.target.clone()).collect::<Vec<_>>();
        assert_eq!(names(reminded.take(&due, NOW)), ["web", "api"]);
        assert!(reminded.take(&due, NOW + 1800).is_empty(), "not again the same day");
        assert!(reminded.take(&due, NOW + 86_399).is_empty());
        // A target that falls due later that day is reminded of on its own.
        let more = [overdue("web"), overdue("api"), overdue("shop")];
        assert_eq!(names(reminded.take(&more, NOW + 3600)), ["shop"]);
        assert_eq!(names(reminded.take(&due, NOW + 86_400)), ["web", "api"], "the next day");
        let not_due =
            review_of(&Target { name: "new".into(), ..Default::default() }, NOW, None, NOW);
        assert!(reminded.take(&[not_due], NOW).is_empty(), "only overdue reviews");
    }

    #[test]
    fn the_message_names_the_target_the_day_and_the_interval() {
        let (title, body) = message(&overdue("web"));
        assert_eq!(title, "Checklist review overdue: web");
        assert_eq!(
            body,
            "The review was due 2025-12-29 (every 7 days): run the checks on the Checklist page."
        );
    }
}
