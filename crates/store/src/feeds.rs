//! The feeds tables (migration 2): monitored services (`feed_services`, conditions as JSON),
//! alert/error sources (`feed_sources`: Alertmanager, Prometheus, Sentry; a Sentry token is the
//! *name* of a vault credential, never the token), and check history: every result
//! (`check_results`) for recent days, rolled up per hour and then per day (`check_rollups`) by
//! [`Store::compact_check_history`], so uptime and response-time series stay cheap queries.

use crate::{Result, Store, StoreError, name_in_use};
use rusqlite::{OptionalExtension, params};

/// A monitored service. `conditions` is the JSON the feeds crate defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRow {
    pub name: String,
    pub environment: String,
    pub url: String,
    pub interval_ms: i64,
    pub timeout_ms: i64,
    pub conditions: String,
    pub created_at: i64,
    /// The last check: whether it was up, when (unix ms) and the full result as JSON.
    pub last_up: Option<bool>,
    pub last_checked_ms: Option<i64>,
    pub last_result: Option<String>,
}

/// An Alertmanager, Prometheus or Sentry project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    /// `alertmanager`, `prometheus` or `sentry`.
    pub kind: String,
    /// For Sentry: `org/project`.
    pub name: String,
    pub url: String,
    /// Sentry only: the vault credential holding the token.
    pub token_credential: Option<String>,
    pub created_at: i64,
}

/// One check, as kept in the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRow {
    pub at_ms: i64,
    pub up: bool,
    pub latency_ms: i64,
    pub http_status: Option<i64>,
    /// JSON list of reasons.
    pub reasons: String,
}

/// Checks and ups over a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Uptime {
    pub checks: i64,
    pub ups: i64,
}

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;
const SERVICE_COLUMNS: &str = "name, environment, url, interval_ms, timeout_ms, conditions, \
     created_at, last_up, last_checked_ms, last_result";

fn service_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ServiceRow> {
    Ok(ServiceRow {
        name: r.get(0)?,
        environment: r.get(1)?,
        url: r.get(2)?,
        interval_ms: r.get(3)?,
        timeout_ms: r.get(4)?,
        conditions: r.get(5)?,
        created_at: r.get(6)?,
        last_up: r.get(7)?,
        last_checked_ms: r.get(8)?,
        last_result: r.get(9)?,
    })
}

/// Up or not before a window (None: no check before it), then each check in it: `(at_ms, up)`.
pub type CheckStates = (Option<bool>, Vec<(i64, bool)>);

