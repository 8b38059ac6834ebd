//! The backup tables (migration 3): S3 targets (`backup_targets`; the access and secret keys are
//! *names* of vault credentials, never the keys), sources (`backup_sources`: a directory with
//! excludes or a command argv; environment secrets are `VAR -> vault name` pairs; recipients are
//! age public keys; an optional cron schedule; a retention policy as JSON), the run history
//! (`backup_runs`) and restore drills (`backup_drills`). List-like columns are JSON text.

use crate::{Result, Store, StoreError, name_in_use};
use rusqlite::{OptionalExtension, params};

/// Where backups go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    pub name: String,
    /// `None` means AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
    pub bucket: String,
    pub prefix: String,
    pub path_style: bool,
    /// Vault credential names.
    pub access_key_from: String,
    pub secret_key_from: String,
    pub storage_class: Option<String>,
    pub created_at: i64,
}

/// What is backed up, where to and how often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    pub name: String,
    /// `dir` or `command`.
    pub kind: String,
    pub path: Option<String>,
    pub excludes: Vec<String>,
    /// The command's argv (no shell).
    pub command: Option<Vec<String>>,
    /// `(VAR, vault credential name)` pairs passed to the command's environment.
    pub env: Vec<(String, String)>,
    pub target: String,
    pub recipients: Vec<String>,
    pub schedule: Option<String>,
    /// The retention policy as JSON (the core crate defines its shape).
    pub retention: String,
    pub created_at: i64,
}

/// One backup run, as kept in the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRow {
    /// Assigned by the store (0 when inserting).
    pub id: i64,
    pub source: String,
    pub started_at: i64,
    pub finished_at: i64,
    pub ok: bool,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub backup_id: Option<String>,
    pub object_key: Option<String>,
    pub error: Option<String>,
    pub retryable: bool,
    /// `manual` or `schedule`.
    pub trigger: String,
}

/// One restore drill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillRow {
    pub source: String,
    pub backup_id: Option<String>,
    pub at: i64,
    pub ok: bool,
    pub message: String,
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("lists of strings serialize")
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str, col: usize) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, Box::new(e))
    })
}

const TARGET_COLUMNS: &str = "name, endpoint, region, bucket, prefix, path_style, \
     access_key_from, secret_key_from, storage_class, created_at";
const SOURCE_COLUMNS: &str = "name, kind, path, excludes, command, env, target, recipients, \
     schedule, retention, created_at";
const RUN_COLUMNS: &str = "id, source, started_at, finished_at, status, bytes_in, bytes_out, \
     backup_id, object_key, error, retryable, trigger";

fn target_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TargetRow> {
    Ok(TargetRow {
        name: r.get(0)?,
        endpoint: r.get(1)?,
        region: r.get(2)?,
        bucket: r.get(3)?,
        prefix: r.get(4)?,
        path_style: r.get(5)?,
        access_key_from: r.get(6)?,
        secret_key_from: r.get(7)?,
        storage_class: r.get(8)?,
        created_at: r.get(9)?,
    })
}

fn source_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SourceRow> {
    let command: Option<String> = r.get(4)?;
    Ok(SourceRow {
        name: r.get(0)?,
        kind: r.get(1)?,
        path: r.get(2)?,
        excludes: from_json(&r.get::<_, String>(3)?, 3)?,
        command: command.map(|c| from_json(&c, 4)).transpose()?,
        env: from_json(&r.get::<_, String>(5)?, 5)?,
        target: r.get(6)?,
        recipients: from_json(&r.get::<_, String>(7)?, 7)?,
        schedule: r.get(8)?,
        retention: r.get(9)?,
        created_at: r.get(10)?,
    })
}

fn run_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RunRow> {
    Ok(RunRow {
        id: r.get(0)?,
        source: r.get(1)?,
        started_at: r.get(2)?,
        finished_at: r.get(3)?,
        ok: r.get::<_, String>(4)? == "ok",
        bytes_in: r.get::<_, i64>(5)? as u64,
        bytes_out: r.get::<_, i64>(6)? as u64,
        backup_id: r.get(7)?,
        object_key: r.get(8)?,
        error: r.get(9)?,
        retryable: r.get(10)?,
        trigger: r.get(11)?,
    })
}

impl Store {
    /// Adds a target; a taken name is [`StoreError::NameInUse`].
    pub fn insert_backup_target(&self, t: &TargetRow) -> Result<()> {
        self.conn()
            .execute(
                &format!("INSERT INTO backup_targets ({TARGET_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
                params![
                    t.name, t.endpoint, t.region, t.bucket, t.prefix, t.path_style,
                    t.access_key_from, t.secret_key_from, t.storage_class, t.created_at
                ],
            )
            .map_err(|e| name_in_use(e, &t.name))?;
        Ok(())
    }

    /// Every target, by name.
    pub fn list_backup_targets(&self) -> Result<Vec<TargetRow>> {
        let sql = format!("SELECT {TARGET_COLUMNS} FROM backup_targets ORDER BY name");
        let conn = self.conn();
        let mut stmt = conn.prepare(&sql)?;
        Ok(stmt.query_map([], target_from_row)?.collect::<std::result::Result<_, _>>()?)
    }

    /// The target called `name`.
    pub fn backup_target(&self, name: &str) -> Result<TargetRow> {
        let sql = format!("SELECT {TARGET_COLUMNS} FROM backup_targets WHERE name = ?1");
        self.conn()
            .query_row(&sql, [name], target_from_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("backup target {name:?}")))
    }

