//! The host's SQLite store: organizations and their Links base, school data, tasks, task
//! state, runs and their logs, and the web console's administrator password. One file, WAL
//! mode, safe for several host processes at once (a `serve` and an administrator's CLI).
//! Every write that belongs together is one transaction, so nothing is ever half-written.

pub mod admin;
mod migrations;
pub mod orgs;
pub mod runs;
pub mod school;
pub mod tasks;

use anyhow::Context as _;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The environment variable naming the database file.
pub const DB_ENV: &str = "EXCHANGE_DB";

/// An open store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// Milliseconds since the Unix epoch, the store's time unit.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A stored time shown in local time, e.g. `2026-11-28 11:30:05`.
pub fn show_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|| "?".into())
}

/// The database path: `--db`, else `EXCHANGE_DB`, else `exchange-host/exchange.db` in the
/// user's data directory (`$XDG_DATA_HOME`, else `~/.local/share`).
pub fn default_db_path() -> PathBuf {
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    data.join("exchange-host").join("exchange.db")
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the database folder {}", dir.display()))?;
        }
        let conn = Connection::open(path)
            .with_context(|| format!("cannot open the database {}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        migrations::migrate(&mut store.conn)
            .with_context(|| format!("cannot update the schema of {}", path.display()))?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `body` in one immediate (write-locking) transaction.
    pub fn write<T>(
        &mut self,
        body: impl FnOnce(&rusqlite::Transaction) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let value = body(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// A number that changes whenever another connection commits to the database
    /// (`PRAGMA data_version`): cheap polling for changes made by other processes.
    pub fn data_version(&self) -> anyhow::Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    /// The connection, for reads.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }
}