impl Store {
    /// Adds a service; a taken name is [`StoreError::NameInUse`].
    pub fn insert_service(&self, s: &ServiceRow) -> Result<()> {
        self.conn()
            .execute(
                "INSERT INTO feed_services (name, environment, url, interval_ms, timeout_ms, \
                 conditions, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    s.name,
                    s.environment,
                    s.url,
                    s.interval_ms,
                    s.timeout_ms,
                    s.conditions,
                    s.created_at
                ],
            )
            .map_err(|e| name_in_use(e, &s.name))?;
        Ok(())
    }

    /// All services, by name.
    pub fn list_services(&self) -> Result<Vec<ServiceRow>> {
        let sql = format!("SELECT {SERVICE_COLUMNS} FROM feed_services ORDER BY name");
        let conn = self.conn();
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map([], service_from_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The service called `name`.
    pub fn service(&self, name: &str) -> Result<ServiceRow> {
        let sql = format!("SELECT {SERVICE_COLUMNS} FROM feed_services WHERE name = ?1");
        self.conn()
            .query_row(&sql, [name], service_from_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("no service named {name:?}")))
    }

    /// Removes a service and its history.
    pub fn delete_service(&self, name: &str) -> Result<()> {
        let id = self.service_id(name)?;
        self.conn().execute("DELETE FROM check_rollups WHERE service_id = ?1", [id])?;
        self.conn().execute("DELETE FROM check_results WHERE service_id = ?1", [id])?;
        self.conn().execute("DELETE FROM feed_services WHERE id = ?1", [id])?;
        Ok(())
    }

    fn service_id(&self, name: &str) -> Result<i64> {
        self.conn()
            .query_row("SELECT id FROM feed_services WHERE name = ?1", [name], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("no service named {name:?}")))
    }

    /// Appends a check to `service`'s history and makes it the service's last result.
    pub fn record_check(&self, service: &str, check: &CheckRow, result_json: &str) -> Result<()> {
        let id = self.service_id(service)?;
        self.conn().execute(
            "INSERT INTO check_results (service_id, at_ms, up, latency_ms, http_status, reasons) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, check.at_ms, check.up, check.latency_ms, check.http_status, check.reasons],
        )?;
        self.conn().execute(
            "UPDATE feed_services SET last_up = ?2, last_checked_ms = ?3, last_result = ?4 \
             WHERE id = ?1",
            params![id, check.up, check.at_ms, result_json],
        )?;
        Ok(())
    }

    /// The newest `limit` raw checks of a service, newest first.
    pub fn recent_checks(&self, service: &str, limit: usize) -> Result<Vec<CheckRow>> {
        let id = self.service_id(service)?;
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT at_ms, up, latency_ms, http_status, reasons FROM check_results \
             WHERE service_id = ?1 ORDER BY at_ms DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![id, limit as i64], |r| {
            Ok(CheckRow {
                at_ms: r.get(0)?,
                up: r.get(1)?,
                latency_ms: r.get(2)?,
                http_status: r.get(3)?,
                reasons: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Whether `service` was up by its last raw check before `from_ms` (None: no such check),
    /// then its raw checks' times and up/down from `from_ms` to `to_ms`, oldest first: enough
    /// to tell when it went down and came back in a window.
    pub fn check_states_between(
        &self,
        service: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<CheckStates> {
        let id = self.service_id(service)?;
        let before = self
            .conn()
            .query_row(
                "SELECT up FROM check_results WHERE service_id = ?1 AND at_ms < ?2 \
                 ORDER BY at_ms DESC LIMIT 1",
                params![id, from_ms],
                |r| r.get(0),
            )
            .optional()?;
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT at_ms, up FROM check_results WHERE service_id = ?1 \
             AND at_ms BETWEEN ?2 AND ?3 ORDER BY at_ms",
        )?;
        let rows = stmt.query_map(params![id, from_ms, to_ms], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok((before, rows.collect::<std::result::Result<_, _>>()?))
    }

    /// Checks and ups since `since_ms`, from raw results and rollups together.
    pub fn uptime(&self, service: &str, since_ms: i64) -> Result<Uptime> {
        self.uptime_between(service, since_ms, i64::MAX)
    }

    /// Checks and ups from `from_ms` (inclusive) until `to_ms` (exclusive), from raw results
    /// and the rollups that start in the range.
    pub fn uptime_between(&self, service: &str, from_ms: i64, to_ms: i64) -> Result<Uptime> {
        let id = self.service_id(service)?;
        let (checks, ups) = self.conn().query_row(
            "SELECT COALESCE(SUM(c), 0), COALESCE(SUM(u), 0) FROM ( \
               SELECT COUNT(*) AS c, SUM(up) AS u FROM check_results \
                 WHERE service_id = ?1 AND at_ms >= ?2 AND at_ms < ?3 \
               UNION ALL \
               SELECT SUM(checks), SUM(ups) FROM check_rollups \
                 WHERE service_id = ?1 AND start_ms >= ?2 AND start_ms < ?3)",
            params![id, from_ms, to_ms],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(Uptime { checks, ups })
    }

    /// Mean response time per `step_ms` bucket since `since_ms`: `(bucket start, mean ms)`.
    pub fn latency_series(
        &self,
        service: &str,
        since_ms: i64,
        step_ms: i64,
    ) -> Result<Vec<(i64, f64)>> {
        let id = self.service_id(service)?;
        let step = step_ms.max(1);
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT (t / ?3) * ?3 AS b, CAST(SUM(s) AS REAL) / SUM(n) FROM ( \
               SELECT at_ms AS t, latency_ms AS s, 1 AS n FROM check_results \
                 WHERE service_id = ?1 AND at_ms >= ?2 \
               UNION ALL \
               SELECT start_ms, latency_sum, checks FROM check_rollups \
                 WHERE service_id = ?1 AND start_ms >= ?2) \
             GROUP BY b ORDER BY b",
        )?;
        let rows = stmt.query_map(params![id, since_ms, step], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Rolls raw checks older than `raw_days` into hourly buckets, hourly buckets older than
    /// `hourly_days` into daily ones, and drops daily buckets older than `keep_days`. Cutoffs
    /// fall on bucket boundaries, so no bucket is split. Returns the raw rows rolled up.
    pub fn compact_check_history(
        &self,
        now_ms: i64,
        raw_days: i64,
        hourly_days: i64,
        keep_days: i64,
    ) -> Result<usize> {
        let raw_cutoff = (now_ms - raw_days * DAY_MS).div_euclid(HOUR_MS) * HOUR_MS;
        let hour_cutoff = (now_ms - hourly_days * DAY_MS).div_euclid(DAY_MS) * DAY_MS;
        let drop_cutoff = now_ms - keep_days * DAY_MS;
        self.transaction(|store| {
            let c = store.conn();
            c.execute(
                "INSERT INTO check_rollups (service_id, bucket_ms, start_ms, checks, ups, \
                   latency_sum, latency_max) \
                 SELECT service_id, ?2, (at_ms / ?2) * ?2, COUNT(*), SUM(up), SUM(latency_ms), \
                   MAX(latency_ms) FROM check_results WHERE at_ms < ?1 GROUP BY 1, 3 \
                 ON CONFLICT (service_id, bucket_ms, start_ms) DO UPDATE SET \
                   checks = checks + excluded.checks, ups = ups + excluded.ups, \
                   latency_sum = latency_sum + excluded.latency_sum, \
                   latency_max = MAX(latency_max, excluded.latency_max)",
                params![raw_cutoff, HOUR_MS],
            )?;
            let rolled = c.execute("DELETE FROM check_results WHERE at_ms < ?1", [raw_cutoff])?;
            c.execute(
                "INSERT INTO check_rollups (service_id, bucket_ms, start_ms, checks, ups, \
                   latency_sum, latency_max) \
                 SELECT service_id, ?2, (start_ms / ?2) * ?2, SUM(checks), SUM(ups), \
                   SUM(latency_sum), MAX(latency_max) FROM check_rollups \
                 WHERE bucket_ms = ?3 AND start_ms < ?1 GROUP BY 1, 3 \
                 ON CONFLICT (service_id, bucket_ms, start_ms) DO UPDATE SET \
                   checks = checks + excluded.checks, ups = ups + excluded.ups, \
                   latency_sum = latency_sum + excluded.latency_sum, \
                   latency_max = MAX(latency_max, excluded.latency_max)",
                params![hour_cutoff, DAY_MS, HOUR_MS],
            )?;
            c.execute(
                "DELETE FROM check_rollups WHERE bucket_ms = ?2 AND start_ms < ?1",
                params![hour_cutoff, HOUR_MS],
            )?;
            c.execute("DELETE FROM check_rollups WHERE start_ms < ?1", params![drop_cutoff])?;
            Ok(rolled)
        })
    }

    /// Adds an Alertmanager, Prometheus or Sentry project; `(kind, name)` is unique.
    pub fn insert_source(&self, s: &SourceRow) -> Result<()> {
        self.conn()
            .execute(
                "INSERT INTO feed_sources (kind, name, url, token_credential, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![s.kind, s.name, s.url, s.token_credential, s.created_at],
            )
            .map_err(|e| name_in_use(e, &s.name))?;
        Ok(())
    }

    /// Sources of one kind, by name.
    pub fn list_sources(&self, kind: &str) -> Result<Vec<SourceRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT kind, name, url, token_credential, created_at FROM feed_sources \
             WHERE kind = ?1 ORDER BY name",
        )?;
        let rows = stmt.query_map([kind], |r| {
            Ok(SourceRow {
                kind: r.get(0)?,
                name: r.get(1)?,
                url: r.get(2)?,
                token_credential: r.get(3)?,
                created_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Removes a source.
    pub fn delete_source(&self, kind: &str, name: &str) -> Result<()> {
        let changed = self
            .conn()
            .execute("DELETE FROM feed_sources WHERE kind = ?1 AND name = ?2", [kind, name])?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("no {kind} named {name:?}")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(name: &str) -> ServiceRow {
        ServiceRow {
            name: name.into(),
            environment: "prod".into(),
            url: "http://127.0.0.1:1/health".into(),
            interval_ms: 30_000,
            timeout_ms: 5_000,
            conditions: "[]".into(),
            created_at: 1,
            last_up: None,
            last_checked_ms: None,
            last_result: None,
        }
    }

    fn check(at_ms: i64, up: bool, latency_ms: i64) -> CheckRow {
        CheckRow { at_ms, up, latency_ms, http_status: Some(200), reasons: "[]".into() }
    }

    #[test]
    fn services_and_sources_round_trip_and_names_are_unique() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.insert_service(&service("api")).unwrap();
        let err = store.insert_service(&service("api")).unwrap_err();
        assert!(matches!(err, StoreError::NameInUse(_)), "{err}");
        store.record_check("api", &check(5, true, 12), "{}").unwrap();
        let api = store.service("api").unwrap();
        assert_eq!((api.last_up, api.last_checked_ms), (Some(true), Some(5)));

        let am = SourceRow {
            kind: "alertmanager".into(),
            name: "prod".into(),
            url: "http://am".into(),
            token_credential: None,
            created_at: 1,
        };
        store.insert_source(&am).unwrap();
        assert!(store.insert_source(&am).is_err());
        store.insert_source(&SourceRow { kind: "prometheus".into(), ..am.clone() }).unwrap();
        assert_eq!(store.list_sources("alertmanager").unwrap(), vec![am]);
        store.delete_source("alertmanager", "prod").unwrap();
        assert!(store.delete_source("alertmanager", "prod").is_err());

        store.record_check("api", &check(7, false, 12), "{}").unwrap();
        store.record_check("api", &check(9, true, 12), "{}").unwrap();
        let (before, states) = store.check_states_between("api", 6, 100).unwrap();
        assert_eq!((before, states), (Some(true), vec![(7, false), (9, true)]));
        assert_eq!(store.check_states_between("api", 0, 4).unwrap(), (None, vec![]));

        store.delete_service("api").unwrap();
        assert!(matches!(store.service("api"), Err(StoreError::NotFound(_))));
    }

    #[test]
    fn history_rolls_up_per_hour_then_per_day_and_uptime_stays_exact() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.insert_service(&service("api")).unwrap();
        let now = 100 * DAY_MS;
        // One check every 30 min for 60 days; every 4th is down; latency = 10 or 30 ms.
        let mut expected = Uptime::default();
        store
            .transaction(|store| {
                let (mut t, mut i) = (now - 60 * DAY_MS, 0);
                while t < now {
                    let up = i % 4 != 0;
                    store.record_check("api", &check(t, up, if up { 10 } else { 30 }), "{}")?;
                    expected.checks += 1;
                    expected.ups += up as i64;
                    t += HOUR_MS / 2;
                    i += 1;
                }
                Ok(())
            })
            .unwrap();
        let before_90 = store.uptime("api", now - 90 * DAY_MS).unwrap();
        let before_24h = store.uptime("api", now - DAY_MS).unwrap();
        assert_eq!(before_90, expected);
        let rolled = store.compact_check_history(now, 7, 30, 400).unwrap();
        assert!(rolled > 2_000, "{rolled}");
        assert_eq!(store.uptime("api", now - 90 * DAY_MS).unwrap(), expected);
        assert_eq!(store.uptime("api", now - DAY_MS).unwrap(), before_24h);
        assert_eq!(store.uptime("api", now - 7 * DAY_MS).unwrap().checks, 7 * 48);
        assert_eq!(store.uptime("api", now - 30 * DAY_MS).unwrap().checks, 30 * 48);
        let raw: i64 =
            store.conn().query_row("SELECT COUNT(*) FROM check_results", [], |r| r.get(0)).unwrap();
        assert_eq!(raw, 7 * 48, "only the last 7 days stay raw");
        let kinds: Vec<(i64, i64)> = store
            .conn()
            .prepare("SELECT bucket_ms, COUNT(*) FROM check_rollups GROUP BY 1 ORDER BY 1")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<std::result::Result<_, _>>()
            .unwrap();
        assert_eq!(kinds, vec![(HOUR_MS, 23 * 24), (DAY_MS, 30)]);
        let daily = store.latency_series("api", now - 90 * DAY_MS, DAY_MS).unwrap();
        assert_eq!(daily.len(), 60);
        assert!(daily.iter().all(|(_, ms)| (*ms - 15.0).abs() < 1e-9), "{daily:?}");
        // Compacting again changes nothing.
        assert_eq!(store.compact_check_history(now, 7, 30, 400).unwrap(), 0);
        assert_eq!(store.uptime("api", now - 90 * DAY_MS).unwrap(), expected);
    }
}
