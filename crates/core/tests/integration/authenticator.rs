//! Authenticator accounts with seeds in a real keychain.

use crate::TestApp;
use rampart_core::views::ImportStatus;
use rampart_core::{ErrorKind, SecretString};

const GOOGLE_EXAMPLE: &str =
    "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";

fn add(t: &TestApp, uri: &str) {
    let account = rampart_core::otp::parse_uri(uri).unwrap();
    t.app.otp_add(&account).unwrap();
}

#[test]
fn codes_come_from_the_stored_seed_and_never_expose_it() {
    let t = TestApp::new(1_234_567_890);
    add(&t, GOOGLE_EXAMPLE);
    let codes = t.app.otp_codes(Some(1_234_567_890)).unwrap();
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].code, "742275", "oathtool's value for the Google example");
    assert_eq!(codes[0].valid_until, 1_234_567_920, "the end of the 30 s step");
    let json = serde_json::to_string(&codes).unwrap();
    assert!(!json.contains("JBSWY3DPEHPK3PXP"), "a code view must not carry the seed");
    let listed = serde_json::to_string(&t.app.otp_list().unwrap()).unwrap();
    assert!(!listed.contains("JBSWY3DPEHPK3PXP"));
}

#[test]
fn accounts_are_found_by_label_or_unique_account_and_ambiguity_is_explained() {
    let t = TestApp::new(1_000);
    add(&t, "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP");
    add(&t, "otpauth://totp/GitLab:alice?secret=KRSXG5CTMVRXEZLU");
    add(&t, "otpauth://totp/AWS:bob?secret=KRSXG5CTMVRXEZLU");
    assert_eq!(t.app.otp_find("github:alice").unwrap().issuer, "GitHub");
    assert_eq!(t.app.otp_find("bob").unwrap().issuer, "AWS");
    let err = t.app.otp_find("alice").unwrap_err();
    assert!(err.to_string().contains("issuer:account"), "{err}");
    assert_eq!(t.app.otp_find("carol").unwrap_err().kind(), ErrorKind::NotFound);
}

#[test]
fn verify_reports_the_time_step_offset_within_two_steps() {
    let t = TestApp::new(1_234_567_890);
    add(&t, GOOGLE_EXAMPLE);
    let at = 1_234_567_890u64;
    let code_then = |t_: u64| t.app.otp_codes(Some(t_)).unwrap()[0].code.clone();
    for (shift, expect) in [(0i64, Some(0)), (-30, Some(-1)), (60, Some(2)), (90, None)] {
        let code = code_then((at as i64 + shift) as u64);
        let r = t.app.otp_verify("Example:alice@google.com", &code, Some(at)).unwrap();
        assert_eq!(r.offset, expect, "code from {shift}s away");
        assert_eq!(r.valid, expect.is_some());
    }
}

#[test]
fn hotp_copy_advances_and_persists_the_counter_first() {
    let t = TestApp::new(1_000);
    // RFC 4226 seed, counter 0 -> 755224, 1 -> 287082.
    add(&t, "otpauth://hotp/RFC:4226?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0");
    assert_eq!(t.app.otp_codes(None).unwrap()[0].code, "755224");
    assert_eq!(t.app.otp_code_for_copy("RFC:4226", false).unwrap().expose(), "755224");
    assert_eq!(t.app.otp_list().unwrap()[0].counter, Some(1));
    assert_eq!(t.app.otp_code_for_copy("RFC:4226", false).unwrap().expose(), "287082");
}

#[test]
fn import_reports_each_entry_and_skips_duplicates() {
    let t = TestApp::new(1_000);
    add(&t, GOOGLE_EXAMPLE);
    let text = format!(
        "{GOOGLE_EXAMPLE}\n\
         otpauth://totp/New:carol?secret=KRSXG5CTMVRXEZLU&issuer=New\n\
         otpauth://totp/Bad:dave?secret=not*base32\n\
         otpauth://totp/New:carol?secret=KRSXG5CTMVRXEZLU&issuer=New\n"
    );
    let report = t.app.otp_import(None, text.as_bytes(), None).unwrap();
    let statuses: Vec<_> = report.entries.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [
            ImportStatus::Duplicate,
            ImportStatus::Imported,
            ImportStatus::Rejected,
            ImportStatus::Duplicate
        ]
    );
    assert!(report.entries[2].reason.as_deref().unwrap().contains("base32"));
    assert_eq!(t.app.otp_list().unwrap().len(), 2);
}

