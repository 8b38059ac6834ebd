//! Backups against a real Garage: S3 keys from the vault, a dump fed a vault secret in its
//! environment and a directory, each backed up, listed, verified in full and restored (into a
//! command and a directory), a drill, and the break-glass identity export as the deliberate
//! reveal. The identity and the manifest-signing key are then searched for like the rest.

use super::harness::Run;
use rampart_backup::testkit::{BUCKET, Garage, KEY_ID, SECRET, sha256_hex, write};
use std::process::Command;

const DUMP_TOKEN: &str = "LeakCanary-dump-token-4242";

pub fn run(run: &mut Run) -> Vec<String> {
    let g = Garage::start();
    run.cmd(&["backup", "keygen"], "", false);
    run.cmd(&["vault", "set", "s3-key"], KEY_ID, false);
    run.cmd(&["vault", "set", "s3-secret"], SECRET, false);
    let endpoint = g.endpoint();
    let target = ["backup", "target", "add", "garage", "--endpoint", &endpoint, "--bucket", BUCKET];
    let keys = ["--access-key", "s3-key", "--secret-key", "s3-secret"];
    let at = ["--prefix", "leak", "--region", "garage", "--path-style"];
    run.cmd(&[&target[..], &at[..], &keys[..]].concat(), "", false);

    // The dump proves it saw the secret without printing it.
    run.cmd(&["vault", "set", "dump-token"], DUMP_TOKEN, false);
    let hash = &sha256_hex(DUMP_TOKEN.as_bytes())[..16];
    let script = format!(
        r#"test "$(printf %s "$DUMP_TOKEN" | sha256sum | cut -c1-16)" = {hash} && echo env-ok"#
    );
    let dump = ["backup", "source", "add", "dump", "--command", &format!("sh -c '{script}'")];
    run.cmd(
        &[&dump[..], &["--env", "DUMP_TOKEN=dump-token", "--target", "garage"]].concat(),
        "",
        false,
    );
    let src = run.work().join("src");
    write(&src.join("app/config.json"), br#"{"db":"mongo"}"#, 0o600);
    let dir = ["backup", "source", "add", "files", "--dir", src.to_str().unwrap()];
    run.cmd(&[&dir[..], &["--target", "garage"]].concat(), "", false);

    let id = run.cmd(&["backup", "run", "dump"], "", false).trim().to_owned();
    run.cmd(&["backup", "run", "files"], "", false);
    run.cmd(&["backup", "list", "--json"], "", false);
    run.cmd(&["backup", "target", "list", "--json"], "", false);
    run.cmd(&["backup", "source", "list", "--json"], "", false);
    run.cmd(&["backup", "verify", &id, "--full"], "", false);
    let restored = run.outputs().join("dump.txt");
    let pipe = format!("sh -c 'cat > {}'", restored.display());
    run.cmd(&["backup", "restore", "dump", "--id", &id, "--pipe", &pipe], "", false);
    assert_eq!(std::fs::read_to_string(&restored).unwrap(), "env-ok\n", "the dump saw the token");
    let files = run.outputs().join("files");
    run.cmd(&["backup", "restore", "files", "--to", files.to_str().unwrap()], "", false);
    run.cmd(&["backup", "drill", "files", "--json"], "", false);

    let export = run.cmd(&["backup", "export-identity", "--yes"], "", true);
    let identity = export.lines().find(|l| l.starts_with("AGE-SECRET-KEY-1")).unwrap().to_owned();
    let signing = Command::new("secret-tool")
        .args(["lookup", "service", &run.service, "username", "backup-signing-key"])
        .output()
        .unwrap();
    let signing = String::from_utf8_lossy(&signing.stdout).trim().to_owned();
    let seed = signing.rsplit(':').next().unwrap_or_default().to_owned();
    assert_eq!(seed.len(), 64, "a signing key was made and is in the keychain");
    drop(g);
    vec![SECRET.to_owned(), KEY_ID.to_owned(), DUMP_TOKEN.to_owned(), identity, seed]
}
