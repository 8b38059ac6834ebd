//! Retention, restic-style, as a pure function over the backup list: keep-last N,
//! keep-daily/weekly/monthly N (the newest backup of each of the N newest days/ISO weeks/months
//! that have one), keep-within D (everything up to D older than the source's newest backup, as
//! restic does, so a source that stopped backing up keeps its last window). Sources are judged
//! separately. Only good backups fill the counted slots, and the newest good backup of a source
//! is always kept: the only good backup of a source is never deleted. An empty policy keeps
//! everything. The result is the dry-run preview; [`crate::Engine::prune`] applies it.

use serde::Serialize;
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

/// How many backups to keep.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionPolicy {
    pub keep_last: u32,
    pub keep_daily: u32,
    pub keep_weekly: u32,
    pub keep_monthly: u32,
    pub keep_within: Option<Duration>,
}

impl RetentionPolicy {
    fn is_empty(&self) -> bool {
        self.keep_last == 0
            && self.keep_daily == 0
            && self.keep_weekly == 0
            && self.keep_monthly == 0
            && self.keep_within.is_none()
    }
}

/// One backup as retention sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub source: String,
    /// When it finished (UTC buckets are used for days, weeks and months).
    pub time: OffsetDateTime,
    /// The manifest is valid and the backup did not fail a verify.
    pub good: bool,
}

/// Why a backup is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum KeepReason {
    Last,
    Daily,
    Weekly,
    Monthly,
    Within,
    OnlyGoodBackup,
    NoPolicy,
}

/// The verdict on one backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub id: String,
    pub source: String,
    pub keep: bool,
    /// Empty when the backup is to be deleted.
    pub reasons: Vec<KeepReason>,
}

/// Decides, for every candidate, keep or delete (newest first within each source).
pub fn plan(policy: &RetentionPolicy, candidates: &[Candidate]) -> Vec<Decision> {
    let mut by_source: BTreeMap<&str, Vec<&Candidate>> = BTreeMap::new();
    for c in candidates {
        by_source.entry(c.source.as_str()).or_default().push(c);
    }
    let mut out = Vec::new();
    for (_, mut list) in by_source {
        list.sort_by(|a, b| b.time.cmp(&a.time).then_with(|| b.id.cmp(&a.id)));
        out.extend(plan_source(policy, &list));
    }
    out
}

struct Bucket<K> {
    left: u32,
    last: Option<K>,
    reason: KeepReason,
}

impl<K: PartialEq> Bucket<K> {
    fn new(left: u32, reason: KeepReason) -> Self {
        Self { left, last: None, reason }
    }

    fn offer(&mut self, key: K, reasons: &mut Vec<KeepReason>) {
        if self.left > 0 && self.last.as_ref() != Some(&key) {
            self.left -= 1;
            self.last = Some(key);
            reasons.push(self.reason);
        }
    }
}

