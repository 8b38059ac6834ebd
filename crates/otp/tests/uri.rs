//! otpauth link parsing: peer leniency, Steam heuristics, every error, and round trips.

mod common;

use common::*;
use rampart_otp::{Algorithm, OtpError, OtpKind, code_at, parse_uri, to_uri};

#[test]
fn google_examples_parse_including_80_bit_secret() {
    let a =
        parse_uri("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example")
            .unwrap();
    assert_eq!((a.issuer.as_str(), a.account.as_str()), ("Example", "alice@google.com"));
    assert_eq!(a.secret.expose(), b"Hello!\xDE\xAD\xBE\xEF");
    assert_eq!(code_at(&a, 1234567890).code, "742275");
    let b = parse_uri("otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30").unwrap();
    assert_eq!((b.issuer.as_str(), b.account.as_str()), ("ACME Co", "john.doe@email.com"));
    assert_eq!(b.label(), "ACME Co:john.doe@email.com");
}

#[test]
fn lenient_inputs_like_peers() {
    let a = parse_uri("OTPAUTH://TOTP/Air%20Canada:me?secret=jbsw%20y3dp-ehpk3pxp%3D%3D&issuer=Air+Canada&algorithm=sha256&digits=8&period=60&codeDisplay=%7B%7D&icon=x").unwrap();
    assert_eq!(a.issuer, "Air Canada");
    assert_eq!(a.account, "me");
    assert_eq!(a.params.algorithm, Algorithm::Sha256);
    assert_eq!((a.params.digits, a.params.period), (8, 60));
    assert_eq!(a.secret.expose(), b"Hello!\xDE\xAD\xBE\xEF");

    // Issuer parameter wins over a disagreeing label prefix, without failing.
    let b =
        parse_uri("otpauth://totp/ACME:john?secret=JBSWY3DPEHPK3PXP&issuer=Acme%20Inc").unwrap();
    assert_eq!((b.issuer.as_str(), b.account.as_str()), ("Acme Inc", "john"));
    // No issuer parameter: the label prefix is the issuer.
    let c = parse_uri("otpauth://totp/Prefix:john?secret=JBSWY3DPEHPK3PXP").unwrap();
    assert_eq!((c.issuer.as_str(), c.account.as_str()), ("Prefix", "john"));
    // No prefix, no issuer.
    let d = parse_uri("otpauth://totp/john?secret=JBSWY3DPEHPK3PXP").unwrap();
    assert_eq!((d.issuer.as_str(), d.account.as_str()), ("", "john"));
    // Account containing ':' splits on the first ':' only.
    let e =
        parse_uri("otpauth://totp/Example:user:with:colons?secret=JBSWY3DPEHPK3PXP&issuer=Example")
            .unwrap();
    assert_eq!((e.issuer.as_str(), e.account.as_str()), ("Example", "user:with:colons"));
    // %3A as the separator (allowed by the key-uri spec) when it matches the issuer.
    let f =
        parse_uri("otpauth://totp/Example%3Aalice?secret=JBSWY3DPEHPK3PXP&issuer=Example").unwrap();
    assert_eq!((f.issuer.as_str(), f.account.as_str()), ("Example", "alice"));
    // An unescaped '#' stays part of the account instead of truncating the link.
    let g = parse_uri("otpauth://totp/Svc:team#2?secret=JBSWY3DPEHPK3PXP&issuer=Svc").unwrap();
    assert_eq!(g.account, "team#2");
    // Empty label and empty issuer parameter.
    let h = parse_uri("otpauth://totp/?secret=JBSWY3DPEHPK3PXP&issuer=").unwrap();
    assert_eq!(h.label(), "");
}

