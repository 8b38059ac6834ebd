//! The `credentials` table: one row of metadata per vault secret (id, unique name, kind, tags,
//! created and rotated dates). The value itself is a keychain item keyed by the id.

use crate::{Result, Store, StoreError, name_in_use};
use rusqlite::OptionalExtension;

/// Metadata of one vault credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub tags: Vec<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of the last rotation (= created_at until the first rotation).
    pub rotated_at: i64,
}

const COLUMNS: &str = "id, name, kind, tags, created_at, rotated_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CredentialRow> {
    let tags: String = r.get(3)?;
    Ok(CredentialRow {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        created_at: r.get(4)?,
        rotated_at: r.get(5)?,
    })
}

impl Store {
    /// Inserts a credential; fails with [`StoreError::NameInUse`] when the name is taken.
    pub fn insert_credential(&self, row: &CredentialRow) -> Result<()> {
        let tags = serde_json::to_string(&row.tags).expect("a list of strings serializes");
        self.conn()
            .execute(
                &format!("INSERT INTO credentials ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
                rusqlite::params![row.id, row.name, row.kind, tags, row.created_at, row.rotated_at],
            )
            .map_err(|e| name_in_use(e, &row.name))?;
        Ok(())
    }

    /// All credentials, by name.
    pub fn list_credentials(&self) -> Result<Vec<CredentialRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM credentials ORDER BY name"))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Credentials whose name, kind or tags contain `needle` (case-insensitive).
    pub fn search_credentials(&self, needle: &str) -> Result<Vec<CredentialRow>> {
        let needle = needle.to_lowercase();
        Ok(self
            .list_credentials()?
            .into_iter()
            .filter(|c| {
                c.name.to_lowercase().contains(&needle)
                    || c.kind.to_lowercase().contains(&needle)
                    || c.tags.iter().any(|t| t.to_lowercase().contains(&needle))
            })
            .collect())
    }

    /// The credential called `name`.
    pub fn credential_by_name(&self, name: &str) -> Result<CredentialRow> {
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM credentials WHERE name = ?1"),
                [name],
                from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("no credential named {name:?}")))
    }

    /// The credential with this id.
    pub fn credential_by_id(&self, id: &str) -> Result<CredentialRow> {
        self.conn()
            .query_row(&format!("SELECT {COLUMNS} FROM credentials WHERE id = ?1"), [id], from_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("no credential with id {id}")))
    }

    /// Renames a credential.
    pub fn rename_credential(&self, id: &str, new_name: &str) -> Result<()> {
        let changed = self
            .conn()
            .execute("UPDATE credentials SET name = ?2 WHERE id = ?1", [id, new_name])
            .map_err(|e| name_in_use(e, new_name))?;
        expect_one(changed, id)
    }

    /// Records a rotation at `at`; the creation date is kept.
    pub fn mark_rotated(&self, id: &str, at: i64) -> Result<()> {
        let changed = self.conn().execute(
            "UPDATE credentials SET rotated_at = ?2 WHERE id = ?1",
            rusqlite::params![id, at],
        )?;
        expect_one(changed, id)
    }

    /// Deletes a credential's metadata.
    pub fn delete_credential(&self, id: &str) -> Result<()> {
        let changed = self.conn().execute("DELETE FROM credentials WHERE id = ?1", [id])?;
        expect_one(changed, id)
    }
}

fn expect_one(changed: usize, id: &str) -> Result<()> {
    if changed == 0 {
        return Err(StoreError::NotFound(format!("no credential with id {id}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, name: &str) -> CredentialRow {
        CredentialRow {
            id: id.into(),
            name: name.into(),
            kind: "apiToken".into(),
            tags: vec!["prod".into()],
            created_at: 10,
            rotated_at: 10,
        }
    }

    #[test]
    fn insert_list_rename_rotate_delete() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.insert_credential(&row("a", "sentry-token")).unwrap();
        store.insert_credential(&row("b", "slack-webhook")).unwrap();
        assert_eq!(store.list_credentials().unwrap().len(), 2);
        assert_eq!(store.search_credentials("SLACK").unwrap()[0].id, "b");
        assert_eq!(store.search_credentials("prod").unwrap().len(), 2);

        store.rename_credential("a", "sentry-api").unwrap();
        store.mark_rotated("a", 99).unwrap();
        let a = store.credential_by_name("sentry-api").unwrap();
        assert_eq!((a.created_at, a.rotated_at), (10, 99), "rotation keeps the creation date");

        store.delete_credential("a").unwrap();
        assert!(matches!(store.credential_by_id("a"), Err(StoreError::NotFound(_))));
        assert!(matches!(store.delete_credential("a"), Err(StoreError::NotFound(_))));
    }

    #[test]
    fn a_taken_name_is_refused_for_insert_and_rename() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.insert_credential(&row("a", "db")).unwrap();
        store.insert_credential(&row("b", "db2")).unwrap();
        let err = store.insert_credential(&row("c", "db")).unwrap_err();
        assert!(matches!(err, StoreError::NameInUse(ref n) if n == "db"), "{err}");
        assert!(err.to_string().contains("already in use"));
        let err = store.rename_credential("b", "db").unwrap_err();
        assert!(matches!(err, StoreError::NameInUse(_)), "{err}");
    }
}
