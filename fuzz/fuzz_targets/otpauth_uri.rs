//! `otpauth://` and `steam://` links (rampart_otp::parse_uri): no panic on any text, and a link
//! that parses writes back (to_uri) into one that parses to the same account.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_otp::{code_at, parse_uri, to_uri};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(account) = parse_uri(text) else { return };
    let again = parse_uri(to_uri(&account).expose()).expect("a written link parses");
    assert_eq!(again, account, "a link survives a write and a read");
    let _ = code_at(&account, 1_700_000_000);
    let _ = account.label();
});
