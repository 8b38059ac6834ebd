//! Many encrypted fields at once: the input layouts a responder pastes or exports (one payload,
//! one payload per line, a JSON array of payloads), decrypting, encrypting and re-encrypting them
//! all or nothing, and writing the result back in the input's layout.

use crate::field::{self, FieldKey, Payload};
use crate::{Error, Result, check_input_size};
use rand::RngCore;
use serde::Serialize;
use zeroize::Zeroizing;

/// How the input was laid out. Output keeps the same layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "FieldLayout"))]
pub enum Layout {
    /// One JSON value (a payload, or for encryption the value to encrypt).
    Single,
    /// One JSON value per non-empty line.
    Lines,
    /// A JSON array.
    Array,
}

/// At most this many payloads per call.
pub const MAX_ITEMS: usize = 1_000_000;

/// The input split into its JSON items, with where each came from (for error messages).
struct Items {
    layout: Layout,
    values: Vec<(String, serde_json::Value)>,
}

/// Splits text into JSON values: a JSON array, one JSON value, or one value per line.
fn split(text: &str, force_lines: bool) -> Result<Items> {
    check_input_size(text)?;
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Error::Input("the input is empty: paste a payload or choose a file".into()));
    }
    if !force_lines && let Ok(value) = serde_json::from_str::<serde_json::Value>(trimmed) {
        return Ok(match value {
            serde_json::Value::Array(items) => Items {
                layout: Layout::Array,
                values: items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| (format!("item {}", i + 1), v))
                    .collect(),
            },
            value => Items { layout: Layout::Single, values: vec![("the input".into(), value)] },
        });
    }
    let mut values = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let value = serde_json::from_str(line).map_err(|e| {
            Error::Input(format!(
                "line {}: not JSON ({}); expected one JSON value per line, a JSON array, or one \
                 JSON value",
                number + 1,
                e
            ))
        })?;
        values.push((format!("line {}", number + 1), value));
    }
    Ok(Items { layout: Layout::Lines, values })
}

fn check_count(items: &Items) -> Result<()> {
    if items.values.is_empty() {
        return Err(Error::Input("the array is empty: there is nothing to work on".into()));
    }
    if items.values.len() > MAX_ITEMS {
        return Err(Error::TooLarge(format!(
            "{} items; at most {MAX_ITEMS} per run: split the file",
            items.values.len()
        )));
    }
    Ok(())
}

/// Reads a payload object; a JSON string holding one (a double-encoded column) is read too.
fn payload_of(value: serde_json::Value) -> std::result::Result<Payload, String> {
    let value = match value {
        serde_json::Value::String(inner) => {
            serde_json::from_str(&inner).map_err(|_| "a string that is not a payload".to_owned())?
        }
        value => value,
    };
    serde_json::from_value(value).map_err(|_| {
        "not a payload: expected {\"iv\": hex, \"data\": hex, \"authTag\": hex}".into()
    })
}

/// Parsed payloads in their layout.
pub struct Payloads {
    pub layout: Layout,
    items: Vec<(String, Payload)>,
}

impl Payloads {
    /// Reads one payload, a JSON array of payloads, or one payload per line.
    pub fn parse(text: &str) -> Result<Self> {
        let items = split(text, false)?;
        check_count(&items)?;
        let layout = items.layout;
        let items = items
            .values
            .into_iter()
            .map(|(at, v)| payload_of(v).map(|p| (at.clone(), p)).map_err(|e| (at, e)))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|(at, e)| Error::Input(format!("{at}: {e}")))?;
        Ok(Self { layout, items })
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every plaintext, or the first failure (naming where it was) and none at all.
    fn open_all(&self, key: &FieldKey) -> Result<Vec<Zeroizing<Vec<u8>>>> {
        self.items
            .iter()
            .map(|(at, p)| field::decrypt_bytes(key, p).map_err(|e| at_item(at, e)))
            .collect()
    }
}

fn at_item(at: &str, e: Error) -> Error {
    let message = format!("{at}: {e}");
    match e {
        Error::Authentication(_) => Error::Authentication(message),
        Error::Key(_) => Error::Key(message),
        Error::TooLarge(_) => Error::TooLarge(message),
        Error::Input(_) => Error::Input(message),
    }
}

