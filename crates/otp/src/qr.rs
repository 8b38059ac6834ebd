//! QR codes: rendering text (an otpauth link) as PNG or SVG for enrolling another device, and
//! finding and decoding QR codes in PNG/JPEG pictures.

use image::{ExtendedColorType, ImageEncoder, ImageFormat};
use qrcode::{Color, EcLevel, QrCode};
use rampart_sensitive::Sensitive;

use crate::OtpError;

/// Pixels per QR module in [`png`].
const SCALE: u32 = 8;
/// Quiet-zone width in modules.
const QUIET: u32 = 4;

fn encode(text: &Sensitive<String>) -> Result<QrCode, OtpError> {
    QrCode::with_error_correction_level(text.expose().as_bytes(), EcLevel::M)
        .map_err(|_| OtpError::QrTooLong)
}

/// A black-on-white PNG of the QR code for `text`.
pub fn png(text: &Sensitive<String>) -> Result<Vec<u8>, OtpError> {
    let code = encode(text)?;
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; (side * side) as usize];
    for (i, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (mx, my) = (i as u32 % modules + QUIET, i as u32 / modules + QUIET);
        for y in my * SCALE..(my + 1) * SCALE {
            let row = (y * side) as usize;
            pixels[row + (mx * SCALE) as usize..row + ((mx + 1) * SCALE) as usize].fill(0);
        }
    }
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&pixels, side, side, ExtendedColorType::L8)
        .map_err(|_| OtpError::Crypto { detail: "PNG encoding failed" })?;
    Ok(out)
}

/// An SVG document of the QR code for `text` (at least 256×256 user units).
pub fn svg(text: &Sensitive<String>) -> Result<String, OtpError> {
    Ok(encode(text)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build())
}

/// PNG or JPEG, recognised by magic bytes.
pub(crate) fn image_format(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(ImageFormat::Jpeg)
    } else {
        None
    }
}

/// Whether the bytes start like some picture format (PNG, JPEG, GIF, WebP, BMP, TIFF).
pub(crate) fn looks_like_image(bytes: &[u8]) -> bool {
    image_format(bytes).is_some()
        || bytes.starts_with(b"GIF8")
        || bytes.starts_with(b"BM")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
        || (bytes.len() > 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP")
}

/// Every QR code's text in a PNG or JPEG picture.
pub fn decode_image(bytes: &[u8]) -> Result<Vec<Sensitive<String>>, OtpError> {
    let format = image_format(bytes).ok_or(OtpError::ImageUnreadable)?;
    let img = image::load_from_memory_with_format(bytes, format)
        .map_err(|_| OtpError::ImageUnreadable)?
        .into_luma8();
    let (w, h) = img.dimensions();
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
            img.get_pixel(x as u32, y as u32)[0]
        });
    let grids = prepared.detect_grids();
    if grids.is_empty() {
        return Err(OtpError::NoQrCode);
    }
    let texts: Vec<Sensitive<String>> = grids
        .iter()
        .filter_map(|g| g.decode().ok())
        .map(|(_, text)| Sensitive::new(text))
        .collect();
    if texts.is_empty() { Err(OtpError::QrUnreadable) } else { Ok(texts) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_is_an_svg_document() {
        let svg = svg(&Sensitive::new("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP".into())).unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg") && svg.contains("</svg>"));
    }

    #[test]
    fn too_long_text_is_refused() {
        let long = Sensitive::new("A".repeat(5000));
        assert_eq!(png(&long).unwrap_err(), OtpError::QrTooLong);
    }
}
