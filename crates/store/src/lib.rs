//! The host's SQLite store: organizations and their Links base, school data, tasks, task
//! state, runs and their logs, and the web console's administrator password. One file, WAL
//! mode, safe for several host processes at once (a `serve` and an administrator's CLI).
//! Every write that belongs together is one transaction, so nothing is ever half-written.
//!
//! The crate is the bottom of the host: it knows SQLite, the `school-data/1` model and the
//! plugins' data types from `exchange-sdk`, and nothing of plugins' loading, runs, the web
//! console or the command line. Only it writes SQL.

pub mod admin;
pub mod backup;
mod error;
pub use error::StoreError;
pub mod max_bindings;
mod migrations;
pub use migrations::SCHEMA_VERSION;
pub mod orgs;
pub mod runs;
pub mod schedule;
pub use schedule::Schedule;
pub mod school;
pub mod tasks;

use rusqlite::Connection;
use std::fs::{DirBuilder, OpenOptions, Permissions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
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
    ///
    /// The database holds access tokens and passwords, so a new database, its folder and its
    /// `-wal`/`-shm` files are created readable by the owner only, whatever the umask, and a
    /// database that other users can read or change is refused with the command that fixes it
    /// ([`StoreError::Exposed`]), as is a database of a newer host ([`StoreError::NewerSchema`]).
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        prepare_private_database(path)?;
        let conn = Connection::open(path).map_err(|e| StoreError::CannotOpen {
            db: path.to_path_buf(),
            error: e.to_string(),
        })?;
        conn.busy_timeout(Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        migrations::refuse_newer(&store.conn)?;
        migrations::migrate(&mut store.conn).map_err(|e| StoreError::MigrationFailed {
            db: path.to_path_buf(),
            error: format!("{e:#}"),
        })?;
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

/// Permission bits that let users other than the owner read, change or enter a file.
const OTHERS_BITS: u32 = 0o077;

/// Creates the folders up to `dir` that are missing, each owner-only (0700) whatever the
/// umask; existing folders are left as they are. A failure is
/// [`StoreError::CannotCreateFolder`].
pub fn create_private_dirs(dir: &Path) -> anyhow::Result<()> {
    let missing: Vec<&Path> = dir.ancestors().take_while(|d| !d.exists()).collect();
    for dir in missing
        .into_iter()
        .rev()
        .filter(|d| !d.as_os_str().is_empty())
    {
        match DirBuilder::new().mode(0o700).create(dir) {
            Ok(()) => std::fs::set_permissions(dir, Permissions::from_mode(0o700)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(e),
        }
        .map_err(|e| StoreError::CannotCreateFolder {
            dir: dir.to_path_buf(),
            error: e.to_string(),
        })?;
    }
    Ok(())
}

/// Creates the database file owner-only (0600) if it is missing, and refuses a database whose
/// file, `-wal` or `-shm` file other users can read or change. SQLite gives the `-wal` and
/// `-shm` files it creates the mode of the database file.
fn prepare_private_database(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dirs(dir)?;
    }
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        // The umask may have taken bits the owner needs: set the mode explicitly.
        Ok(file) => file.set_permissions(Permissions::from_mode(0o600)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
    .map_err(|e| StoreError::CannotCreate {
        db: path.to_path_buf(),
        error: e.to_string(),
    })?;
    let files: Vec<(PathBuf, u32)> = database_files(path)
        .into_iter()
        .filter_map(|file| {
            let mode = std::fs::metadata(&file).ok()?.permissions().mode() & 0o777;
            (mode & OTHERS_BITS != 0).then_some((file, mode))
        })
        .collect();
    match files.is_empty() {
        true => Ok(()),
        false => Err(StoreError::Exposed {
            db: path.to_path_buf(),
            files,
        }
        .into()),
    }
}

/// The database file and the `-wal` and `-shm` files SQLite keeps beside it.
fn database_files(path: &Path) -> Vec<PathBuf> {
    let with_suffix = |suffix: &str| {
        let mut name = path.as_os_str().to_os_string();
        name.push(suffix);
        PathBuf::from(name)
    };
    vec![path.to_path_buf(), with_suffix("-wal"), with_suffix("-shm")]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_database_and_its_folders_are_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a/b/exchange.db");
        let store = Store::open(&db).unwrap();
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&dir.path().join("a/b")), 0o700);
        // While the store is open, the -wal and -shm files exist.
        for file in database_files(&db) {
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
        drop(store);
    }

    #[test]
    fn a_database_others_can_read_is_refused_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("exchange.db");
        drop(Store::open(&db).unwrap());
        std::fs::set_permissions(&db, Permissions::from_mode(0o640)).unwrap();
        let refusal = Store::open(&db).err().unwrap();
        assert_eq!(
            refusal.downcast_ref::<StoreError>(),
            Some(&StoreError::Exposed {
                db: db.clone(),
                files: vec![(db.clone(), 0o640)]
            })
        );
        let error = format!("{refusal:#}");
        assert!(error.contains("other users can read"), "{error}");
        assert!(error.contains("mode 0640"), "{error}");
        assert!(
            error.contains(&format!("chmod 600 {}", db.display())),
            "{error}"
        );
        std::fs::set_permissions(&db, Permissions::from_mode(0o600)).unwrap();
        Store::open(&db).unwrap();
    }
}
