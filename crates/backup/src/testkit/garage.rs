//! A real single-node Garage S3 server on loopback ports with temp dirs (started per test,
//! killed on drop), a raw S3 client for poking at the bucket and the stock `aws` CLI set up for
//! it. The garage binary comes from `GARAGE_BIN`, `~/.cargo/bin/garage` or PATH. A missing
//! binary fails the test (it never passes silently): run `make garage`.

use crate::{Engine, EngineOptions, S3Target};
use aws_sdk_s3::primitives::ByteStream;
use rampart_sensitive::SecretString;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BUCKET: &str = "rampart-test";
pub const REGION: &str = "garage";
pub const KEY_ID: &str = "GK0123456789abcdef01234567";
pub const SECRET: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

pub fn garage_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("GARAGE_BIN") {
        return PathBuf::from(p);
    }
    if let Some(home) = std::env::var_os("HOME") {
        let p = Path::new(&home).join(".cargo/bin/garage");
        if p.is_file() {
            return p;
        }
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths).map(|d| d.join("garage")).find(|p| p.is_file())
    });
    on_path.unwrap_or_else(|| {
        panic!(
            "the garage binary was not found (GARAGE_BIN, ~/.cargo/bin, PATH): run `make garage`"
        )
    })
}

/// A free loopback TCP port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running single-node Garage.
pub struct Garage {
    pub dir: tempfile::TempDir,
    config: PathBuf,
    child: Option<Child>,
    pub s3_port: u16,
}

impl Garage {
    pub fn start() -> Self {
        let bin = garage_bin();
        let dir = tempfile::tempdir().unwrap();
        let (rpc, s3, admin) = (free_port(), free_port(), free_port());
        let config = dir.path().join("garage.toml");
        let secret: String = (0..32).map(|_| format!("{:02x}", rand::random::<u8>())).collect();
        std::fs::write(
            &config,
            format!(
                r#"metadata_dir = "{d}/meta"
data_dir = "{d}/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:{rpc}"
rpc_public_addr = "127.0.0.1:{rpc}"
rpc_secret = "{secret}"

[s3_api]
s3_region = "{REGION}"
api_bind_addr = "127.0.0.1:{s3}"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:{admin}"
admin_token = "test-admin-token"
"#,
                d = dir.path().display()
            ),
        )
        .unwrap();
        assert!(bin.is_file(), "{} is not a file: run `make garage`", bin.display());
        let mut g = Self { dir, config, child: None, s3_port: s3 };
        g.spawn_server();
        let node = g.cli(&["node", "id", "-q"]);
        let node = node.trim().split('@').next().unwrap().to_owned();
        g.cli(&["layout", "assign", "-z", "dc1", "-c", "1G", &node]);
        g.cli(&["layout", "apply", "--version", "1"]);
        g.cli(&["key", "import", "--yes", "-n", "rampart", KEY_ID, SECRET]);
        g.cli(&["bucket", "create", BUCKET]);
        g.cli(&["bucket", "allow", "--read", "--write", "--owner", BUCKET, "--key", KEY_ID]);
        g.wait_s3();
        g
    }

    fn spawn_server(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("garage.log"))
            .unwrap();
        let child = Command::new(garage_bin())
            .arg("-c")
            .arg(&self.config)
            .arg("server")
            .env("RUST_LOG", "garage=warn")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("starting garage");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let out = Command::new(garage_bin())
                .arg("-c")
                .arg(&self.config)
                .arg("status")
                .output()
                .unwrap();
            if out.status.success() {
                break;
            }
            assert!(Instant::now() < deadline, "garage did not start: {}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn wait_s3(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", self.s3_port)).is_err() {
            assert!(Instant::now() < deadline, "garage S3 port never opened: {}", self.log());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("garage.log")).unwrap_or_default()
    }

    /// Runs a garage CLI command against this node; panics on failure.
    pub fn cli(&self, args: &[&str]) -> String {
        let out =
            Command::new(garage_bin()).arg("-c").arg(&self.config).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "garage {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// SIGKILLs the server (data stays).
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts the server again on the same ports and data.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn_server();
        self.wait_s3();
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.s3_port)
    }

    pub fn target(&self, prefix: &str) -> S3Target {
        let mut t = S3Target::new(
            Some(self.endpoint()),
            REGION,
            BUCKET,
            KEY_ID,
            SecretString::new(SECRET.into()),
        );
        t.prefix = prefix.into();
        t
    }

    pub fn engine(&self, prefix: &str) -> Engine {
        Engine::with_options(&self.target(prefix), EngineOptions::default())
            .unwrap()
            .with_trusted_keys(super::trusted())
    }

    /// A raw S3 client for inspecting and tampering with the bucket.
    pub fn client(&self) -> aws_sdk_s3::Client {
        use aws_sdk_s3::config::{
            BehaviorVersion, Credentials, Region, RequestChecksumCalculation,
        };
        let conf = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .endpoint_url(self.endpoint())
            .force_path_style(true)
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .credentials_provider(Credentials::new(KEY_ID, SECRET, None, None, "test"))
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    /// The stock `aws` CLI, configured for this server through a private config file.
    pub fn aws_env(&self) -> Vec<(String, String)> {
        let cfg = self.dir.path().join("aws-config");
        std::fs::write(
            &cfg,
            format!("[default]\nregion = {REGION}\ns3 =\n    addressing_style = path\n"),
        )
        .unwrap();
        vec![
            ("AWS_ACCESS_KEY_ID".into(), KEY_ID.into()),
            ("AWS_SECRET_ACCESS_KEY".into(), SECRET.into()),
            ("AWS_CONFIG_FILE".into(), cfg.display().to_string()),
            (
                "AWS_SHARED_CREDENTIALS_FILE".into(),
                self.dir.path().join("none").display().to_string(),
            ),
            ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
            ("AWS_ENDPOINT".into(), self.endpoint()),
        ]
    }

    pub async fn keys(&self, prefix: &str) -> Vec<String> {
        let resp =
            self.client().list_objects_v2().bucket(BUCKET).prefix(prefix).send().await.unwrap();
        resp.contents().iter().filter_map(|o| o.key().map(str::to_owned)).collect()
    }

    pub async fn uploads(&self) -> Vec<String> {
        let resp = self.client().list_multipart_uploads().bucket(BUCKET).send().await.unwrap();
        resp.uploads().iter().filter_map(|u| u.key().map(str::to_owned)).collect()
    }

    pub async fn get(&self, key: &str) -> Vec<u8> {
        let r = self.client().get_object().bucket(BUCKET).key(key).send().await.unwrap();
        r.body.collect().await.unwrap().into_bytes().to_vec()
    }

    pub async fn put(&self, key: &str, data: Vec<u8>) {
        self.client()
            .put_object()
            .bucket(BUCKET)
            .key(key)
            .body(ByteStream::from(data))
            .send()
            .await
            .unwrap();
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The `aws` binary: Debian's if present (a pyenv shim may shadow it on PATH).
pub fn aws_bin() -> &'static str {
    if Path::new("/usr/bin/aws").is_file() { "/usr/bin/aws" } else { "aws" }
}
