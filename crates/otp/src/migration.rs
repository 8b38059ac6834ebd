//! Google Authenticator exports (`otpauth-migration://offline?data=…`): a small protobuf
//! reader for `MigrationPayload` and the mapping of its enums (digits and algorithm are enums,
//! not numbers; there is no period field, so every entry is 30 s).

use data_encoding::BASE64_NOPAD;
use rampart_sensitive::Sensitive;

use crate::import::ImportItem;
use crate::uri::{describe_scheme, query_pairs, split_scheme};
use crate::{Algorithm, OtpAccount, OtpError, OtpParams};

fn damaged(reason: &str) -> OtpError {
    OtpError::InvalidMigration { reason: reason.to_owned() }
}

/// A protobuf field value as read off the wire.
#[derive(Debug)]
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// A minimal protobuf wire reader: varints, length-delimited fields, skipped fixed fields.
struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, OtpError> {
        let mut value = 0u64;
        for i in 0..10 {
            let (&byte, rest) =
                self.buf.split_first().ok_or_else(|| damaged("a number is cut off"))?;
            self.buf = rest;
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(damaged("a number is too long"))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], OtpError> {
        if n > self.buf.len() {
            return Err(damaged("a field is cut off"));
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    /// The next (field number, value), or `None` at the end.
    fn field(&mut self) -> Result<Option<(u64, Value<'a>)>, OtpError> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Value::Fixed
            }
            2 => {
                let len = usize::try_from(self.varint()?)
                    .map_err(|_| damaged("a length is too large"))?;
                Value::Bytes(self.take(len)?)
            }
            5 => {
                self.take(4)?;
                Value::Fixed
            }
            _ => return Err(damaged("it contains an unknown protobuf wire type")),
        };
        Ok(Some((key >> 3, value)))
    }
}

#[derive(Default)]
struct RawEntry {
    secret: Sensitive<Vec<u8>>,
    name: String,
    issuer: String,
    algorithm: u64,
    digits: u64,
    kind: u64,
    counter: u64,
}

fn read_entry(bytes: &[u8]) -> Result<RawEntry, OtpError> {
    let mut r = Reader { buf: bytes };
    let mut e = RawEntry::default();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    while let Some((field, value)) = r.field()? {
        match (field, value) {
            (1, Value::Bytes(b)) => e.secret = Sensitive::new(b.to_vec()),
            (2, Value::Bytes(b)) => e.name = text(b),
            (3, Value::Bytes(b)) => e.issuer = text(b),
            (4, Value::Varint(v)) => e.algorithm = v,
            (5, Value::Varint(v)) => e.digits = v,
            (6, Value::Varint(v)) => e.kind = v,
            (7, Value::Varint(v)) => e.counter = v,
            _ => {}
        }
    }
    Ok(e)
}

fn convert(e: &RawEntry) -> Result<OtpAccount, String> {
    let (mut issuer, mut account) = (e.issuer.trim().to_owned(), e.name.trim().to_owned());
    if let Some((prefix, rest)) = account.split_once(':') {
        if issuer.is_empty() {
            issuer = prefix.trim().to_owned();
            account = rest.trim().to_owned();
        } else if prefix.trim().eq_ignore_ascii_case(&issuer) {
            account = rest.trim().to_owned();
        }
    }
    let algorithm = match e.algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        4 => return Err(OtpError::UnsupportedAlgorithm { name: "MD5".into() }.to_string()),
        n => {
            return Err(format!(
                "unknown algorithm code {n} in the Google Authenticator export; it was skipped"
            ));
        }
    };
    let digits = match e.digits {
        0 | 1 => 6,
        2 => 8,
        n => {
            return Err(format!(
                "unknown digits code {n} in the Google Authenticator export; it was skipped"
            ));
        }
    };
    let params = match e.kind {
        0 | 2 => OtpParams { algorithm, digits, ..OtpParams::totp() },
        1 => OtpParams { algorithm, digits, ..OtpParams::hotp(e.counter) },
        n => {
            return Err(format!(
                "unknown OTP type code {n} in the Google Authenticator export; it was skipped"
            ));
        }
    };
    OtpAccount::new(issuer, account, e.secret.clone(), params).map_err(|err| err.to_string())
}

