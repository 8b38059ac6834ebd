//! Interop with the guide's own code, run by Node: its `encryptData`/`decryptData` with Node's
//! `crypto`, tokens made and checked by `jsonwebtoken` with the guide's options, and hashes made
//! by `bcryptjs`. Node and the packages are installed by `make test-deps`
//! (crates/responder/tests/node).

use rampart_responder::batch::{self, Payloads};
use rampart_responder::field::{self, FieldKey, Payload};
use rampart_responder::{Error, hash, jwt};
use rampart_sensitive::{SecretBytes, SecretString};
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

const KEY_HEX: &str = "7d1e2bb1c9a4f0e3865c2d4a1b0f9e8d7c6b5a49382716051f2e3d4c5b6a7988";
const JWT_SECRET: &str = "4f9c2b7e1d8a3f6c0b5e9d2a7c4f1e8b3d6a9c2f5e8b1d4a7c0f3e6b9d2a5c8f";

fn node_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node")
}

/// Runs `interop.mjs <command>` with `input` on stdin; panics with Node's stderr on failure.
fn node(command: &str, input: &Value) -> Value {
    let dir = node_dir();
    assert!(
        dir.join("node_modules/jsonwebtoken").is_dir(),
        "the Node interop packages are missing: run `make test-deps` (npm ci in {})",
        dir.display()
    );
    let mut child = Command::new("node")
        .arg(dir.join("interop.mjs"))
        .arg(command)
        .env("ENCRYPTION_KEY", KEY_HEX)
        .env("JWT_SECRET", JWT_SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node is installed by make test-deps");
    child.stdin.take().unwrap().write_all(input.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "node {command}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn key() -> FieldKey {
    FieldKey::from_hex(KEY_HEX).unwrap()
}

/// Values of many sizes (across the AES block boundaries), unicode and nested JSON.
fn sample_values() -> Vec<Value> {
    let mut values = vec![
        json!(null),
        json!(true),
        json!(0),
        json!(-17),
        json!(1.5),
        json!(9_007_199_254_740_991_i64),
        json!("héllo wörld 你好 🔐 \u{0} \"quoted\" \\ \n"),
        json!({"ssn": "078-05-1120", "card": {"pan": "4111111111111111", "exp": "12/29"}}),
        json!([1, "two", [3, [4, [5, {"six": [7]}]]]]),
    ];
    for len in [0, 1, 12, 13, 14, 15, 16, 17, 31, 32, 33, 255, 4096, 100_000] {
        values.push(json!("x".repeat(len)));
    }
    let mut nested = json!("leaf");
    for depth in 0..40 {
        nested = json!({ format!("level{depth}"): nested, "list": [depth] });
    }
    values.push(nested);
    values
}

#[test]
fn rust_decrypts_what_the_guides_node_code_encrypts() {
    let values = sample_values();
    let payloads = node("encrypt", &Value::Array(values.clone()));
    for (value, payload) in values.iter().zip(payloads.as_array().unwrap()) {
        let payload: Payload = serde_json::from_value(payload.clone()).unwrap();
        assert_eq!(payload.iv.len(), 32, "the guide's code makes a 16-byte IV");
        assert_eq!(&field::decrypt(&key(), &payload).unwrap(), value);
    }
    // The same payloads as one file, one per line: all decrypted, in order.
    let lines: String = payloads.as_array().unwrap().iter().map(|p| p.to_string() + "\n").collect();
    let all = batch::decrypt_all(&key(), &Payloads::parse(&lines).unwrap()).unwrap();
    assert_eq!(all.values, values);
}

#[test]
fn the_guides_node_code_decrypts_what_rust_encrypts() {
    let values = sample_values();
    let mut rng = rand::rng();
    let payloads: Vec<Value> = values
        .iter()
        .map(|v| serde_json::to_value(field::encrypt(&key(), v, &mut rng)).unwrap())
        .collect();
    let results = node("decrypt", &Value::Array(payloads));
    for (value, result) in values.iter().zip(results.as_array().unwrap()) {
        assert_eq!(result.get("ok"), Some(value), "Node said {result}");
    }
}

#[test]
fn tampered_payloads_are_refused_by_both_and_rust_returns_no_plaintext() {
    let payload = &node("encrypt", &json!([{"secret": "do not show"}]))[0];
    let payload: Payload = serde_json::from_value(payload.clone()).unwrap();
    let mut tampered = Vec::new();
    for i in 0..payload.data.len() / 2 {
        let mut p = payload.clone();
        let byte = u8::from_str_radix(&p.data[i * 2..i * 2 + 2], 16).unwrap() ^ 0x01;
        p.data.replace_range(i * 2..i * 2 + 2, &format!("{byte:02x}"));
        tampered.push(p);
    }
    let mut tag = payload.clone();
    tag.auth_tag.replace_range(0..2, if tag.auth_tag.starts_with("00") { "01" } else { "00" });
    tampered.push(tag);
    let mut iv = payload.clone();
    iv.iv.replace_range(0..2, if iv.iv.starts_with("00") { "01" } else { "00" });
    tampered.push(iv);

    let node_results = node("decrypt", &serde_json::to_value(&tampered).unwrap());
    for (p, node_result) in tampered.iter().zip(node_results.as_array().unwrap()) {
        assert!(node_result.get("error").is_some(), "Node accepted a tampered payload");
        let e = field::decrypt(&key(), p).unwrap_err();
        assert!(matches!(e, Error::Authentication(_)), "{e}");
        assert!(!e.to_string().contains("do not show"));
    }
    let wrong = FieldKey::from_hex(&"ab".repeat(32)).unwrap();
    assert!(matches!(field::decrypt(&wrong, &payload), Err(Error::Authentication(_))));
    let mut short = payload.clone();
    short.auth_tag.truncate(24);
    assert!(matches!(field::decrypt(&key(), &short), Err(Error::Input(_))), "a 12-byte tag");
}

#[test]
fn rotation_output_decrypts_in_node_with_the_new_key_only() {
    let values = sample_values();
    let payloads = node("encrypt", &Value::Array(values.clone()));
    let new_key_hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    let rotated = batch::rotate(
        &key(),
        &FieldKey::from_hex(new_key_hex).unwrap(),
        &Payloads::parse(&payloads.to_string()).unwrap(),
        &mut rand::rng(),
    )
    .unwrap();
    let reread: Value = serde_json::from_str(&rotated.text).unwrap();
    let with_old_key = node("decrypt", &reread);
    assert!(with_old_key.as_array().unwrap().iter().all(|r| r.get("error").is_some()));
    let new_key = FieldKey::from_hex(new_key_hex).unwrap();
    let opened = batch::decrypt_all(&new_key, &Payloads::parse(&rotated.text).unwrap()).unwrap();
    assert_eq!(opened.values, values);
}

fn secret() -> SecretBytes {
    SecretBytes::new(JWT_SECRET.as_bytes().to_vec())
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn failed(report: &jwt::Report) -> Vec<&str> {
    report.checks.iter().filter(|c| !c.ok).map(|c| c.name).collect()
}

#[test]
fn tokens_from_nodes_jsonwebtoken_are_verified_like_the_guides_api_would() {
    let tokens = node("tokens", &json!({}));
    let token = |name: &str| tokens[name].as_str().unwrap().to_owned();
    let guide = jwt::Profile::guide();

    let report = jwt::verify(&token("guide"), &secret(), &guide, now()).unwrap();
    assert!(report.valid, "{:?}", report.checks);
    assert_eq!(report.decoded.claims["sub"], "user-42");
    assert_eq!(report.decoded.lifetime_seconds, Some(7 * 86_400));
    assert!(report.secret_warnings.is_empty());
    assert!(
        report.decoded.warnings.iter().any(|w| w.contains("7 d is longer than")),
        "the guide's 7 d tokens outlive the checklist's session timeout: {:?}",
        report.decoded.warnings
    );
    let bearer = format!("Bearer {}\n", token("hs512"));
    assert!(jwt::verify(&bearer, &secret(), &guide, now()).unwrap().valid);
    let refresh = jwt::verify(&token("refresh"), &secret(), &guide, now()).unwrap();
    assert_eq!(refresh.decoded.lifetime_seconds, Some(30 * 86_400));

    let expired = jwt::verify(&token("expired"), &secret(), &guide, now()).unwrap();
    assert_eq!(failed(&expired), ["exp"]);
    let audience = jwt::verify(&token("wrongAudience"), &secret(), &guide, now()).unwrap();
    assert_eq!(failed(&audience), ["aud"]);
    let no_aud_check = jwt::Profile::with_overrides(None, Some(""));
    assert!(jwt::verify(&token("wrongAudience"), &secret(), &no_aud_check, now()).unwrap().valid);
    let forged = jwt::verify(&token("otherSecret"), &secret(), &guide, now()).unwrap();
    assert_eq!(failed(&forged), ["signature"]);

    let none = jwt::verify(&token("none"), &secret(), &guide, now()).unwrap();
    assert!(!none.valid);
    assert_eq!(failed(&none), ["algorithm", "signature"]);
    assert!(none.decoded.warnings[0].starts_with("alg none"));

    // Algorithm confusion: an RS256 token checked with the RSA public key as an HMAC secret.
    let public_key = SecretBytes::new(token("rsPublicKey").into_bytes());
    let confused = jwt::verify(&token("rs256"), &public_key, &guide, now()).unwrap();
    assert_eq!(failed(&confused), ["algorithm", "signature"]);
    assert!(confused.checks[0].detail.contains("algorithm confusion"));
}

#[test]
fn nodes_jsonwebtoken_accepts_a_token_rust_signs_with_the_guides_claims() {
    let claims = r#"{"sub":"user-42","iss":"alawael-api","aud":"alawael-users"}"#;
    let signed = jwt::sign(&secret(), "HS256", claims, Some(15 * 60), now()).unwrap();
    let verdict = node("verify", &json!({"token": signed.token}));
    assert_eq!(verdict["ok"]["sub"], "user-42", "Node said {verdict}");
    assert_eq!(signed.decoded.lifetime_seconds, Some(900));
    let weak = SecretBytes::new(b"secret".to_vec());
    let forged = jwt::sign(&weak, "HS256", claims, Some(60), now()).unwrap();
    assert!(node("verify", &json!({"token": forged.token}))["error"].is_string());
}

#[test]
fn bcryptjs_hashes_are_checked_with_their_cost() {
    let password = "correct horse battery staple ✓";
    let hashes = node("bcrypt", &json!({"password": password, "costs": [10, 4]}));
    let cost10 = hashes[0].as_str().unwrap();
    let cost4 = hashes[1].as_str().unwrap();
    let right = SecretString::new(password.into());
    let wrong = SecretString::new("correct horse battery stapler".into());

    let ok = hash::check(cost10, &right).unwrap();
    assert!(ok.matches);
    assert_eq!((ok.info.algorithm.as_str(), ok.info.cost), ("bcrypt", Some(10)));
    assert!(ok.info.meets_minimum && ok.info.findings.is_empty());
    assert!(!hash::check(cost10, &wrong).unwrap().matches);

    let weak = hash::check(cost4, &right).unwrap();
    assert!(weak.matches && !weak.info.meets_minimum);
    assert!(weak.info.findings[0].contains("cost 4 is below"), "{:?}", weak.info.findings);
}