    /// Removes a target; fails with [`StoreError::NameInUse`] while a source uses it.
    pub fn delete_backup_target(&self, name: &str) -> Result<()> {
        let users: Vec<String> = {
            let conn = self.conn();
            let mut stmt =
                conn.prepare("SELECT name FROM backup_sources WHERE target = ?1 ORDER BY name")?;
            stmt.query_map([name], |r| r.get(0))?.collect::<std::result::Result<_, _>>()?
        };
        if !users.is_empty() {
            return Err(StoreError::NameInUse(format!(
                "{name} (used by the sources {})",
                users.join(", ")
            )));
        }
        match self.conn().execute("DELETE FROM backup_targets WHERE name = ?1", [name])? {
            0 => Err(StoreError::NotFound(format!("backup target {name:?}"))),
            _ => Ok(()),
        }
    }

    /// Adds a source; a taken name is [`StoreError::NameInUse`].
    pub fn insert_backup_source(&self, s: &SourceRow) -> Result<()> {
        self.conn()
            .execute(
                &format!("INSERT INTO backup_sources ({SOURCE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
                params![
                    s.name,
                    s.kind,
                    s.path,
                    to_json(&s.excludes),
                    s.command.as_ref().map(to_json),
                    to_json(&s.env),
                    s.target,
                    to_json(&s.recipients),
                    s.schedule,
                    s.retention,
                    s.created_at
                ],
            )
            .map_err(|e| name_in_use(e, &s.name))?;
        Ok(())
    }

    /// Every source, by name.
    pub fn list_backup_sources(&self) -> Result<Vec<SourceRow>> {
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM backup_sources ORDER BY name");
        let conn = self.conn();
        let mut stmt = conn.prepare(&sql)?;
        Ok(stmt.query_map([], source_from_row)?.collect::<std::result::Result<_, _>>()?)
    }

    /// The source called `name`.
    pub fn backup_source(&self, name: &str) -> Result<SourceRow> {
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM backup_sources WHERE name = ?1");
        self.conn()
            .query_row(&sql, [name], source_from_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("backup source {name:?}")))
    }

    /// Removes a source with its run and drill history.
    pub fn delete_backup_source(&self, name: &str) -> Result<()> {
        match self.conn().execute("DELETE FROM backup_sources WHERE name = ?1", [name])? {
            0 => Err(StoreError::NotFound(format!("backup source {name:?}"))),
            _ => Ok(()),
        }
    }

    /// Appends a run to the history; returns its id.
    pub fn insert_backup_run(&self, r: &RunRow) -> Result<i64> {
        // One guard for the insert and its rowid: another thread must not insert between.
        let conn = self.conn();
        conn.execute(
            "INSERT INTO backup_runs (source, started_at, finished_at, status, bytes_in, \
             bytes_out, backup_id, object_key, error, retryable, trigger) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                r.source,
                r.started_at,
                r.finished_at,
                if r.ok { "ok" } else { "failed" },
                r.bytes_in as i64,
                r.bytes_out as i64,
                r.backup_id,
                r.object_key,
                r.error,
                r.retryable,
                r.trigger
            ],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// The newest `limit` runs of `source` (all sources when `None`), newest first.
    pub fn backup_runs(&self, source: Option<&str>, limit: usize) -> Result<Vec<RunRow>> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM backup_runs WHERE ?1 IS NULL OR source = ?1 \
             ORDER BY started_at DESC, id DESC LIMIT ?2"
        );
        let conn = self.conn();
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(params![source, limit as i64], run_from_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Records a restore drill.
    pub fn insert_backup_drill(&self, d: &DrillRow) -> Result<()> {
        self.conn().execute(
            "INSERT INTO backup_drills (source, backup_id, at, ok, message) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![d.source, d.backup_id, d.at, d.ok, d.message],
        )?;
        Ok(())
    }

    /// The newest `limit` drills of `source` (all sources when `None`), newest first.
    pub fn backup_drills(&self, source: Option<&str>, limit: usize) -> Result<Vec<DrillRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT source, backup_id, at, ok, message FROM backup_drills \
             WHERE ?1 IS NULL OR source = ?1 ORDER BY at DESC, id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![source, limit as i64], |r| {
            Ok(DrillRow {
                source: r.get(0)?,
                backup_id: r.get(1)?,
                at: r.get(2)?,
                ok: r.get(3)?,
                message: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests;
