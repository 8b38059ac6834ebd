//! What keys and anchors the audit chain from outside the database file, so that someone who can
//! rewrite the file still cannot rewrite the log quietly. The store only computes and checks;
//! where the key and the anchor live is the [`AuditSeal`]'s business (core keeps both in the OS
//! keychain).
//!
//! - The chain key: entries from [`ChainKey::keyed_from`] on are
//!   HMAC-SHA256(key, prev_hash || fields). Entries before it were written before the log was
//!   keyed and keep their plain SHA-256 hash ([`legacy_hash`]); nothing is rewritten.
//! - The anchor: the count and hash of the newest entry, replaced after every append, so that
//!   deleting the newest entries (which leaves a valid, shorter chain) shows.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::sync::Mutex;
use zeroize::Zeroizing;

/// A failure of the place the key or the anchor lives; its message says what to do.
pub type SealError = Box<dyn std::error::Error + Send + Sync>;

/// The key of the chain and the first entry it keys.
#[derive(Clone)]
pub struct ChainKey {
    keyed_from: i64,
    key: Zeroizing<[u8; 32]>,
}

impl ChainKey {
    pub fn new(keyed_from: i64, key: [u8; 32]) -> Self {
        Self { keyed_from, key: Zeroizing::new(key) }
    }

    /// The first entry keyed with this key; earlier entries are plain SHA-256.
    pub fn keyed_from(&self) -> i64 {
        self.keyed_from
    }

    /// The key bytes, for the one place that stores them.
    pub fn expose(&self) -> &[u8; 32] {
        &self.key
    }
}

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ChainKey {{ keyed_from: {}, key: <redacted> }}", self.keyed_from)
    }
}

/// The newest entry as last recorded outside the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// How many entries the log had (the newest entry's `seq`).
    pub count: i64,
    pub hash: String,
}

/// Holds the chain key and the anchor outside the database.
pub trait AuditSeal: Send + Sync {
    /// The chain key; `None` when none was ever created.
    fn key(&self) -> Result<Option<ChainKey>, SealError>;
    /// Creates, stores and returns a new key for the entries from `keyed_from` on.
    fn create_key(&self, keyed_from: i64) -> Result<ChainKey, SealError>;
    /// The anchor; `None` when there is none.
    fn anchor(&self) -> Result<Option<Anchor>, SealError>;
    /// Replaces the anchor.
    fn set_anchor(&self, anchor: &Anchor) -> Result<(), SealError>;
}

fn feed(mut update: impl FnMut(&[u8]), prev: &str, seq: i64, at: i64, action: &str, subject: &str) {
    for part in [prev, &seq.to_string(), &at.to_string(), action, subject] {
        update(&(part.len() as u64).to_be_bytes());
        update(part.as_bytes());
    }
}

/// The hash of an entry written before the log was keyed: SHA-256 over the length-prefixed
/// previous hash and fields.
pub fn legacy_hash(prev: &str, seq: i64, at: i64, action: &str, subject: &str) -> String {
    let mut h = Sha256::new();
    feed(|b| h.update(b), prev, seq, at, action, subject);
    hex::encode(h.finalize())
}

/// The hash of a keyed entry: HMAC-SHA256 under the chain key over the same input.
pub fn keyed_hash(
    key: &ChainKey,
    prev: &str,
    seq: i64,
    at: i64,
    action: &str,
    subject: &str,
) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.expose()).expect("HMAC takes any key length");
    feed(|b| mac.update(b), prev, seq, at, action, subject);
    hex::encode(mac.finalize().into_bytes())
}

/// A seal in memory with a given key, for tests. `fail_anchor_writes` makes every anchor write
/// fail, as a locked keychain would.
pub struct MemorySeal {
    key_bytes: [u8; 32],
    key: Mutex<Option<ChainKey>>,
    anchor: Mutex<Option<Anchor>>,
    pub fail_anchor_writes: std::sync::atomic::AtomicBool,
}

impl MemorySeal {
    pub fn new(key_bytes: [u8; 32]) -> Self {
        Self {
            key_bytes,
            key: Mutex::default(),
            anchor: Mutex::default(),
            fail_anchor_writes: Default::default(),
        }
    }

    /// Forgets the key and/or the anchor, as if deleted from the keychain.
    pub fn forget(&self, key: bool, anchor: bool) {
        if key {
            *self.key.lock().unwrap() = None;
        }
        if anchor {
            *self.anchor.lock().unwrap() = None;
        }
    }
}

impl AuditSeal for MemorySeal {
    fn key(&self) -> Result<Option<ChainKey>, SealError> {
        Ok(self.key.lock().unwrap().clone())
    }

    fn create_key(&self, keyed_from: i64) -> Result<ChainKey, SealError> {
        let key = ChainKey::new(keyed_from, self.key_bytes);
        *self.key.lock().unwrap() = Some(key.clone());
        Ok(key)
    }

    fn anchor(&self) -> Result<Option<Anchor>, SealError> {
        Ok(self.anchor.lock().unwrap().clone())
    }

    fn set_anchor(&self, anchor: &Anchor) -> Result<(), SealError> {
        if self.fail_anchor_writes.load(std::sync::atomic::Ordering::SeqCst) {
            return Err("the keychain is locked".into());
        }
        *self.anchor.lock().unwrap() = Some(anchor.clone());
        Ok(())
    }
}
