//! The audit log as both front ends see it, and where its key and anchor live: two keychain
//! items beside the secrets, out of reach of anyone who can only rewrite the database file.
//!
//! - `audit:key` = `v1:<first keyed entry>:<64 hex digits>`: the HMAC key of the chain, created
//!   (32 random bytes) by the first append that finds none, and read once per process. The first
//!   keyed entry is part of the item, so the key and the point it took over are written at once:
//!   a log from before keying keeps its plain SHA-256 entries, and keying starts after them.
//! - `audit:anchor` = `<count>:<hash>` of the newest entry, replaced after every append (the
//!   store's single append path calls it; inside a transaction, once it commits). A failed
//!   anchor write keeps the entry and is reported by `audit verify` as the anchor lagging.

use crate::{AuditAction, AuditEntry, ChainReport, Keychain, Rampart, Result, SecretString};
use data_encoding::HEXLOWER;
use rampart_store::audit_seal::{Anchor, AuditSeal, ChainKey, SealError};
use rampart_vault::KeychainError;
use std::sync::Mutex;
use zeroize::Zeroizing;

/// The keychain item holding the chain key.
pub const KEY_ITEM: &str = "audit:key";
/// The keychain item holding the newest entry's count and hash.
pub const ANCHOR_ITEM: &str = "audit:anchor";

/// Keeps the chain key and the anchor in the keychain.
pub(crate) struct KeychainSeal {
    keychain: Keychain,
    cached: Mutex<Option<ChainKey>>,
}

impl KeychainSeal {
    pub(crate) fn new(keychain: Keychain) -> Self {
        Self { keychain, cached: Mutex::default() }
    }

    fn remember(&self, key: ChainKey) -> ChainKey {
        *self.cached.lock().unwrap_or_else(|e| e.into_inner()) = Some(key.clone());
        key
    }
}

fn malformed(item: &str) -> SealError {
    Box::new(KeychainError::Other(format!(
        "the keychain item {item} is not what Rampart wrote (it was changed outside Rampart); \
         `rampart audit verify` cannot vouch for the log until it is restored from a backup"
    )))
}

fn parse_key(text: &str) -> Option<ChainKey> {
    let rest = text.strip_prefix("v1:")?;
    let (from, hex_key) = rest.split_once(':')?;
    let bytes = Zeroizing::new(HEXLOWER.decode(hex_key.as_bytes()).ok()?);
    let key: [u8; 32] = bytes.as_slice().try_into().ok()?;
    Some(ChainKey::new(from.parse().ok().filter(|n| *n >= 1)?, key))
}

fn parse_anchor(text: &str) -> Option<Anchor> {
    let (count, hash) = text.split_once(':')?;
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(Anchor { count: count.parse().ok()?, hash: hash.to_owned() })
}

/// Reads an item; a missing one is `None`.
fn read(keychain: &Keychain, item: &str) -> Result<Option<SecretString>, SealError> {
    match keychain.get(item) {
        Ok(text) => Ok(Some(text)),
        Err(KeychainError::Missing(_)) => Ok(None),
        Err(e) => Err(Box::new(e)),
    }
}

impl AuditSeal for KeychainSeal {
    fn key(&self) -> Result<Option<ChainKey>, SealError> {
        if let Some(key) = self.cached.lock().unwrap_or_else(|e| e.into_inner()).clone() {
            return Ok(Some(key));
        }
        match read(&self.keychain, KEY_ITEM)? {
            None => Ok(None),
            Some(text) => {
                let key = parse_key(text.expose()).ok_or_else(|| malformed(KEY_ITEM))?;
                Ok(Some(self.remember(key)))
            }
        }
    }

    fn create_key(&self, keyed_from: i64) -> Result<ChainKey, SealError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::RngCore::fill_bytes(&mut rand::rng(), bytes.as_mut());
        let hex_key = Zeroizing::new(HEXLOWER.encode(bytes.as_ref()));
        let text = SecretString::new(format!("v1:{keyed_from}:{}", hex_key.as_str()));
        self.keychain.set(KEY_ITEM, &text)?;
        // Read back: if another process created one at the same moment, both use the survivor.
        let stored = read(&self.keychain, KEY_ITEM)?.ok_or_else(|| malformed(KEY_ITEM))?;
        let key = parse_key(stored.expose()).ok_or_else(|| malformed(KEY_ITEM))?;
        Ok(self.remember(key))
    }

    fn anchor(&self) -> Result<Option<Anchor>, SealError> {
        match read(&self.keychain, ANCHOR_ITEM)? {
            None => Ok(None),
            Some(text) => {
                parse_anchor(text.expose()).map(Some).ok_or_else(|| malformed(ANCHOR_ITEM))
            }
        }
    }

    fn set_anchor(&self, anchor: &Anchor) -> Result<(), SealError> {
        let text = SecretString::new(format!("{}:{}", anchor.count, anchor.hash));
        Ok(self.keychain.set(ANCHOR_ITEM, &text)?)
    }
}

impl Rampart {
    pub(crate) fn audit(&self, action: AuditAction, subject: &str) -> Result<()> {
        self.store.audit(self.now(), action, subject)?;
        Ok(())
    }

    /// The newest `limit` audit entries, newest first.
    pub fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        Ok(self.store.audit_log(limit)?)
    }

    /// Checks the audit chain, its key and its anchor.
    pub fn audit_verify(&self) -> Result<ChainReport> {
        Ok(self.store.audit_verify()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keychain_items_parse_only_as_written() {
        let key = parse_key(&format!("v1:4:{}", "ab".repeat(32))).unwrap();
        assert_eq!((key.keyed_from(), key.expose()[0]), (4, 0xab));
        assert!(format!("{key:?}").contains("redacted"));
        for bad in ["", "v1:0:00", "v2:1:ab", &format!("v1:x:{}", "ab".repeat(32))] {
            assert!(parse_key(bad).is_none(), "{bad}");
        }
        let hash = "0f".repeat(32);
        assert_eq!(parse_anchor(&format!("7:{hash}")), Some(Anchor { count: 7, hash }));
        assert!(parse_anchor("7:zz").is_none() && parse_anchor("seven").is_none());
    }
}
