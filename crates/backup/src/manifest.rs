//! The manifest (the JSON that commits a backup: a backup without its manifest does not exist),
//! backup ids and the object key layout:
//!
//! ```text
//! PREFIX/SOURCE/YYYY/MM/DD/<id>.tar.zst.age     directory sources (a tar stream)
//! PREFIX/SOURCE/YYYY/MM/DD/<id>.zst.age         command sources (the command's stdout)
//! PREFIX/SOURCE/YYYY/MM/DD/<id>.manifest.json   the manifest, written last and only if absent
//! ```
//!
//! Ids are `YYYYMMDDTHHMMSSZ-<8 hex>` (UTC start time plus randomness), so they sort by time.

use crate::error::{BackupError, Result};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// The format tag written into every manifest.
pub const FORMAT: &str = "rampart-backup/1";
/// The suffix of manifest keys.
pub const MANIFEST_SUFFIX: &str = ".manifest.json";
/// The largest manifest read from a bucket (a real one is about 1 KiB); a bigger object is not
/// a manifest Rampart wrote, and is refused without being read whole.
pub const MANIFEST_MAX_BYTES: usize = 256 * 1024;

/// What a backup was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "BackupKind"))]
pub enum SourceKind {
    /// A tar stream of a directory.
    Directory,
    /// A command's stdout.
    Command,
}

/// The manifest of one backup. Unknown fields are ignored and optional ones default, so a
/// hand-written manifest needs only the essentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    #[serde(default = "default_format")]
    pub format: String,
    pub id: String,
    pub source: String,
    pub kind: SourceKind,
    /// The S3 key of the sealed object.
    pub object: String,
    #[serde(with = "time::serde::rfc3339")]
    pub started: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub finished: OffsetDateTime,
    pub plaintext_size: u64,
    pub ciphertext_size: u64,
    pub plaintext_sha256: String,
    pub ciphertext_sha256: String,
    /// The age public keys the object is encrypted to.
    pub recipients: Vec<String>,
    #[serde(default = "default_compression")]
    pub compression: String,
    #[serde(default)]
    pub part_size: u64,
    #[serde(default)]
    pub parts: u32,
    #[serde(default)]
    pub tool: String,
    /// The dump command's exit status (command sources only).
    #[serde(default)]
    pub command_exit_status: Option<i32>,
}

fn default_format() -> String {
    FORMAT.to_owned()
}
fn default_compression() -> String {
    "zstd".to_owned()
}

impl Manifest {
    /// Parses and sanity-checks a manifest read from `key`.
    pub fn from_json(key: &str, bytes: &[u8]) -> Result<Self> {
        let bad = |message: String| BackupError::BadManifest { key: key.to_owned(), message };
        let mut m: Manifest = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
        if BackupId::parse(&m.id).is_none() {
            return Err(bad(format!("id {:?} is not a backup id (YYYYMMDDTHHMMSSZ-8 hex)", m.id)));
        }
        // Times are kept in UTC; one whose UTC equivalent leaves RFC 3339 (years 0-9999) is
        // refused here so no later step (retention buckets, display, JSON) meets it.
        for (name, t) in [("started", &mut m.started), ("finished", &mut m.finished)] {
            *t = t
                .checked_to_offset(time::UtcOffset::UTC)
                .filter(|t| t.format(&Rfc3339).is_ok())
                .ok_or_else(|| bad(format!("{name} is out of range (years 0000-9999 UTC)")))?;
        }
        if !m.format.starts_with("rampart-backup/") {
            return Err(bad(format!("unknown format {:?}", m.format)));
        }
        for (name, hash) in
            [("plaintextSha256", &m.plaintext_sha256), ("ciphertextSha256", &m.ciphertext_sha256)]
        {
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad(format!("{name} is not a SHA-256 hex digest")));
            }
        }
        if m.command_exit_status.is_some_and(|s| s != 0) {
            return Err(bad("the dump command did not exit 0".into()));
        }
        Ok(m)
    }

    /// The manifest as pretty JSON.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("a manifest always serializes")
    }
}

/// A backup id: `YYYYMMDDTHHMMSSZ-<8 hex>`, with the time it names. Only that exact shape
/// (25 ASCII bytes, lowercase hex) parses, so every accepted id has a valid time and ids read
/// from a bucket (keys, manifests) can never make a later step panic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BackupId {
    text: String,
    time: OffsetDateTime,
}

const STAMP: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

