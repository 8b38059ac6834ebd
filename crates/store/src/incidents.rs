//! The incident tables (migration 4): `incidents` (severity, status, owner, times in unix ms,
//! the resolution summary and postmortem fields), `incident_links` (services, alert
//! fingerprints, Sentry issues, backup sources) and `incident_events` (notes, status changes,
//! acknowledgements, owner changes, escalation steps). The core crate gives the values their
//! meaning; this module only keeps them. Audited entries for these changes are written by core.

use crate::{Result, Store, StoreError};
use rusqlite::{OptionalExtension, params};

/// One incident as stored. Times are unix milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentRow {
    /// Assigned by the store (0 when inserting).
    pub id: i64,
    pub title: String,
    /// `P1` .. `P4`.
    pub severity: String,
    /// `investigating`, `identified`, `monitoring` or `resolved`.
    pub status: String,
    pub owner: Option<String>,
    /// How it was opened: `manual`, `alert:FINGERPRINT`, `service:NAME`, `sentry:ID`.
    pub source: String,
    pub opened_at: i64,
    pub acknowledged_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub summary: String,
    pub impact: String,
    pub root_cause: String,
    /// A JSON list of strings.
    pub action_items: String,
    /// The highest escalation level notified so far (0 = none).
    pub escalation_level: i64,
}

/// Something an incident is linked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    /// `service`, `alert`, `sentry` or `backup`.
    pub kind: String,
    pub target: String,
    pub linked_at: i64,
}

/// Something that happened to an incident itself (the rest of its timeline is read from the
/// feeds and backup history).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub at: i64,
    /// `opened`, `note`, `status`, `ack`, `owner`, `severity`, `link`, `unlink`, `escalation`,
    /// `notify`, `resolved`, `reopened`.
    pub kind: String,
    pub author: String,
    pub text: String,
}

const COLUMNS: &str = "id, title, severity, status, owner, source, opened_at, acknowledged_at, \
    resolved_at, summary, impact, root_cause, action_items, escalation_level";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IncidentRow> {
    Ok(IncidentRow {
        id: r.get(0)?,
        title: r.get(1)?,
        severity: r.get(2)?,
        status: r.get(3)?,
        owner: r.get(4)?,
        source: r.get(5)?,
        opened_at: r.get(6)?,
        acknowledged_at: r.get(7)?,
        resolved_at: r.get(8)?,
        summary: r.get(9)?,
        impact: r.get(10)?,
        root_cause: r.get(11)?,
        action_items: r.get(12)?,
        escalation_level: r.get(13)?,
    })
}

fn not_found(id: i64) -> StoreError {
    StoreError::NotFound(format!("no incident #{id}: `rampart incident list` shows them"))
}

