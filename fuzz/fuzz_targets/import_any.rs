//! Any file given to import: format detection by content, link lists (otpauth, steam and
//! migration lines), with or without a file name and password, chosen by the first byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_otp::{Sensitive, detect_and_parse, import};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else { return };
    let name = [None, Some("codes.txt"), Some("qr.png"), Some("x.2fas")][usize::from(mode & 3)];
    let password = Sensitive::new("fuzz".to_owned());
    let password = (mode & 4 != 0).then_some(&password);
    if let Ok(batch) = detect_and_parse(name, bytes, password) {
        let _ = (batch.accounts().count(), batch.rejected().count());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = import::parse_text(text);
    }
});
