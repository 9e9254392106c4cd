//! Upgrades and backups through the real binary: a database written by the previous release
//! (`tests/fixtures/old-release-a9d37d1.sql`) opens and migrates with everything in it; a
//! database of a newer release is refused and left alone; a failing migration leaves the
//! database at its previous version; `backup` copies a database in use.

mod common;

use common::*;
use rusqlite::Connection;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

const OLD_RELEASE: &str = include_str!("fixtures/old-release-a9d37d1.sql");

/// A host folder with the Sferum sync plugin.
struct Host(HostDir);

impl std::ops::Deref for Host {
    type Target = HostDir;

    fn deref(&self) -> &HostDir {
        &self.0
    }
}

impl Host {
    /// A host whose database is loaded from `sql` (an owner-only file, as the host wants).
    fn with_dump(sql: &str) -> Host {
        let h = Host(HostDir::new());
        h.install("sferum_sync");
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&h.db)
            .unwrap();
        Connection::open(&h.db).unwrap().execute_batch(sql).unwrap();
        h
    }
}

fn user_version(db: &Path) -> i64 {
    Connection::open(db)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap()
}

/// Every row of the tables the previous release had, as text, table by table.
fn contents(db: &Path) -> Vec<(String, Vec<String>)> {
    let conn = Connection::open(db).unwrap();
    let tables = [
        ("orgs", "id, name, created_ms"),
        ("org_values", "org_id, key, value"),
        ("org_links", "org_id, type_id, table_json, task_id, published_ms"),
        ("school_data", "org_id, json, imported_ms, imports"),
        ("call_links", "org_id, call_id, link, set_ms"),
        ("tasks", "id, org_id, type_id, schedule, enabled, max_run_time_s, random_delay_s, due_now, created_ms"),
        ("task_params", "task_id, key, value"),
        ("task_state", "task_id, key, value"),
        ("runs", "id, task_id, org_id, started_ms, ended_ms, status, dry_run, trigger, message, counters_json"),
        ("run_logs", "run_id, seq, at_ms, level, message"),
    ];
    tables
        .iter()
        .map(|(table, columns)| {
            let sql = format!("SELECT json_array({columns}) FROM {table} ORDER BY 1");
            let mut stmt = conn.prepare(&sql).unwrap();
            let rows = stmt
                .query_map([], |r| r.get::<_, String>(0))
                .unwrap()
                .collect::<Result<Vec<_>, _>>()
                .unwrap();
            (table.to_string(), rows)
        })
        .collect()
}

