//! Aegis vaults: encrypted round trip through our exporter, wrong/missing password, damaged
//! files, plain vaults with every entry type, and version limits.

mod common;

use common::*;
use rampart_otp::{ImportFormat, OtpError, ScryptParams, Sensitive, detect_and_parse, export};
use serde_json::{Value, json};

const CHEAP: ScryptParams = ScryptParams { log_n: 10, r: 8, p: 1 };

fn password() -> Sensitive<String> {
    Sensitive::new("correct horse battery staple".into())
}

fn vault() -> String {
    export::aegis_encrypted_with(&sample_accounts(), &password(), &mut rng(1), CHEAP).unwrap()
}

#[test]
fn encrypted_round_trip_restores_every_account() {
    let json = vault();
    for a in sample_accounts() {
        assert!(!json.contains(a.secret_base32().expose().as_str()), "no secret in the clear");
    }
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["header"]["slots"][0]["type"], 1);
    assert_eq!(v["header"]["slots"][0]["n"], 1024);
    assert_eq!(v["header"]["slots"][0]["salt"].as_str().unwrap().len(), 64);
    assert_eq!(v["header"]["params"]["nonce"].as_str().unwrap().len(), 24);
    assert_eq!(v["header"]["params"]["tag"].as_str().unwrap().len(), 32);

    let batch = detect_and_parse(Some("aegis.json"), json.as_bytes(), Some(&password())).unwrap();
    assert_eq!(batch.format, ImportFormat::AegisEncrypted);
    let got: Vec<_> = batch.accounts().cloned().collect();
    assert_eq!(got, sample_accounts());
    assert_eq!(batch.items[0].label, "GitHub:alice@example.com");
}

#[test]
fn standard_aegis_costs_are_written_and_read() {
    let one = &sample_accounts()[..1];
    let json = export::aegis_encrypted(one, &password(), &mut rng(2)).unwrap();
    let v: Value = serde_json::from_str(&json).unwrap();
    let slot = &v["header"]["slots"][0];
    assert_eq!(
        (slot["n"].as_u64(), slot["r"].as_u64(), slot["p"].as_u64()),
        (Some(32768), Some(8), Some(1))
    );
    let batch = detect_and_parse(None, json.as_bytes(), Some(&password())).unwrap();
    assert_eq!(batch.accounts().cloned().collect::<Vec<_>>(), one);
}

#[test]
fn same_rng_seed_gives_same_file_and_different_seed_differs() {
    assert_eq!(vault(), vault());
    let other =
        export::aegis_encrypted_with(&sample_accounts(), &password(), &mut rng(9), CHEAP).unwrap();
    assert_ne!(vault(), other);
}

#[test]
fn wrong_or_missing_password() {
    let json = vault();
    let wrong = Sensitive::new("Correct horse battery staple".into());
    let e = detect_and_parse(None, json.as_bytes(), Some(&wrong)).unwrap_err();
    assert_eq!(e, OtpError::WrongPassword { format: "Aegis vault" });
    assert_message(
        &e.to_string(),
        &["password does not unlock this Aegis vault"],
        &["Correct horse"],
    );
    let e = detect_and_parse(None, json.as_bytes(), None).unwrap_err();
    assert_eq!(e.to_string(), "this Aegis vault is encrypted: supply its password");
}

#[test]
fn truncated_and_tampered_vaults_are_clear_errors() {
    let json = vault();
    let cut = &json[..json.len() / 2];
    let msg = detect_and_parse(Some("aegis.json"), cut.as_bytes(), Some(&password()))
        .unwrap_err()
        .to_string();
    assert_message(&msg, &["Aegis vault is damaged or incomplete", "truncated"], &[]);

    let mut v: Value = serde_json::from_str(&json).unwrap();
    v["header"]["params"]["tag"] = json!("00".repeat(16));
    let e = detect_and_parse(None, v.to_string().as_bytes(), Some(&password())).unwrap_err();
    assert_message(&e.to_string(), &["damaged", "does not decrypt"], &[]);

    let mut v: Value = serde_json::from_str(&json).unwrap();
    v["header"]["slots"][0]["type"] = json!(2);
    let e = detect_and_parse(None, v.to_string().as_bytes(), Some(&password())).unwrap_err();
    assert_eq!(e, OtpError::NoPasswordSlot);

    let mut v: Value = serde_json::from_str(&json).unwrap();
    v["header"]["slots"][0]["n"] = json!(1000);
    let e = detect_and_parse(None, v.to_string().as_bytes(), Some(&password())).unwrap_err();
    assert_message(&e.to_string(), &["not a power of two"], &[]);
}