impl BackupId {
    /// An id for a backup started at `at` (UTC), with `random` as its suffix.
    pub fn new(at: OffsetDateTime, random: u32) -> Self {
        let at = at.to_offset(time::UtcOffset::UTC).replace_nanosecond(0).expect("0 is valid");
        let text = format!("{}-{random:08x}", at.format(STAMP).expect("a UTC time always formats"));
        Self { text, time: at }
    }

    /// Parses an id; returns `None` when it does not have the id shape or names no valid time.
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        let hex = b.get(17..)?.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'));
        let shaped = b.len() == 25
            && digits(0..8)
            && b[8] == b'T'
            && digits(9..15)
            && b[15] == b'Z'
            && b[16] == b'-'
            && hex;
        if !shaped {
            return None;
        }
        // The first 16 bytes are ASCII, so this slice is on a character boundary.
        let time = time::PrimitiveDateTime::parse(&text[..16], STAMP).ok()?.assume_utc();
        Some(Self { text: text.to_owned(), time })
    }

    /// The start time encoded in the id (UTC).
    pub fn time(&self) -> OffsetDateTime {
        self.time
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for BackupId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Where a source's objects live under the target prefix.
#[derive(Debug, Clone)]
pub struct Layout {
    prefix: String,
}

impl Layout {
    /// A layout under `prefix` (leading and trailing slashes are ignored; empty is the bucket root).
    pub fn new(prefix: &str) -> Self {
        Self { prefix: prefix.trim_matches('/').to_owned() }
    }

    /// `PREFIX/` or the empty string.
    pub fn root(&self) -> String {
        if self.prefix.is_empty() { String::new() } else { format!("{}/", self.prefix) }
    }

    /// `PREFIX/SOURCE/`: everything of one source.
    pub fn source_dir(&self, source: &str) -> String {
        format!("{}{source}/", self.root())
    }

    fn day_dir(&self, source: &str, id: &BackupId) -> String {
        let t = id.time();
        format!(
            "{}{:04}/{:02}/{:02}/",
            self.source_dir(source),
            t.year(),
            u8::from(t.month()),
            t.day()
        )
    }

    /// The object key of a backup.
    pub fn object_key(&self, source: &str, id: &BackupId, kind: SourceKind) -> String {
        let ext = match kind {
            SourceKind::Directory => ".tar.zst.age",
            SourceKind::Command => ".zst.age",
        };
        format!("{}{id}{ext}", self.day_dir(source, id))
    }

    /// The manifest key of a backup.
    pub fn manifest_key(&self, source: &str, id: &BackupId) -> String {
        format!("{}{id}{MANIFEST_SUFFIX}", self.day_dir(source, id))
    }

    /// Checks that a manifest read from `manifest_key` sits where its own id and source put it
    /// and names the object key they give: a signed manifest copied elsewhere, or one whose
    /// `object` points at another backup, is refused. Returns what is wrong.
    pub fn check_placement(
        &self,
        manifest_key: &str,
        m: &Manifest,
    ) -> std::result::Result<(), String> {
        let id = BackupId::parse(&m.id).ok_or_else(|| format!("{:?} is not a backup id", m.id))?;
        validate_source_name(&m.source).map_err(|e| e.to_string())?;
        let expected = self.manifest_key(&m.source, &id);
        if manifest_key != expected {
            return Err(format!(
                "it is stored at {manifest_key}, but its id and source belong at {expected}"
            ));
        }
        let expected = self.object_key(&m.source, &id, m.kind);
        if m.object != expected {
            return Err(format!(
                "it names the object {:?}, but its id and source give {expected}",
                m.object
            ));
        }
        Ok(())
    }
}

/// The id a manifest key names, if it is one.
pub fn id_of_manifest_key(key: &str) -> Option<BackupId> {
    let name = key.rsplit('/').next()?.strip_suffix(MANIFEST_SUFFIX)?;
    BackupId::parse(name)
}

/// The source a key names under `root` (the first segment after it), if the key is under it.
/// Listings come from the server, so a key outside `root` is skipped rather than trusted.
pub fn source_of_key<'a>(root: &str, key: &'a str) -> Option<&'a str> {
    key.strip_prefix(root)?.split('/').next().filter(|s| !s.is_empty())
}

