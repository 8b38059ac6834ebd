//! Open files after a health pass over 1,000 services. Each service is its own port (its own
//! connection-pool key) served by a child process (this test binary again, running the ignored
//! `fleet_server_child`), so the count of /proc/self/fd is the client's alone. A pass must not
//! leave an idle connection per service behind: 1,000 of them would nearly exhaust the common
//! 1,024 open-file limit.

use super::client;
use rampart_feeds::health::{CheckOptions, Service, check_all};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SERVICES: usize = 1000;
const FD_BUDGET: usize = 512;

/// Not a test: the server half, started by the test below as a child process.
#[test]
#[ignore = "started as a child process by a_health_pass_over_1000_services_keeps_few_files_open"]
fn fleet_server_child() {
    if std::env::var_os("RAMPART_FLEET_CHILD").is_some() {
        rampart_feeds::testkit::fleet::serve_fleet(SERVICES);
    }
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map(|d| d.count()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_health_pass_over_1000_services_keeps_few_files_open() {
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args(["fd_budget::fleet_server_child", "--exact", "--ignored", "--nocapture"])
        .env("RAMPART_FLEET_CHILD", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let ports: Vec<u16> = stdout
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("PORTS ").map(str::to_owned))
        .expect("the fleet prints its ports")
        .split(',')
        .map(|p| p.parse().unwrap())
        .collect();
    assert_eq!(ports.len(), SERVICES);
    let services: Vec<Service> = ports
        .iter()
        .enumerate()
        .map(|(i, port)| Service {
            timeout: Duration::from_secs(5),
            ..Service::new(format!("svc{i}"), format!("http://127.0.0.1:{port}/health"))
        })
        .collect();
    let c = client(&[]);
    let before = open_fds();
    let started = Instant::now();
    let results = check_all(&c, &services, 32, CheckOptions::default()).await;
    let elapsed = started.elapsed();
    // Let closed connections finish closing.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = open_fds();
    drop(child.stdin.take());
    let _ = child.kill();
    let _ = child.wait();
    let down: Vec<_> = results.iter().filter(|r| !r.is_up()).collect();
    assert!(down.is_empty(), "{} of {SERVICES} down, e.g. {:?}", down.len(), down.first());
    assert_eq!(results.len(), SERVICES);
    println!(
        "{SERVICES} services checked in {elapsed:?}; open files {before} before, {after} after"
    );
    assert!(after < FD_BUDGET, "{after} files open after the pass (budget {FD_BUDGET})");
    drop(c);
}
