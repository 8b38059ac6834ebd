//! Code generation and verification against published vectors and the totp-rs oracle.

mod common;

use common::*;
use rampart_otp::{
    Algorithm, CodeNow, OtpAccount, OtpKind, OtpParams, Sensitive, base32, code_at, verify,
};

const RFC6238: &[(u64, &str, &str, &str)] = &[
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
];

#[test]
fn rfc6238_table_all_three_hashes_with_correct_seeds() {
    let a1 = totp(SEED20, Algorithm::Sha1, 8);
    let a256 = totp(SEED32, Algorithm::Sha256, 8);
    let a512 = totp(SEED64, Algorithm::Sha512, 8);
    for &(t, s1, s256, s512) in RFC6238 {
        assert_eq!(code_at(&a1, t).code, s1, "SHA1 t={t}");
        assert_eq!(code_at(&a256, t).code, s256, "SHA256 t={t}");
        assert_eq!(code_at(&a512, t).code, s512, "SHA512 t={t}");
    }
    // The classic pitfall: the 20-byte seed with SHA256 gives a different code.
    assert_eq!(code_at(&totp(SEED20, Algorithm::Sha256, 6), 59).code, "247374");
}

#[test]
fn extra_vectors_digits_and_periods() {
    let google = base32::decode(GOOGLE_B32).unwrap();
    let g = |params: OtpParams| OtpAccount::new("", "x", google.clone(), params).unwrap();
    assert_eq!(code_at(&g(OtpParams::totp()), 1234567890).code, "742275");
    assert_eq!(
        code_at(&g(OtpParams { digits: 8, ..OtpParams::totp() }), 1234567890).code,
        "94742275"
    );
    assert_eq!(
        code_at(&g(OtpParams { period: 60, ..OtpParams::totp() }), 1234567890).code,
        "997474"
    );
    assert_eq!(code_at(&g(OtpParams::hotp(42)), 0).code, "090604");
    assert_eq!(code_at(&totp(SEED20, Algorithm::Sha1, 10), 59).code, "1094287082");
    assert_eq!(code_at(&totp(SEED20, Algorithm::Sha1, 7), 59).code, "4287082");
    // 5 digits is below our validated range; the raw HOTP core still computes it.
    assert_eq!(rampart_otp::hotp(Algorithm::Sha1, SEED20, 1, 5), "87082");
}

#[test]
fn steam_vectors() {
    let secret = base32::decode("63BEDWCQZKTQWPESARIERL5DTTQFCJTK").unwrap();
    let a = OtpAccount::new("Steam", "x", secret, OtpParams::steam()).unwrap();
    assert_eq!(code_at(&a, 1511200518).code, "FR8RV");
    assert_eq!(code_at(&a, 1511200714).code, "9P3VP");
    let b = base32::decode("BASE32SECRET3232").unwrap();
    assert_eq!(rampart_otp::steam(b.expose(), 0), "2TC8B");
    assert_eq!(rampart_otp::steam(b.expose(), 1), "YKKK4");
    for (counter, code) in [(0, "260182"), (1, "055283"), (1401, "316439")] {
        assert_eq!(rampart_otp::hotp(Algorithm::Sha1, b.expose(), counter, 6), code);
    }
}

#[test]
fn code_now_has_next_code_and_expiry() {
    let a = totp(SEED20, Algorithm::Sha1, 8);
    let now = code_at(&a, 59);
    assert_eq!(
        now,
        CodeNow { code: "94287082".into(), next_code: Some(code_at(&a, 60).code), valid_until: 60 }
    );
    assert_eq!(code_at(&a, 60).valid_until, 90);
    assert_ne!(now.next_code.as_deref(), Some("94287082"));
}

#[test]
fn verify_finds_offsets_within_the_window_only() {
    let a = totp(SEED20, Algorithm::Sha1, 6);
    let t = 1_700_000_000u64;
    for offset in -3i64..=3 {
        let code = code_at(&a, (t as i64 + offset * 30) as u64).code;
        let found = verify(&a, &code, t, 2);
        if offset.abs() <= 2 {
            assert_eq!(found, Some(offset), "offset {offset}");
        } else {
            assert_eq!(found, None, "offset {offset} is outside the window");
        }
    }
    let now = code_at(&a, t).code;
    assert_eq!(verify(&a, &format!("{} {}", &now[..3], &now[3..]), t, 0), Some(0));
    assert_eq!(verify(&a, "000000x", t, 2), None);
    assert_eq!(verify(&a, "", t, 2), None);
    // Near t = 0, negative steps are skipped rather than wrapping.
    assert_eq!(verify(&a, &code_at(&a, 0).code, 0, 2), Some(0));
}

#[test]
fn verify_hotp_looks_ahead_and_steam_ignores_case() {
    let h = OtpAccount::new("", "h", Sensitive::new(SEED20.to_vec()), OtpParams::hotp(2)).unwrap();
    assert_eq!(verify(&h, "359152", 0, 3), Some(0));
    assert_eq!(verify(&h, "338314", 0, 3), Some(2));
    assert_eq!(verify(&h, "287082", 0, 3), None, "HOTP never looks back");
    assert_eq!(verify(&h, "162583", 0, 3), None, "counter 7 is beyond 2+3");
    let secret = base32::decode("63BEDWCQZKTQWPESARIERL5DTTQFCJTK").unwrap();
    let s = OtpAccount::new("Steam", "x", secret, OtpParams::steam()).unwrap();
    assert_eq!(verify(&s, "fr8rv", 1511200518, 0), Some(0));
}

#[test]
fn matches_totp_rs_oracle_on_a_grid() {
    use totp_rs::{Algorithm as TA, Builder};
    let secrets: [&[u8]; 4] = [SEED20, SEED32, SEED64, b"Hello!\xDE\xAD\xBE\xEF"];
    let times = [0u64, 29, 30, 59, 1_000_000_007, 1_700_000_000, 4_102_444_800];
    let mut compared = 0;
    for secret in secrets {
        for (ours, theirs) in [
            (Algorithm::Sha1, TA::SHA1),
            (Algorithm::Sha256, TA::SHA256),
            (Algorithm::Sha512, TA::SHA512),
        ] {
            for digits in 6..=8u8 {
                for period in [30u32, 60] {
                    let oracle = Builder::new()
                        .with_algorithm(theirs)
                        .with_digits(digits)
                        .with_step_duration(u64::from(period))
                        .with_secret(secret.to_vec())
                        .build_noncompliant();
                    let params = OtpParams { algorithm: ours, digits, period, ..OtpParams::totp() };
                    let a =
                        OtpAccount::new("", "x", Sensitive::new(secret.to_vec()), params).unwrap();
                    for t in times {
                        assert_eq!(
                            code_at(&a, t).code,
                            oracle.generate(t).to_string(),
                            "{ours:?} {digits} {period} {t}"
                        );
                        compared += 1;
                    }
                }
            }
        }
        let steam = Builder::new_steam().with_secret(secret.to_vec()).build_noncompliant();
        let a = account(secret, OtpKind::Steam, Algorithm::Sha1, 5);
        for t in times {
            assert_eq!(code_at(&a, t).code, steam.generate(t).to_string(), "steam {t}");
            compared += 1;
        }
    }
    assert_eq!(compared, 4 * 3 * 3 * 2 * 7 + 4 * 7);
}
