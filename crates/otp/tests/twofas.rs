//! 2FAS backups: plain, encrypted (fixture built here with PBKDF2 + AES-GCM and fixed salt/iv),
//! wrong password, and per-entry rejections.

mod common;

use common::*;
use rampart_otp::{ImportFormat, OtpError, OtpKind, Sensitive, code_at, crypto, detect_and_parse};
use serde_json::{Value, json};

fn services() -> Value {
    json!([
        { "name": "GitHub", "secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "updatedAt": 1, "serviceTypeID": "x",
          "otp": { "label": "GitHub:alice", "account": "alice", "issuer": "GitHub", "digits": 8, "period": 30,
                   "algorithm": "SHA1", "tokenType": "TOTP", "source": "Link" },
          "order": { "position": 0 }, "icon": { "selected": "Label" } },
        { "name": "Counter", "secret": "JBSWY3DPEHPK3PXP",
          "otp": { "account": "bob", "digits": 6, "counter": 42, "algorithm": "SHA1", "tokenType": "HOTP" } },
        { "name": "Steam", "secret": "63BEDWCQZKTQWPESARIERL5DTTQFCJTK",
          "otp": { "account": "gamer", "digits": 5, "period": 30, "algorithm": "SHA1", "tokenType": "STEAM" } },
        { "name": "Odd", "secret": "JBSWY3DPEHPK3PXP",
          "otp": { "account": "x", "digits": 6, "period": 30, "algorithm": "SHA224", "tokenType": "TOTP" } },
        { "name": "Odder", "secret": "JBSWY3DPEHPK3PXP",
          "otp": { "account": "y", "digits": 6, "period": 30, "algorithm": "SHA384", "tokenType": "TOTP" } },
        { "name": "NoOtp", "secret": "JBSWY3DPEHPK3PXP" },
    ])
}

fn top(services: Value, encrypted: Option<String>, reference: Option<String>) -> Vec<u8> {
    json!({
        "services": services, "groups": [], "updatedAt": 1, "schemaVersion": 4,
        "appVersionCode": 5000000, "appVersionName": "5.0.0", "appOrigin": "android",
        "servicesEncrypted": encrypted, "reference": reference,
    })
    .to_string()
    .into_bytes()
}

/// Encrypts like 2FAS: PBKDF2-SHA256 ×10 000, AES-GCM, `b64(ct‖tag):b64(salt):b64(iv)`.
fn blob(password: &str, salt: &[u8], iv: &[u8], plaintext: &[u8]) -> String {
    let key = crypto::pbkdf2_sha256(password.as_bytes(), salt, 10_000);
    let (mut ct, tag) = crypto::seal(key.expose(), iv, plaintext).unwrap();
    ct.extend(tag);
    let b = |x: &[u8]| data_encoding::BASE64.encode(x);
    format!("{}:{}:{}", b(&ct), b(salt), b(iv))
}

fn encrypted_fixture(with_reference: bool) -> Vec<u8> {
    let salt: Vec<u8> = (0..=255u8).collect();
    let services_blob = blob("test-pass", &salt, &[3u8; 12], services().to_string().as_bytes());
    let reference =
        with_reference.then(|| blob("test-pass", &salt, &[4u8; 12], b"a fixed reference text"));
    top(json!([]), Some(services_blob), reference)
}

fn check_entries(batch: &rampart_otp::ImportBatch) {
    assert_eq!(batch.items.len(), 6);
    let labels: Vec<_> = batch.items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels, ["GitHub:alice", "Counter:bob", "Steam:gamer", "Odd:x", "Odder:y", "NoOtp"]);
    let ok: Vec<_> = batch.accounts().collect();
    assert_eq!(ok.len(), 4);
    assert_eq!(code_at(ok[0], 59).code, "94287082");
    assert_eq!((ok[1].params.kind, code_at(ok[1], 0).code.as_str()), (OtpKind::Hotp, "090604"));
    assert_eq!(code_at(ok[2], 1511200518).code, "FR8RV");
    assert_eq!((ok[3].issuer.as_str(), ok[3].params.digits), ("NoOtp", 6));
    let reasons: Vec<_> = batch.rejected().map(|(l, r)| (l.to_owned(), r.to_owned())).collect();
    assert_eq!(reasons.len(), 2);
    assert!(reasons[0].1.contains("'SHA224'") && reasons[0].1.contains("SHA1, SHA256 or SHA512"));
    assert!(reasons[1].1.contains("'SHA384'"));
}

#[test]
fn plain_backup() {
    let batch = detect_and_parse(Some("backup.2fas"), &top(services(), None, None), None).unwrap();
    assert_eq!(batch.format, ImportFormat::TwoFasPlain);
    check_entries(&batch);
}

#[test]
fn encrypted_backup_with_and_without_reference() {
    let pw = Sensitive::new("test-pass".to_owned());
    for with_reference in [true, false] {
        let batch =
            detect_and_parse(Some("backup.2fas"), &encrypted_fixture(with_reference), Some(&pw))
                .unwrap();
        assert_eq!(batch.format, ImportFormat::TwoFasEncrypted);
        check_entries(&batch);
    }
}

#[test]
fn encrypted_backup_wrong_or_missing_password() {
    let bytes = encrypted_fixture(true);
    let wrong = Sensitive::new("Test-pass".to_owned());
    for with_reference in [true, false] {
        let e =
            detect_and_parse(None, &encrypted_fixture(with_reference), Some(&wrong)).unwrap_err();
        assert_eq!(e, OtpError::WrongPassword { format: "2FAS backup" });
        assert_message(
            &e.to_string(),
            &["password does not unlock this 2FAS backup"],
            &["Test-pass"],
        );
    }
    let e = detect_and_parse(None, &bytes, None).unwrap_err();
    assert_eq!(e.to_string(), "this 2FAS backup is encrypted: supply its password");
}

#[test]
fn damaged_backups() {
    let pw = Sensitive::new("test-pass".to_owned());
    let bytes = encrypted_fixture(true);
    let cut = &bytes[..bytes.len() - 40];
    let msg = detect_and_parse(Some("x.2fas"), cut, Some(&pw)).unwrap_err().to_string();
    assert_message(&msg, &["2FAS backup is damaged or incomplete", "truncated"], &[]);
    let bad = top(json!([]), Some("only-one-part".into()), None);
    let msg = detect_and_parse(None, &bad, Some(&pw)).unwrap_err().to_string();
    assert_message(&msg, &["data:salt:iv"], &[]);
    // The reference decrypts (right password) but the services blob was tampered with.
    let mut v: Value = serde_json::from_slice(&bytes).unwrap();
    let s = v["servicesEncrypted"].as_str().unwrap().to_owned();
    let mut parts: Vec<String> = s.split(':').map(str::to_owned).collect();
    let mut ct = data_encoding::BASE64.decode(parts[0].as_bytes()).unwrap();
    ct[0] ^= 1;
    parts[0] = data_encoding::BASE64.encode(&ct);
    v["servicesEncrypted"] = json!(parts.join(":"));
    let msg = detect_and_parse(None, v.to_string().as_bytes(), Some(&pw)).unwrap_err().to_string();
    assert_message(&msg, &["password is right", "do not decrypt"], &["test-pass"]);
}
