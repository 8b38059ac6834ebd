//! Hostile input from a bucket: ids, object keys and manifest JSON that anyone with write access
//! to the bucket can plant. Every one must give `Ok`/`Some` or a clear error, never a panic, and
//! whatever is accepted must be usable downstream (key layout, retention, restore planning)
//! without a panic either. A table of known-nasty inputs plus a seeded mutation loop.

use rampart_backup::manifest::{Layout, id_of_manifest_key, source_of_key};
use rampart_backup::retention::{RetentionPolicy, plan};
use rampart_backup::{Backup, BackupError, BackupId, Manifest, S3Target, SourceKind, candidates};
use std::panic::{AssertUnwindSafe, catch_unwind};

const VALID_ID: &str = "20260304T050607Z-deadbeef";

/// A tiny deterministic generator (xorshift64*), so failures replay.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Characters an attacker would try: signs, separators, multi-byte UTF-8 of every width,
/// look-alike digits, control characters.
const NASTY: &[&str] = &[
    "+", "-", "0", "9", "T", "Z", "z", "/", ".", " ", "\0", "\n", "é", "ß", "文", "７", "٣", "−",
    "🦀", "\u{200b}", "\u{feff}", "a", "f", "g",
];

fn mutate(rng: &mut Rng, base: &str) -> String {
    let mut chars: Vec<String> = base.chars().map(String::from).collect();
    for _ in 0..=rng.below(3) {
        let pos = rng.below(chars.len() + 1);
        let nasty = NASTY[rng.below(NASTY.len())].to_owned();
        match rng.below(4) {
            0 if pos < chars.len() => chars[pos] = nasty,
            1 => chars.insert(pos, nasty),
            2 if pos < chars.len() => {
                chars.remove(pos);
            }
            _ => chars.truncate(pos),
        }
    }
    chars.concat()
}

