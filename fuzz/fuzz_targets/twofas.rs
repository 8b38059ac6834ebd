//! 2FAS backups (plain and encrypted) through the import entry point, with a password (the
//! seeds' encrypted backup uses "fuzz").
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_otp::{Sensitive, detect_and_parse};

fuzz_target!(|data: &[u8]| {
    let password = Sensitive::new("fuzz".to_owned());
    let _ = detect_and_parse(Some("backup.2fas"), data, Some(&password));
});
