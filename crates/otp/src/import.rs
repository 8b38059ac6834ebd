//! Import: recognising a file by its content (image magic bytes, JSON keys, link prefixes;
//! the file name is only a hint) and turning it into a batch of per-entry outcomes. One bad
//! entry never aborts the batch; only file-level problems are errors.

use rampart_sensitive::Sensitive;
use serde::Serialize;
use serde_json::Value;

use crate::error::json_detail;
use crate::uri::split_scheme;
use crate::{OtpAccount, OtpError, aegis, migration, qr, twofas, uri};

/// Which format a batch came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ImportFormat {
    /// Text with one otpauth (or otpauth-migration) link per line.
    UriList,
    /// Google Authenticator `otpauth-migration://` export(s) only.
    GoogleMigration,
    /// Unencrypted Aegis vault JSON.
    AegisPlain,
    /// Password-encrypted Aegis vault JSON.
    AegisEncrypted,
    /// Unencrypted 2FAS backup.
    TwoFasPlain,
    /// Password-encrypted 2FAS backup.
    TwoFasEncrypted,
    /// A PNG/JPEG picture containing QR code(s).
    QrImage,
}

/// One entry of an import: its label ("issuer:account", or "line 3"/"entry 2" when unknown)
/// and either the account or the reason it was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportItem {
    /// What to call this entry in a preview.
    pub label: String,
    /// The account, or why it cannot be imported.
    pub outcome: Result<OtpAccount, String>,
}

/// The result of reading one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportBatch {
    /// The detected format.
    pub format: ImportFormat,
    /// Every entry, in file order.
    pub items: Vec<ImportItem>,
}

impl ImportBatch {
    /// The entries that can be imported.
    pub fn accounts(&self) -> impl Iterator<Item = &OtpAccount> {
        self.items.iter().filter_map(|i| i.outcome.as_ref().ok())
    }

    /// The rejected entries as (label, reason).
    pub fn rejected(&self) -> impl Iterator<Item = (&str, &str)> {
        self.items
            .iter()
            .filter_map(|i| i.outcome.as_ref().err().map(|r| (i.label.as_str(), r.as_str())))
    }
}

fn name_has_ext(file_name: Option<&str>, exts: &[&str]) -> bool {
    file_name.is_some_and(|n| {
        let n = n.to_ascii_lowercase();
        exts.iter().any(|e| n.ends_with(e))
    })
}

/// Reads an import file. `password` is needed for encrypted Aegis and 2FAS files.
pub fn detect_and_parse(
    file_name: Option<&str>,
    bytes: &[u8],
    password: Option<&Sensitive<String>>,
) -> Result<ImportBatch, OtpError> {
    if qr::looks_like_image(bytes) {
        return parse_image(bytes);
    }
    // The content decides; a picture's file name only changes which error is reported.
    match parse_content(file_name, bytes, password) {
        Err(OtpError::UnrecognisedFormat { .. })
            if name_has_ext(file_name, &[".png", ".jpg", ".jpeg"]) =>
        {
            Err(OtpError::ImageUnreadable)
        }
        other => other,
    }
}

fn parse_content(
    file_name: Option<&str>,
    bytes: &[u8],
    password: Option<&Sensitive<String>>,
) -> Result<ImportBatch, OtpError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(OtpError::UnrecognisedFormat {
            hint: " (it is neither text nor a PNG/JPEG picture)".into(),
        });
    };
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return parse_json(text, file_name, password);
    }
    parse_text(text)
}

fn parse_json(
    text: &str,
    file_name: Option<&str>,
    password: Option<&Sensitive<String>>,
) -> Result<ImportBatch, OtpError> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let format = if text.contains("\"services") || name_has_ext(file_name, &[".2fas"]) {
                "2FAS backup"
            } else if text.contains("\"header\"") || text.contains("\"db\"") {
                "Aegis vault"
            } else {
                "JSON file"
            };
            return Err(OtpError::DamagedFile { format, detail: json_detail(&e) });
        }
    };
    let (format, items) = if aegis::looks_like(&value) {
        aegis::read(value, password)?
    } else if twofas::looks_like(&value) {
        twofas::read(value, password)?
    } else {
        return Err(OtpError::UnrecognisedFormat {
            hint: " (it is JSON, but neither an Aegis vault nor a 2FAS backup)".into(),
        });
    };
    Ok(ImportBatch { format, items })
}

fn parse_image(bytes: &[u8]) -> Result<ImportBatch, OtpError> {
    let texts = qr::decode_image(bytes)?;
    let joined =
        Sensitive::new(texts.iter().map(|t| t.expose().as_str()).collect::<Vec<_>>().join("\n"));
    match parse_text(joined.expose()) {
        Ok(batch) => Ok(ImportBatch { format: ImportFormat::QrImage, items: batch.items }),
        Err(OtpError::UnrecognisedFormat { .. }) => Err(OtpError::WrongScheme {
            found: format!(
                "the QR code holds something else ({})",
                uri::describe_scheme(joined.expose())
            ),
        }),
        Err(e) => Err(e),
    }
}

/// Reads text with one link per line (blank lines and `#` comments skipped). Each line may be
/// an otpauth/steam link or an `otpauth-migration://` export holding several entries.
pub fn parse_text(text: &str) -> Result<ImportBatch, OtpError> {
    let mut items = Vec::new();
    let (mut links, mut migrations) = (0usize, 0usize);
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fallback = format!("line {}", index + 1);
        match split_scheme(line).map(|(s, _)| s) {
            Some(s) if s == "otpauth-migration" => {
                migrations += 1;
                match migration::parse(line) {
                    Ok(entries) => items.extend(entries),
                    Err(e) => {
                        items.push(ImportItem { label: fallback, outcome: Err(e.to_string()) })
                    }
                }
            }
            Some(s) if s == "otpauth" || s == "steam" => {
                links += 1;
                let outcome = uri::parse(line).map_err(|e| e.to_string());
                let label = match &outcome {
                    Ok(a) if !a.label().is_empty() => a.label(),
                    _ => fallback,
                };
                items.push(ImportItem { label, outcome });
            }
            _ => items.push(ImportItem {
                label: fallback,
                outcome: Err(
                    OtpError::WrongScheme { found: uri::describe_scheme(line) }.to_string()
                ),
            }),
        }
    }
    if links + migrations == 0 {
        return Err(OtpError::UnrecognisedFormat {
            hint: " (no otpauth:// link was found in the text)".into(),
        });
    }
    let format = if links == 0 { ImportFormat::GoogleMigration } else { ImportFormat::UriList };
    Ok(ImportBatch { format, items })
}
