//! The `settings` table: small typed preferences stored as JSON values under string keys.

use crate::{Result, Store};
use rusqlite::OptionalExtension;
use serde::{Serialize, de::DeserializeOwned};

impl Store {
    /// Reads a setting; `None` when unset or unreadable (a corrupt value falls back to default).
    pub fn setting<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        let raw: Option<String> = self
            .conn()
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
            .optional()?;
        Ok(raw.and_then(|v| serde_json::from_str(&v).ok()))
    }

    /// Writes a setting.
    pub fn set_setting<T: Serialize>(&self, key: &str, value: &T) -> Result<()> {
        let json = serde_json::to_string(value).expect("settings values serialize");
        self.conn().execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, &json],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;

    #[test]
    fn settings_round_trip_and_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.setting::<u32>("idle").unwrap(), None);
        store.set_setting("idle", &15u32).unwrap();
        store.set_setting("idle", &20u32).unwrap();
        assert_eq!(store.setting::<u32>("idle").unwrap(), Some(20));
    }

    /// The store is shared between threads as it is (the desktop's commands): another thread's
    /// read waits for an open transaction to end, so it never sees its uncommitted rows, and a
    /// rolled-back transaction leaves nothing.
    #[test]
    fn another_thread_never_runs_inside_an_open_transaction() {
        fn shared<T: Send + Sync>(_: &T) {}
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        shared(&store);
        let (started, seen) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            let writer = scope.spawn(|| {
                store.transaction(|s| {
                    s.set_setting("draft", &1u32)?;
                    started.send(()).unwrap();
                    std::thread::sleep(std::time::Duration::from_millis(300));
                    Err::<(), _>(crate::StoreError::NotFound("rolled back on purpose".into()))
                })
            });
            seen.recv().unwrap();
            let read = std::time::Instant::now();
            assert_eq!(store.setting::<u32>("draft").unwrap(), None, "no uncommitted row seen");
            assert!(read.elapsed() >= std::time::Duration::from_millis(200), "the read waited");
            assert!(writer.join().unwrap().is_err());
        });
        assert_eq!(store.setting::<u32>("draft").unwrap(), None);
    }
}