#[test]
fn a_database_of_the_previous_release_migrates_with_everything_in_it() {
    let h = Host::with_dump(OLD_RELEASE);
    assert_eq!(user_version(&h.db), 2);
    let before = contents(&h.db);
    for (table, rows) in &before {
        if table != "org_links" && table != "call_links" {
            assert!(!rows.is_empty(), "the fixture has no {table}");
        }
    }

    let runs = h.cli(&["runs"]).ok();
    assert_eq!(
        user_version(&h.db),
        exchange_store::SCHEMA_VERSION as i64,
        "not migrated"
    );
    assert_eq!(contents(&h.db), before, "the migration changed data");
    let conn = Connection::open(&h.db).unwrap();
    let types: Vec<String> = conn
        .prepare("SELECT DISTINCT type_id FROM runs")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(types, ["sferum-sync"], "runs got their task type");

    // Through the CLI as an administrator sees it.
    assert!(
        runs.stdout.contains("53 chats: 53 created"),
        "{}",
        runs.stdout
    );
    assert_eq!(runs.stdout.lines().count(), 4, "{}", runs.stdout);
    let task = h.cli(&["task", "show", "1"]).ok().stdout;
    assert!(task.contains("subject_chats = 1"), "{task}");
    assert!(task.contains("every 30 minutes"), "{task}");
    let second = h.cli(&["task", "show", "2"]).ok().stdout;
    assert!(second.contains("disabled"), "{second}");
    assert!(second.contains("max_removals_percent = 10"), "{second}");
    let org = h.cli(&["org", "show", "fixture-school"]).ok().stdout;
    assert!(org.contains("100239") && org.contains("••••oken"), "{org}");
    let school = h.cli(&["school", "show", "fixture-school"]).ok().stdout;
    assert!(school.contains("40"), "{school}");
    let links = h.cli(&["links", "fixture-school"]).ok().stdout;
    assert!(links.contains("https://sferum.ru/"), "{links}");
    let logs = h.cli(&["logs", "1"]).ok().stdout;
    assert!(!logs.trim().is_empty());
    // The task state the plugin keeps (its chats by purpose) is there for the next run.
    let state: String = conn
        .query_row(
            "SELECT value FROM task_state WHERE task_id = 1 AND key = 'sferum-sync'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(state.contains("class:"), "{state}");
}

#[test]
fn a_database_of_a_newer_release_is_refused_and_left_alone() {
    let h = Host::with_dump(OLD_RELEASE);
    h.cli(&["runs"]).ok();
    {
        let conn = Connection::open(&h.db).unwrap();
        conn.execute_batch("CREATE TABLE from_the_future (x INTEGER); PRAGMA user_version = 99;")
            .unwrap();
    }
    let schema = |db: &Path| -> Vec<String> {
        let conn = Connection::open(db).unwrap();
        let mut stmt = conn
            .prepare("SELECT type || ' ' || name || ' ' || IFNULL(sql, '') FROM sqlite_master ORDER BY 1")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let before = (schema(&h.db), contents(&h.db));
    for args in [&["runs"][..], &["org", "list"], &["serve"]] {
        let run = h.cli(args).failed();
        let text = run.all();
        assert!(
            text.contains(&format!(
                "schema version 99, newer than this host knows ({})",
                exchange_store::SCHEMA_VERSION
            )),
            "{args:?}: {text}"
        );
        assert!(text.contains("newer exchange-host"), "{text}");
    }
    assert_eq!(user_version(&h.db), 99);
    assert_eq!((schema(&h.db), contents(&h.db)), before);
}

#[test]
fn a_failing_migration_leaves_the_previous_version() {
    // Migration 3 creates this index; an object of that name makes it fail half-way.
    let sql = OLD_RELEASE.replace(
        "PRAGMA user_version=2;",
        "CREATE TABLE one_running_run_per_org_and_type (x INTEGER);\nPRAGMA user_version=2;",
    );
    let h = Host::with_dump(&sql);
    let before = contents(&h.db);
    let run = h.cli(&["runs"]).failed();
    assert!(
        run.all().contains("cannot update the schema"),
        "{}",
        run.all()
    );
    assert_eq!(user_version(&h.db), 2);
    let conn = Connection::open(&h.db).unwrap();
    let has_type_id: bool = conn
        .query_row(
            "SELECT COUNT(*) FROM pragma_table_info('runs') WHERE name = 'type_id'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!has_type_id, "migration 3 left a column behind");
    assert_eq!(contents(&h.db), before);
}

#[test]
fn backup_copies_a_database_in_use_owner_only() {
    let h = Host::with_dump(OLD_RELEASE);
    h.cli(&["runs"]).ok();
    // Another connection holds the database open with uncheckpointed changes in its -wal.
    let live = Connection::open(&h.db).unwrap();
    live.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    live.execute(
        "UPDATE orgs SET name = 'renamed while live' WHERE id = 'second-school'",
        [],
    )
    .unwrap();
    let copy = h.db.with_file_name("copy.db");
    let run = h.cli(&["backup", copy.to_str().unwrap()]).ok();
    let version = format!("schema version {}", exchange_store::SCHEMA_VERSION);
    assert!(run.stdout.contains(&version), "{}", run.stdout);
    let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(!copy.with_file_name("copy.db-wal").exists());
    assert_eq!(contents(&copy), contents(&h.db));
    let name: String = Connection::open(&copy)
        .unwrap()
        .query_row(
            "SELECT name FROM orgs WHERE id = 'second-school'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "renamed while live");
    // Restoring is putting the copy in place: the host opens it as it is.
    let restored = h.db.with_file_name("restored.db");
    std::fs::copy(&copy, &restored).unwrap();
    std::fs::set_permissions(&restored, std::fs::Permissions::from_mode(0o600)).unwrap();
    let runs = host(&h.plugins, &["--db", restored.to_str().unwrap(), "runs"])
        .ok()
        .stdout;
    assert_eq!(runs.lines().count(), 4, "{runs}");
    // Never over an existing file.
    let again = h.cli(&["backup", copy.to_str().unwrap()]).failed();
    assert!(again.all().contains("exists already"), "{}", again.all());
    drop(live);
}
