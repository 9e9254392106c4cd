//! Schema versions, applied in order and recorded in `PRAGMA user_version`.

use crate::StoreError;
use rusqlite::Connection;

/// Each entry moves the schema one version up. Never edit a released entry: append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
    CREATE TABLE orgs (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_ms INTEGER NOT NULL
    );
    CREATE TABLE org_values (
        org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (org_id, key)
    );
    CREATE TABLE org_links (
        org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        type_id TEXT NOT NULL,
        table_json TEXT NOT NULL,
        task_id INTEGER,
        published_ms INTEGER NOT NULL,
        PRIMARY KEY (org_id, type_id)
    );
    CREATE TABLE school_data (
        org_id TEXT PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE,
        json TEXT NOT NULL,
        imported_ms INTEGER NOT NULL,
        imports INTEGER NOT NULL
    );
    CREATE TABLE call_links (
        org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        call_id TEXT NOT NULL,
        link TEXT NOT NULL,
        set_ms INTEGER NOT NULL,
        PRIMARY KEY (org_id, call_id)
    );
    CREATE TABLE tasks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        type_id TEXT NOT NULL,
        schedule TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        max_run_time_s INTEGER NOT NULL DEFAULT 3600,
        random_delay_s INTEGER NOT NULL DEFAULT 0,
        due_now INTEGER NOT NULL DEFAULT 0,
        created_ms INTEGER NOT NULL
    );
    CREATE TABLE task_params (
        task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (task_id, key)
    );
    CREATE TABLE task_state (
        task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (task_id, key)
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        org_id TEXT NOT NULL,
        started_ms INTEGER NOT NULL,
        ended_ms INTEGER,
        status TEXT NOT NULL,
        dry_run INTEGER NOT NULL DEFAULT 0,
        trigger TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        counters_json TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX runs_by_task ON runs(task_id, id);
    CREATE TABLE run_logs (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        at_ms INTEGER NOT NULL,
        level TEXT NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
    );
    "#, // 2: the web console's administrator password (an Argon2 PHC string; one row at most).
    r#"
    CREATE TABLE admin_password (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        hash TEXT NOT NULL,
        set_ms INTEGER NOT NULL
    );
    "#,
    // 3: run ownership. A run names its task type, its owner (the host process that drives
    // it), its worker and a lease the owner renews; at most one run of a task type per
    // organization is `running`. Runs left `running` by older hosts had no owner: they end
    // `interrupted` here, so that the index can hold.
    r#"
    ALTER TABLE runs ADD COLUMN type_id TEXT NOT NULL DEFAULT '';
    UPDATE runs SET type_id = COALESCE((SELECT type_id FROM tasks WHERE tasks.id = runs.task_id), '');
    ALTER TABLE runs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
    ALTER TABLE runs ADD COLUMN worker TEXT NOT NULL DEFAULT '';
    ALTER TABLE runs ADD COLUMN lease_until_ms INTEGER NOT NULL DEFAULT 0;
    UPDATE runs SET status = 'interrupted',
                    ended_ms = CAST(strftime('%s', 'now') AS INTEGER) * 1000,
                    message = 'the host stopped during the run'
     WHERE status = 'running';
    CREATE UNIQUE INDEX one_running_run_per_org_and_type ON runs(org_id, type_id)
     WHERE status = 'running';
    "#,
    // 4: a stop asked for through the database (from the web console of any host process);
    // the process that owns the run polls it and stops the run.
    r#"
    ALTER TABLE runs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
    "#,
    // 5: MAX bindings: the deep-link payload handed out per person of the school data (by
    // record key, so a binding survives re-imports) and the MAX user id that opened it.
    r#"
    CREATE TABLE max_bindings (
        org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
        person TEXT NOT NULL,
        payload TEXT NOT NULL,
        link TEXT NOT NULL,
        max_id INTEGER,
        offered_ms INTEGER NOT NULL,
        bound_ms INTEGER,
        PRIMARY KEY (org_id, person),
        UNIQUE (org_id, payload)
    );
    "#,
];

/// The schema version this host writes: the number of migrations it knows.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// Refuses a database whose schema is newer than this host knows, before anything changes.
pub fn refuse_newer(conn: &Connection) -> anyhow::Result<()> {
    let found = schema_version(conn)?;
    match found > MIGRATIONS.len() {
        true => Err(StoreError::NewerSchema {
            found,
            known: MIGRATIONS.len(),
        }
        .into()),
        false => Ok(()),
    }
}

/// The schema version the database records.
fn schema_version(conn: &Connection) -> anyhow::Result<usize> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

/// Applies every migration the database has not seen yet, each in its own transaction (the
/// caller refuses a newer schema first, with [`refuse_newer`]).
pub fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    let current = schema_version(conn)?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let now: usize = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if now > index {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
    }
    Ok(())
}
