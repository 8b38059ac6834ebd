//! The guide's "Next Review" per target: a review falls due a target's interval
//! ([`Target::review_days`], 90 days unless set) after its last recorded run finished, or after
//! it was added when it never ran. [`Rampart::check_reviews_due`] lists the overdue ones for a
//! reminder.

use super::{Target, not_found, parse_target};
use crate::views::rfc3339;
use crate::{Rampart, Result};
use rampart_store::checks::CheckTargetRow;
use serde::Serialize;

/// When a target's next review is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "CheckReview"))]
#[serde(rename_all = "camelCase")]
pub struct ReviewView {
    pub target: String,
    /// Days between reviews.
    pub every_days: u32,
    /// What the interval counts from (RFC 3339): the last run's end, or the target's creation.
    pub since: String,
    /// True when `since` is a run's end; false when the target never ran.
    pub since_run: bool,
    /// When the review is due (RFC 3339).
    pub due: String,
    /// True when `due` is past.
    pub overdue: bool,
}

/// Unix seconds of an RFC 3339 time, if it is one.
fn unix(text: &str) -> Option<i64> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// The review of `target` (added at `created_at`, its last run finished at `last_run`) at `now`.
pub fn review_of(target: &Target, created_at: i64, last_run: Option<&str>, now: i64) -> ReviewView {
    let ran = last_run.and_then(unix);
    let since = ran.unwrap_or(created_at);
    let every_days = target.review_days();
    let due = since + i64::from(every_days) * 86_400;
    ReviewView {
        target: target.name.clone(),
        every_days,
        since: rfc3339(since),
        since_run: ran.is_some(),
        due: rfc3339(due),
        overdue: due <= now,
    }
}

impl Rampart {
    pub(super) fn review_at(
        &self,
        row: &CheckTargetRow,
        target: &Target,
        now: i64,
    ) -> Result<ReviewView> {
        let last = self.store.check_runs(&row.name, 1)?;
        Ok(review_of(target, row.created_at, last.first().map(|r| r.finished.as_str()), now))
    }

    /// When `name`'s next review is due, as of `now` (Unix seconds).
    pub fn check_review(&self, name: &str, now: i64) -> Result<ReviewView> {
        let row = self.store.check_target(name).map_err(|_| not_found(name))?;
        let target = parse_target(&row)?;
        self.review_at(&row, &target, now)
    }

    /// Every target whose review is due at `now` (Unix seconds), most overdue first. A stored
    /// target that cannot be read is skipped (its page says why).
    pub fn check_reviews_due(&self, now: i64) -> Result<Vec<ReviewView>> {
        let mut due = Vec::new();
        for row in self.store.list_check_targets()? {
            let Ok(target) = parse_target(&row) else { continue };
            let review = self.review_at(&row, &target, now)?;
            if review.overdue {
                due.push(review);
            }
        }
        due.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.target.cmp(&b.target)));
        Ok(due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

    #[test]
    fn a_review_is_due_an_interval_after_the_last_run_or_the_creation() {
        let t = Target { name: "web".into(), ..Default::default() };
        let never = review_of(&t, NOW, None, NOW);
        assert_eq!(never.every_days, 90);
        assert_eq!((never.since.as_str(), never.since_run), ("2026-01-01T00:00:00Z", false));
        assert_eq!(never.due, "2026-04-01T00:00:00Z");
        assert!(!never.overdue);
        let ran = review_of(&t, NOW, Some("2026-02-01T12:00:00Z"), NOW + 120 * 86_400);
        assert!(ran.since_run);
        assert_eq!(ran.due, "2026-05-02T12:00:00Z");
        assert!(!ran.overdue, "120 days after creation, 89.5 after the run");
        let weekly = Target { review_every_days: Some(7), ..t };
        let late = review_of(&weekly, NOW, Some("2026-02-01T12:00:00Z"), NOW + 40 * 86_400);
        assert_eq!(late.due, "2026-02-08T12:00:00Z");
        assert!(late.overdue);
        // An unreadable run time counts from the creation.
        assert_eq!(review_of(&weekly, NOW, Some("garbage"), NOW).due, "2026-01-08T00:00:00Z");
    }
}
