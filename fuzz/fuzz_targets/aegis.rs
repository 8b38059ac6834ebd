//! Aegis vault files through the import entry point, with a password (the seeds' encrypted
//! vault uses "fuzz" and cheap scrypt costs, so mutations reach the slot and database code).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_otp::{Sensitive, detect_and_parse};

fuzz_target!(|data: &[u8]| {
    let password = Sensitive::new("fuzz".to_owned());
    let _ = detect_and_parse(Some("aegis.json"), data, Some(&password));
});
