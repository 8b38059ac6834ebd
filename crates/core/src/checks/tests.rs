//! Pure parts of the checklist service: expiry parsing and stored paths.

use super::*;

const NOW: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

#[test]
fn expiries_are_durations_or_dates_in_the_next_three_years() {
    assert_eq!(parse_expiry("90d", NOW).unwrap(), NOW + 90 * 86_400);
    assert_eq!(parse_expiry("2w", NOW).unwrap(), NOW + 14 * 86_400);
    assert_eq!(parse_expiry("1y", NOW).unwrap(), NOW + 365 * 86_400);
    assert_eq!(parse_expiry("2026-03-01", NOW).unwrap(), NOW + 59 * 86_400);
    assert_eq!(parse_expiry("2026-01-02T12:00:00Z", NOW).unwrap(), NOW + 86_400 + 43_200);
    for (text, expected) in [
        ("90", "not an expiry"),
        ("90m", "not an expiry"),
        ("d", "not an expiry"),
        ("2026-02-30", "not an expiry"),
        ("soon", "not an expiry"),
        ("2025-12-31", "not in the future"),
        ("0d", "not in the future"),
        ("4y", "more than three years"),
        ("99999999999999999999d", "not an expiry"),
    ] {
        let err = parse_expiry(text, NOW).unwrap_err().to_string();
        assert!(err.contains(expected), "{text}: {err}");
    }
}

#[test]
fn stored_targets_keep_absolute_paths() {
    let t = Target { name: "x".into(), repo: Some("rel/repo".into()), ..Default::default() };
    let abs = absolute(&t).unwrap();
    assert!(abs.repo.unwrap().is_absolute());
}