#[test]
fn an_aegis_export_imports_elsewhere_with_the_same_codes_and_a_wrong_password_changes_nothing() {
    let source = TestApp::new(1_000);
    add(&source, GOOGLE_EXAMPLE);
    add(
        &source,
        "otpauth://totp/ACME:bob?secret=KRSXG5CTMVRXEZLU&algorithm=SHA256&digits=8&period=60",
    );
    let password = SecretString::new("correct horse battery".into());
    let export = source.app.otp_export_aegis(&password).unwrap();

    let target = TestApp::new(1_000);
    let wrong = SecretString::new("wrong password!".into());
    let err = target
        .app
        .otp_import(Some("aegis.json"), export.expose().as_bytes(), Some(&wrong))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WrongPassword, "{err}");
    assert!(target.app.otp_list().unwrap().is_empty(), "a failed import changes nothing");

    let report = target
        .app
        .otp_import(Some("aegis.json"), export.expose().as_bytes(), Some(&password))
        .unwrap();
    assert_eq!(report.count(ImportStatus::Imported), 2);
    let a = source.app.otp_codes(Some(99_999)).unwrap();
    let b = target.app.otp_codes(Some(99_999)).unwrap();
    let pairs = |v: &[rampart_core::views::CodeView]| {
        v.iter().map(|c| (c.issuer.clone(), c.code.clone())).collect::<Vec<_>>()
    };
    assert_eq!(pairs(&a), pairs(&b));
}

#[test]
fn enrolment_saves_only_after_a_code_from_the_device() {
    let t = TestApp::new(1_700_000_000);
    let draft = t.app.enroll_start("Rampart Prod", "alice@example.com").unwrap();
    assert!(draft.otpauth_uri.expose().starts_with("otpauth://totp/"));
    assert!(draft.qr_svg.expose().contains("<svg"));
    let err = t.app.enroll_confirm(&draft.draft_id, "000000").unwrap_err();
    assert!(err.to_string().contains("does not match"), "{err}");
    assert!(t.app.otp_list().unwrap().is_empty(), "nothing saved before a good code");

    let device = rampart_core::otp::parse_uri(draft.otpauth_uri.expose()).unwrap();
    let code = rampart_core::otp::code_at(&device, 1_700_000_000 - 30).code; // device 30 s behind
    let saved = t.app.enroll_confirm(&draft.draft_id, &code).unwrap();
    assert_eq!(
        (saved.issuer.as_str(), saved.account.as_str()),
        ("Rampart Prod", "alice@example.com")
    );
    assert_eq!(t.app.audit_log(1).unwrap()[0].action, "enroll");
}

#[test]
fn an_enrolment_expires_after_45_seconds() {
    let t = TestApp::new(1_700_000_000);
    let draft = t.app.enroll_start("I", "a").unwrap();
    let device = rampart_core::otp::parse_uri(draft.otpauth_uri.expose()).unwrap();
    t.clock.advance(46);
    let code = rampart_core::otp::code_at(&device, 1_700_000_046).code;
    let err = t.app.enroll_confirm(&draft.draft_id, &code).unwrap_err();
    assert!(err.to_string().contains("expired"), "{err}");
    assert!(t.app.otp_list().unwrap().is_empty());
}

#[test]
fn an_import_that_fails_midway_leaves_nothing_behind() {
    let t = TestApp::new(1_000);
    // The third seed is too large for a keychain item: storing it fails after two succeeded.
    let huge = "A".repeat(110 * 1024);
    let text = format!(
        "otpauth://totp/One:a?secret=JBSWY3DPEHPK3PXP\n\
         otpauth://totp/Two:b?secret=KRSXG5CTMVRXEZLU\n\
         otpauth://totp/Three:c?secret={huge}\n"
    );
    let err = t.app.otp_import(None, text.as_bytes(), None).unwrap_err();
    assert!(err.to_string().contains("at most"), "{err}");
    assert!(t.app.otp_list().unwrap().is_empty(), "no account of a failed import remains");
    assert!(t.app.audit_log(10).unwrap().is_empty(), "a failed import is not recorded as done");
}

