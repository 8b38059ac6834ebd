//! Throughput of the responder's tools, for `make bench BENCH=tools` (bench/tools.sh), which runs
//! Node with the guide's own code on the same inputs beside it.
//!
//! `throughput decrypt FILE` decrypts a file of payloads (one per line) with ENCRYPTION_KEY from
//! the environment; `throughput jwt FILE` verifies a file of tokens (one per line) with
//! JWT_SECRET; `throughput bcrypt HASH N` checks BCRYPT_PASSWORD against HASH N times. Each prints
//! `<what> <count> <milliseconds>`.

use rampart_responder::batch::{Payloads, decrypt_all};
use rampart_responder::field::FieldKey;
use rampart_responder::{hash, jwt};
use rampart_sensitive::{SecretBytes, SecretString};
use std::time::Instant;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("set {name}"))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let started = Instant::now();
    let (what, count) = match args.first().map(String::as_str) {
        Some("decrypt") => {
            let text = std::fs::read_to_string(&args[1]).expect("the payload file");
            let key = FieldKey::from_hex(&env("ENCRYPTION_KEY")).expect("a 64-hex-digit key");
            let payloads = Payloads::parse(&text).expect("payloads");
            let out = decrypt_all(&key, &payloads).expect("every payload decrypts");
            ("decrypt", out.values.len())
        }
        Some("jwt") => {
            let text = std::fs::read_to_string(&args[1]).expect("the token file");
            let secret = SecretBytes::new(env("JWT_SECRET").into_bytes());
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("after 1970")
                .as_secs() as i64;
            let profile = jwt::Profile::guide();
            let mut valid = 0;
            for token in text.lines().filter(|l| !l.is_empty()) {
                valid +=
                    usize::from(jwt::verify(token, &secret, &profile, now).expect("a token").valid);
            }
            ("jwt-verify", valid)
        }
        Some("bcrypt") => {
            let password = SecretString::new(env("BCRYPT_PASSWORD"));
            let n: usize = args[2].parse().expect("a count");
            let matched =
                (0..n).filter(|_| hash::check(&args[1], &password).expect("a hash").matches);
            ("bcrypt-check", matched.count())
        }
        _ => panic!("usage: throughput decrypt FILE | jwt FILE | bcrypt HASH N"),
    };
    println!("{what} {count} {}", started.elapsed().as_millis());
}
