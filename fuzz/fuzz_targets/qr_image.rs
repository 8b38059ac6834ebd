//! QR pictures: PNG/JPEG decoding and QR detection (rampart_otp::qr::decode_image), then the
//! import path that reads the codes' text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_otp::{detect_and_parse, qr};

fuzz_target!(|data: &[u8]| {
    let _ = qr::decode_image(data);
    let _ = detect_and_parse(Some("qr.png"), data, None);
});
