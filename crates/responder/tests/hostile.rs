//! Bad and hostile input to every parser: an error that says what is wrong, never a panic, a
//! hang or a quoted secret; and the argon2 side of the hash checks.

use argon2::password_hash::{PasswordHasher, SaltString};
use rampart_responder::batch::Payloads;
use rampart_responder::{Error, hash, jwt};
use rampart_sensitive::{SecretBytes, SecretString};
use std::time::Instant;

const NOW: i64 = 1_800_000_000;

fn b64(json: &str) -> String {
    data_encoding::BASE64URL_NOPAD.encode(json.as_bytes())
}

#[test]
fn malformed_tokens_are_refused_with_a_reason() {
    let header = b64(r#"{"alg":"HS256","typ":"JWT"}"#);
    let cases = [
        (String::new(), "not a JWT"),
        ("a.b".to_owned(), "not a JWT"),
        ("a.b.c.d".to_owned(), "not a JWT"),
        (format!("{header}.!!!.sig"), "claims is not base64url"),
        (format!("{header}.{}.sig", b64("[1,2]")), "claims is not a JSON object"),
        (format!("{}.{}.sig", b64(r#"{"typ":"JWT"}"#), b64("{}")), "has no alg"),
        (format!("{header}.{}.sig", b64(r#"{"exp":"tomorrow"}"#)), "exp claim is not a number"),
        (format!("{header}.{}.sig", b64(r#"{"exp":1e400}"#)), "claims is not a JSON object"),
        ("x".repeat(70_000), "KiB"),
    ];
    for (token, expected) in cases {
        let e = jwt::decode(&token, NOW).unwrap_err();
        assert!(e.to_string().contains(expected), "{token:.40}: {e}");
    }
    let huge_exp = format!("{header}.{}.sig", b64(r#"{"exp":99999999999999999999}"#));
    let decoded = jwt::decode(&huge_exp, NOW).unwrap();
    assert_eq!(decoded.times[0].utc, "out of range");
}

#[test]
fn decode_reports_times_lifetime_and_warnings_without_a_key() {
    let token = format!(
        "{}.{}.",
        b64(r#"{"alg":"none"}"#),
        b64(&format!(r#"{{"sub":"7","iat":{},"exp":{}}}"#, NOW - 7200, NOW - 3600))
    );
    let d = jwt::decode(&token, NOW).unwrap();
    assert_eq!(d.algorithm, "none");
    assert_eq!(d.expires_in_seconds, Some(-3600));
    assert_eq!(d.lifetime_seconds, Some(3600));
    assert_eq!(d.times.iter().map(|t| t.claim).collect::<Vec<_>>(), ["exp", "iat"]);
    assert_eq!(d.times[0].utc, "2027-01-15T07:00:00Z");
    let w = d.warnings.join(" | ");
    assert!(
        w.contains("alg none") && w.contains("expired 1 h ago") && w.contains("1 h is longer"),
        "{w}"
    );

    let eternal = format!("{}.{}.sig", b64(r#"{"alg":"HS256"}"#), b64(r#"{"sub":"7"}"#));
    assert!(
        jwt::decode(&eternal, NOW).unwrap().warnings.iter().any(|w| w.contains("never expires"))
    );
}

#[test]
fn verify_checks_each_claim_and_refuses_future_tokens() {
    let secret = SecretBytes::new(b"a-32-byte-or-longer-secret-value-9f86d0".to_vec());
    let sign = |claims: &str| jwt::sign(&secret, "HS384", claims, None, NOW).unwrap().token;
    let guide = jwt::Profile::guide();
    let aud_list = sign(&format!(
        r#"{{"iss":"alawael-api","aud":["x","alawael-users"],"exp":{},"nbf":{}}}"#,
        NOW + 60,
        NOW - 1
    ));
    let report = jwt::verify(&aud_list, &secret, &guide, NOW).unwrap();
    assert!(report.valid, "{:?}", report.checks);
    assert_eq!(
        report.checks.iter().map(|c| c.name).collect::<Vec<_>>(),
        ["algorithm", "signature", "iss", "aud", "exp", "nbf", "iat"]
    );
    let early = sign(&format!(
        r#"{{"iss":"other","aud":"alawael-users","exp":{},"nbf":{},"iat":{}}}"#,
        NOW + 7200,
        NOW + 600,
        NOW + 3600
    ));
    let report = jwt::verify(&early, &secret, &guide, NOW).unwrap();
    let failed: Vec<_> = report.checks.iter().filter(|c| !c.ok).map(|c| c.name).collect();
    assert_eq!(failed, ["iss", "nbf", "iat"]);
    let iss = &report.checks[2].detail;
    assert!(iss.contains("expected \"alawael-api\", found \"other\""), "{iss}");

    let no_exp = sign(r#"{"iss":"alawael-api","aud":"alawael-users"}"#);
    let report = jwt::verify(&no_exp, &secret, &guide, NOW).unwrap();
    assert!(!report.valid && report.checks.iter().any(|c| c.name == "exp" && !c.ok));
    let e = jwt::verify(&no_exp, &SecretBytes::new(Vec::new()), &guide, NOW).unwrap_err();
    assert!(matches!(e, Error::Key(_)));
}

#[test]
fn sign_refuses_bad_claims_algorithms_and_lifetimes() {
    let secret = SecretBytes::new(b"k".repeat(40));
    for (alg, claims, expected) in [
        ("RS256", "{}", "HS256, HS384 or HS512"),
        ("none", "{}", "HS256, HS384 or HS512"),
        ("HS256", "[1]", "must be a JSON object"),
        ("HS256", "{sub: 1}", "not JSON"),
    ] {
        let e = jwt::sign(&secret, alg, claims, None, NOW).unwrap_err();
        assert!(e.to_string().contains(expected), "{alg} {claims}: {e}");
    }
    assert_eq!(jwt::parse_lifetime("15m").unwrap(), 900);
    assert_eq!(jwt::parse_lifetime("7d").unwrap(), 7 * 86_400);
    assert!(jwt::parse_lifetime("soon").unwrap_err().to_string().contains("15m, 1h, 7d"));
    assert!(jwt::parse_lifetime("0s").is_err());
    let signed = jwt::sign(&secret, "HS512", r#"{"sub":"1"}"#, Some(900), NOW).unwrap();
    assert_eq!(signed.decoded.claims["iat"], NOW);
    assert_eq!(signed.decoded.claims["exp"], NOW + 900);
    assert_eq!(signed.decoded.header["alg"], "HS512");
}

fn argon2_hash(algorithm: argon2::Algorithm, m: u32, t: u32, password: &str) -> String {
    let params = argon2::Params::new(m, t, 1, None).unwrap();
    let hasher = argon2::Argon2::new(algorithm, argon2::Version::V0x13, params);
    let salt = SaltString::encode_b64(b"sixteen byte sal").unwrap();
    hasher.hash_password(password.as_bytes(), &salt).unwrap().to_string()
}

#[test]
fn argon2_hashes_are_checked_against_owasps_settings() {
    let password = SecretString::new("hunter2 but longer".into());
    let good = argon2_hash(argon2::Algorithm::Argon2id, 19_456, 2, password.expose());
    let check = hash::check(&good, &password).unwrap();
    assert!(check.matches && check.info.meets_minimum, "{:?}", check.info);
    assert_eq!(check.info.algorithm, "argon2id");
    assert_eq!(
        (check.info.memory_kib, check.info.iterations, check.info.parallelism),
        (Some(19_456), Some(2), Some(1))
    );
    assert!(!hash::check(&good, &SecretString::new("hunter3".into())).unwrap().matches);

    let weak = hash::inspect(&argon2_hash(argon2::Algorithm::Argon2i, 4096, 1, "x")).unwrap();
    assert!(!weak.meets_minimum);
    assert_eq!(weak.findings.len(), 2, "{:?}", weak.findings);
    assert!(weak.findings[0].contains("argon2i: OWASP recommends argon2id"));
}

#[test]
fn hostile_or_foreign_hashes_are_refused_quickly() {
    let started = Instant::now();
    let costly_bcrypt = "$2b$31$abcdefghijklmnopqrstuuJ2XrjvMgUV8E3nhkG1tWq0EYbR1Vt9y";
    let e = hash::check(costly_bcrypt, &SecretString::new("x".into())).unwrap_err();
    assert!(matches!(e, Error::TooLarge(_)), "{e}");
    let costly_argon = "$argon2id$v=19$m=4194304,t=3,p=1$c2l4dGVlbiBieXRlIHNhbA$6dU8Fa7mGhVUzBe0kM3V0QbnTfBBeUMSHX0bE4ODtxk";
    let e = hash::check(costly_argon, &SecretString::new("x".into())).unwrap_err();
    assert!(matches!(e, Error::TooLarge(_)), "{e}");
    assert!(started.elapsed().as_secs() < 2, "refused before any hashing");

    for (input, expected) in [
        ("5f4dcc3b5aa765d61d8327deb882cf99", "unsalted MD5"),
        ("$6$salt$abc", "crypt(3)"),
        ("$2b$10$short", "60 characters"),
        ("$argon2id$v=19$m=nope", "argon2 parameters are not valid"),
        ("$argon2id$$$", "argon2 PHC"),
        ("plain text", "paste the whole hash"),
    ] {
        let e = hash::inspect(input).unwrap_err();
        assert!(e.to_string().contains(expected), "{input}: {e}");
    }
    let long_password = SecretString::new("p".repeat(100));
    let bcrypt72 = bcrypt::hash("p".repeat(72), 4).unwrap();
    let check = hash::check(&bcrypt72, &long_password).unwrap();
    assert!(check.matches, "bcrypt reads 72 bytes");
    assert!(check.info.findings.iter().any(|f| f.contains("only the first 72")));
}

#[test]
fn hostile_payload_files_are_refused_not_obeyed() {
    let huge = " ".repeat(rampart_responder::MAX_INPUT_BYTES + 1);
    assert!(matches!(Payloads::parse(&huge), Err(Error::TooLarge(_))));
    let line = r#"{"iv":"00","data":"00","authTag":"00"}"#;
    let e = Payloads::parse(&format!("{line}\n{{\"iv\": 1}}\n")).err().unwrap();
    assert!(e.to_string().starts_with("line 2: not a payload"), "{e}");
}