impl Store {
    /// Adds an incident; returns its id.
    pub fn insert_incident(&self, i: &IncidentRow) -> Result<i64> {
        // One guard for the insert and its rowid: another thread must not insert between.
        let conn = self.conn();
        conn.execute(
            "INSERT INTO incidents (title, severity, status, owner, source, opened_at, \
             acknowledged_at, resolved_at, summary, impact, root_cause, action_items, \
             escalation_level) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                i.title,
                i.severity,
                i.status,
                i.owner,
                i.source,
                i.opened_at,
                i.acknowledged_at,
                i.resolved_at,
                i.summary,
                i.impact,
                i.root_cause,
                i.action_items,
                i.escalation_level
            ],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// Writes every field of an existing incident but its id and opening time.
    pub fn update_incident(&self, i: &IncidentRow) -> Result<()> {
        let changed = self.conn().execute(
            "UPDATE incidents SET title = ?2, severity = ?3, status = ?4, owner = ?5, \
             acknowledged_at = ?6, resolved_at = ?7, summary = ?8, impact = ?9, \
             root_cause = ?10, action_items = ?11, escalation_level = ?12 WHERE id = ?1",
            params![
                i.id,
                i.title,
                i.severity,
                i.status,
                i.owner,
                i.acknowledged_at,
                i.resolved_at,
                i.summary,
                i.impact,
                i.root_cause,
                i.action_items,
                i.escalation_level
            ],
        )?;
        if changed == 0 {
            return Err(not_found(i.id));
        }
        Ok(())
    }

    /// One incident.
    pub fn incident(&self, id: i64) -> Result<IncidentRow> {
        let sql = format!("SELECT {COLUMNS} FROM incidents WHERE id = ?1");
        self.conn().query_row(&sql, [id], from_row).optional()?.ok_or_else(|| not_found(id))
    }

    /// Incidents, newest first; only the unresolved ones when `open_only`.
    pub fn list_incidents(&self, open_only: bool) -> Result<Vec<IncidentRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM incidents WHERE NOT ?1 OR status != 'resolved' \
             ORDER BY opened_at DESC, id DESC"
        );
        let conn = self.conn();
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map([open_only], from_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Links `target` of `kind`; false when it was linked already.
    pub fn add_incident_link(&self, id: i64, link: &LinkRow) -> Result<bool> {
        self.incident(id)?;
        let n = self.conn().execute(
            "INSERT INTO incident_links (incident_id, kind, target, linked_at) \
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT (incident_id, kind, target) DO NOTHING",
            params![id, link.kind, link.target, link.linked_at],
        )?;
        Ok(n == 1)
    }

    /// Removes a link; a link that is not there is [`StoreError::NotFound`].
    pub fn remove_incident_link(&self, id: i64, kind: &str, target: &str) -> Result<()> {
        let n = self.conn().execute(
            "DELETE FROM incident_links WHERE incident_id = ?1 AND kind = ?2 AND target = ?3",
            params![id, kind, target],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!(
                "incident #{id} has no {kind} link {target:?}: `rampart incident show {id}` lists its links"
            )));
        }
        Ok(())
    }

    /// An incident's links, by kind then target.
    pub fn incident_links(&self, id: i64) -> Result<Vec<LinkRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT kind, target, linked_at FROM incident_links WHERE incident_id = ?1 \
             ORDER BY kind, target",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(LinkRow { kind: r.get(0)?, target: r.get(1)?, linked_at: r.get(2)? })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Appends an event to an incident.
    pub fn add_incident_event(&self, id: i64, e: &EventRow) -> Result<()> {
        self.incident(id)?;
        self.conn().execute(
            "INSERT INTO incident_events (incident_id, at, kind, author, text) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, e.at, e.kind, e.author, e.text],
        )?;
        Ok(())
    }

    /// An incident's events, oldest first.
    pub fn incident_events(&self, id: i64) -> Result<Vec<EventRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT at, kind, author, text FROM incident_events WHERE incident_id = ?1 \
             ORDER BY at, id",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(EventRow { at: r.get(0)?, kind: r.get(1)?, author: r.get(2)?, text: r.get(3)? })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Audit entries between `from` and `to` (unix seconds, inclusive) whose subject starts
    /// with `prefix`, oldest first (incident timelines read silences and restores from here).
    pub fn audit_entries_between(
        &self,
        prefix: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<crate::audit::AuditEntry>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT seq, at, action, subject, prev_hash, hash FROM audit_log \
             WHERE at BETWEEN ?2 AND ?3 AND substr(subject, 1, length(?1)) = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![prefix, from, to], crate::audit::row_to_entry)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(title: &str, opened_at: i64) -> IncidentRow {
        IncidentRow {
            id: 0,
            title: title.into(),
            severity: "P2".into(),
            status: "investigating".into(),
            owner: None,
            source: "manual".into(),
            opened_at,
            acknowledged_at: None,
            resolved_at: None,
            summary: String::new(),
            impact: String::new(),
            root_cause: String::new(),
            action_items: "[]".into(),
            escalation_level: 0,
        }
    }

    /// Threads inserting at once each get the id of their own row (the insert and its rowid
    /// are read under one hold of the connection).
    #[test]
    fn concurrent_inserts_each_get_their_own_id() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        std::thread::scope(|scope| {
            let writers: Vec<_> = (0..4)
                .map(|t| {
                    let store = &store;
                    scope.spawn(move || {
                        (0..50)
                            .map(|n| {
                                let title = format!("t{t} n{n}");
                                (store.insert_incident(&incident(&title, 1_000)).unwrap(), title)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for writer in writers {
                for (id, title) in writer.join().unwrap() {
                    assert_eq!(store.incident(id).unwrap().title, title, "id {id}");
                }
            }
        });
    }

    #[test]
    fn incidents_links_and_events_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let a = store.insert_incident(&incident("API down", 1_000)).unwrap();
        let b = store.insert_incident(&incident("Disk full", 2_000)).unwrap();
        let mut row = store.incident(a).unwrap();
        assert_eq!((row.id, row.title.as_str()), (a, "API down"));
        row.status = "resolved".into();
        row.resolved_at = Some(5_000);
        row.summary = "restarted".into();
        store.update_incident(&row).unwrap();
        assert_eq!(store.incident(a).unwrap(), row);
        let ids = |open| -> Vec<i64> {
            store.list_incidents(open).unwrap().into_iter().map(|i| i.id).collect()
        };
        assert_eq!(ids(false), vec![b, a], "newest first");
        assert_eq!(ids(true), vec![b], "only unresolved");
        row.severity = "P9".into();
        assert!(store.update_incident(&row).is_err(), "the schema refuses unknown severities");

        let link = LinkRow { kind: "alert".into(), target: "fp1".into(), linked_at: 3 };
        assert!(store.add_incident_link(a, &link).unwrap());
        assert!(!store.add_incident_link(a, &link).unwrap(), "linking twice is a no-op");
        let svc = LinkRow { kind: "service".into(), target: "api".into(), linked_at: 4 };
        store.add_incident_link(a, &svc).unwrap();
        assert_eq!(store.incident_links(a).unwrap(), vec![link, svc]);
        store.remove_incident_link(a, "alert", "fp1").unwrap();
        let err = store.remove_incident_link(a, "alert", "fp1").unwrap_err();
        assert!(err.to_string().contains("has no alert link"), "{err}");
        let bad = LinkRow { kind: "planet".into(), target: "x".into(), linked_at: 1 };
        assert!(store.add_incident_link(a, &bad).is_err());

        let note = |at, text: &str| EventRow {
            at,
            kind: "note".into(),
            author: "alice".into(),
            text: text.into(),
        };
        store.add_incident_event(a, &note(20, "second")).unwrap();
        store.add_incident_event(a, &note(10, "first")).unwrap();
        let texts: Vec<String> =
            store.incident_events(a).unwrap().into_iter().map(|e| e.text).collect();
        assert_eq!(texts, ["first", "second"]);
        assert!(store.incident_events(b).unwrap().is_empty());

        let missing = store.incident(999).unwrap_err();
        assert!(matches!(missing, StoreError::NotFound(_)));
        assert!(missing.to_string().contains("rampart incident list"), "{missing}");
        assert!(store.add_incident_event(999, &note(1, "x")).is_err());
        assert!(store.add_incident_link(999, &bad).is_err());
    }
}
