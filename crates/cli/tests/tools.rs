//! `rampart crypt|jwt|hash`: the responder's tools as a real process against a real Secret
//! Service: keys by vault name, all-or-nothing rotation into a file, exit 1 for an invalid token
//! or a password that does not match, and errors that say what to do.

mod common;

use common::Cli;

const KEY: &str = "5f0e8d7c6b5a49382716f5e4d3c2b1a00f1e2d3c4b5a69788796a5b4c3d2e1f0";
const NEW_KEY: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

fn with_keys() -> Cli {
    let cli = Cli::new();
    cli.ok(&["vault", "set", "field-key", "--kind", "encryptionKey"], KEY);
    cli.ok(&["vault", "set", "field-key-2027", "--kind", "encryptionKey"], NEW_KEY);
    cli.ok(&["vault", "generate", "jwt-secret", "--bytes", "32"], "");
    cli
}

#[test]
fn crypt_encrypts_decrypts_and_rotates_a_file_all_or_nothing() {
    let cli = with_keys();
    let work = tempfile::tempdir().unwrap();
    let values = "{\"nationalId\":\"1029384756\"}\n\"émoji 🔐\"\n[1,{\"a\":null}]\n";
    let sealed = cli.ok(&["crypt", "encrypt", "--key", "field-key", "--lines", "-"], values);
    assert_eq!(sealed.lines().count(), 3);
    assert!(!sealed.contains("1029384756"));
    let file = work.path().join("fields.jsonl");
    std::fs::write(&file, &sealed).unwrap();

    let opened = cli.ok(&["crypt", "decrypt", "--key", "field-key", file.to_str().unwrap()], "");
    assert_eq!(opened, values);
    let single = cli.ok(&["crypt", "encrypt", "--key", "field-key"], "{\"a\": [1, 2]}");
    let back = cli.ok(&["crypt", "decrypt", "--key", "field-key", "-"], &single);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&back).unwrap(),
        serde_json::json!({"a": [1, 2]})
    );

    let out = work.path().join("rotated.jsonl");
    let out_s = out.to_str().unwrap();
    let args = ["crypt", "rotate", "--from", "field-key", "--to", "field-key-2027"];
    cli.ok(&[&args[..], &[file.to_str().unwrap(), "--out", out_s]].concat(), "");
    let rotated = std::fs::read_to_string(&out).unwrap();
    assert_eq!(cli.ok(&["crypt", "decrypt", "--key", "field-key-2027", out_s], ""), values);
    let e = cli.fails(&["crypt", "decrypt", "--key", "field-key", out_s], "");
    assert!(e.contains("line 1: the auth tag does not match"), "{e}");

    // --out exists: refused without --force, and the file is untouched.
    let e = cli.fails(&[&args[..], &[file.to_str().unwrap(), "--out", out_s]].concat(), "");
    assert!(e.contains("add --force"), "{e}");
    // One payload under another key: nothing is written, even with --force.
    let mixed = work.path().join("mixed.jsonl");
    std::fs::write(&mixed, format!("{sealed}{}", rotated.lines().next().unwrap())).unwrap();
    let e =
        cli.fails(&[&args[..], &[mixed.to_str().unwrap(), "--out", out_s, "--force"]].concat(), "");
    assert!(e.contains("line 4: the auth tag does not match"), "{e}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), rotated, "the output was not touched");

    cli.ok(&["vault", "set", "db-password"], "hunter2-not-a-key");
    let e = cli.fails(&["crypt", "decrypt", "--key", "db-password"], &sealed);
    assert!(e.contains("the vault item \"db-password\": the key has 17 characters"), "{e}");
    assert!(!e.contains("hunter2"));
    let e = cli.fails(&["crypt", "decrypt", "--key", "nope"], &sealed);
    assert!(e.contains("no credential named \"nope\""), "{e}");
    let e = cli.fails(&["crypt", "decrypt", "--key", "field-key"], "{\"iv\": 1}");
    assert!(e.contains("not a payload"), "{e}");

    let audit = cli.ok(&["audit", "log", "--json"], "");
    assert!(audit.contains("vault:field-key by field-decrypt"));
    assert!(audit.contains("vault:field-key-2027 by field-rotate"));
    assert!(!audit.contains("1029384756") && !audit.contains(KEY));
}

#[test]
fn jwt_sign_verify_and_decode_with_exit_codes() {
    let cli = with_keys();
    let claims = r#"{"sub":"42","iss":"alawael-api","aud":"alawael-users"}"#;
    let token = cli
        .ok(&["jwt", "sign", "--secret", "jwt-secret", "--claims", claims, "--expires", "15m"], "");
    let token = token.trim();
    assert_eq!(token.split('.').count(), 3);

    let report = cli.ok(&["jwt", "verify", token, "--secret", "jwt-secret"], "");
    assert!(report.contains("ok   signature") && report.contains("ok   aud"), "{report}");
    let json: serde_json::Value = serde_json::from_str(
        &cli.ok(&["jwt", "verify", "-", "--secret", "jwt-secret", "--json"], token),
    )
    .unwrap();
    assert_eq!(json["valid"], true);
    assert_eq!(json["decoded"]["lifetimeSeconds"], 900);

    let out = cli.run(&["jwt", "verify", token, "--secret", "jwt-secret", "--aud", "other"], "");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FAIL aud") && stdout.contains("expected \"other\""), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("NOT valid (failed: aud)"));
    let out = cli.run(&["jwt", "verify", token, "--secret", "field-key"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("FAIL signature"));

    // alg none (header {"alg":"none"}) is refused, and says why.
    let none = "eyJhbGciOiJub25lIn0.eyJzdWIiOiI0MiJ9.";
    let out = cli.run(&["jwt", "verify", none, "--secret", "jwt-secret"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("alg none is refused"));

    let decoded = cli.ok(&["jwt", "decode"], &format!("Bearer {token}\n"));
    assert!(decoded.contains("\"sub\": \"42\"") && decoded.contains("(local)"), "{decoded}");
    assert!(decoded.contains("lifetime  15 min"), "{decoded}");
    let e = cli.fails(&["jwt", "decode", "not-a-token"], "");
    assert!(e.contains("not a JWT"), "{e}");
    let e = cli.fails(&["jwt", "sign", "--secret", "jwt-secret", "--claims", "[]"], "");
    assert!(e.contains("must be a JSON object"), "{e}");
}

#[test]
fn hash_check_reads_the_password_from_stdin_and_exits_1_on_mismatch() {
    let cli = Cli::new();
    let hash = bcrypt::hash("Tr0ub4dor&3", 10).unwrap();
    let out = cli.ok(&["hash", "check", "--hash", &hash], "Tr0ub4dor&3\n");
    assert!(out.contains("bcrypt (2b) cost 10: meets the minimum"), "{out}");
    let out = cli.run(&["hash", "check", "--hash", &hash], "Tr0ub4dor&4\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does NOT match"));
    let weak = bcrypt::hash("x", 5).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&cli.ok(&["hash", "inspect", "--hash", &weak, "--json"], "")).unwrap();
    assert_eq!(json["meetsMinimum"], false);
    let e = cli.fails(&["hash", "check", "--hash", "5f4dcc3b5aa765d61d8327deb882cf99"], "x");
    assert!(e.contains("unsalted MD5"), "{e}");
    assert!(!cli.data_dir().join("rampart.db").exists(), "hash needs no data dir");
}
