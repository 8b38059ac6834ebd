//! The versioned schema. Each entry of [`MIGRATIONS`] moves the database one version up; the
//! version lives in `PRAGMA user_version`. Migrations are append-only: never edit a shipped one.

use crate::{Result, StoreError};
use std::path::Path;

const MIGRATIONS: &[&str] = &[
    // 1: credentials, authenticator accounts, settings and the audit log.
    r#"
    CREATE TABLE credentials (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        kind        TEXT NOT NULL,
        tags        TEXT NOT NULL DEFAULT '[]',
        created_at  INTEGER NOT NULL,
        rotated_at  INTEGER NOT NULL
    );
    CREATE TABLE otp_accounts (
        id          TEXT PRIMARY KEY,
        issuer      TEXT NOT NULL,
        account     TEXT NOT NULL,
        kind        TEXT NOT NULL,
        algorithm   TEXT NOT NULL,
        digits      INTEGER NOT NULL,
        period      INTEGER NOT NULL,
        counter     INTEGER NOT NULL DEFAULT 0,
        pinned      INTEGER NOT NULL DEFAULT 0,
        created_at  INTEGER NOT NULL
    );
    CREATE INDEX otp_accounts_label ON otp_accounts(issuer, account);
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE audit_log (
        seq        INTEGER PRIMARY KEY,
        at         INTEGER NOT NULL,
        action     TEXT NOT NULL,
        subject    TEXT NOT NULL,
        prev_hash  TEXT NOT NULL,
        hash       TEXT NOT NULL
    );
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    "#,
    // 2: health checks and alert feeds: services, their check history (raw, then hourly and
    // daily rollups) and the Alertmanager / Prometheus / Sentry sources.
    r#"
    CREATE TABLE feed_services (
        id              INTEGER PRIMARY KEY,
        name            TEXT NOT NULL UNIQUE,
        environment     TEXT NOT NULL DEFAULT '',
        url             TEXT NOT NULL,
        interval_ms     INTEGER NOT NULL,
        timeout_ms      INTEGER NOT NULL,
        conditions      TEXT NOT NULL,
        created_at      INTEGER NOT NULL,
        last_up         INTEGER,
        last_checked_ms INTEGER,
        last_result     TEXT
    );
    CREATE TABLE check_results (
        service_id  INTEGER NOT NULL REFERENCES feed_services(id) ON DELETE CASCADE,
        at_ms       INTEGER NOT NULL,
        up          INTEGER NOT NULL,
        latency_ms  INTEGER NOT NULL,
        http_status INTEGER,
        reasons     TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX check_results_service_at ON check_results(service_id, at_ms);
    CREATE INDEX check_results_at ON check_results(at_ms);
    CREATE TABLE check_rollups (
        service_id  INTEGER NOT NULL REFERENCES feed_services(id) ON DELETE CASCADE,
        bucket_ms   INTEGER NOT NULL,
        start_ms    INTEGER NOT NULL,
        checks      INTEGER NOT NULL,
        ups         INTEGER NOT NULL,
        latency_sum INTEGER NOT NULL,
        latency_max INTEGER NOT NULL,
        PRIMARY KEY (service_id, bucket_ms, start_ms)
    );
    CREATE TABLE feed_sources (
        id               INTEGER PRIMARY KEY,
        kind             TEXT NOT NULL CHECK (kind IN ('alertmanager', 'prometheus', 'sentry')),
        name             TEXT NOT NULL,
        url              TEXT NOT NULL,
        token_credential TEXT,
        created_at       INTEGER NOT NULL,
        UNIQUE (kind, name)
    );
    "#,
    // 3: encrypted backups: S3 targets (credentials are vault credential *names*), sources
    // (a directory or a command; secret env values are vault names too), run history and
    // restore drills. A target in use by a source cannot be deleted; a source's history goes
    // with it.
    r#"
    CREATE TABLE backup_targets (
        name               TEXT PRIMARY KEY,
        endpoint           TEXT,
        region             TEXT NOT NULL,
        bucket             TEXT NOT NULL,
        prefix             TEXT NOT NULL DEFAULT '',
        path_style         INTEGER NOT NULL,
        access_key_from    TEXT NOT NULL,
        secret_key_from    TEXT NOT NULL,
        storage_class      TEXT,
        created_at         INTEGER NOT NULL
    );
    CREATE TABLE backup_sources (
        name        TEXT PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind IN ('dir', 'command')),
        path        TEXT,
        excludes    TEXT NOT NULL DEFAULT '[]',
        command     TEXT,
        env         TEXT NOT NULL DEFAULT '[]',
        target      TEXT NOT NULL REFERENCES backup_targets(name),
        recipients  TEXT NOT NULL,
        schedule    TEXT,
        retention   TEXT NOT NULL DEFAULT '{}',
        created_at  INTEGER NOT NULL
    );
    CREATE TABLE backup_runs (
        id           INTEGER PRIMARY KEY,
        source       TEXT NOT NULL REFERENCES backup_sources(name) ON DELETE CASCADE,
        started_at   INTEGER NOT NULL,
        finished_at  INTEGER NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
        bytes_in     INTEGER NOT NULL DEFAULT 0,
        bytes_out    INTEGER NOT NULL DEFAULT 0,
        backup_id    TEXT,
        object_key   TEXT,
        error        TEXT,
        retryable    INTEGER NOT NULL DEFAULT 0,
        trigger      TEXT NOT NULL CHECK (trigger IN ('manual', 'schedule'))
    );
    CREATE INDEX backup_runs_source_started ON backup_runs(source, started_at);
    CREATE TABLE backup_drills (
        id         INTEGER PRIMARY KEY,
        source     TEXT NOT NULL REFERENCES backup_sources(name) ON DELETE CASCADE,
        backup_id  TEXT,
        at         INTEGER NOT NULL,
        ok         INTEGER NOT NULL,
        message    TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX backup_drills_source_at ON backup_drills(source, at);
    "#,
    // 4: the security checklist: named check targets (their configuration as JSON, defined by
    // rampart-checks) and attestations per target and item (who, when, until when). A target's
    // attestations go with it.
    r#"
    CREATE TABLE check_targets (
        name        TEXT PRIMARY KEY,
        config      TEXT NOT NULL,
        created_at  INTEGER NOT NULL
    );
    CREATE TABLE check_attestations (
        target      TEXT NOT NULL REFERENCES check_targets(name) ON DELETE CASCADE,
        item        TEXT NOT NULL,
        note        TEXT NOT NULL,
        by_name     TEXT NOT NULL,
        at          INTEGER NOT NULL,
        expires     INTEGER,
        PRIMARY KEY (target, item)
    );
    "#,
    // 5: incidents (severity P1-P4, status, owner, times in unix ms, the resolution summary and
    // postmortem fields), what they link to (services, alert fingerprints, Sentry issues, backup
    // sources), their own events (notes, status changes, acknowledgements, escalation steps),
    // and the history of alert transitions the feeds have seen (firing, silenced, resolved per
    // fingerprint), which incident timelines read.
    r#"
    CREATE TABLE incidents (
        id               INTEGER PRIMARY KEY,
        title            TEXT NOT NULL,
        severity         TEXT NOT NULL CHECK (severity IN ('P1', 'P2', 'P3', 'P4')),
        status           TEXT NOT NULL
            CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
        owner            TEXT,
        source           TEXT NOT NULL DEFAULT 'manual',
        opened_at        INTEGER NOT NULL,
        acknowledged_at  INTEGER,
        resolved_at      INTEGER,
        summary          TEXT NOT NULL DEFAULT '',
        impact           TEXT NOT NULL DEFAULT '',
        root_cause       TEXT NOT NULL DEFAULT '',
        action_items     TEXT NOT NULL DEFAULT '[]',
        escalation_level INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX incidents_status ON incidents(status, opened_at);
    CREATE TABLE incident_links (
        incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
        kind        TEXT NOT NULL CHECK (kind IN ('service', 'alert', 'sentry', 'backup')),
        target      TEXT NOT NULL,
        linked_at   INTEGER NOT NULL,
        PRIMARY KEY (incident_id, kind, target)
    );
    CREATE TABLE incident_events (
        id          INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
        at          INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        author      TEXT NOT NULL DEFAULT '',
        text        TEXT NOT NULL
    );
    CREATE INDEX incident_events_incident_at ON incident_events(incident_id, at);
    CREATE TABLE alert_transitions (
        id          INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        alertname   TEXT NOT NULL,
        severity    TEXT NOT NULL DEFAULT '',
        service     TEXT NOT NULL DEFAULT '',
        summary     TEXT NOT NULL DEFAULT '',
        state       TEXT NOT NULL CHECK (state IN ('firing', 'silenced', 'resolved')),
        detail      TEXT NOT NULL DEFAULT '',
        at          INTEGER NOT NULL
    );
    CREATE INDEX alert_transitions_fingerprint ON alert_transitions(fingerprint, id);
    CREATE INDEX alert_transitions_at ON alert_transitions(at);
    "#,
    // 6: checklist run history: each recorded run of a named target (its times as RFC 3339
    // UTC, the report as JSON whose shape rampart-checks defines, the counts per status). Runs
    // are never edited; the oldest beyond the kept number are pruned, and a target's runs go
    // with it.
    r#"
    CREATE TABLE check_runs (
        id        INTEGER PRIMARY KEY,
        target    TEXT NOT NULL REFERENCES check_targets(name) ON DELETE CASCADE,
        started   TEXT NOT NULL,
        finished  TEXT NOT NULL,
        report    TEXT NOT NULL,
        pass      INTEGER NOT NULL,
        fail      INTEGER NOT NULL,
        warn      INTEGER NOT NULL,
        unknown   INTEGER NOT NULL,
        attested  INTEGER NOT NULL,
        na        INTEGER NOT NULL
    );
    CREATE INDEX check_runs_target ON check_runs(target, id);
    CREATE TRIGGER check_runs_no_update BEFORE UPDATE ON check_runs
        BEGIN SELECT RAISE(ABORT, 'check runs are never edited'); END;
    "#,
];

/// The schema version this build writes.
pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies every migration above the database's version, each in its own transaction.
pub fn apply(conn: &mut rusqlite::Connection, path: &Path) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > CURRENT_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found,
            supported: CURRENT_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as i64 + 1;
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(version, "applied database migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_database_reaches_the_current_version_and_reopening_is_a_no_op() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::Store::open(dir.path()).unwrap();
        let v: i64 = store.conn().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v, CURRENT_VERSION);
        drop(store);
        crate::Store::open(dir.path()).expect("reopening applies nothing and succeeds");
    }

    #[test]
    fn a_database_from_a_newer_rampart_is_refused_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(crate::Store::FILE_NAME);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", CURRENT_VERSION + 5).unwrap();
        drop(conn);
        let err = crate::Store::open(dir.path()).err().expect("newer schema must be refused");
        assert!(err.to_string().contains("upgrade Rampart"), "{err}");
    }
}