fn plan_source(policy: &RetentionPolicy, newest_first: &[&Candidate]) -> Vec<Decision> {
    let newest = newest_first.first().map(|c| c.time);
    let mut last = Bucket::new(policy.keep_last, KeepReason::Last);
    let mut daily = Bucket::new(policy.keep_daily, KeepReason::Daily);
    let mut weekly = Bucket::new(policy.keep_weekly, KeepReason::Weekly);
    let mut monthly = Bucket::new(policy.keep_monthly, KeepReason::Monthly);
    let mut decisions: Vec<Decision> = newest_first
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut reasons = Vec::new();
            if policy.is_empty() {
                reasons.push(KeepReason::NoPolicy);
            }
            // Manifests are normalized to UTC when read; a candidate built elsewhere with a time
            // that has no UTC equivalent is bucketed by its own offset rather than panicking.
            let t = c.time.checked_to_offset(time::UtcOffset::UTC).unwrap_or(c.time);
            if c.good {
                last.offer(i, &mut reasons);
                daily.offer(t.date(), &mut reasons);
                let (y, w, _) = t.to_iso_week_date();
                weekly.offer((y, w), &mut reasons);
                monthly.offer((t.year(), t.month()), &mut reasons);
            }
            let within = policy
                .keep_within
                .zip(newest)
                .is_some_and(|(w, n)| n.checked_sub(w).is_none_or(|cut| c.time >= cut));
            if within {
                reasons.push(KeepReason::Within);
            }
            Decision {
                id: c.id.clone(),
                source: c.source.clone(),
                keep: !reasons.is_empty(),
                reasons,
            }
        })
        .collect();
    let good_kept = newest_first.iter().zip(&decisions).any(|(c, d)| c.good && d.keep);
    let newest_good = newest_first.iter().position(|c| c.good);
    if let Some(i) = newest_good.filter(|_| !good_kept) {
        decisions[i].keep = true;
        decisions[i].reasons.push(KeepReason::OnlyGoodBackup);
    }
    decisions
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn history(source: &str, start: OffsetDateTime, n: usize, step: Duration) -> Vec<Candidate> {
        (0..n)
            .map(|i| {
                let time = start + step * i as i32;
                Candidate {
                    id: format!("{source}-{i:03}"),
                    source: source.into(),
                    time,
                    good: true,
                }
            })
            .collect()
    }

    fn kept(plan: &[Decision]) -> Vec<&str> {
        plan.iter().filter(|d| d.keep).map(|d| d.id.as_str()).collect()
    }

    #[test]
    fn empty_policy_keeps_everything() {
        let h = history("s", datetime!(2026-01-01 00:00 UTC), 5, Duration::days(1));
        let p = plan(&RetentionPolicy::default(), &h);
        assert_eq!(kept(&p).len(), 5);
        assert!(p.iter().all(|d| d.reasons == vec![KeepReason::NoPolicy]));
    }

    #[test]
    fn keep_last_keeps_the_newest() {
        let h = history("s", datetime!(2026-01-01 00:00 UTC), 10, Duration::hours(1));
        let p = plan(&RetentionPolicy { keep_last: 3, ..Default::default() }, &h);
        assert_eq!(kept(&p), vec!["s-009", "s-008", "s-007"]);
        assert_eq!(p.len(), 10);
    }

    #[test]
    fn keep_daily_takes_the_newest_of_each_day() {
        // Four backups a day (every 6 hours) for 10 days.
        let h = history("s", datetime!(2026-01-01 00:00 UTC), 40, Duration::hours(6));
        let p = plan(&RetentionPolicy { keep_daily: 7, ..Default::default() }, &h);
        let k = kept(&p);
        assert_eq!(k.len(), 7);
        // The 18:00 backup of each of the last 7 days: indexes 39, 35, ..., 15.
        let want: Vec<String> = (0..7).map(|d| format!("s-{:03}", 39 - 4 * d)).collect();
        assert_eq!(k, want.iter().map(String::as_str).collect::<Vec<_>>());
    }

    #[test]
    fn weekly_and_monthly_use_iso_weeks_and_calendar_months() {
        let h = history("s", datetime!(2026-01-01 12:00 UTC), 120, Duration::days(1));
        let p =
            plan(&RetentionPolicy { keep_weekly: 4, keep_monthly: 3, ..Default::default() }, &h);
        let weekly: Vec<_> = p.iter().filter(|d| d.reasons.contains(&KeepReason::Weekly)).collect();
        let monthly: Vec<_> =
            p.iter().filter(|d| d.reasons.contains(&KeepReason::Monthly)).collect();
        assert_eq!(weekly.len(), 4);
        assert_eq!(monthly.len(), 3);
        // 2026-01-01 + 119 days = 2026-04-30 (newest, a Thursday): kept for week and month.
        assert_eq!(p[0].id, "s-119");
        assert!(
            p[0].reasons.contains(&KeepReason::Weekly)
                && p[0].reasons.contains(&KeepReason::Monthly)
        );
        // The month before: 2026-03-31 is index 89.
        assert!(p.iter().find(|d| d.id == "s-089").unwrap().reasons.contains(&KeepReason::Monthly));
        // Sundays close ISO weeks: 2026-04-26 is index 115.
        assert!(p.iter().find(|d| d.id == "s-115").unwrap().reasons.contains(&KeepReason::Weekly));
    }

    #[test]
    fn keep_within_is_relative_to_the_newest_backup() {
        let h = history("s", datetime!(2025-01-01 00:00 UTC), 60, Duration::days(1));
        let p = plan(
            &RetentionPolicy { keep_within: Some(Duration::days(30)), ..Default::default() },
            &h,
        );
        // Newest is day 59; within 30 days: days 29..=59.
        assert_eq!(kept(&p).len(), 31);
        assert!(p.iter().filter(|d| d.keep).all(|d| d.reasons == vec![KeepReason::Within]));
    }

    #[test]
    fn rules_combine_and_each_reason_is_reported() {
        let h = history("s", datetime!(2026-01-01 00:00 UTC), 30, Duration::days(1));
        let policy = RetentionPolicy { keep_last: 2, keep_daily: 3, ..Default::default() };
        let p = plan(&policy, &h);
        assert_eq!(p[0].reasons, vec![KeepReason::Last, KeepReason::Daily]);
        assert_eq!(p[2].reasons, vec![KeepReason::Daily]);
        assert!(!p[3].keep && p[3].reasons.is_empty());
    }

    #[test]
    fn sources_are_judged_separately() {
        let mut h = history("a", datetime!(2026-01-01 00:00 UTC), 5, Duration::days(1));
        h.extend(history("b", datetime!(2026-02-01 00:00 UTC), 5, Duration::days(1)));
        let p = plan(&RetentionPolicy { keep_last: 1, ..Default::default() }, &h);
        assert_eq!(kept(&p), vec!["a-004", "b-004"]);
    }

    #[test]
    fn the_only_good_backup_is_never_deleted() {
        let mut h = history("s", datetime!(2026-01-01 00:00 UTC), 6, Duration::days(1));
        for c in &mut h[2..] {
            c.good = false; // the newest four failed verification
        }
        // keep-within 1 day keeps only the (bad) newest two; keep-last skips bad ones.
        let policy = RetentionPolicy { keep_within: Some(Duration::days(1)), ..Default::default() };
        let p = plan(&policy, &h);
        let good = p.iter().find(|d| d.id == "s-001").unwrap();
        assert!(good.keep, "{p:?}");
        assert_eq!(good.reasons, vec![KeepReason::OnlyGoodBackup]);
        assert!(!p.iter().find(|d| d.id == "s-000").unwrap().keep);
        // keep-last counts good backups only.
        let p = plan(&RetentionPolicy { keep_last: 1, ..Default::default() }, &h);
        assert_eq!(kept(&p), vec!["s-001"]);
        assert_eq!(p.iter().find(|d| d.id == "s-001").unwrap().reasons, vec![KeepReason::Last]);
    }

    #[test]
    fn a_single_backup_survives_any_policy() {
        let h = history("s", datetime!(2020-01-01 00:00 UTC), 1, Duration::days(1));
        let policy =
            RetentionPolicy { keep_within: Some(Duration::seconds(1)), ..Default::default() };
        assert_eq!(kept(&plan(&policy, &h)), vec!["s-000"]);
    }

    #[test]
    fn all_bad_backups_may_all_go() {
        let mut h = history("s", datetime!(2026-01-01 00:00 UTC), 3, Duration::days(1));
        h.iter_mut().for_each(|c| c.good = false);
        let p = plan(&RetentionPolicy { keep_last: 5, ..Default::default() }, &h);
        assert!(kept(&p).is_empty(), "bad backups do not fill keep-last slots");
    }

    #[test]
    fn same_time_ties_break_by_id() {
        let t = datetime!(2026-01-01 00:00 UTC);
        let h: Vec<_> = ["x1", "x2", "x3"]
            .iter()
            .map(|id| Candidate { id: (*id).into(), source: "s".into(), time: t, good: true })
            .collect();
        let p = plan(&RetentionPolicy { keep_last: 1, ..Default::default() }, &h);
        assert_eq!(kept(&p), vec!["x3"]);
    }
}