fn entry_label(e: &RawEntry, index: usize) -> String {
    match (e.issuer.trim(), e.name.trim()) {
        ("", "") => format!("entry {index}"),
        ("", name) => name.to_owned(),
        (issuer, "") => issuer.to_owned(),
        (issuer, name)
            if name.to_lowercase().starts_with(&format!("{}:", issuer.to_lowercase())) =>
        {
            name.to_owned()
        }
        (issuer, name) => format!("{issuer}:{name}"),
    }
}

/// Decodes the `data` parameter's bytes: standard or URL-safe base64, padding optional, and
/// spaces read back as `+` (a `+` that went through form decoding).
fn decode_data(data: &str) -> Result<Sensitive<Vec<u8>>, OtpError> {
    let cleaned: String = data
        .chars()
        .filter(|c| *c != '=' && *c != '\n' && *c != '\r')
        .map(|c| match c {
            ' ' | '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    let mut spec = BASE64_NOPAD.specification();
    spec.check_trailing_bits = false;
    let lenient = spec.encoding().map_err(|_| damaged("internal base64 setup failed"))?;
    lenient
        .decode(cleaned.as_bytes())
        .map(Sensitive::new)
        .map_err(|_| damaged("the data= parameter is not valid base64"))
}

/// Parses one `otpauth-migration://offline?data=…` link into entries (one per account).
/// Per-entry problems become rejected items; a broken payload is an error.
pub fn parse(text: &str) -> Result<Vec<ImportItem>, OtpError> {
    let text = text.trim();
    let (scheme, rest) =
        split_scheme(text).ok_or_else(|| OtpError::WrongScheme { found: describe_scheme(text) })?;
    if scheme != "otpauth-migration" {
        return Err(OtpError::WrongScheme { found: describe_scheme(text) });
    }
    let query = rest.split_once('?').map(|(_, q)| q).unwrap_or("");
    // Percent-escapes only: '+' is a base64 character here, not a space.
    let pairs = query_pairs(query, false);
    let data = pairs
        .iter()
        .find(|(k, _)| k == "data")
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| damaged("the link has no data= parameter"))?;
    let payload = decode_data(data)?;
    let mut reader = Reader { buf: payload.expose() };
    let mut items = Vec::new();
    while let Some((field, value)) = reader.field()? {
        if let (1, Value::Bytes(bytes)) = (field, value) {
            let entry = read_entry(bytes)?;
            let label = entry_label(&entry, items.len() + 1);
            items.push(ImportItem { label, outcome: convert(&entry) });
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_handles_ten_byte_negative_varints_and_skips_unknown_fields() {
        // field 5 (batch_id) = -1 as int32 → 10-byte varint; field 9 fixed32; then field 2 = 1.
        let mut buf = vec![0x28];
        buf.extend([0xff; 9]);
        buf.push(0x01);
        buf.extend([0x4d, 1, 2, 3, 4, 0x10, 0x01]);
        let mut r = Reader { buf: &buf };
        assert!(matches!(r.field().unwrap(), Some((5, Value::Varint(u64::MAX)))));
        assert!(matches!(r.field().unwrap(), Some((9, Value::Fixed))));
        assert!(matches!(r.field().unwrap(), Some((2, Value::Varint(1)))));
        assert!(r.field().unwrap().is_none());
    }

    #[test]
    fn truncated_payload_is_an_error() {
        let mut r = Reader { buf: &[0x0a, 0x05, 1, 2] };
        let Err(err) = r.field() else { panic!("a cut-off field must fail") };
        let err = err.to_string();
        assert!(err.contains("cut off") && err.contains("scan or copy"), "{err}");
    }

    #[test]
    fn md5_and_unknown_digits_are_rejected_per_entry() {
        let e = RawEntry {
            secret: Sensitive::new(vec![1; 10]),
            name: "a".into(),
            algorithm: 4,
            ..Default::default()
        };
        assert!(convert(&e).unwrap_err().contains("MD5"));
        let e = RawEntry {
            secret: Sensitive::new(vec![1; 10]),
            name: "a".into(),
            digits: 3,
            ..Default::default()
        };
        assert!(convert(&e).unwrap_err().contains("digits code 3"));
    }
}
