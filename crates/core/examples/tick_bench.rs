//! Benchmark (not a test): the cost of one tick of the code list for N accounts.
//! Prints Rampart's full tick (SQLite metadata + cached seeds + codes: what the UI polls every
//! second), Rampart's code computation alone, and totp-rs computing the same codes.
//! Run under tests/support/with-keyring.sh: `cargo run --release -p rampart-core --example tick_bench -- 1000`.

use rampart_core::otp::{self, OtpAccount};
use rampart_core::{Config, Keychain, Rampart};
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let rounds = 50;
    let dir = tempfile::tempdir().unwrap();
    let service = format!("rampart-bench-{}", std::process::id());
    let app =
        Rampart::open(Config { data_dir: dir.path().to_owned(), keychain: Keychain::new(service) })
            .unwrap();
    let mut rng = rand::rng();
    let accounts: Vec<OtpAccount> = (0..n)
        .map(|i| {
            OtpAccount::new_totp(
                format!("Issuer {i}"),
                format!("user{i}@example.com"),
                otp::new_secret(&mut rng),
            )
            .unwrap()
        })
        .collect();
    let setup = Instant::now();
    for a in &accounts {
        app.otp_add(a).unwrap();
    }
    eprintln!("stored {n} accounts in the keychain in {:.1?}", setup.elapsed());
    app.otp_codes(None).unwrap(); // warm the seed cache, as the running app has

    let full = median(
        (0..rounds)
            .map(|_| {
                let t = Instant::now();
                app.otp_codes(None).unwrap();
                t.elapsed()
            })
            .collect(),
    );
    let at = 1_700_000_000u64;
    let compute = median(
        (0..rounds)
            .map(|_| {
                let t = Instant::now();
                for a in &accounts {
                    std::hint::black_box(otp::code_at(a, at));
                }
                t.elapsed()
            })
            .collect(),
    );
    let peers: Vec<_> = accounts
        .iter()
        .map(|a| {
            totp_rs::Builder::new()
                .with_algorithm(totp_rs::Algorithm::SHA1)
                .with_digits(6)
                .with_step_duration(30)
                .with_secret(a.secret.expose().clone())
                .build_noncompliant()
        })
        .collect();
    let peer = median(
        (0..rounds)
            .map(|_| {
                let t = Instant::now();
                for p in &peers {
                    std::hint::black_box((p.generate(at), p.generate(at + 30)));
                }
                t.elapsed()
            })
            .collect(),
    );

    println!("tick of {n} accounts (median of {rounds}):");
    println!("  rampart full tick (SQLite + codes + next codes): {:>10.3?}", full);
    println!("  rampart code computation (current + next):       {:>10.3?}", compute);
    println!("  totp-rs same codes (current + next):             {:>10.3?}", peer);
    for a in app.otp_list().unwrap() {
        let _ = app.otp_remove(&a.id);
    }
}
