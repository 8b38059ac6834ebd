//! Backup manifests as read from a bucket (Manifest::from_json), then what the engine does with
//! one: its id's time and object keys, and a write/read round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_backup::manifest::{Layout, id_of_manifest_key};
use rampart_backup::{BackupId, Manifest};

fuzz_target!(|data: &[u8]| {
    let Ok(manifest) = Manifest::from_json("fuzz/key.manifest.json", data) else { return };
    let again = Manifest::from_json("k", &manifest.to_json()).expect("a written manifest reads");
    assert_eq!(again, manifest);
    if let Some(id) = BackupId::parse(&manifest.id) {
        let _ = id.time();
        let layout = Layout::new("prefix");
        let key = layout.manifest_key(&manifest.source, &id);
        let _ = layout.object_key(&manifest.source, &id, manifest.kind);
        assert_eq!(id_of_manifest_key(&key), Some(id));
    }
});
