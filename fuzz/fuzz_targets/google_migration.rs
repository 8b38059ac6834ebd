//! Google Authenticator exports (`otpauth-migration://offline?data=…`): the link text as is, or
//! (for better reach into the protobuf reader) raw payload bytes wrapped into a link.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_otp::migration;

fuzz_target!(|data: &[u8]| {
    let link = match std::str::from_utf8(data) {
        Ok(text) if text.starts_with("otpauth-migration:") => text.to_owned(),
        _ => format!(
            "otpauth-migration://offline?data={}",
            data_encoding::BASE64URL_NOPAD.encode(data)
        ),
    };
    if let Ok(items) = migration::parse(&link) {
        for item in items {
            if let Ok(account) = item.outcome {
                let _ = rampart_otp::code_at(&account, 0);
            }
        }
    }
});