/// Decrypted values in the input's layout.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "FieldDecryptResult"))]
pub struct Decrypted {
    pub layout: Layout,
    #[cfg_attr(feature = "ts", ts(type = "unknown[]"))]
    pub values: Vec<serde_json::Value>,
    /// The values as text in the input's layout, ready to copy.
    pub text: String,
}

/// Decrypts every payload; one failure fails the whole call with no plaintext returned.
pub fn decrypt_all(key: &FieldKey, payloads: &Payloads) -> Result<Decrypted> {
    let values = payloads
        .items
        .iter()
        .map(|(at, p)| field::decrypt(key, p).map_err(|e| at_item(at, e)))
        .collect::<Result<Vec<_>>>()?;
    let text = render(payloads.layout, &values);
    Ok(Decrypted { layout: payloads.layout, values, text })
}

/// Encrypted payloads as text in the input's layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "FieldEncryptResult"))]
pub struct Encrypted {
    pub layout: Layout,
    pub count: usize,
    pub text: String,
}

/// Encrypts one JSON value as the guide's `encryptData` does, or with `lines` one JSON value
/// per line (an array without `lines` is one value, like any other).
pub fn encrypt_all(
    key: &FieldKey,
    text: &str,
    lines: bool,
    rng: &mut impl RngCore,
) -> Result<Encrypted> {
    let items = split(text, lines)?;
    let values: Vec<_> = match items.layout {
        Layout::Single => items.values.into_iter().map(|(_, v)| v).collect(),
        Layout::Array => {
            vec![serde_json::Value::Array(items.values.into_iter().map(|(_, v)| v).collect())]
        }
        Layout::Lines if !lines => {
            return Err(Error::Input(
                "this is several JSON values: to encrypt one JSON value per line, ask for lines (--lines)".into(),
            ));
        }
        Layout::Lines => {
            check_count(&items)?;
            items.values.into_iter().map(|(_, v)| v).collect()
        }
    };
    let layout = if lines { Layout::Lines } else { Layout::Single };
    let payloads: Vec<_> = values.iter().map(|v| field::encrypt(key, v, rng)).collect();
    Ok(Encrypted { layout, count: payloads.len(), text: render_payloads(layout, &payloads) })
}

/// Re-encrypts every payload from `from` to `to`, byte for byte the same plaintext. All or
/// nothing: if any payload does not open with `from`, nothing is returned.
pub fn rotate(
    from: &FieldKey,
    to: &FieldKey,
    payloads: &Payloads,
    rng: &mut impl RngCore,
) -> Result<Encrypted> {
    let plaintexts = payloads.open_all(from)?;
    let sealed: Vec<_> = plaintexts.iter().map(|p| field::encrypt_bytes(to, p, rng)).collect();
    Ok(Encrypted {
        layout: payloads.layout,
        count: sealed.len(),
        text: render_payloads(payloads.layout, &sealed),
    })
}

/// Values as text in `layout`: pretty JSON for one value or an array, compact lines otherwise.
fn render(layout: Layout, values: &[serde_json::Value]) -> String {
    let text = match layout {
        Layout::Single => serde_json::to_string_pretty(&values[0]),
        Layout::Lines => return values.iter().map(|v| v.to_string() + "\n").collect(),
        Layout::Array => serde_json::to_string_pretty(values),
    };
    text.expect("JSON values always serialize")
}

