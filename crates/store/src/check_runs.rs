//! Checklist run history (migration 6, `check_runs`): each recorded run of a named target with
//! its times, its report as JSON (the shape rampart-checks defines, so a new report field needs
//! no migration) and its counts per status. Runs are never edited; inserting one prunes the
//! target's oldest beyond the number kept, and removing a target removes its runs.

use crate::{Result, Store, StoreError};
use rusqlite::params;

/// How many items of a run had each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub pass: u32,
    pub fail: u32,
    pub warn: u32,
    pub unknown: u32,
    pub attested: u32,
    pub na: u32,
}

/// One recorded run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRunRow {
    /// Assigned by the store (0 when inserting).
    pub id: i64,
    pub target: String,
    /// RFC 3339 UTC.
    pub started: String,
    pub finished: String,
    /// The report as JSON.
    pub report: String,
    pub counts: RunCounts,
}

const COLUMNS: &str =
    "id, target, started, finished, report, pass, fail, warn, unknown, attested, na";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CheckRunRow> {
    Ok(CheckRunRow {
        id: r.get(0)?,
        target: r.get(1)?,
        started: r.get(2)?,
        finished: r.get(3)?,
        report: r.get(4)?,
        counts: RunCounts {
            pass: r.get(5)?,
            fail: r.get(6)?,
            warn: r.get(7)?,
            unknown: r.get(8)?,
            attested: r.get(9)?,
            na: r.get(10)?,
        },
    })
}

impl Store {
    /// Records a run and prunes the target's runs beyond the newest `keep` (at least 1).
    /// Returns the run's id. A target that does not exist is [`StoreError::NotFound`].
    pub fn insert_check_run(&self, run: &CheckRunRow, keep: usize) -> Result<i64> {
        // One guard for the insert and its rowid: another thread must not insert between.
        let conn = self.conn();
        let c = &run.counts;
        conn.execute(
            "INSERT INTO check_runs (target, started, finished, report, pass, fail, warn, \
                 unknown, attested, na) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                run.target,
                run.started,
                run.finished,
                run.report,
                c.pass,
                c.fail,
                c.warn,
                c.unknown,
                c.attested,
                c.na
            ],
        )
        .map_err(|e| match &e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::NotFound(format!("check target {:?}", run.target))
            }
            _ => StoreError::from(e),
        })?;
        let id = conn.last_insert_rowid();
        conn.execute(
            "DELETE FROM check_runs WHERE target = ?1 AND id NOT IN \
             (SELECT id FROM check_runs WHERE target = ?1 ORDER BY id DESC LIMIT ?2)",
            params![run.target, keep.max(1) as i64],
        )?;
        Ok(id)
    }

    /// A target's newest `limit` runs, newest first.
    pub fn check_runs(&self, target: &str, limit: usize) -> Result<Vec<CheckRunRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM check_runs WHERE target = ?1 ORDER BY id DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![target, limit as i64], from_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::CheckTargetRow;

    fn run(target: &str, n: u32) -> CheckRunRow {
        CheckRunRow {
            id: 0,
            target: target.into(),
            started: format!("2026-01-01T00:00:{n:02}Z"),
            finished: format!("2026-01-01T00:01:{n:02}Z"),
            report: format!("{{\"n\":{n}}}"),
            counts: RunCounts { pass: n, fail: 1, ..Default::default() },
        }
    }

    #[test]
    fn runs_are_kept_newest_first_pruned_never_edited_and_go_with_their_target() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        for name in ["web", "api"] {
            store
                .insert_check_target(&CheckTargetRow {
                    name: name.into(),
                    config: "{}".into(),
                    created_at: 1,
                })
                .unwrap();
        }
        for n in 1..=5 {
            store.insert_check_run(&run("web", n), 3).unwrap();
        }
        store.insert_check_run(&run("api", 9), 3).unwrap();
        let runs = store.check_runs("web", 10).unwrap();
        let ns: Vec<u32> = runs.iter().map(|r| r.counts.pass).collect();
        assert_eq!(ns, [5, 4, 3], "the newest three are kept, newest first");
        assert_eq!(runs[0].report, "{\"n\":5}");
        assert_eq!(runs[0].started, "2026-01-01T00:00:05Z");
        assert_eq!(store.check_runs("web", 1).unwrap().len(), 1);
        assert_eq!(store.check_runs("api", 10).unwrap().len(), 1, "other targets untouched");

        let edit = store.conn().execute("UPDATE check_runs SET fail = 0", []);
        assert!(edit.unwrap_err().to_string().contains("never edited"));

        assert!(matches!(
            store.insert_check_run(&run("ghost", 1), 3),
            Err(StoreError::NotFound(m)) if m.contains("ghost")
        ));
        store.delete_check_target("web").unwrap();
        assert!(store.check_runs("web", 10).unwrap().is_empty());
    }
}