#[test]
fn a_too_large_import_file_is_refused_before_parsing() {
    let t = TestApp::new(1_000);
    let big = vec![b'x'; 11 * 1024 * 1024];
    let err = t.app.otp_import(Some("big.txt"), &big, None).unwrap_err();
    assert!(err.to_string().contains("limit 10 MB"), "{err}");
}

#[test]
fn the_bulk_seed_read_gives_the_same_codes_as_reading_one_by_one() {
    let t = TestApp::new(1_234_567_890);
    add(&t, GOOGLE_EXAMPLE);
    add(&t, "otpauth://totp/ACME:bob?secret=KRSXG5CTMVRXEZLU");
    add(&t, "otpauth://totp/RFC:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8");
    let bulk = t.app.keychain().get_many("otp:").unwrap();
    assert_eq!(bulk.len(), 3, "one session finds every seed of this namespace");
    t.app.forget_secrets_in_memory();
    let codes = t.app.otp_codes(Some(1_234_567_890)).unwrap();
    let example = codes.iter().find(|c| c.issuer == "Example").unwrap();
    assert_eq!(example.code, "742275");
    assert_eq!(codes.iter().find(|c| c.issuer == "RFC").unwrap().code, "89005924");
}

#[test]
fn prefetched_seeds_serve_the_code_list_unless_the_app_locked_meanwhile() {
    let t = TestApp::new(1_234_567_890);
    add(&t, "otpauth://totp/AWS:ops?secret=KRSXG5CTMVRXEZLU");
    add(&t, GOOGLE_EXAMPLE);
    let aws = t.app.otp_find("aws:ops").unwrap().id;

    // Locked after the generation was read: what the prefetch reads is dropped, so a seed
    // deleted from the keychain afterwards is missed by the next list.
    t.app.forget_secrets_in_memory();
    let before_lock = t.app.secrets_generation();
    t.app.forget_secrets_in_memory();
    t.app.otp_prefetch_seeds(before_lock);
    t.app.keychain().delete(&format!("otp:{aws}")).unwrap();
    let issuers: Vec<String> =
        t.app.otp_codes(None).unwrap().into_iter().map(|c| c.issuer).collect();
    assert_eq!(issuers, ["Example"], "nothing was kept from a prefetch that outlived a lock");

    // Unlocked throughout: the prefetch fills memory and the list needs no keychain read.
    add(&t, "otpauth://totp/Zulip:zed?secret=JBSWY3DPEHPK3PXP");
    let zulip = t.app.otp_find("zulip:zed").unwrap().id;
    t.app.forget_secrets_in_memory();
    t.app.otp_prefetch_seeds(t.app.secrets_generation());
    t.app.keychain().delete(&format!("otp:{zulip}")).unwrap();
    let issuers: Vec<String> =
        t.app.otp_codes(None).unwrap().into_iter().map(|c| c.issuer).collect();
    assert_eq!(issuers, ["Example", "Zulip"], "both served from the prefetched seeds");
}

#[test]
fn a_seed_gone_from_the_keychain_hides_only_its_own_code_and_the_order_holds() {
    let t = TestApp::new(1_234_567_890);
    add(&t, "otpauth://totp/AWS:ops?secret=KRSXG5CTMVRXEZLU");
    add(&t, GOOGLE_EXAMPLE);
    add(&t, "otpauth://totp/Zulip:zed?secret=JBSWY3DPEHPK3PXP");
    let zulip = t.app.otp_find("zulip:zed").unwrap().id;
    t.app.otp_set_pinned(&zulip, true).unwrap();
    let before: Vec<String> =
        t.app.otp_codes(None).unwrap().into_iter().map(|c| c.issuer).collect();
    assert_eq!(before, ["Zulip", "AWS", "Example"], "pinned first, then by issuer");

    let aws = t.app.otp_find("aws:ops").unwrap().id;
    t.app.keychain().delete(&format!("otp:{aws}")).unwrap();
    t.app.forget_secrets_in_memory(); // as on lock: the next list reads the keychain again
    let after = t.app.otp_codes(Some(1_234_567_890)).unwrap();
    let issuers: Vec<&str> = after.iter().map(|c| c.issuer.as_str()).collect();
    assert_eq!(issuers, ["Zulip", "Example"], "the others keep their place");
    assert_eq!(after[1].code, "742275");
    assert_eq!(after[0].code, after[1].code, "same seed, same code");
}
