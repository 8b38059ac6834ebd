//! The backup scheduler against a real Garage and keychain, with time passed in: missed runs are
//! reported on start and caught up with one run, an on-time run is not "missed", nothing runs
//! twice for one occurrence, and the run lands in the history with trigger `schedule`.

use rampart_backup::testkit::{BUCKET, Garage, KEY_ID, SECRET, write};
use rampart_core::backups::{
    BackupEvent, BackupScheduler, SourceSpec, SourceWhat, TargetSpec, Trigger,
};
use rampart_core::{Clock, Config, CredentialKind, FixedClock, Keychain, Rampart, SecretString};
use std::sync::{Arc, Mutex};
use time::macros::datetime;

#[test]
fn scheduler_reports_missed_runs_catches_up_once_and_runs_on_time() {
    let g = Garage::start();
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(datetime!(2026-03-01 12:00 UTC).unix_timestamp()));
    let service = format!("rampart-core-backup-test-{}", std::process::id());
    let config = Config { data_dir: dir.path().join("data"), keychain: Keychain::new(service) };
    let app = Rampart::open_with_clock(config, clock.clone()).unwrap();
    let public = app.backup_keygen().unwrap();
    for (name, value) in [("k", KEY_ID), ("s", SECRET)] {
        let v = SecretString::new(value.into());
        app.vault_add(name, CredentialKind::Password, &v, vec![]).unwrap();
    }
    app.backup_target_add(&TargetSpec {
        name: "g".into(),
        endpoint: Some(g.endpoint()),
        region: "garage".into(),
        bucket: BUCKET.into(),
        prefix: "sched".into(),
        path_style: true,
        access_key_from: "k".into(),
        secret_key_from: "s".into(),
        storage_class: None,
    })
    .unwrap();
    let src = dir.path().join("src");
    write(&src.join("a.txt"), b"hello", 0o644);
    app.backup_source_add(&SourceSpec {
        name: "app".into(),
        what: SourceWhat::Dir { path: src, excludes: vec![] },
        env: vec![],
        target: "g".into(),
        recipients: vec![public],
        schedule: Some("0 3 * * *".into()),
        retention: Default::default(),
    })
    .unwrap();

    let app = Arc::new(Mutex::new(app));
    let events = Arc::new(Mutex::new(Vec::<BackupEvent>::new()));
    let sink = Arc::clone(&events);
    let c = clock.clone();
    let scheduler = BackupScheduler::new(
        app.clone(),
        Arc::new(move |e| sink.lock().unwrap().push(e)),
        Arc::new(move || time::OffsetDateTime::from_unix_timestamp(c.now()).unwrap()),
    );
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let at = |t: time::OffsetDateTime| {
        clock.set(t.unix_timestamp());
        t
    };
    assert!(scheduler.due(at(datetime!(2026-03-01 12:30 UTC))).unwrap().is_empty());

    // Started two days later: two occurrences were missed, one catch-up run.
    let runs = rt.block_on(scheduler.tick(at(datetime!(2026-03-03 04:00 UTC)), true));
    assert_eq!(runs.len(), 1);
    assert!(runs[0].ok, "{:?}", runs[0].error);
    assert_eq!(runs[0].trigger, Trigger::Schedule);
    let missed: Vec<_> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            BackupEvent::Missed { source, missed } => Some((source.clone(), missed.clone())),
            _ => None,
        })
        .collect();
    let want = [datetime!(2026-03-02 03:00 UTC), datetime!(2026-03-03 03:00 UTC)];
    assert_eq!(missed, vec![("app".into(), want.iter().map(|t| t.unix_timestamp()).collect())]);
    assert!(events.lock().unwrap().iter().any(|e| matches!(e, BackupEvent::Finished { .. })));

    // Nothing is due until the next occurrence; then it runs on time (not missed).
    assert!(rt.block_on(scheduler.tick(at(datetime!(2026-03-03 04:01 UTC)), false)).is_empty());
    assert_eq!(
        scheduler.next_wake(datetime!(2026-03-03 04:01 UTC)),
        Some(datetime!(2026-03-04 03:00 UTC))
    );
    events.lock().unwrap().clear();
    let runs = rt.block_on(scheduler.tick(at(datetime!(2026-03-04 03:00:20 UTC)), false));
    assert_eq!(runs.len(), 1);
    assert!(!events.lock().unwrap().iter().any(|e| matches!(e, BackupEvent::Missed { .. })));

    let app = app.lock().unwrap();
    assert_eq!(app.backup_runs(Some("app"), 10).unwrap().len(), 2);
    for c in app.vault_list().unwrap() {
        let _ = app.vault_delete(&c.id);
    }
    let _ = app.keychain().delete(rampart_core::backups::IDENTITY_ITEM);
}