fn render_payloads(layout: Layout, payloads: &[Payload]) -> String {
    match layout {
        Layout::Single => payloads[0].to_json() + "\n",
        Layout::Lines => payloads.iter().map(|p| p.to_json() + "\n").collect(),
        Layout::Array => {
            serde_json::to_string_pretty(payloads).expect("payloads always serialize") + "\n"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(byte: &str) -> FieldKey {
        FieldKey::from_hex(&byte.repeat(32)).unwrap()
    }

    #[test]
    fn reads_each_layout_and_writes_it_back_the_same_way() {
        let mut rng = rand::rng();
        let lines = encrypt_all(&key("11"), "{\"a\":1}\n\n\"two\"\n[3]\n", true, &mut rng).unwrap();
        assert_eq!((lines.layout, lines.count), (Layout::Lines, 3));
        let parsed = Payloads::parse(&lines.text).unwrap();
        let out = decrypt_all(&key("11"), &parsed).unwrap();
        assert_eq!(out.values, vec![json!({"a": 1}), json!("two"), json!([3])]);
        assert_eq!(out.text, "{\"a\":1}\n\"two\"\n[3]\n");

        let single = encrypt_all(&key("11"), "[1, 2]", false, &mut rng).unwrap();
        assert_eq!((single.layout, single.count), (Layout::Single, 1));
        let out = decrypt_all(&key("11"), &Payloads::parse(&single.text).unwrap()).unwrap();
        assert_eq!((out.layout, out.values.clone()), (Layout::Single, vec![json!([1, 2])]));

        let array = format!("[{}]", lines.text.trim().replace('\n', ","));
        let out = decrypt_all(&key("11"), &Payloads::parse(&array).unwrap()).unwrap();
        assert_eq!(out.layout, Layout::Array);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&out.text).unwrap()[1], "two");
    }

    #[test]
    fn a_double_encoded_payload_string_is_read() {
        let p = field::encrypt(&key("22"), &json!({"x": true}), &mut rand::rng());
        let column = serde_json::to_string(&p.to_json()).unwrap();
        let out = decrypt_all(&key("22"), &Payloads::parse(&column).unwrap()).unwrap();
        assert_eq!(out.values, vec![json!({"x": true})]);
    }

    #[test]
    fn one_bad_payload_fails_the_whole_batch_and_names_it() {
        let mut rng = rand::rng();
        let good = encrypt_all(&key("11"), "1\n2\n", true, &mut rng).unwrap().text;
        let other = encrypt_all(&key("33"), "3", false, &mut rng).unwrap().text;
        let mixed = format!("{good}{other}");
        let parsed = Payloads::parse(&mixed).unwrap();
        let e = decrypt_all(&key("11"), &parsed).unwrap_err();
        assert!(matches!(&e, Error::Authentication(m) if m.starts_with("line 3:")), "{e}");
        let e = rotate(&key("11"), &key("44"), &parsed, &mut rng).unwrap_err();
        assert!(e.to_string().starts_with("line 3:"), "{e}");
    }

    #[test]
    fn rotate_keeps_the_plaintext_bytes_and_the_layout() {
        let mut rng = rand::rng();
        let before = encrypt_all(&key("11"), "{\"n\":1.50}\n{\"b\":2}\n", true, &mut rng).unwrap();
        let parsed = Payloads::parse(&before.text).unwrap();
        let after = rotate(&key("11"), &key("55"), &parsed, &mut rng).unwrap();
        assert_eq!((after.layout, after.count), (Layout::Lines, 2));
        let reread = Payloads::parse(&after.text).unwrap();
        assert!(decrypt_all(&key("11"), &reread).is_err(), "the old key no longer opens it");
        let plain = reread.open_all(&key("55")).unwrap();
        assert_eq!(
            plain[0].as_slice(),
            b"{\"n\":1.5}",
            "bytes kept as the first encryption wrote them"
        );
    }

    #[test]
    fn bad_input_is_refused_with_where_and_what() {
        for (input, expected) in [
            ("", "empty"),
            ("[]", "empty"),
            ("{\"iv\": \"00\"}", "the input: not a payload"),
            ("{\"iv\":\"00\",\"data\":\"00\",\"authTag\":\"00\"}\nnot json\n", "line 2: not JSON"),
            ("[1]", "item 1: not a payload"),
        ] {
            let e = Payloads::parse(input).err().unwrap_or_else(|| panic!("{input} parsed"));
            assert!(e.to_string().contains(expected), "{input:?}: {e}");
        }
        let e =
            encrypt_all(&key("11"), "{\"a\":1}\n{\"b\":2}", false, &mut rand::rng()).unwrap_err();
        assert!(e.to_string().contains("one JSON value per line"), "{e}");
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(Payloads::parse(&deep).is_err(), "deep nesting is refused, not a stack overflow");
    }
}
