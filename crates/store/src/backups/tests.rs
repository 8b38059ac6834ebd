//! Round trips, uniqueness, referential rules and history ordering of the backup tables.

use super::*;

fn target(name: &str) -> TargetRow {
    TargetRow {
        name: name.into(),
        endpoint: Some("http://127.0.0.1:3900".into()),
        region: "garage".into(),
        bucket: "b".into(),
        prefix: "p".into(),
        path_style: true,
        access_key_from: "s3-key".into(),
        secret_key_from: "s3-secret".into(),
        storage_class: None,
        created_at: 10,
    }
}

fn source(name: &str, target: &str) -> SourceRow {
    SourceRow {
        name: name.into(),
        kind: "command".into(),
        path: None,
        excludes: vec![],
        command: Some(vec!["pg_dump".into(), "-Fc".into(), "app db".into()]),
        env: vec![("PGPASSWORD".into(), "pg-pass".into())],
        target: target.into(),
        recipients: vec!["age1xyz".into()],
        schedule: Some("0 3 * * *".into()),
        retention: r#"{"keepWithin":"30d"}"#.into(),
        created_at: 11,
    }
}

fn run(source: &str, started_at: i64, ok: bool) -> RunRow {
    RunRow {
        id: 0,
        source: source.into(),
        started_at,
        finished_at: started_at + 5,
        ok,
        bytes_in: 100,
        bytes_out: 60,
        backup_id: ok.then(|| format!("id-{started_at}")),
        object_key: ok.then(|| format!("p/{source}/o-{started_at}")),
        error: (!ok).then(|| "boom".into()),
        retryable: !ok,
        trigger: "manual".into(),
    }
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (dir, store)
}

#[test]
fn targets_and_sources_round_trip_and_names_are_unique() {
    let (_d, s) = open();
    s.insert_backup_target(&target("garage")).unwrap();
    assert!(matches!(s.insert_backup_target(&target("garage")), Err(StoreError::NameInUse(_))));
    assert_eq!(s.backup_target("garage").unwrap(), target("garage"));
    let mut dir_source = source("app", "garage");
    dir_source.kind = "dir".into();
    dir_source.path = Some("/srv/app".into());
    dir_source.excludes = vec!["*.tmp".into(), "cache/**".into()];
    dir_source.command = None;
    dir_source.env = vec![];
    dir_source.schedule = None;
    s.insert_backup_source(&dir_source).unwrap();
    s.insert_backup_source(&source("db", "garage")).unwrap();
    assert!(matches!(
        s.insert_backup_source(&source("db", "garage")),
        Err(StoreError::NameInUse(_))
    ));
    assert_eq!(s.list_backup_sources().unwrap(), vec![dir_source, source("db", "garage")]);
    assert!(matches!(s.backup_source("nope"), Err(StoreError::NotFound(_))));
}

#[test]
fn a_source_needs_an_existing_target_and_pins_it() {
    let (_d, s) = open();
    assert!(s.insert_backup_source(&source("db", "missing")).is_err(), "foreign key");
    s.insert_backup_target(&target("t")).unwrap();
    s.insert_backup_source(&source("db", "t")).unwrap();
    let err = s.delete_backup_target("t").unwrap_err().to_string();
    assert!(err.contains("used by the sources db"), "{err}");
    s.delete_backup_source("db").unwrap();
    s.delete_backup_target("t").unwrap();
    assert!(matches!(s.delete_backup_target("t"), Err(StoreError::NotFound(_))));
    assert!(s.list_backup_targets().unwrap().is_empty());
}

#[test]
fn runs_and_drills_come_back_newest_first_and_go_with_their_source() {
    let (_d, s) = open();
    s.insert_backup_target(&target("t")).unwrap();
    s.insert_backup_source(&source("a", "t")).unwrap();
    s.insert_backup_source(&source("b", "t")).unwrap();
    for (src, at, ok) in [("a", 100, true), ("a", 300, false), ("b", 200, true)] {
        s.insert_backup_run(&run(src, at, ok)).unwrap();
    }
    let all = s.backup_runs(None, 10).unwrap();
    assert_eq!(all.iter().map(|r| r.started_at).collect::<Vec<_>>(), vec![300, 200, 100]);
    let a = s.backup_runs(Some("a"), 1).unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].error.as_deref(), Some("boom"));
    assert!(!a[0].ok && a[0].retryable && a[0].id > 0);
    let ok = &s.backup_runs(Some("a"), 5).unwrap()[1];
    assert_eq!((ok.ok, ok.backup_id.as_deref(), ok.bytes_out), (true, Some("id-100"), 60));

    let drill = |at, ok| DrillRow {
        source: "a".into(),
        backup_id: Some("id-100".into()),
        at,
        ok,
        message: if ok { "restored 100 bytes".into() } else { "wrong key".into() },
    };
    s.insert_backup_drill(&drill(400, false)).unwrap();
    s.insert_backup_drill(&drill(500, true)).unwrap();
    assert_eq!(s.backup_drills(Some("a"), 1).unwrap(), vec![drill(500, true)]);
    assert!(s.backup_drills(Some("b"), 5).unwrap().is_empty());

    s.delete_backup_source("a").unwrap();
    assert!(s.backup_runs(Some("a"), 10).unwrap().is_empty());
    assert!(s.backup_drills(None, 10).unwrap().is_empty());
    assert_eq!(s.backup_runs(None, 10).unwrap().len(), 1);
}