fn hostile_ids() -> Vec<String> {
    let mut ids: Vec<String> = [
        "",
        "-",
        "--------",
        VALID_ID,
        "+20260304T050607Z-deadbeef",
        "-20260304T050607Z-deadbeef",
        "+2026030T050607Z-deadbeef",
        "+202603041T050607Z-deadbeef",
        "−20260304T050607Z-deadbeef",
        "20260304T050607Z-deadbee",
        "20260304T050607Z-deadbeeff",
        "20260304T050607Z-DEADBEEF",
        "20260304T050607Z-deadbeé",
        "20260304T050607Z-dead-eef",
        "20260304T050607Z--deadbee",
        "20260304T05060７Z-deadbeef",
        "2026030é4T050607Z-deadbeef",
        "20260304T050607é-deadbeef",
        "2026030🦀T050607Z-deadbeef",
        "文20260304T050607Z-deadbeef",
        " 20260304T050607Z-deadbeef",
        "20260304T050607Z-deadbeef\n",
        "20260304T050607Z\0-deadbeef",
        "20260304t050607z-deadbeef",
        "99999999T999999Z-00000000",
        "20260230T000000Z-00000000",
        "20261231T235960Z-00000000",
        "00000101T000000Z-00000000",
        "99991231T235959Z-ffffffff",
        "18446744073709551616-deadbeef",
        "9999999999999999-deadbeef",
        "20260304T050607Z-deadbeef.manifest.json",
        "20260304T050607Z-deadbeef/../../etc",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    ids.push(format!("{VALID_ID}{}", "x".repeat(10_000)));
    ids.push("9".repeat(1 << 16));
    let mut rng = Rng(0x05ee_d1d5);
    for _ in 0..20_000 {
        ids.push(mutate(&mut rng, VALID_ID));
    }
    ids
}

/// Everything the engine does with an id and the keys built from it.
fn exercise_id(text: &str) {
    let layout = Layout::new("backups/prod");
    for key in [
        text.to_owned(),
        format!("backups/prod/app/2026/03/04/{text}.manifest.json"),
        format!("{text}.manifest.json"),
        format!("{text}/{text}.manifest.json"),
    ] {
        let _ = id_of_manifest_key(&key);
        for root in ["", "backups/prod/", "backups/prod/app/", "文/", text] {
            let _ = source_of_key(root, &key);
        }
    }
    if let Some(id) = BackupId::parse(text) {
        assert_eq!(id.as_str(), text);
        let t = id.time();
        let again = BackupId::new(t, 0);
        assert_eq!(again.as_str().get(..16), text.get(..16), "the time round-trips");
        let mk = layout.manifest_key("app", &id);
        assert_eq!(id_of_manifest_key(&mk), Some(id.clone()));
        let _ = layout.object_key("app", &id, SourceKind::Directory);
    }
}

fn no_panics<T: Clone>(inputs: &[T], what: &str, f: impl Fn(&T)) {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut panicked = Vec::new();
    for input in inputs {
        if catch_unwind(AssertUnwindSafe(|| f(input))).is_err() {
            panicked.push(input.clone());
        }
    }
    std::panic::set_hook(hook);
    if !panicked.is_empty() {
        let mut shown: Vec<String> = Vec::new();
        for p in panicked.iter().take(5) {
            let _ = catch_unwind(AssertUnwindSafe(|| f(p))).map_err(|e| {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                shown.push(msg);
            });
        }
        panic!("{} {what} inputs panicked; first messages: {shown:?}", panicked.len());
    }
}

#[test]
fn hostile_ids_and_object_keys_never_panic() {
    let ids = hostile_ids();
    no_panics(&ids, "id/key", |s| exercise_id(s));
    // Accepted ids are exactly the canonical shape.
    assert!(BackupId::parse(VALID_ID).is_some());
    for bad in ["+20260304T050607Z-deadbeef", "20260304T050607Z-deadbee", "", "-"] {
        assert!(BackupId::parse(bad).is_none(), "{bad:?} must be refused");
    }
}

fn valid_manifest() -> serde_json::Value {
    serde_json::json!({
        "format": "rampart-backup/1",
        "id": VALID_ID,
        "source": "app",
        "kind": "directory",
        "object": format!("backups/prod/app/2026/03/04/{VALID_ID}.tar.zst.age"),
        "started": "2026-03-04T05:06:07Z",
        "finished": "2026-03-04T05:06:09Z",
        "plaintextSize": 10,
        "ciphertextSize": 300,
        "plaintextSha256": "a".repeat(64),
        "ciphertextSha256": "b".repeat(64),
        "recipients": ["age1xyz"],
        "compression": "zstd",
        "partSize": 8388608,
        "parts": 1,
        "tool": "rampart-backup 0.1.0",
        "commandExitStatus": null
    })
}

fn hostile_manifests() -> Vec<Vec<u8>> {
    let base = valid_manifest();
    let fields: Vec<String> = base.as_object().unwrap().keys().cloned().collect();
    // Raw JSON text so out-of-range numbers reach the parser as an attacker would write them.
    let values = [
        "null",
        "\"\"",
        "\"+20260304T050607Z-deadbeef\"",
        "\"é文🦀\"",
        "-1",
        "-0",
        "1.5",
        "1e400",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775809",
        "2147483648",
        "true",
        "[]",
        "{}",
        "\"9999-12-31T23:59:59-23:59\"",
        "\"0000-01-01T00:00:00+23:59\"",
        "\"0000-01-01T00:00:00Z\"",
        "\"+10000-01-01T00:00:00Z\"",
        "\"2026-02-30T00:00:00Z\"",
        "\"2026-03-04T05:06:60Z\"",
        "\"２０２６-03-04T05:06:07Z\"",
        "\"ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé\"",
    ];
    let mut out = Vec::new();
    for field in &fields {
        for value in values {
            let mut m = base.clone();
            m.as_object_mut().unwrap().insert(field.clone(), serde_json::json!("@@"));
            let text = serde_json::to_string(&m).unwrap().replace("\"@@\"", value);
            out.push(text.into_bytes());
            let mut m = base.clone();
            m.as_object_mut().unwrap().remove(field);
            out.push(serde_json::to_vec(&m).unwrap());
        }
    }
    let valid = serde_json::to_vec(&base).unwrap();
    for cut in 0..valid.len() {
        out.push(valid[..cut].to_vec());
    }
    let mut rng = Rng(0xbad_c0de);
    for _ in 0..3_000 {
        let mut bytes = valid.clone();
        let i = rng.below(bytes.len());
        bytes[i] = (rng.next() & 0xff) as u8;
        out.push(bytes);
    }
    out.extend([
        Vec::new(),
        b"\xff\xfe\xfd".to_vec(),
        "[".repeat(100_000).into_bytes(),
        b"{\"id\":\"\xc3\"}".to_vec(),
    ]);
    out
}

/// Everything the engine does with a manifest it accepted, short of touching the network.
fn exercise_manifest(bytes: &[u8]) {
    let Ok(m) = Manifest::from_json("k", bytes) else { return };
    let _ = BackupId::parse(&m.id).map(|id| id.time());
    let _ = m.to_json();
    let backup = Backup::assume_trusted("k", m);
    let policy = RetentionPolicy {
        keep_last: 1,
        keep_daily: 2,
        keep_weekly: 2,
        keep_monthly: 2,
        keep_within: Some(time::Duration::days(30)),
    };
    let _ = plan(&policy, &candidates(&[backup.clone(), backup]));
}

#[test]
fn hostile_manifests_never_panic() {
    let inputs = hostile_manifests();
    no_panics(&inputs, "manifest", |b| exercise_manifest(b));
    assert!(Manifest::from_json("k", &serde_json::to_vec(&valid_manifest()).unwrap()).is_ok());
}

/// A manifest claiming u64::MAX bytes must be refused for lack of space, not overflow.
#[tokio::test]
async fn huge_sizes_are_refused_cleanly() {
    let mut json = valid_manifest();
    json["plaintextSize"] = serde_json::json!(u64::MAX);
    json["ciphertextSize"] = serde_json::json!(u64::MAX);
    let m = Manifest::from_json("k", &serde_json::to_vec(&json).unwrap()).unwrap();
    let mut target = S3Target::new(
        Some("http://127.0.0.1:9".into()),
        "garage",
        "bucket",
        "GK0000",
        rampart_sensitive::SecretString::new("0".repeat(64)),
    );
    target.prefix = "backups/prod".into();
    let engine = rampart_backup::Engine::new(&target).unwrap();
    let key = rampart_backup::keys::generate();
    let ids = rampart_backup::Identities::parse(&key.identity).unwrap();
    let work = tempfile::tempdir().unwrap();
    let key = format!("backups/prod/app/2026/03/04/{VALID_ID}.manifest.json");
    let backup = Backup::assume_trusted(key, m);
    let err = engine.restore_to_dir(&backup, &ids, &work.path().join("t"), None).await.unwrap_err();
    assert!(matches!(err, BackupError::InsufficientSpace { .. }), "{err}");
}
