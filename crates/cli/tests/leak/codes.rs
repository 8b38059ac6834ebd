//! The vault and one-time codes: secrets set, generated and read back, seeds imported, added
//! and enrolled (the enrollment URI is the deliberate reveal), exports to another
//! authenticator (deliberate files), and every listing.

use super::harness::Run;
use std::io::{Read, Write};

pub fn run(run: &mut Run) -> Vec<String> {
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

    let import = run.work().join("uris.txt");
    let line = format!("otpauth://totp/Imported:ivy?secret={}&issuer=Imported\n", secrets[2]);
    std::fs::write(&import, line).unwrap();
    run.cmd(&["otp", "import", import.to_str().unwrap()], "", false);
    run.cmd(
        &["otp", "add", "-"],
        &format!("otpauth://hotp/Added:hal?secret={}&counter=3", secrets[3]),
        false,
    );

    // Enroll: the URI on stdout is the deliberate reveal; answer with the device's code.
    let mut child =
        run.command(&["otp", "enroll", "--issuer", "Prod", "--account", "eve"]).spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut uri = String::new();
    let mut byte = [0u8; 1];
    while stdout.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
        uri.push(byte[0] as char);
    }
    let device = rampart_otp::parse_uri(&uri).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let code = rampart_otp::code_at(&device, now).code;
    child.stdin.take().unwrap().write_all(format!("{code}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "enroll: {}", String::from_utf8_lossy(&out.stderr));
    run.keep(&out, true);
    secrets.push(device.secret_base32().expose().clone());

    let aegis = run.deliberate().join("backup.json");
    let to_aegis = ["otp", "export", "--format", "aegis", "--out", aegis.to_str().unwrap()];
    run.cmd(&[&to_aegis[..], &["--password-stdin"]].concat(), &secrets[4], false);
    let uris = run.deliberate().join("all.txt");
    run.cmd(
        &["otp", "export", "--format", "uris", "--out", uris.to_str().unwrap(), "--yes"],
        "",
        false,
    );
    // The export did carry the seeds, so the search for them elsewhere means something.
    let uri_export = std::fs::read_to_string(&uris).unwrap();
    assert!(uri_export.contains(&secrets[2]) && uri_export.contains(&secrets[3]));

    run.cmd(&["otp", "codes", "--json"], "", false);
    run.cmd(&["otp", "list", "--json"], "", false);
    run.cmd(&["vault", "list", "--json"], "", false);
    secrets
}