#[test]
fn biometric_slots_are_skipped_and_unknown_keys_ignored() {
    let mut v: Value = serde_json::from_str(&vault()).unwrap();
    let slot = v["header"]["slots"][0].clone();
    v["header"]["slots"] = json!([{ "type": 2, "uuid": "x", "key": "00", "key_params": {"nonce": "00", "tag": "00"} }, slot]);
    v["header"]["future_field"] = json!({"a": 1});
    let batch = detect_and_parse(None, v.to_string().as_bytes(), Some(&password())).unwrap();
    assert_eq!(batch.accounts().count(), 4);
}

fn plain(db_version: u64, entries: Value) -> Vec<u8> {
    json!({
        "version": 1,
        "header": { "slots": null, "params": null },
        "db": { "version": db_version, "entries": entries, "groups": [] },
    })
    .to_string()
    .into_bytes()
}

#[test]
fn plain_vault_with_all_entry_types_and_per_entry_rejections() {
    let entries = json!([
        { "type": "totp", "uuid": "1", "name": "alice", "issuer": "GitHub", "extra": true,
          "info": { "secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "algo": "SHA1", "digits": 8, "period": 30 } },
        { "type": "hotp", "uuid": "2", "name": "bob", "issuer": "",
          "info": { "secret": "jbsw y3dp ehpk 3pxp", "algo": "SHA1", "digits": 6, "counter": 42 } },
        { "type": "steam", "uuid": "3", "name": "gamer", "issuer": "Steam",
          "info": { "secret": "63BEDWCQZKTQWPESARIERL5DTTQFCJTK", "algo": "SHA1", "digits": 5, "period": 30 } },
        { "type": "motp", "uuid": "4", "name": "m", "issuer": "Old",
          "info": { "secret": "JBSWY3DPEHPK3PXP", "algo": "MD5", "digits": 6, "period": 10, "pin": "1234" } },
        { "type": "yandex", "uuid": "5", "name": "y", "issuer": "Yandex",
          "info": { "secret": "JBSWY3DPEHPK3PXP", "algo": "SHA256", "digits": 8, "period": 30, "pin": "1234" } },
        { "type": "totp", "uuid": "6", "name": "weird", "issuer": "X",
          "info": { "secret": "JBSWY3DPEHPK3PXP", "algo": "SHA224", "digits": 6, "period": 30 } },
        { "type": "totp", "uuid": "7", "name": "broken", "issuer": "Y",
          "info": { "secret": "JBSWY3D1EHPK3PXP", "algo": "SHA1", "digits": 6, "period": 0 } },
        { "uuid": "8", "name": "no type" },
    ]);
    for db_version in [1, 2, 3] {
        let batch =
            detect_and_parse(Some("backup.json"), &plain(db_version, entries.clone()), None)
                .unwrap();
        assert_eq!(batch.format, ImportFormat::AegisPlain);
        assert_eq!(batch.items.len(), 8);
        let labels: Vec<_> = batch.items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "GitHub:alice",
                "bob",
                "Steam:gamer",
                "Old:m",
                "Yandex:y",
                "X:weird",
                "Y:broken",
                "no type"
            ]
        );
        let ok: Vec<_> = batch.accounts().collect();
        assert_eq!(ok.len(), 3);
        assert_eq!(rampart_otp::code_at(ok[0], 59).code, "94287082");
        assert_eq!(rampart_otp::code_at(ok[1], 0).code, "090604");
        assert_eq!(rampart_otp::code_at(ok[2], 1511200518).code, "FR8RV");
        let reasons: Vec<_> = batch.rejected().map(|(_, r)| r.to_owned()).collect();
        assert!(reasons[0].contains("motp entries are not supported"), "{}", reasons[0]);
        assert!(reasons[1].contains("yandex entries are not supported"), "{}", reasons[1]);
        assert!(reasons[2].contains("'SHA224'"), "{}", reasons[2]);
        assert!(
            reasons[3].contains("'1' at position 8") && !reasons[3].contains("JBSWY3D"),
            "{}",
            reasons[3]
        );
        assert!(reasons[4].contains("could not be read"), "{}", reasons[4]);
    }
}

