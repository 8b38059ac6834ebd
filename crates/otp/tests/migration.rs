//! Google Authenticator export links, built here with a tiny protobuf encoder, plus the
//! vector published in the research notes.

mod common;

use common::*;
use rampart_otp::{Algorithm, ImportFormat, OtpKind, base32, code_at, detect_and_parse, migration};

fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn field_varint(out: &mut Vec<u8>, field: u64, v: u64) {
    varint(out, field << 3);
    varint(out, v);
}

fn field_bytes(out: &mut Vec<u8>, field: u64, b: &[u8]) {
    varint(out, (field << 3) | 2);
    varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

struct Entry<'a> {
    secret: &'a [u8],
    name: &'a str,
    issuer: &'a str,
    algorithm: u64,
    digits: u64,
    kind: u64,
    counter: u64,
}

fn payload(entries: &[Entry], batch_id: i32) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        let mut p = Vec::new();
        field_bytes(&mut p, 1, e.secret);
        field_bytes(&mut p, 2, e.name.as_bytes());
        field_bytes(&mut p, 3, e.issuer.as_bytes());
        field_varint(&mut p, 4, e.algorithm);
        field_varint(&mut p, 5, e.digits);
        field_varint(&mut p, 6, e.kind);
        field_varint(&mut p, 7, e.counter);
        field_bytes(&mut out, 1, &p);
    }
    field_varint(&mut out, 2, 1);
    field_varint(&mut out, 3, 1);
    field_varint(&mut out, 4, 0);
    field_varint(&mut out, 5, batch_id as i64 as u64); // negative → 10-byte varint
    out
}

fn link(payload: &[u8]) -> String {
    let b64 = data_encoding::BASE64.encode(payload);
    let escaped: String = b64
        .chars()
        .map(|c| match c {
            '+' => "%2B".to_owned(),
            '/' => "%2F".to_owned(),
            '=' => "%3D".to_owned(),
            c => c.to_string(),
        })
        .collect();
    format!("otpauth-migration://offline?data={escaped}")
}

fn two_entries(batch_id: i32) -> Vec<u8> {
    payload(
        &[
            Entry {
                secret: SEED32,
                name: "alice@example.com",
                issuer: "Example",
                algorithm: 2,
                digits: 2,
                kind: 2,
                counter: 0,
            },
            Entry {
                secret: b"Hello!\xDE\xAD\xBE\xEF",
                name: "ACME Co:bob",
                issuer: "",
                algorithm: 1,
                digits: 1,
                kind: 1,
                counter: 42,
            },
        ],
        batch_id,
    )
}

#[test]
fn self_built_payload_decodes_with_enums_and_colon_split() {
    let items = migration::parse(&link(&two_entries(123_456_789))).unwrap();
    assert_eq!(items.len(), 2);
    let a = items[0].outcome.as_ref().unwrap();
    assert_eq!(items[0].label, "Example:alice@example.com");
    assert_eq!(
        (a.params.kind, a.params.algorithm, a.params.digits, a.params.period),
        (OtpKind::Totp, Algorithm::Sha256, 8, 30)
    );
    assert_eq!(a.secret.expose(), SEED32);
    assert_eq!(code_at(a, 59).code, "46119246");
    let b = items[1].outcome.as_ref().unwrap();
    assert_eq!((b.issuer.as_str(), b.account.as_str()), ("ACME Co", "bob"));
    assert_eq!((b.params.kind, b.params.counter, b.params.digits), (OtpKind::Hotp, 42, 6));
    assert_eq!(code_at(b, 0).code, "090604");
}

#[test]
fn negative_batch_id_and_plus_in_base64_survive() {
    let p = two_entries(-5);
    let b64 = data_encoding::BASE64.encode(&p);
    // A raw '+' (not %2B) must stay a '+' in the data parameter.
    let raw = format!("otpauth-migration://offline?data={b64}");
    assert_eq!(migration::parse(&raw).unwrap().len(), 2);
    assert_eq!(migration::parse(&link(&p)).unwrap().len(), 2);
}

#[test]
fn gnome_published_vector() {
    let items = migration::parse("otpauth-migration://offline?data=CjYKEExyJfPiZeroMa/MdF%2BnkTISE2pvaG5kb2VAZXhhbXBsZS5jb20aB0Rpc2NvcmQgASgBMAIQARgBIAA%3D").unwrap();
    assert_eq!(items.len(), 1);
    let a = items[0].outcome.as_ref().unwrap();
    assert_eq!((a.issuer.as_str(), a.account.as_str()), ("Discord", "johndoe@example.com"));
    assert_eq!(base32::encode(&a.secret).expose(), "JRZCL47CMXVOQMNPZR2F7J4RGI");
    assert_eq!(
        (a.params.kind, a.params.algorithm, a.params.digits),
        (OtpKind::Totp, Algorithm::Sha1, 6)
    );
}

#[test]
fn several_batches_in_one_text_give_all_entries_and_bad_entries_do_not_abort() {
    let md5 = payload(
        &[Entry {
            secret: SEED20,
            name: "weak",
            issuer: "Old",
            algorithm: 4,
            digits: 1,
            kind: 2,
            counter: 0,
        }],
        7,
    );
    let text = format!(
        "# export\n{}\n\n{}\n{}\n",
        link(&two_entries(1)),
        link(&two_entries(2)),
        link(&md5)
    );
    let batch = detect_and_parse(Some("export.txt"), text.as_bytes(), None).unwrap();
    assert_eq!(batch.format, ImportFormat::GoogleMigration);
    assert_eq!(batch.items.len(), 5);
    assert_eq!(batch.accounts().count(), 4);
    let rejected: Vec<_> = batch.rejected().collect();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].0, "Old:weak");
    assert!(rejected[0].1.contains("MD5"), "{}", rejected[0].1);
}

#[test]
fn damaged_exports_are_clear_errors() {
    let full = two_entries(1);
    let cut = link(&full[..full.len() - 20]);
    let msg = migration::parse(&cut).unwrap_err().to_string();
    assert_message(&msg, &["Google Authenticator export is damaged", "cut off"], &[]);
    let msg = migration::parse("otpauth-migration://offline?data=%%%%").unwrap_err().to_string();
    assert_message(&msg, &["not valid base64"], &[]);
    let msg = migration::parse("otpauth-migration://offline?foo=1").unwrap_err().to_string();
    assert_message(&msg, &["no data= parameter"], &[]);
    // Inside a list, a damaged export becomes one rejected line, not a failed import.
    let text = format!("{cut}\notpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\n");
    let batch = detect_and_parse(None, text.as_bytes(), None).unwrap();
    assert_eq!(batch.format, ImportFormat::UriList);
    assert_eq!(batch.items[0].label, "line 1");
    assert!(batch.items[0].outcome.is_err());
    assert!(batch.items[1].outcome.is_ok());
}
