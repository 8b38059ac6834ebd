//! The checklist tables (migration 4): named check targets (`check_targets`; the configuration
//! is JSON whose shape rampart-checks defines, so a new target field needs no migration) and
//! attestations (`check_attestations`: one per target and item, replaced when attested again,
//! removed with their target).

use crate::{Result, Store, StoreError, name_in_use};
use rusqlite::{OptionalExtension, params};

/// A stored check target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckTargetRow {
    pub name: String,
    /// The target's configuration as JSON.
    pub config: String,
    pub created_at: i64,
}

/// A person's word for one item of one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttestationRow {
    pub target: String,
    pub item: String,
    pub note: String,
    pub by: String,
    /// Unix seconds.
    pub at: i64,
    /// Unix seconds after which it no longer counts.
    pub expires: Option<i64>,
}

fn target_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CheckTargetRow> {
    Ok(CheckTargetRow { name: r.get(0)?, config: r.get(1)?, created_at: r.get(2)? })
}

impl Store {
    /// Adds a target; a taken name is [`StoreError::NameInUse`].
    pub fn insert_check_target(&self, t: &CheckTargetRow) -> Result<()> {
        self.conn()
            .execute(
                "INSERT INTO check_targets (name, config, created_at) VALUES (?1, ?2, ?3)",
                params![t.name, t.config, t.created_at],
            )
            .map_err(|e| name_in_use(e, &t.name))?;
        Ok(())
    }

    /// One target; [`StoreError::NotFound`] when there is none by that name.
    pub fn check_target(&self, name: &str) -> Result<CheckTargetRow> {
        self.conn()
            .query_row(
                "SELECT name, config, created_at FROM check_targets WHERE name = ?1",
                [name],
                target_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("check target {name:?}")))
    }

    /// Every target, by name.
    pub fn list_check_targets(&self) -> Result<Vec<CheckTargetRow>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT name, config, created_at FROM check_targets ORDER BY name")?;
        let rows = stmt.query_map([], target_from_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Removes a target and its attestations.
    pub fn delete_check_target(&self, name: &str) -> Result<()> {
        match self.conn().execute("DELETE FROM check_targets WHERE name = ?1", [name])? {
            0 => Err(StoreError::NotFound(format!("check target {name:?}"))),
            _ => Ok(()),
        }
    }

    /// Adds an attestation, replacing the target's earlier one for the same item.
    pub fn upsert_attestation(&self, a: &AttestationRow) -> Result<()> {
        self.conn().execute(
            "INSERT INTO check_attestations (target, item, note, by_name, at, expires) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
             ON CONFLICT(target, item) DO UPDATE SET note = excluded.note, \
             by_name = excluded.by_name, at = excluded.at, expires = excluded.expires",
            params![a.target, a.item, a.note, a.by, a.at, a.expires],
        )?;
        Ok(())
    }

    /// Removes the attestation of `item` for `target`; [`StoreError::NotFound`] when none.
    pub fn delete_attestation(&self, target: &str, item: &str) -> Result<()> {
        match self.conn().execute(
            "DELETE FROM check_attestations WHERE target = ?1 AND item = ?2",
            [target, item],
        )? {
            0 => Err(StoreError::NotFound(format!("an attestation of {item} for {target:?}"))),
            _ => Ok(()),
        }
    }

    /// A target's attestations, by item.
    pub fn attestations(&self, target: &str) -> Result<Vec<AttestationRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT target, item, note, by_name, at, expires FROM check_attestations \
             WHERE target = ?1 ORDER BY item",
        )?;
        let rows = stmt.query_map([target], |r| {
            Ok(AttestationRow {
                target: r.get(0)?,
                item: r.get(1)?,
                note: r.get(2)?,
                by: r.get(3)?,
                at: r.get(4)?,
                expires: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(name: &str) -> CheckTargetRow {
        CheckTargetRow { name: name.into(), config: "{}".into(), created_at: 1 }
    }

    fn att(item: &str, note: &str) -> AttestationRow {
        AttestationRow {
            target: "staging".into(),
            item: item.into(),
            note: note.into(),
            by: "ana".into(),
            at: 10,
            expires: Some(100),
        }
    }

    #[test]
    fn targets_round_trip_refuse_duplicates_and_take_their_attestations_along() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.insert_check_target(&target("staging")).unwrap();
        store.insert_check_target(&target("prod")).unwrap();
        assert!(matches!(
            store.insert_check_target(&target("prod")),
            Err(StoreError::NameInUse(n)) if n == "prod"
        ));
        let names: Vec<_> =
            store.list_check_targets().unwrap().into_iter().map(|t| t.name).collect();
        assert_eq!(names, ["prod", "staging"]);
        assert!(matches!(store.check_target("nope"), Err(StoreError::NotFound(_))));

        store.upsert_attestation(&att("compliance.gdpr", "first")).unwrap();
        store.upsert_attestation(&att("compliance.gdpr", "second")).unwrap();
        store.upsert_attestation(&att("code.review", "done")).unwrap();
        let list = store.attestations("staging").unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!((list[1].item.as_str(), list[1].note.as_str()), ("compliance.gdpr", "second"));

        store.delete_attestation("staging", "code.review").unwrap();
        assert!(matches!(
            store.delete_attestation("staging", "code.review"),
            Err(StoreError::NotFound(_))
        ));
        store.delete_check_target("staging").unwrap();
        assert!(store.attestations("staging").unwrap().is_empty());
        assert!(matches!(store.delete_check_target("staging"), Err(StoreError::NotFound(_))));
    }

    #[test]
    fn an_attestation_needs_an_existing_target() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(store.upsert_attestation(&att("code.review", "x")).is_err());
    }
}