/// Source names become a key segment: letters, digits, `.`, `_` and `-` only.
pub fn validate_source_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(BackupError::Config(format!(
            "source name {name:?} must be 1-64 letters, digits, '.', '_' or '-' (not starting with '.')"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn ids_sort_by_time_and_round_trip() {
        let a = BackupId::new(datetime!(2026-03-04 05:06:07 UTC), 0xdead_beef);
        assert_eq!(a.as_str(), "20260304T050607Z-deadbeef");
        assert_eq!(BackupId::parse(a.as_str()), Some(a.clone()));
        assert_eq!(a.time(), datetime!(2026-03-04 05:06:07 UTC));
        let b = BackupId::new(datetime!(2026-03-04 05:06:08 +01:00), 0);
        assert!(b < a, "ids compare by UTC time");
        assert!(BackupId::parse("nope").is_none());
        assert!(BackupId::parse("20260304T050607Z-xyz").is_none());
    }

    #[test]
    fn layout_builds_dated_keys() {
        let id = BackupId::new(datetime!(2026-03-04 05:06:07 UTC), 1);
        let l = Layout::new("/backups/prod/");
        assert_eq!(
            l.object_key("mongo", &id, SourceKind::Command),
            "backups/prod/mongo/2026/03/04/20260304T050607Z-00000001.zst.age"
        );
        let mk = l.manifest_key("app", &id);
        assert_eq!(mk, "backups/prod/app/2026/03/04/20260304T050607Z-00000001.manifest.json");
        assert_eq!(id_of_manifest_key(&mk), Some(id.clone()));
        assert_eq!(Layout::new("").source_dir("app"), "app/");
    }

    #[test]
    fn placement_ties_keys_to_the_id_and_source() {
        let l = Layout::new("p");
        let id = BackupId::new(datetime!(2026-03-04 05:06:07 UTC), 7);
        let m = Manifest {
            format: FORMAT.into(),
            id: id.to_string(),
            source: "app".into(),
            kind: SourceKind::Directory,
            object: l.object_key("app", &id, SourceKind::Directory),
            started: datetime!(2026-03-04 05:06:07 UTC),
            finished: datetime!(2026-03-04 05:06:09 UTC),
            plaintext_size: 1,
            ciphertext_size: 2,
            plaintext_sha256: "a".repeat(64),
            ciphertext_sha256: "b".repeat(64),
            recipients: vec![],
            compression: "zstd".into(),
            part_size: 0,
            parts: 1,
            tool: String::new(),
            command_exit_status: None,
        };
        let key = l.manifest_key("app", &id);
        assert_eq!(l.check_placement(&key, &m), Ok(()));
        let other = BackupId::new(datetime!(2026-03-01 00:00:00 UTC), 8);
        let repointed = Manifest { object: l.object_key("app", &other, m.kind), ..m.clone() };
        assert!(l.check_placement(&key, &repointed).unwrap_err().contains("names the object"));
        let wrong_kind = Manifest { kind: SourceKind::Command, ..m.clone() };
        assert!(l.check_placement(&key, &wrong_kind).is_err());
        assert!(l.check_placement(&l.manifest_key("app", &other), &m).is_err());
        assert!(l.check_placement(&Layout::new("q").manifest_key("app", &id), &m).is_err());
        let elsewhere = Manifest { source: "db".into(), ..m };
        assert!(l.check_placement(&key, &elsewhere).is_err());
    }

    #[test]
    fn source_names_are_key_safe() {
        assert!(validate_source_name("prod-mongo_1.daily").is_ok());
        for bad in ["", "a/b", "..", ".hidden", "a b", "é"] {
            assert!(validate_source_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn manifest_rejects_failed_dumps_and_bad_hashes() {
        let m = Manifest {
            format: FORMAT.into(),
            id: "20260304T050607Z-00000001".into(),
            source: "s".into(),
            kind: SourceKind::Command,
            object: "o".into(),
            started: datetime!(2026-03-04 05:06:07 UTC),
            finished: datetime!(2026-03-04 05:06:09 UTC),
            plaintext_size: 1,
            ciphertext_size: 2,
            plaintext_sha256: "a".repeat(64),
            ciphertext_sha256: "b".repeat(64),
            recipients: vec![],
            compression: "zstd".into(),
            part_size: 0,
            parts: 1,
            tool: String::new(),
            command_exit_status: Some(0),
        };
        let back = Manifest::from_json("k", &m.to_json()).unwrap();
        assert_eq!(back, m);
        let failed = Manifest { command_exit_status: Some(2), ..m.clone() };
        assert!(Manifest::from_json("k", &failed.to_json()).is_err());
        let bad = Manifest { plaintext_sha256: "zz".into(), ..m };
        assert!(Manifest::from_json("k", &bad.to_json()).is_err());
    }
}
