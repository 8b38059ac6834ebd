//! The real Prometheus and Alertmanager (Debian's packages) for tests: started on free loopback
//! ports with temp storage, Prometheus loaded with the given rule files plus a test rule that
//! fires at once (`vector(1) > 0`, group interval 1 s, resend delay 1 s) and wired to the
//! Alertmanager (no gossip). Both are killed when the stack is dropped. A missing binary panics
//! with the advice to run `make test`, which installs it: a test never passes without them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const PROMETHEUS: &str = "/usr/bin/prometheus";
pub const ALERTMANAGER: &str = "/usr/bin/prometheus-alertmanager";
pub const PROMTOOL: &str = "/usr/bin/promtool";

/// The alert the test rule fires.
pub const TEST_ALERT: &str = "RampartTestAlert";

/// The binary's path; panics (failing the test) when it is not installed.
pub fn require(binary: &str) -> PathBuf {
    let path = PathBuf::from(binary);
    assert!(
        path.exists(),
        "{binary} is not installed: run `make test`, which installs the prometheus and \
         prometheus-alertmanager packages (or `apt-get install prometheus prometheus-alertmanager`)"
    );
    path
}

/// A free loopback port (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The extra scrape job for `targets` (empty: none).
fn scrape_job(targets: &[&str]) -> String {
    if targets.is_empty() {
        return String::new();
    }
    let list: Vec<String> = targets.iter().map(|t| format!("'{t}'")).collect();
    format!("  - job_name: targets\n    static_configs:\n      - targets: [{}]\n", list.join(", "))
}

/// A running Prometheus + Alertmanager pair.
pub struct PromStack {
    pub prometheus_url: String,
    pub alertmanager_url: String,
    children: Vec<Child>,
    dir: tempfile::TempDir,
}

impl PromStack {
    /// Starts both and waits until they are ready.
    pub async fn start(rule_files: &[&Path]) -> Self {
        Self::start_scraping(rule_files, &[]).await
    }

    /// Starts both, Prometheus also scraping `targets` (`host:port`, `/metrics` every second,
    /// job `targets`), and waits until they are ready.
    pub async fn start_scraping(rule_files: &[&Path], targets: &[&str]) -> Self {
        let prometheus = require(PROMETHEUS);
        let alertmanager = require(ALERTMANAGER);
        let dir = tempfile::tempdir().unwrap();
        let (prom_port, am_port) = (free_port(), free_port());
        let write = |name: &str, text: String| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let am_config = write(
            "alertmanager.yml",
            "route:\n  receiver: blackhole\n  group_wait: 1s\nreceivers:\n  - name: blackhole\n"
                .into(),
        );
        let test_rules = write(
            "test-rules.yml",
            format!(
                "groups:\n  - name: rampart-test\n    interval: 1s\n    rules:\n      - alert: {TEST_ALERT}\n        expr: vector(1) > 0\n        for: 0s\n        labels:\n          severity: critical\n          service: rampart-test\n        annotations:\n          summary: always firing, for tests\n"
            ),
        );
        let mut rules: Vec<String> =
            rule_files.iter().map(|p| format!("  - {}\n", p.display())).collect();
        rules.push(format!("  - {}\n", test_rules.display()));
        let prom_config = write(
            "prometheus.yml",
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n{}alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:{am_port}']\nscrape_configs:\n  - job_name: prometheus\n    static_configs:\n      - targets: ['127.0.0.1:{prom_port}']\n{}",
                rules.concat(),
                scrape_job(targets)
            ),
        );
        let spawn = |bin: &Path, log: &str, args: Vec<String>| {
            let log = std::fs::File::create(dir.path().join(log)).unwrap();
            Command::new(bin)
                .args(args)
                .stdin(Stdio::null())
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .spawn()
                .unwrap_or_else(|e| panic!("could not start {}: {e}", bin.display()))
        };
        let am_data = dir.path().join("am-data");
        let prom_data = dir.path().join("prom-data");
        let children = vec![
            spawn(
                &alertmanager,
                "alertmanager.log",
                vec![
                    format!("--config.file={}", am_config.display()),
                    format!("--storage.path={}", am_data.display()),
                    format!("--web.listen-address=127.0.0.1:{am_port}"),
                    "--cluster.listen-address=".into(),
                ],
            ),
            spawn(
                &prometheus,
                "prometheus.log",
                vec![
                    format!("--config.file={}", prom_config.display()),
                    format!("--storage.tsdb.path={}", prom_data.display()),
                    format!("--web.listen-address=127.0.0.1:{prom_port}"),
                    "--rules.alert.resend-delay=1s".into(),
                ],
            ),
        ];
        let stack = Self {
            prometheus_url: format!("http://127.0.0.1:{prom_port}"),
            alertmanager_url: format!("http://127.0.0.1:{am_port}"),
            children,
            dir,
        };
        stack.wait_ready(&stack.alertmanager_url, "alertmanager.log").await;
        stack.wait_ready(&stack.prometheus_url, "prometheus.log").await;
        stack
    }

    async fn wait_ready(&self, base: &str, log: &str) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(r) = client.get(format!("{base}/-/ready")).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{base} did not become ready in 30 s; its log:\n{}", self.log(log));
    }

    /// A log file of the stack (`prometheus.log`, `alertmanager.log`), for failure messages.
    pub fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }
}

impl Drop for PromStack {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Polls `probe` every 200 ms until it returns Some or `timeout` passes.
pub async fn eventually<T, F: std::future::Future<Output = Option<T>>>(
    timeout: Duration,
    mut probe: impl FnMut() -> F,
) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe().await {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
