//! Signing and checking manifests, and interop with the stock `minisign` tool both ways.

use super::*;
use std::process::Command;

fn signer(n: u8) -> (ManifestSigner, GeneratedSigningKey) {
    let generated = ManifestSigner::generate_from(&[n; 32], [n; 8]);
    (ManifestSigner::from_secret(&generated.secret).unwrap(), generated)
}

#[test]
fn a_signature_verifies_with_the_trusted_key_only() {
    let (me, generated) = signer(1);
    assert_eq!(me.public_key(), generated.public);
    let data = br#"{"id":"x"}"#;
    let sig = me.sign(data, "rampart-backup s/x");
    let mine = TrustedKeys::new([me.public_key()]);
    assert_eq!(
        mine.check(data, Some(sig.as_bytes())),
        Trust::Trusted { key_id: me.public_key().key_id() }
    );
    assert_eq!(mine.check(data, None), Trust::Unsigned);

    let (other, _) = signer(2);
    let theirs = other.sign(data, "c");
    let verdict = mine.check(data, Some(theirs.as_bytes()));
    assert_eq!(verdict, Trust::UnknownKey { key_id: other.public_key().key_id() });
    let both = TrustedKeys::new([me.public_key(), other.public_key()]);
    assert!(both.check(data, Some(theirs.as_bytes())).is_trusted());
}

#[test]
fn any_changed_byte_breaks_the_signature() {
    let (me, _) = signer(3);
    let keys = TrustedKeys::new([me.public_key()]);
    let data = br#"{"id":"20260304T050607Z-00000001","object":"a/b.age"}"#.to_vec();
    let sig = me.sign(&data, "rampart");
    for i in 0..data.len() {
        let mut t = data.clone();
        t[i] ^= 1;
        assert!(
            matches!(keys.check(&t, Some(sig.as_bytes())), Trust::BadSignature { .. }),
            "byte {i}"
        );
    }
    // The trusted comment is signed too.
    let forged = sig.replace("trusted comment: rampart", "trusted comment: rampaRt");
    assert!(matches!(keys.check(&data, Some(forged.as_bytes())), Trust::BadSignature { .. }));
    for junk in [&b""[..], b"\xff\xfe", b"untrusted comment: x\nAAAA\n"] {
        assert!(matches!(keys.check(&data, Some(junk)), Trust::BadSignature { .. }));
    }
}

#[test]
fn a_key_with_a_trusted_key_id_but_another_secret_is_refused() {
    let (me, _) = signer(4);
    let impostor = ManifestSigner::generate_from(&[9; 32], [4; 8]);
    let impostor = ManifestSigner::from_secret(&impostor.secret).unwrap();
    assert_eq!(impostor.public_key().key_id(), me.public_key().key_id());
    let sig = impostor.sign(b"data", "c");
    let keys = TrustedKeys::new([me.public_key()]);
    assert!(matches!(keys.check(b"data", Some(sig.as_bytes())), Trust::BadSignature { .. }));
}

#[test]
fn the_secret_never_shows_in_debug_or_errors() {
    let generated = ManifestSigner::generate();
    let seed_hex = generated.secret.expose().rsplit(':').next().unwrap().to_owned();
    assert_eq!(seed_hex.len(), 64);
    let signer = ManifestSigner::from_secret(&generated.secret).unwrap();
    for text in [format!("{signer:?}"), format!("{generated:?}"), format!("{:?}", generated.secret)]
    {
        assert!(!text.contains(&seed_hex), "{text}");
    }
    let damaged = SecretString::new(format!("{SECRET_TAG}:zz:{seed_hex}"));
    let err = ManifestSigner::from_secret(&damaged).unwrap_err().to_string();
    assert!(!err.contains(&seed_hex), "{err}");
    assert!(err.contains("backup-signing-key"), "{err}");
    // Two generated keys differ.
    assert_ne!(ManifestSigner::generate().public, generated.public);
}

#[test]
fn public_keys_parse_from_a_line_or_a_minisign_pub_file() {
    let (me, _) = signer(5);
    let pk = me.public_key();
    assert!(pk.to_base64().starts_with("RW"));
    assert_eq!(SigningPublicKey::parse(&pk.to_base64()).unwrap(), pk);
    assert_eq!(SigningPublicKey::parse(&pk.to_minisign_file()).unwrap(), pk);
    let json = serde_json::to_string(&pk).unwrap();
    assert_eq!(serde_json::from_str::<SigningPublicKey>(&json).unwrap(), pk);
    for bad in ["", "RWQ", "age1xyz", &BASE64.encode(&[0u8; 42])] {
        assert!(SigningPublicKey::parse(bad).is_err(), "{bad}");
    }
}

fn minisign() -> Command {
    let found = Command::new("minisign").arg("-v").output().is_ok();
    assert!(found, "the minisign tool is missing: apt-get install minisign (make test-deps)");
    Command::new("minisign")
}

/// What Rampart signs, the stock `minisign -V` accepts (and rejects once a byte changes).
#[test]
fn minisign_verifies_what_rampart_signs() {
    let dir = tempfile::tempdir().unwrap();
    let (me, _) = signer(6);
    let data = b"{\"format\":\"rampart-backup/1\"}\n";
    let file = dir.path().join("m.manifest.json");
    std::fs::write(&file, data).unwrap();
    std::fs::write(dir.path().join("m.manifest.json.minisig"), me.sign(data, "rampart s/m"))
        .unwrap();
    let out = minisign()
        .args(["-V", "-P", &me.public_key().to_base64(), "-m"])
        .arg(&file)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{said}{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("rampart s/m"), "the trusted comment is shown: {said}");
    std::fs::write(&file, b"{\"format\":\"rampart-backup/2\"}\n").unwrap();
    let out = minisign()
        .args(["-V", "-P", &me.public_key().to_base64(), "-m"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
}

/// A key made by `minisign -G` is accepted as a trusted key and its signatures check.
#[test]
fn rampart_verifies_what_minisign_signs() {
    let dir = tempfile::tempdir().unwrap();
    let (pk, sk) = (dir.path().join("k.pub"), dir.path().join("k.key"));
    let out = minisign().args(["-G", "-W", "-p"]).arg(&pk).arg("-s").arg(&sk).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let file = dir.path().join("data");
    std::fs::write(&file, b"hello").unwrap();
    let out = minisign().args(["-S", "-s"]).arg(&sk).arg("-m").arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let key = SigningPublicKey::parse(&std::fs::read_to_string(&pk).unwrap()).unwrap();
    let sig = std::fs::read(dir.path().join("data.minisig")).unwrap();
    let keys = TrustedKeys::new([key]);
    assert!(keys.check(b"hello", Some(&sig)).is_trusted());
    assert!(!keys.check(b"hellO", Some(&sig)).is_trusted());
}
