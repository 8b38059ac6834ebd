//! The pure schedule functions, with fixed times, and what the events say.

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

fn run(ok: bool) -> RunView {
    RunView {
        id: 1,
        source: "app-data".into(),
        started_at: 0,
        finished_at: 1,
        ok,
        bytes_in: 10,
        bytes_out: 5,
        backup_id: None,
        object_key: None,
        error: (!ok).then(|| "dump command exited with status 2 (retrying will not help)".into()),
        retryable: false,
        trigger: super::super::Trigger::Schedule,
    }
}

#[test]
fn a_failed_or_missed_run_notifies_and_a_good_one_does_not() {
    let (title, body) = BackupEvent::Finished { run: run(false) }.notification().unwrap();
    assert_eq!(title, "Backup of app-data failed");
    assert!(body.contains("exited with status 2"));
    assert!(BackupEvent::Finished { run: run(true) }.notification().is_none());
    let missed = BackupEvent::Missed { source: "db".into(), missed: vec![1, 2] };
    assert_eq!(missed.notification().unwrap().0, "Backup of db missed 2 scheduled run(s)");
    let error = BackupEvent::Error { source: None, message: "no target".into() };
    assert_eq!(error.notification().unwrap(), ("Backup scheduler".into(), "no target".into()));
    assert!(BackupEvent::Started { source: "db".into() }.notification().is_none());
    assert!(BackupEvent::Changed.notification().is_none());
}

#[test]
fn events_serialize_with_a_tag_and_progress_in_plain_numbers() {
    let progress = Progress {
        phase: rampart_backup::Phase::Uploading,
        bytes_read: 100,
        bytes_transferred: 50,
        total: Some(200),
        elapsed: std::time::Duration::from_millis(1500),
        rate: 66.6,
        eta: Some(std::time::Duration::from_secs(2)),
    };
    let event = BackupEvent::Progress { source: "db".into(), progress };
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(json["event"], "progress");
    assert_eq!(json["progress"]["elapsedMs"], 1500);
    assert_eq!(json["progress"]["etaSeconds"], 2);
    assert_eq!(json["progress"]["phase"], "uploading");
    assert_eq!(
        serde_json::to_value(&BackupEvent::Changed).unwrap(),
        serde_json::json!({"event": "changed"})
    );
}
