//! The `otp_accounts` table: the non-secret parameters of each authenticator account (issuer,
//! account, kind, algorithm, digits, period, HOTP counter, pinned). The seed is a keychain item
//! keyed by the id.

use crate::{Result, Store, StoreError};
use rusqlite::OptionalExtension;
use std::sync::{Arc, Mutex};

/// The account list as last read, with the database's change mark at that read: SQLite's
/// `data_version` (moves when another connection, such as the CLI, commits) and this
/// connection's `total_changes` (moves with every row this connection writes, in any table).
/// While both stand still the list cannot have changed, so the code list's refresh costs two
/// counters instead of a query and a sort.
#[derive(Default)]
pub(crate) struct ListCache(Mutex<Option<(ChangeMark, Arc<[OtpAccountRow]>)>>);

type ChangeMark = (i64, u64);

/// One authenticator account's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpAccountRow {
    pub id: String,
    pub issuer: String,
    pub account: String,
    /// `totp`, `hotp` or `steam`.
    pub kind: String,
    /// `SHA1`, `SHA256` or `SHA512`.
    pub algorithm: String,
    pub digits: u8,
    pub period: u32,
    pub counter: u64,
    pub pinned: bool,
    pub created_at: i64,
}

const COLUMNS: &str =
    "id, issuer, account, kind, algorithm, digits, period, counter, pinned, created_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OtpAccountRow> {
    Ok(OtpAccountRow {
        id: r.get(0)?,
        issuer: r.get(1)?,
        account: r.get(2)?,
        kind: r.get(3)?,
        algorithm: r.get(4)?,
        digits: r.get(5)?,
        period: r.get(6)?,
        counter: r.get::<_, i64>(7)? as u64,
        pinned: r.get(8)?,
        created_at: r.get(9)?,
    })
}

impl Store {
    /// Inserts an account's metadata.
    pub fn insert_otp_account(&self, row: &OtpAccountRow) -> Result<()> {
        self.conn().execute(
            &format!("INSERT INTO otp_accounts ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
            rusqlite::params![
                row.id,
                row.issuer,
                row.account,
                row.kind,
                row.algorithm,
                row.digits,
                row.period,
                row.counter as i64,
                row.pinned,
                row.created_at
            ],
        )?;
        Ok(())
    }

    /// All accounts: pinned first, then by issuer and account (case-insensitive).
    pub fn list_otp_accounts(&self) -> Result<Vec<OtpAccountRow>> {
        Ok(self.otp_accounts_shared()?.to_vec())
    }

    /// [`Store::list_otp_accounts`] without a copy: the list is read again only when the
    /// database changed since the last read (see [`ListCache`]). Inside a transaction it is
    /// always read and never kept, since what the transaction wrote may yet roll back.
    pub fn otp_accounts_shared(&self) -> Result<Arc<[OtpAccountRow]>> {
        let conn = self.conn();
        let in_transaction = !conn.is_autocommit();
        let mark: ChangeMark = (
            conn.prepare_cached("PRAGMA data_version")?.query_row([], |r| r.get(0))?,
            conn.total_changes(),
        );
        let mut cache = self.otp_list.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !in_transaction
            && let Some((cached_at, rows)) = cache.as_ref()
            && *cached_at == mark
        {
            return Ok(rows.clone());
        }
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM otp_accounts
             ORDER BY pinned DESC, lower(issuer), lower(account), created_at"
        ))?;
        let rows: Arc<[OtpAccountRow]> =
            stmt.query_map([], from_row)?.collect::<std::result::Result<_, _>>()?;
        *cache = (!in_transaction).then(|| (mark, rows.clone()));
        Ok(rows)
    }

    /// The account with this id.
    pub fn otp_account(&self, id: &str) -> Result<OtpAccountRow> {
        self.conn()
            .query_row(&format!("SELECT {COLUMNS} FROM otp_accounts WHERE id = ?1"), [id], from_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("no authenticator account with id {id}")))
    }

    /// Pins or unpins an account.
    pub fn set_otp_pinned(&self, id: &str, pinned: bool) -> Result<()> {
        let n = self.conn().execute(
            "UPDATE otp_accounts SET pinned = ?2 WHERE id = ?1",
            rusqlite::params![id, pinned],
        )?;
        expect_one(n, id)
    }

    /// Moves an HOTP counter from `expected` to `expected + 1`; false when another process
    /// moved it first (the caller re-reads and tries again).
    pub fn advance_otp_counter(&self, id: &str, expected: u64) -> Result<bool> {
        let n = self.conn().execute(
            "UPDATE otp_accounts SET counter = counter + 1 WHERE id = ?1 AND counter = ?2",
            rusqlite::params![id, expected as i64],
        )?;
        Ok(n == 1)
    }

    /// Stores a new HOTP counter.
    pub fn set_otp_counter(&self, id: &str, counter: u64) -> Result<()> {
        let n = self.conn().execute(
            "UPDATE otp_accounts SET counter = ?2 WHERE id = ?1",
            rusqlite::params![id, counter as i64],
        )?;
        expect_one(n, id)
    }

    /// Deletes an account's metadata.
    pub fn delete_otp_account(&self, id: &str) -> Result<()> {
        let n = self.conn().execute("DELETE FROM otp_accounts WHERE id = ?1", [id])?;
        expect_one(n, id)
    }
}

