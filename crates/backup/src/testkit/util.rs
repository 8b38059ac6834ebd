//! Helpers for backup tests: a strict bash runner, in-memory sealing as the stock tools would,
//! hand-written manifests, and directory snapshots for "restored equals source" / "target
//! untouched" checks.

use super::garage::Garage;
use crate::{
    GeneratedKey, Identities, Manifest, ManifestSigner, Recipient, SourceKind, TrustedKeys,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

/// The signing key of test backups (fixed, so every engine of a test trusts it).
pub fn signer() -> Arc<ManifestSigner> {
    let generated = ManifestSigner::generate_from(&[0x5a; 32], *b"rampTEST");
    Arc::new(ManifestSigner::from_secret(&generated.secret).expect("a generated key parses"))
}

/// The keys test engines trust: [`signer`]'s.
pub fn trusted() -> TrustedKeys {
    TrustedKeys::new([signer().public_key()])
}

/// Runs `bash -o pipefail -c script` with extra environment; panics with its output on failure.
pub fn bash(script: &str, env: &[(String, String)]) -> String {
    let out = Command::new("bash")
        .args(["-o", "pipefail", "-c", script])
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "script failed: {script}\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// zstd + age in memory, as the stock tools would; returns the ciphertext.
pub fn seal(plain: &[u8], recipient: &Recipient) -> Vec<u8> {
    let compressed = zstd::encode_all(plain, 3).unwrap();
    let r: age::x25519::Recipient = recipient.to_string().parse().unwrap();
    let enc = age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient)).unwrap();
    let mut out = Vec::new();
    let mut w = enc.wrap_output(&mut out).unwrap();
    w.write_all(&compressed).unwrap();
    w.finish().unwrap();
    out
}

/// Writes a hand-written manifest (as a user without Rampart could), signed by the test
/// [`signer`], and, if asked, the ciphertext object it names; returns the manifest.
pub async fn upload_by_hand(
    g: &Garage,
    prefix_and_source: &str,
    id: &str,
    plain: &[u8],
    cipher: Vec<u8>,
    recipient: &Recipient,
    put_object: bool,
) -> Manifest {
    let signer = signer();
    let by = Some(signer.as_ref());
    plant_by_hand(g, prefix_and_source, id, plain, cipher, recipient, put_object, by).await
}

/// [`upload_by_hand`] with the manifest signed by `signer`, or left unsigned (`None`): what an
/// attacker who can write to the bucket can plant.
#[allow(clippy::too_many_arguments)]
pub async fn plant_by_hand(
    g: &Garage,
    prefix_and_source: &str,
    id: &str,
    plain: &[u8],
    cipher: Vec<u8>,
    recipient: &Recipient,
    put_object: bool,
    signer: Option<&ManifestSigner>,
) -> Manifest {
    let (prefix, source) = prefix_and_source.rsplit_once('/').unwrap();
    let day = format!("{}/{}/{}", &id[0..4], &id[4..6], &id[6..8]);
    let object = format!("{prefix}/{source}/{day}/{id}.tar.zst.age");
    let json = serde_json::json!({
        "id": id,
        "source": source,
        "kind": "directory",
        "object": object,
        "started": "2026-01-02T03:04:05Z",
        "finished": "2026-01-02T03:04:06Z",
        "plaintextSize": plain.len(),
        "ciphertextSize": cipher.len(),
        "plaintextSha256": sha256_hex(plain),
        "ciphertextSha256": sha256_hex(&cipher),
        "recipients": [recipient.to_string()],
    });
    if put_object {
        g.put(&object, cipher).await;
    }
    let key = format!("{prefix}/{source}/{day}/{id}.manifest.json");
    let bytes = serde_json::to_vec(&json).unwrap();
    if let Some(signer) = signer {
        let signature = signer.sign(&bytes, "by hand");
        g.put(&format!("{key}.minisig"), signature.into_bytes()).await;
    }
    g.put(&key, bytes).await;
    let m: Manifest = serde_json::from_value(json).unwrap();
    assert_eq!(m.kind, SourceKind::Directory);
    m
}

/// A comparable picture of a tree: path -> "dir MODE" | "file MODE SHA" | "link TARGET".
pub fn snapshot(root: &Path, with_mtime: bool) -> BTreeMap<String, String> {
    use std::os::unix::fs::MetadataExt;
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(root).unwrap().display().to_string();
        let md = e.path().symlink_metadata().unwrap();
        let mode = md.mode() & 0o7777;
        let mut desc = if md.file_type().is_symlink() {
            format!("link {}", std::fs::read_link(e.path()).unwrap().display())
        } else if md.is_dir() {
            format!("dir {mode:o}")
        } else {
            format!("file {mode:o} {}", sha256_hex(&std::fs::read(e.path()).unwrap()))
        };
        if with_mtime {
            desc.push_str(&format!(" mtime {}.{}", md.mtime(), md.mtime_nsec()));
        }
        out.insert(rel, desc);
    }
    out
}

pub fn identities(key: &GeneratedKey) -> Identities {
    Identities::parse(&key.identity).unwrap()
}

pub fn write(path: &Path, data: &[u8], mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}
