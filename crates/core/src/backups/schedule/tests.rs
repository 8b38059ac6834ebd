//! The pure schedule functions, with fixed times.

use super::*;
use time::macros::datetime;

#[test]
fn next_run_is_strictly_after_and_follows_the_offset_given() {
    let at = datetime!(2026-03-04 02:59:59 UTC);
    assert_eq!(next_run("0 3 * * *", at).unwrap(), Some(datetime!(2026-03-04 03:00 UTC)));
    let at3 = datetime!(2026-03-04 03:00 UTC);
    assert_eq!(next_run("0 3 * * *", at3).unwrap(), Some(datetime!(2026-03-05 03:00 UTC)));
    // In local time +02:00, 03:00 local is 01:00 UTC.
    let local = datetime!(2026-03-04 00:00 +02:00);
    let next = next_run("0 3 * * *", local).unwrap().unwrap();
    assert_eq!(next, datetime!(2026-03-04 01:00 UTC));
    assert_eq!(next.offset().whole_hours(), 2);
    // Six fields: seconds.
    let s = next_run("*/10 * * * * *", datetime!(2026-03-04 00:00:01 UTC)).unwrap();
    assert_eq!(s, Some(datetime!(2026-03-04 00:00:10 UTC)));
}

#[test]
fn missed_runs_lists_every_occurrence_since_the_last_run() {
    let last = datetime!(2026-03-01 03:00 UTC);
    let now = datetime!(2026-03-04 12:00 UTC);
    let missed = missed_runs("0 3 * * *", last, now, 100).unwrap();
    assert_eq!(
        missed,
        vec![
            datetime!(2026-03-02 03:00 UTC),
            datetime!(2026-03-03 03:00 UTC),
            datetime!(2026-03-04 03:00 UTC)
        ]
    );
    assert!(missed_runs("0 3 * * *", now, now, 100).unwrap().is_empty());
    // Capped, newest kept.
    let hourly = missed_runs("0 * * * *", last, now, 2).unwrap();
    assert_eq!(hourly, vec![datetime!(2026-03-04 11:00 UTC), datetime!(2026-03-04 12:00 UTC)]);
}

#[test]
fn bad_schedules_say_what_is_expected() {
    let err = parse("every day").unwrap_err().to_string();
    assert!(err.contains("0 3 * * *"), "{err}");
    assert!(parse("61 * * * *").is_err());
    assert!(next_run("* * *", datetime!(2026-01-01 0:00 UTC)).is_err());
}