fn expect_one(changed: usize, id: &str) -> Result<()> {
    if changed == 0 {
        return Err(StoreError::NotFound(format!("no authenticator account with id {id}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, issuer: &str, pinned: bool) -> OtpAccountRow {
        OtpAccountRow {
            id: id.into(),
            issuer: issuer.into(),
            account: "alice".into(),
            kind: "totp".into(),
            algorithm: "SHA1".into(),
            digits: 6,
            period: 30,
            counter: 0,
            pinned,
            created_at: 1,
        }
    }

    fn ids(store: &Store) -> Vec<String> {
        store.otp_accounts_shared().unwrap().iter().map(|r| r.id.clone()).collect()
    }

    #[test]
    fn the_kept_list_follows_every_write_of_this_and_other_connections() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.insert_otp_account(&row("1", "alpha", false)).unwrap();
        let first = store.otp_accounts_shared().unwrap();
        let again = store.otp_accounts_shared().unwrap();
        assert!(Arc::ptr_eq(&first, &again), "nothing changed: the kept list is served");

        store.set_otp_pinned("1", true).unwrap();
        assert!(store.otp_accounts_shared().unwrap()[0].pinned, "this connection's write");

        // Another process (the CLI) adds an account: SQLite's data_version moves.
        let cli = Store::open(dir.path()).unwrap();
        cli.insert_otp_account(&row("2", "beta", false)).unwrap();
        assert_eq!(ids(&store), ["1", "2"]);
        cli.delete_otp_account("1").unwrap();
        assert_eq!(ids(&store), ["2"]);
    }

    #[test]
    fn a_list_read_inside_a_transaction_that_rolls_back_is_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.insert_otp_account(&row("1", "alpha", false)).unwrap();
        assert_eq!(ids(&store), ["1"]);
        let failed: Result<()> = store.transaction(|tx| {
            tx.insert_otp_account(&row("2", "beta", false))?;
            assert_eq!(ids(tx), ["1", "2"], "the transaction sees its own row");
            Err(StoreError::NotFound("abandoned".into()))
        });
        assert!(failed.is_err());
        assert_eq!(ids(&store), ["1"], "the rolled-back row is not served from memory");
    }

    #[test]
    fn pinned_accounts_come_first_then_alphabetical() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.insert_otp_account(&row("1", "zeta", false)).unwrap();
        store.insert_otp_account(&row("2", "Alpha", false)).unwrap();
        store.insert_otp_account(&row("3", "mid", true)).unwrap();
        let ids: Vec<_> = store.list_otp_accounts().unwrap().into_iter().map(|r| r.id).collect();
        assert_eq!(ids, ["3", "2", "1"]);
        store.set_otp_pinned("3", false).unwrap();
        store.set_otp_counter("2", 42).unwrap();
        assert_eq!(store.otp_account("2").unwrap().counter, 42);
        store.delete_otp_account("2").unwrap();
        assert!(matches!(store.otp_account("2"), Err(StoreError::NotFound(_))));
        assert!(matches!(store.set_otp_pinned("nope", true), Err(StoreError::NotFound(_))));
    }
}

#[cfg(test)]
mod counter_tests {
    use super::*;

    #[test]
    fn advancing_a_counter_someone_else_moved_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let row = OtpAccountRow {
            id: "h".into(),
            issuer: "I".into(),
            account: "a".into(),
            kind: "hotp".into(),
            algorithm: "SHA1".into(),
            digits: 6,
            period: 30,
            counter: 5,
            pinned: false,
            created_at: 0,
        };
        store.insert_otp_account(&row).unwrap();
        assert!(store.advance_otp_counter("h", 5).unwrap());
        assert!(!store.advance_otp_counter("h", 5).unwrap(), "5 was already used");
        assert_eq!(store.otp_account("h").unwrap().counter, 6);
    }
}
