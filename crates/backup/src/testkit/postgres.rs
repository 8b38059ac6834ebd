//! A throwaway PostgreSQL: `initdb` into a temp dir and `postgres` on a free loopback port,
//! password (SCRAM) authentication for TCP so clients need `PGPASSWORD`, killed on drop.
//! PostgreSQL refuses to run as root, so under root the server runs as `nobody` (via
//! `setpriv`) and the temp dir is handed to that user. Binaries come from `PG_BIN_DIR`, the
//! newest `/usr/lib/postgresql/*/bin` (Debian) or PATH; a missing one fails the test.

use super::garage::free_port;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The superuser the harness creates.
pub const PG_USER: &str = "rampart";

/// The directory holding `initdb`, `postgres`, `pg_dump`, `pg_restore` and `psql`.
pub fn pg_bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PG_BIN_DIR") {
        return PathBuf::from(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, p): &(u32, PathBuf)| p.join("initdb").is_file())
        .collect();
    versions.sort();
    if let Some((_, dir)) = versions.pop() {
        return dir;
    }
    let on_path = std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).find(|d| d.join("initdb").is_file()));
    on_path.unwrap_or_else(|| {
        panic!("PostgreSQL (initdb, postgres, pg_dump) was not found: install the `postgresql` package (make test-deps)")
    })
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// A running PostgreSQL.
pub struct Postgres {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub password: String,
    child: Option<Child>,
}

impl Postgres {
    pub fn start() -> Self {
        let bin = pg_bin_dir();
        let dir = tempfile::tempdir().unwrap();
        let root = is_root();
        let password: String = (0..16).map(|_| format!("{:02x}", rand::random::<u8>())).collect();
        std::fs::write(dir.path().join("pw"), &password).unwrap();
        if root {
            let out = Command::new("chown").arg("-R").arg("nobody:").arg(dir.path()).output();
            assert!(out.is_ok_and(|o| o.status.success()), "chown of the PostgreSQL dir failed");
        }
        let as_owner = |program: &Path| {
            let mut cmd = if root {
                let mut c = Command::new("setpriv");
                c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]);
                c.arg(program);
                c
            } else {
                Command::new(program)
            };
            cmd.env("HOME", dir.path()).current_dir(dir.path());
            cmd
        };
        let data = dir.path().join("data");
        let out = as_owner(&bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args(["-U", PG_USER, "-E", "UTF8", "--no-sync", "--auth-local=trust"])
            .args(["--auth-host=scram-sha-256", "--pwfile"])
            .arg(dir.path().join("pw"))
            .output()
            .expect("running initdb");
        assert!(out.status.success(), "initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("postgres.log")).unwrap();
        let child = as_owner(&bin.join("postgres"))
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1"])
            .arg("-k")
            .arg(dir.path())
            .args(["-c", "fsync=off", "-c", "full_page_writes=off"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("starting postgres");
        let pg = Self { dir, port, password, child: Some(child) };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !pg.psql("postgres", "SELECT 1").status.success() {
            assert!(Instant::now() < deadline, "postgres did not start: {}", pg.log());
            std::thread::sleep(Duration::from_millis(100));
        }
        pg
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("postgres.log")).unwrap_or_default()
    }

    /// Connection settings for clients, without the password (`PGPASSWORD` is the secret).
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("PGHOST".into(), "127.0.0.1".into()),
            ("PGPORT".into(), self.port.to_string()),
            ("PGUSER".into(), PG_USER.into()),
        ]
    }

    /// Runs one SQL text with `psql` over TCP (password from the harness).
    pub fn psql(&self, db: &str, sql: &str) -> Output {
        Command::new(pg_bin_dir().join("psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql])
            .envs(self.env())
            .env("PGPASSWORD", &self.password)
            .env("PGCONNECT_TIMEOUT", "2")
            .output()
            .expect("running psql")
    }

    /// Like [`Postgres::psql`] but panics on failure and returns stdout.
    pub fn query(&self, db: &str, sql: &str) -> String {
        let out = self.psql(db, sql);
        assert!(out.status.success(), "psql {sql:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
