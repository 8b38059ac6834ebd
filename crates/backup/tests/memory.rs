//! Memory and throughput: backs up a ~200 MB generated stream (half compressible text, half
//! random) to a real Garage, then fully verifies it, and prints peak RSS (VmHWM of this test
//! process, which holds the whole pipeline) and the rates. Its own test binary so no other test
//! shares the process. Peak RSS must stay well under 64 MB.

mod common;

use common::*;
use rampart_backup::{BackupRequest, CommandSpec, Selector, Source, keys};
use std::time::Instant;

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_200_mb_with_bounded_memory() {
    let g = Garage::start();
    let engine = g.engine("mem");
    let key = keys::generate();
    let before = vm_hwm_kib();
    // 100 MiB of JSON-ish lines (compressible) then 100 MiB of random bytes.
    let script = "yes '{\"user\":\"alice\",\"event\":\"login\",\"ok\":true}' | head -c 104857600; head -c 104857600 /dev/urandom";
    let start = Instant::now();
    let m = engine
        .backup(BackupRequest {
            source_name: "stream".into(),
            source: Source::Command(CommandSpec::new(["sh", "-c", script])),
            recipients: vec![key.recipient.clone()],
            signer: rampart_backup::testkit::signer(),
            on_upload: None,
            progress: None,
        })
        .await
        .unwrap();
    let backup_secs = start.elapsed().as_secs_f64();
    let after_backup = vm_hwm_kib();
    assert_eq!(m.plaintext_size, 200 * 1024 * 1024);

    let b = engine.find("stream", &Selector::Latest).await.unwrap();
    let start = Instant::now();
    engine.verify_full(&b, &identities(&key)).await.unwrap();
    let verify_secs = start.elapsed().as_secs_f64();
    let after_verify = vm_hwm_kib();

    let mib = m.plaintext_size as f64 / (1024.0 * 1024.0);
    println!(
        "memory: plaintext {mib:.0} MiB -> ciphertext {:.1} MiB in {} parts; backup {backup_secs:.2} s \
         ({:.1} MiB/s); full verify {verify_secs:.2} s ({:.1} MiB/s); peak RSS before {} MiB, after \
         backup {} MiB, after verify {} MiB",
        m.ciphertext_size as f64 / (1024.0 * 1024.0),
        m.parts,
        mib / backup_secs,
        mib / verify_secs,
        before / 1024,
        after_backup / 1024,
        after_verify / 1024,
    );
    assert!(after_verify < 64 * 1024, "peak RSS {} KiB is not under 64 MiB", after_verify);
}