#[test]
fn newer_versions_are_refused() {
    let e = detect_and_parse(None, &plain(4, json!([])), None).unwrap_err();
    assert_eq!(
        e,
        OtpError::UnsupportedVersion { format: "Aegis vault", version: 4, supported: "1 to 3" }
    );
    assert!(e.to_string().contains("version 4"));
    let outer = json!({ "version": 2, "header": { "slots": null, "params": null }, "db": {"version": 3, "entries": []} });
    let e = detect_and_parse(None, outer.to_string().as_bytes(), None).unwrap_err();
    assert!(matches!(e, OtpError::UnsupportedVersion { version: 2, .. }), "{e:?}");
}

#[test]
fn crypto_matches_the_independent_fixture_values_from_the_research() {
    use rampart_otp::crypto;
    let salt: Vec<u8> = (0u8..32).collect();
    let key =
        crypto::scrypt_key(b"correct horse battery staple", &salt, ScryptParams::AEGIS).unwrap();
    assert_eq!(
        hex::encode(key.expose()),
        "450fa69545f7a2062c718965069c38be27c1789f5e8cf9b00acb95fdcc54c43d"
    );
    let (wrapped, tag) = crypto::seal(key.expose(), &[1u8; 12], &[0x42u8; 32]).unwrap();
    assert_eq!(
        hex::encode(wrapped),
        "c17a7f192510e349f5c2a2ab43345f0f330f369a24d77783f3a7c46f897a7aa0"
    );
    assert_eq!(hex::encode(tag), "e1ea2bf73afd80278d570c251d649157");
}

// Hostile vaults: the number of password slots tried and the scrypt work one import may cost
// are capped, and a vault over a cap is refused before any key derivation runs.

/// The vault with its one password slot replaced by `slots` (each a patch over that slot).
fn with_slots(patches: &[Value]) -> Vec<u8> {
    let mut v: Value = serde_json::from_str(&vault()).unwrap();
    let slot = v["header"]["slots"][0].clone();
    let slots: Vec<Value> = patches
        .iter()
        .map(|patch| {
            let mut s = slot.clone();
            for (k, val) in patch.as_object().unwrap() {
                s[k] = val.clone();
            }
            s
        })
        .collect();
    v["header"]["slots"] = Value::Array(slots);
    v.to_string().into_bytes()
}

fn refused(bytes: &[u8]) -> String {
    match detect_and_parse(None, bytes, Some(&password())) {
        Err(e @ OtpError::ImportTooCostly { .. }) => e.to_string(),
        other => panic!("expected ImportTooCostly, got {other:?}"),
    }
}

#[test]
fn more_password_slots_than_the_cap_are_refused() {
    let cap = rampart_otp::aegis::MAX_PASSWORD_SLOTS;
    // At the cap, the right slot last still unlocks.
    let mut patches = vec![json!({ "salt": "00".repeat(32) }); cap - 1];
    patches.push(json!({}));
    let batch = detect_and_parse(None, &with_slots(&patches), Some(&password())).unwrap();
    assert_eq!(batch.accounts().count(), 4);
    // One more password slot and the file is refused, however cheap each slot is.
    let msg = refused(&with_slots(&vec![json!({}); cap + 1]));
    assert_message(&msg, &[&format!("{} password slots", cap + 1), "at most"], &[]);
    // Slots of other types (biometric) do not count.
    let mut patches = vec![json!({ "type": 2 }); 20];
    patches.push(json!({}));
    assert!(detect_and_parse(None, &with_slots(&patches), Some(&password())).is_ok());
}

#[test]
fn an_scrypt_n_above_2_pow_20_is_refused() {
    // 2^21 with r = 2 (512 MiB) was accepted before; N alone is past what any exporter writes.
    let msg = refused(&with_slots(&[json!({ "n": 1u64 << 21, "r": 2, "p": 1 })]));
    assert_message(&msg, &["N = 2097152", "2^20"], &[]);
}

#[test]
fn one_slot_over_the_work_budget_is_refused() {
    // N = 2^16, r = 32, p = 8: 256 MiB and 64 times Aegis's own cost.
    let msg = refused(&with_slots(&[json!({ "n": 1u64 << 16, "r": 32, "p": 8 })]));
    assert_message(&msg, &["scrypt work"], &[]);
}

#[test]
fn slots_that_together_exceed_the_work_budget_are_refused_before_any_kdf() {
    // Each slot is within the per-slot limits; three together are not.
    let heavy = json!({ "n": 1u64 << 18, "r": 8, "p": 2 });
    let started = std::time::Instant::now();
    let msg = refused(&with_slots(&[heavy.clone(), heavy.clone(), heavy]));
    assert_message(&msg, &["scrypt work", "all password slots"], &[]);
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "refused up front");
}
