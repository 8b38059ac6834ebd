//! QR rendering and reading, and format detection by content.

mod common;

use common::*;
use image::{GrayImage, ImageFormat, Luma};
use rampart_otp::{ImportFormat, OtpError, Sensitive, detect_and_parse, export, qr, to_uri};

fn encode(img: &GrayImage, format: ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

#[test]
fn png_round_trips_through_rqrr() {
    let account = &sample_accounts()[1];
    let link = to_uri(account);
    let png = qr::png(&link).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    let texts = qr::decode_image(&png).unwrap();
    assert_eq!(texts.len(), 1);
    assert_eq!(texts[0].expose(), link.expose());

    let batch = detect_and_parse(Some("code.png"), &png, None).unwrap();
    assert_eq!(batch.format, ImportFormat::QrImage);
    assert_eq!(batch.accounts().cloned().collect::<Vec<_>>(), vec![account.clone()]);
}

#[test]
fn jpeg_of_a_qr_code_is_read_even_without_a_file_name() {
    let link = Sensitive::new(
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example".to_owned(),
    );
    let img = image::load_from_memory(&qr::png(&link).unwrap()).unwrap().into_luma8();
    let jpeg = encode(&img, ImageFormat::Jpeg);
    assert!(jpeg.starts_with(&[0xff, 0xd8, 0xff]));
    let batch = detect_and_parse(None, &jpeg, None).unwrap();
    assert_eq!(batch.items[0].label, "Example:alice");
}

#[test]
fn image_without_a_qr_code() {
    let img = GrayImage::from_fn(200, 120, |x, y| Luma([((x * 3 + y * 5) % 256) as u8]));
    let png = encode(&img, ImageFormat::Png);
    let e = detect_and_parse(Some("photo.png"), &png, None).unwrap_err();
    assert_eq!(e, OtpError::NoQrCode);
    assert!(e.to_string().starts_with("no QR code found in this image"));
}

#[test]
fn garbage_named_or_shaped_like_an_image() {
    for (name, bytes) in [
        (Some("code.png"), b"definitely not a picture".to_vec()),
        (Some("code.jpg"), vec![0u8, 1, 2, 3, 4]),
        (None, [b"\x89PNG\r\n\x1a\n".to_vec(), vec![7u8; 64]].concat()),
        (None, vec![0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]),
        (None, b"GIF89a\x01\x00\x01\x00".to_vec()),
    ] {
        let e = detect_and_parse(name, &bytes, None).unwrap_err();
        assert_eq!(e, OtpError::ImageUnreadable, "{name:?}");
        assert!(e.to_string().starts_with("the image could not be read as PNG or JPEG"));
    }
}

#[test]
fn content_wins_over_a_misleading_picture_name() {
    let text = b"otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example\n";
    let batch = detect_and_parse(Some("looks-like.png"), text, None).unwrap();
    assert_eq!(batch.format, ImportFormat::UriList);
    assert_eq!(batch.items[0].label, "Example:alice");
}

#[test]
fn qr_holding_something_else_says_so_without_quoting_it() {
    let png = qr::png(&Sensitive::new("https://example.com/secret-token-123".to_owned())).unwrap();
    let msg = detect_and_parse(None, &png, None).unwrap_err().to_string();
    assert_message(&msg, &["QR code holds something else", "'https://'"], &["secret-token-123"]);
}

#[test]
fn svg_renders() {
    let svg = qr::svg(&to_uri(&sample_accounts()[0])).unwrap();
    assert!(svg.contains("<svg") && svg.contains("</svg>"));
}

#[test]
fn uri_list_export_and_import_with_comments_blank_lines_and_bad_lines() {
    let accounts = sample_accounts();
    let list = export::uri_list(&accounts);
    assert_eq!(list.expose().lines().count(), 4);
    let text = format!("\u{feff}# my accounts\n\n{}not a link\n   \n", list.expose());
    let batch = detect_and_parse(Some("accounts.txt"), text.as_bytes(), None).unwrap();
    assert_eq!(batch.format, ImportFormat::UriList);
    assert_eq!(batch.accounts().cloned().collect::<Vec<_>>(), accounts);
    let rejected: Vec<_> = batch.rejected().collect();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].0, "line 7");
    assert!(rejected[0].1.contains("not an OTP link"), "{}", rejected[0].1);
    // A bad link keeps its line number as label and its reason, without the secret.
    let batch =
        detect_and_parse(None, b"otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&digits=12\n", None)
            .unwrap();
    assert_eq!(batch.items[0].label, "line 1");
    assert_message(
        batch.items[0].outcome.as_ref().unwrap_err(),
        &["6 to 10 digits"],
        &["JBSWY3DP"],
    );
}

#[test]
fn unrecognised_and_foreign_files() {
    let e = detect_and_parse(Some("notes.txt"), b"hello\nworld\n", None).unwrap_err();
    assert_message(
        &e.to_string(),
        &["not a format that can be imported", "no otpauth:// link"],
        &[],
    );
    let e = detect_and_parse(Some("data.json"), br#"{"accounts": [1, 2]}"#, None).unwrap_err();
    assert_message(&e.to_string(), &["neither an Aegis vault nor a 2FAS backup"], &[]);
    let e = detect_and_parse(None, &[0u8, 159, 146, 150, 0, 1], None).unwrap_err();
    assert_message(&e.to_string(), &["neither text nor a PNG/JPEG picture"], &[]);
    let e = detect_and_parse(None, br#"{"secret": "JBSWY3DPEHPK3PXP", "#, None).unwrap_err();
    assert_message(
        &e.to_string(),
        &["JSON file is damaged or incomplete", "truncated"],
        &["JBSWY3DP"],
    );
    let e = detect_and_parse(None, b"", None).unwrap_err();
    assert!(matches!(e, OtpError::UnrecognisedFormat { .. }), "{e:?}");
}
