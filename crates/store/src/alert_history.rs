//! The history of alert transitions (migration 4, `alert_transitions`): each time a poll of the
//! alert sources finds an alert firing, silenced (muted by a silence or an inhibition) or gone,
//! compared with the last state stored for its fingerprint, one row is appended. Whoever polls
//! (the desktop monitor, `rampart alerts`) records through [`Store::record_alert_states`], so
//! the history does not depend on which front end saw the change. Incident timelines read it.

use crate::{Result, Store};
use rusqlite::params;
use std::collections::{BTreeMap, BTreeSet};

/// What a poll saw of one alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertObservation {
    pub fingerprint: String,
    pub alertname: String,
    pub severity: String,
    pub service: String,
    pub summary: String,
    /// `firing` or `silenced`.
    pub state: String,
    /// For `silenced`: the silence (or inhibiting alert) ids, comma-separated.
    pub detail: String,
}

/// One stored transition. `at` is unix milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionRow {
    pub fingerprint: String,
    pub alertname: String,
    pub severity: String,
    pub service: String,
    pub summary: String,
    /// `firing`, `silenced` or `resolved`.
    pub state: String,
    pub detail: String,
    pub at: i64,
}

const COLUMNS: &str = "fingerprint, alertname, severity, service, summary, state, detail, at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TransitionRow> {
    Ok(TransitionRow {
        fingerprint: r.get(0)?,
        alertname: r.get(1)?,
        severity: r.get(2)?,
        service: r.get(3)?,
        summary: r.get(4)?,
        state: r.get(5)?,
        detail: r.get(6)?,
        at: r.get(7)?,
    })
}