#[test]
fn hotp_and_steam_variants() {
    let h = parse_uri("otpauth://hotp/Svc:me?secret=JBSWY3DPEHPK3PXP&counter=42").unwrap();
    assert_eq!((h.params.kind, h.params.counter), (OtpKind::Hotp, 42));
    assert_eq!(code_at(&h, 0).code, "090604");

    let steam_secret = "63BEDWCQZKTQWPESARIERL5DTTQFCJTK";
    for link in [
        format!("otpauth://steam/Steam:me?secret={steam_secret}&issuer=Steam"),
        format!(
            "otpauth://totp/Steam:me?secret={steam_secret}&issuer=Steam&encoder=steam&digits=6"
        ),
        format!("otpauth://totp/Other:me?secret={steam_secret}&encoder=STEAM"),
        format!("otpauth://totp/me?secret={steam_secret}&issuer=steam"),
        format!("steam://{steam_secret}"),
    ] {
        let a = parse_uri(&link).unwrap();
        assert_eq!(a.params.kind, OtpKind::Steam, "{link}");
        assert_eq!(a.params.digits, 5);
        assert_eq!(code_at(&a, 1511200518).code, "FR8RV", "{link}");
    }
    // issuer=Steam with an explicit 6-digit request stays a normal TOTP.
    let t =
        parse_uri(&format!("otpauth://totp/Steam:me?secret={steam_secret}&issuer=Steam&digits=6"))
            .unwrap();
    assert_eq!(t.params.kind, OtpKind::Totp);
}

fn err(link: &str) -> OtpError {
    parse_uri(link).expect_err(link)
}

const S: &str = "JBSWY3DPEHPK3PXP";

#[test]
fn every_error_is_clear_and_keeps_the_secret_out() {
    let cases: Vec<(String, Vec<&str>)> = vec![
        (format!("https://example.com/?secret={S}"), vec!["'https://'", "otpauth://totp/"]),
        (S.to_owned(), vec!["no scheme"]),
        (format!("otpauth://motp/x?secret={S}"), vec!["'motp'", "totp, hotp or steam"]),
        ("otpauth://totp/x?issuer=A".to_owned(), vec!["no secret= parameter"]),
        (
            "otpauth://totp/x?secret=JBSWY3D1EHPK3PXP".to_owned(),
            vec!["not valid base32", "'1' at position 8", "A–Z and 2–7"],
        ),
        ("otpauth://totp/x?secret=%3D%3D".to_owned(), vec!["secret is empty"]),
        (
            format!("otpauth://totp/x?secret={S}&algorithm=MD5"),
            vec!["'MD5'", "SHA1, SHA256 or SHA512"],
        ),
        (
            format!("otpauth://totp/x?secret={S}&algorithm=SHA224"),
            vec!["'SHA224'", "SHA1, SHA256 or SHA512"],
        ),
        (format!("otpauth://totp/x?secret={S}&digits=12"), vec!["12", "6 to 10 digits"]),
        (format!("otpauth://totp/x?secret={S}&digits=5"), vec!["5", "6 to 10 digits"]),
        (
            format!("otpauth://totp/x?secret={S}&digits=six"),
            vec!["digits=", "'six'", "whole number"],
        ),
        (format!("otpauth://totp/x?secret={S}&period=0"), vec!["period 0", "1 to 86400"]),
        (format!("otpauth://totp/x?secret={S}&period=90000"), vec!["90000", "1 to 86400"]),
        (format!("otpauth://hotp/x?secret={S}"), vec!["counter= parameter"]),
        (format!("otpauth://hotp/x?secret={S}&counter=-1"), vec!["counter=", "'-1'"]),
    ];
    for (link, needles) in cases {
        let msg = err(&link).to_string();
        assert_message(&msg, &needles, &[S, "JBSWY3D"]);
    }
    assert_eq!(
        err(&format!("otpauth://totp/x?secret={S}&period=0")),
        OtpError::PeriodOutOfRange { period: 0 }
    );
    assert_eq!(err(&format!("otpauth://hotp/x?secret={S}")), OtpError::MissingCounter);
}

#[test]
fn to_uri_round_trips_every_kind() {
    for a in sample_accounts() {
        let link = to_uri(&a);
        let back = parse_uri(link.expose()).unwrap();
        assert_eq!(back, a, "round trip of {}", a.label());
    }
    let a = &sample_accounts()[1];
    let link = to_uri(a);
    assert!(
        link.expose().starts_with("otpauth://totp/ACME%20Co:bob%3Aops?secret="),
        "{}",
        link.expose()
    );
    assert!(link.expose().contains("&algorithm=SHA256&digits=8&period=60"));
    assert_eq!(format!("{link:?}"), "<redacted>");
    // An account with ':' and no issuer must not turn into an issuer.
    let lone =
        rampart_otp::OtpAccount::new_totp("", "a:b", rampart_otp::Sensitive::new(vec![1; 10]))
            .unwrap();
    assert_eq!(parse_uri(to_uri(&lone).expose()).unwrap(), lone);
}
