//! `make bench BENCH=checks` (bench/checks.sh) drives this:
//! - `live [redis://host:port]...`: starts a good target on loopback (HTTPS with an rcgen CA,
//!   helmet's headers, rate-limit headers, 400/413/415 for bad input, 429 on the login burst)
//!   and runs every item of the catalog against it with the login burst on, printing the wall
//!   time and the counts, once at the default pace (a request per 100 ms) and once unpaced;
//! - `secrets DIR`: the working tree's secret scan and the git history scan of DIR, each timed,
//!   with their findings counted;
//! - `rules`: the secret rules' regexes, one per line (for the `git log -p | grep -P` peer).

use rampart_checks::catalog;
use rampart_checks::probe::client::Limits;
use rampart_checks::probe::observatory::HELMET_DEFAULTS;
use rampart_checks::repo::{SourceFile, history, secrets};
use rampart_checks::run::{RunInput, run};
use rampart_checks::target::Target;
use rampart_feeds::testkit::{Response, TestCert, TestServer};
use std::collections::HashMap;
use std::time::Instant;

/// Beyond helmet's defaults: the strictest CSP and the current draft's rate-limit headers.
const STRICTER: &[(&str, &str)] = &[
    (
        "content-security-policy",
        "default-src 'none'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'",
    ),
    ("ratelimit-policy", "100;w=60"),
    ("ratelimit", "limit=100, remaining=99, reset=42"),
];

fn good(req: &rampart_feeds::testkit::Request) -> Response {
    let r = if req.method == "POST" && req.path == "/api/auth/login" {
        Response::json(429, serde_json::json!({"error": "Too many requests"}))
            .header("retry-after", "60")
    } else if req.method == "POST" && req.header("content-type") != Some("application/json") {
        Response::json(415, serde_json::json!({"error": "Unsupported Media Type"}))
    } else if req.method == "POST" && req.body.len() > 100 * 1024 {
        Response::json(413, serde_json::json!({"error": "Payload Too Large"}))
    } else if req.method == "POST" {
        Response::json(400, serde_json::json!({"error": "Bad Request"}))
    } else if req.path.starts_with("/rampart-check-not-found") {
        Response::json(404, serde_json::json!({"error": "Not found"}))
    } else {
        Response::json(200, serde_json::json!({"ok": true}))
    };
    let helmet = HELMET_DEFAULTS.iter().filter(|(n, _)| *n != "content-security-policy");
    helmet.chain(STRICTER).fold(r, |r, (n, v)| r.header(n, v))
}

async fn live(dbs: Vec<String>, paced: bool) {
    let cert = TestCert::valid_for_days(90);
    let server = TestServer::start_tls(good, &cert).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &cert.ca_pem).unwrap();
    let plain = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let target = Target {
        name: "bench".into(),
        url: Some(server.url("/")),
        login_path: Some("/api/auth/login".into()),
        login_burst: true,
        paths: vec!["/api/users".into()],
        ca_file: Some(ca),
        databases: dbs,
        plain_port: Some(plain),
        ..Default::default()
    };
    let valid = target.validate().unwrap();
    let started = Instant::now();
    let report = run(
        RunInput {
            target: &valid,
            selected: catalog::select(&[]).unwrap(),
            attestations: HashMap::new(),
            limits: if paced {
                Limits::default()
            } else {
                Limits { interval: std::time::Duration::ZERO, ..Limits::default() }
            },
            started: "now".into(),
            records: Vec::new(),
        },
        || "now".into(),
    )
    .await;
    let took = started.elapsed();
    let counts: Vec<String> = report
        .counts()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    println!(
        "live{} {} items {:.0} ms requests {} headers {} tls {} ({})",
        if paced { " (paced 100 ms)" } else { " (unpaced)" },
        report.items.len(),
        took.as_secs_f64() * 1000.0,
        server.requests().len(),
        report.headers.as_ref().map(|h| h.grade.as_str()).unwrap_or("-"),
        report.tls.as_ref().map(|t| t.grade.as_str()).unwrap_or("-"),
        counts.join(", ")
    );
}

fn walk(root: &std::path::Path, rel: &str, out: &mut Vec<SourceFile>) {
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
        let Ok(meta) = e.metadata() else { continue };
        if meta.is_dir() {
            if !matches!(name.as_str(), ".git" | "node_modules" | "target" | "dist") {
                walk(root, &path, out);
            }
        } else if meta.len() <= 1 << 20
            && let Ok(text) = std::fs::read_to_string(e.path())
        {
            out.push(SourceFile { path, text });
        }
    }
}

fn scan(dir: &str) {
    let root = std::path::Path::new(dir);
    let started = Instant::now();
    let mut files = Vec::new();
    walk(root, "", &mut files);
    let tree = secrets::find(&files);
    println!(
        "tree files {} findings {} ms {:.0}",
        files.len(),
        tree.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    let started = Instant::now();
    let bounds =
        history::Bounds { timeout: std::time::Duration::from_secs(600), output_cap: 4 << 30 };
    let h = history::scan(root, bounds).unwrap();
    println!(
        "history commits {} MiB {:.1} findings {} ms {:.0}{}",
        h.commits,
        h.bytes as f64 / 1048576.0,
        h.hits.len(),
        started.elapsed().as_secs_f64() * 1000.0,
        h.cut.map(|c| format!(" (cut: {c})")).unwrap_or_default()
    );
    for hit in h.hits.iter().take(10) {
        println!("  {} {}:{} {} {}", &hit.commit[..12], hit.file, hit.line, hit.rule, hit.masked);
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("live") => {
            live(args[1..].to_vec(), true).await;
            live(args[1..].to_vec(), false).await;
        }
        Some("secrets") if args.len() == 2 => scan(&args[1]),
        Some("rules") => {
            for (id, re) in secrets::rule_patterns() {
                println!("{id}\t{re}");
            }
        }
        _ => {
            eprintln!("usage: bench_checks live [redis://host:port]... | secrets DIR | rules");
            std::process::exit(2);
        }
    }
}
