//! The responder's tools: a field key, a decrypted value (the decrypt's stdout is the
//! deliberate reveal), a field file re-encrypted to another key, a signed and verified token,
//! and a password checked against a hash.

use super::harness::Run;

pub fn run(run: &mut Run) -> Vec<String> {
    let field_key = "c0ffee00deadbeef0123456789abcdef0123456789abcdef0123456789abcdef";
    let pii = "LeakCanary-national-id-5551234";
    let password = "LeakCanary-password-77!";
    run.cmd(&["vault", "set", "field-key", "--kind", "encryptionKey"], field_key, false);
    let sealed = run.cmd(
        &["crypt", "encrypt", "--key", "field-key"],
        &format!("{{\"id\":\"{pii}\"}}"),
        false,
    );
    let opened = run.cmd(&["crypt", "decrypt", "--key", "field-key"], &sealed, true);
    assert!(opened.contains(pii), "the reveal did show the value");
    let fields = run.work().join("fields.jsonl");
    std::fs::write(&fields, &sealed).unwrap();
    let rotated = run.outputs().join("rotated.jsonl");
    run.cmd(&["vault", "generate", "field-key-2", "--bytes", "32"], "", false);
    let (f, r) = (fields.to_str().unwrap(), rotated.to_str().unwrap());
    run.cmd(
        &["crypt", "rotate", "--from", "field-key", "--to", "field-key-2", f, "--out", r],
        "",
        false,
    );
    let claims = r#"{"sub":"42","iss":"alawael-api","aud":"alawael-users"}"#;
    let token = run.cmd(
        &["jwt", "sign", "--secret", "jwt-secret", "--claims", claims, "--expires", "15m"],
        "",
        false,
    );
    run.cmd(&["jwt", "verify", token.trim(), "--secret", "jwt-secret", "--json"], "", false);
    run.cmd(&["jwt", "decode", "--json"], &token, false);
    let hash = bcrypt::hash(password, 4).unwrap();
    run.cmd(&["hash", "check", "--hash", &hash, "--json"], password, false);
    vec![field_key.to_owned(), pii.to_owned(), password.to_owned()]
}
