//! The leak test: a full scenario (add, generate, enroll, import, copy, export), then every
//! secret used is searched for in the data dir (database, WAL, logs) and in everything the CLI
//! printed except the deliberate reveals. Zero hits allowed.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

struct Run {
    dir: tempfile::TempDir,
    service: String,
    /// stderr of every command, and stdout of every command that is not a deliberate reveal.
    captured: Vec<u8>,
}

impl Run {
    fn cmd(&mut self, args: &[&str], stdin: &str, reveal: bool) -> String {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
            .args(["--data-dir", self.dir.path().to_str().unwrap()])
            .args(args)
            .env("RAMPART_KEYRING_SERVICE", &self.service)
            .env("RUST_LOG", "trace") // log as much as possible: nothing secret may reach it
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        self.captured.extend_from_slice(&out.stderr);
        if !reveal {
            self.captured.extend_from_slice(&out.stdout);
        }
        String::from_utf8(out.stdout).unwrap()
    }
}

fn all_bytes_under(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all_bytes_under(&path, out);
        } else {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn no_secret_reaches_the_data_dir_logs_or_output() {
    let mut run = Run {
        dir: tempfile::tempdir().unwrap(),
        service: format!("rampart-leak-test-{}", std::process::id()),
        captured: Vec::new(),
    };
    let exports = tempfile::tempdir().unwrap();
    let mut secrets: Vec<String> = vec![
        "pg-password-Zq8v!x".into(),
        "https://hooks.slack.com/services/T000/B000/LeakCanary".into(),
        "KRSXG5CTMVRXEZLUKN2XAZLSONSWG4TF".into(), // an imported seed
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(), // an added seed
        "export-password-9fj3".into(),
    ];

    run.cmd(&["vault", "set", "db-password"], &secrets[0], false);
    run.cmd(&["vault", "set", "slack", "--kind", "webhookUrl"], &secrets[1], false);
    run.cmd(&["vault", "generate", "jwt-secret", "--bytes", "32"], "", false);
    secrets.push(run.cmd(&["vault", "get", "jwt-secret"], "", true).trim().to_owned());
    run.cmd(&["vault", "get", "db-password"], "", true);

    let import = exports.path().join("uris.txt");
    std::fs::write(
        &import,
        format!("otpauth://totp/Imported:ivy?secret={}&issuer=Imported\n", secrets[2]),
    )
    .unwrap();
    run.cmd(&["otp", "import", import.to_str().unwrap()], "", false);
    run.cmd(
        &["otp", "add", "-"],
        &format!("otpauth://hotp/Added:hal?secret={}&counter=3", secrets[3]),
        false,
    );

    // Enroll: the URI on stdout is the deliberate reveal; answer with the device's code.
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args([
            "--data-dir",
            run.dir.path().to_str().unwrap(),
            "otp",
            "enroll",
            "--issuer",
            "Prod",
            "--account",
            "eve",
        ])
        .env("RAMPART_KEYRING_SERVICE", &run.service)
        .env("RUST_LOG", "trace")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut uri = String::new();
    {
        use std::io::Read;
        let mut byte = [0u8; 1];
        while stdout.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
            uri.push(byte[0] as char);
        }
    }
    let device = rampart_otp::parse_uri(&uri).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let code = rampart_otp::code_at(&device, now).code;
    child.stdin.take().unwrap().write_all(format!("{code}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "enroll: {}", String::from_utf8_lossy(&out.stderr));
    run.captured.extend_from_slice(&out.stderr);
    secrets.push(device.secret_base32().expose().clone());

    let aegis = exports.path().join("backup.json");
    run.cmd(
        &[
            "otp",
            "export",
            "--format",
            "aegis",
            "--out",
            aegis.to_str().unwrap(),
            "--password-stdin",
        ],
        &secrets[4],
        false,
    );
    let uris = exports.path().join("all.txt");
    run.cmd(
        &["otp", "export", "--format", "uris", "--out", uris.to_str().unwrap(), "--yes"],
        "",
        false,
    );
    run.cmd(&["otp", "codes", "--json"], "", false);
    run.cmd(&["otp", "list", "--json"], "", false);
    run.cmd(&["vault", "list", "--json"], "", false);
    run.cmd(&["audit", "log", "--json"], "", false);

    // The responder's tools: a field key, a decrypted value (the decrypt's stdout is the
    // deliberate reveal), a signed and verified token, and a password checked against a hash.
    let field_key = "c0ffee00deadbeef0123456789abcdef0123456789abcdef0123456789abcdef";
    let pii = "LeakCanary-national-id-5551234";
    let password = "LeakCanary-password-77!";
    secrets.extend([field_key.to_owned(), pii.to_owned(), password.to_owned()]);
    run.cmd(&["vault", "set", "field-key", "--kind", "encryptionKey"], field_key, false);
    let sealed = run.cmd(
        &["crypt", "encrypt", "--key", "field-key"],
        &format!("{{\"id\":\"{pii}\"}}"),
        false,
    );
    let opened = run.cmd(&["crypt", "decrypt", "--key", "field-key"], &sealed, true);
    assert!(opened.contains(pii), "the reveal did show the value");
    let fields = exports.path().join("fields.jsonl");
    std::fs::write(&fields, &sealed).unwrap();
    let rotated = exports.path().join("rotated.jsonl");
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

    // The exports did carry the seeds (so the search below is meaningful)...
    let uri_export = std::fs::read_to_string(&uris).unwrap();
    assert!(uri_export.contains(&secrets[2]) && uri_export.contains(&secrets[3]));

    // ...but the data dir, the logs and the captured output do not.
    let mut files = Vec::new();
    all_bytes_under(run.dir.path(), &mut files);
    assert!(files.iter().any(|(p, _)| p.contains("logs")), "the scenario wrote logs: {files:?}");
    for secret in &secrets {
        for (path, bytes) in &files {
            assert!(!contains(bytes, secret.as_bytes()), "a secret leaked into {path}");
        }
        assert!(!contains(&run.captured, secret.as_bytes()), "a secret leaked into the CLI output");
    }

    for name in ["db-password", "slack", "jwt-secret", "field-key", "field-key-2"] {
        run.cmd(&["vault", "rm", name], "", false);
    }
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&run.cmd(&["otp", "list", "--json"], "", false)).unwrap();
    for a in list {
        run.cmd(&["otp", "rm", a["id"].as_str().unwrap()], "", false);
    }
}
