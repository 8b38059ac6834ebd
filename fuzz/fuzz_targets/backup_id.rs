//! Backup ids and object keys from a bucket listing: BackupId::parse, the time an id carries,
//! the keys built from it, and id_of_manifest_key on any key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_backup::BackupId;
use rampart_backup::SourceKind;
use rampart_backup::manifest::{Layout, id_of_manifest_key};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for id in [BackupId::parse(text), id_of_manifest_key(text)].into_iter().flatten() {
        let _ = id.time();
        let layout = Layout::new("p");
        let _ = layout.object_key("src", &id, SourceKind::Directory);
        let key = layout.manifest_key("src", &id);
        assert_eq!(id_of_manifest_key(&key).as_ref(), Some(&id));
    }
});