impl Store {
    /// The latest transition of every alert not resolved, by fingerprint.
    pub fn open_alert_states(&self) -> Result<BTreeMap<String, TransitionRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM alert_transitions t WHERE id = \
               (SELECT MAX(id) FROM alert_transitions WHERE fingerprint = t.fingerprint) \
             AND state != 'resolved'"
        );
        let conn = self.conn();
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map([], from_row)?;
        let mut open = BTreeMap::new();
        for row in rows {
            let row = row?;
            open.insert(row.fingerprint.clone(), row);
        }
        Ok(open)
    }

    /// Compares one poll's alerts with the stored states at `at` (unix ms) and appends a
    /// transition for each alert that appeared or changed state. Only a `complete` poll (every
    /// source answered) resolves the stored alerts it no longer shows: a source that failed
    /// says nothing about its alerts. Returns the transitions appended.
    pub fn record_alert_states(
        &self,
        observed: &[AlertObservation],
        at: i64,
        complete: bool,
    ) -> Result<Vec<TransitionRow>> {
        self.transaction(|store| {
            let open = store.open_alert_states()?;
            let mut appended = Vec::new();
            let mut seen = BTreeSet::new();
            for o in observed {
                if !seen.insert(o.fingerprint.as_str()) {
                    continue;
                }
                let same = open
                    .get(&o.fingerprint)
                    .is_some_and(|last| last.state == o.state && last.detail == o.detail);
                if !same {
                    appended.push(TransitionRow {
                        fingerprint: o.fingerprint.clone(),
                        alertname: o.alertname.clone(),
                        severity: o.severity.clone(),
                        service: o.service.clone(),
                        summary: o.summary.clone(),
                        state: o.state.clone(),
                        detail: o.detail.clone(),
                        at,
                    });
                }
            }
            if complete {
                for (fingerprint, last) in &open {
                    if !seen.contains(fingerprint.as_str()) {
                        appended.push(TransitionRow {
                            state: "resolved".into(),
                            detail: String::new(),
                            at,
                            ..last.clone()
                        });
                    }
                }
            }
            for t in &appended {
                store.conn().execute(
                    "INSERT INTO alert_transitions (fingerprint, alertname, severity, service, \
                     summary, state, detail, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        t.fingerprint,
                        t.alertname,
                        t.severity,
                        t.service,
                        t.summary,
                        t.state,
                        t.detail,
                        t.at
                    ],
                )?;
            }
            Ok(appended)
        })
    }

    /// The transitions of `fingerprints` between `from` and `to` (unix ms, inclusive), oldest
    /// first.
    pub fn alert_transitions(
        &self,
        fingerprints: &[String],
        from: i64,
        to: i64,
    ) -> Result<Vec<TransitionRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM alert_transitions WHERE fingerprint = ?1 \
             AND at BETWEEN ?2 AND ?3 ORDER BY at, id"
        );
        let conn = self.conn();
        let mut stmt = conn.prepare(&sql)?;
        let mut all = Vec::new();
        for fp in fingerprints {
            let rows = stmt.query_map(params![fp, from, to], from_row)?;
            all.extend(rows.collect::<std::result::Result<Vec<_>, _>>()?);
        }
        all.sort_by_key(|t| t.at);
        Ok(all)
    }

    /// Alerts that started firing between `from` and `to` (unix ms, inclusive), oldest first:
    /// each `firing` transition whose alert had no earlier transition or had resolved (a
    /// silence ending or a second silence is not a new start).
    pub fn alert_starts_between(&self, from: i64, to: i64) -> Result<Vec<TransitionRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM alert_transitions t WHERE state = 'firing' \
             AND at BETWEEN ?1 AND ?2 AND COALESCE((SELECT p.state FROM alert_transitions p \
               WHERE p.fingerprint = t.fingerprint AND p.id < t.id ORDER BY p.id DESC LIMIT 1), \
               'resolved') = 'resolved' ORDER BY at, id"
        );
        let conn = self.conn();
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(params![from, to], from_row)?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    }

    /// Drops transitions older than `before` (unix ms), keeping each alert's latest one so an
    /// open alert is never forgotten. Returns the rows dropped.
    pub fn prune_alert_transitions(&self, before: i64) -> Result<usize> {
        Ok(self.conn().execute(
            "DELETE FROM alert_transitions WHERE at < ?1 AND id NOT IN \
               (SELECT MAX(id) FROM alert_transitions GROUP BY fingerprint)",
            [before],
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(fp: &str, state: &str, detail: &str) -> AlertObservation {
        AlertObservation {
            fingerprint: fp.into(),
            alertname: format!("Alert-{fp}"),
            severity: "critical".into(),
            service: "api".into(),
            summary: "it broke".into(),
            state: state.into(),
            detail: detail.into(),
        }
    }

    fn states(rows: &[TransitionRow]) -> Vec<(String, String, i64)> {
        rows.iter().map(|t| (t.fingerprint.clone(), t.state.clone(), t.at)).collect()
    }

    fn t(fp: &str, state: &str, at: i64) -> (String, String, i64) {
        (fp.into(), state.into(), at)
    }

    #[test]
    fn transitions_are_recorded_once_per_change_and_partial_polls_resolve_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let new = store.record_alert_states(&[seen("a", "firing", "")], 100, true).unwrap();
        assert_eq!(states(&new), [t("a", "firing", 100)]);
        // The same picture again adds nothing.
        assert!(
            store.record_alert_states(&[seen("a", "firing", "")], 200, true).unwrap().is_empty()
        );
        // Silenced, then a second silence joins: both are changes.
        let both = [seen("a", "silenced", "s1"), seen("b", "firing", "")];
        let new = store.record_alert_states(&both, 300, true).unwrap();
        assert_eq!(states(&new), [t("a", "silenced", 300), t("b", "firing", 300)]);
        let new = store.record_alert_states(&[seen("a", "silenced", "s1,s2")], 350, false).unwrap();
        assert_eq!(states(&new), [t("a", "silenced", 350)]);
        // A partial poll that misses b does not resolve it; a complete one does.
        assert_eq!(store.open_alert_states().unwrap().len(), 2);
        let new = store.record_alert_states(&[], 400, true).unwrap();
        assert_eq!(states(&new), [t("a", "resolved", 400), t("b", "resolved", 400)]);
        assert_eq!(new[0].alertname, "Alert-a", "a resolution keeps the alert's labels");
        assert!(store.open_alert_states().unwrap().is_empty());
        // Firing again after resolving is a new transition.
        let new = store.record_alert_states(&[seen("a", "firing", "")], 500, true).unwrap();
        assert_eq!(states(&new), [t("a", "firing", 500)]);

        let history = store.alert_transitions(&["a".into()], 0, 450).unwrap();
        assert_eq!(
            states(&history),
            [
                t("a", "firing", 100),
                t("a", "silenced", 300),
                t("a", "silenced", 350),
                t("a", "resolved", 400)
            ]
        );
        assert_eq!(store.alert_transitions(&["b".into()], 350, 1_000).unwrap().len(), 1);

        // Starts: a at 100 and again at 500, b at 300; silences are not starts.
        let starts = store.alert_starts_between(0, 1_000).unwrap();
        assert_eq!(
            states(&starts),
            [t("a", "firing", 100), t("b", "firing", 300), t("a", "firing", 500)]
        );
        assert_eq!(states(&store.alert_starts_between(101, 500).unwrap()).len(), 2);
        // Silenced, then firing again when the silence ends: not a new start.
        store.record_alert_states(&[seen("a", "silenced", "s3")], 600, true).unwrap();
        store.record_alert_states(&[seen("a", "firing", "")], 700, true).unwrap();
        assert!(store.alert_starts_between(600, 1_000).unwrap().is_empty());

        // Pruning keeps the latest of each alert (a's firing at 500, b's resolution at 400).
        assert_eq!(store.prune_alert_transitions(10_000).unwrap(), 7);
        assert_eq!(store.open_alert_states().unwrap().len(), 1);
    }
}
