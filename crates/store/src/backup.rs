//! `exchange-host backup FILE`: a consistent copy of a database that may be in use, made
//! with SQLite's online backup API.

use crate::StoreError;
use anyhow::Context as _;
use rusqlite::{Connection, OpenFlags};
use std::fs::{OpenOptions, Permissions};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::time::Duration;

/// What a backup wrote.
#[derive(Debug, Clone, Copy)]
pub struct Copied {
    /// The size of the copy in bytes.
    pub bytes: u64,
    /// The copy's schema version (`PRAGMA user_version`).
    pub schema_version: i64,
}

/// Copies the database `db` to the new file `dest`, owner-only (0600).
///
/// The copy is one snapshot of the database (a single read transaction, so writers in other
/// processes go on meanwhile), written to a temporary file beside `dest`, checked with
/// `PRAGMA quick_check`, made self-contained (no `-wal` file), and only then renamed to
/// `dest`. The database is opened as it is: neither created nor migrated, so a copy taken
/// before an upgrade keeps the old schema. `dest` must not exist: the refusals are
/// [`StoreError`]s.
pub fn backup(db: &Path, dest: &Path) -> anyhow::Result<Copied> {
    refuse(db, dest)?;
    let source = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::CannotOpen {
        db: db.to_path_buf(),
        error: e.to_string(),
    })?;
    source.busy_timeout(Duration::from_secs(30))?;

    let name = dest.file_name().ok_or_else(|| StoreError::NotAFileName {
        dest: dest.to_path_buf(),
    })?;
    let mut partial_name = std::ffi::OsString::from(".");
    partial_name.push(name);
    partial_name.push(format!(".partial-{}", std::process::id()));
    let partial = dest.with_file_name(partial_name);
    let result = copy_into(&source, &partial).and_then(|copied| {
        std::fs::rename(&partial, dest)
            .with_context(|| format!("cannot rename the copy to {}", dest.display()))?;
        if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
            // The rename itself is durable once the folder is synced.
            if let Ok(dir) = std::fs::File::open(dir) {
                let _ = dir.sync_all();
            }
        }
        Ok(copied)
    });
    result.map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        StoreError::BackupFailed {
            dest: dest.to_path_buf(),
            error: format!("{e:#}"),
        }
        .into()
    })
}

/// Why no copy of `db` is made at `dest`, if none may be.
fn refuse(db: &Path, dest: &Path) -> Result<(), StoreError> {
    if !db.exists() {
        return Err(StoreError::NoDatabase {
            db: db.to_path_buf(),
        });
    }
    let dest_path = || dest.to_path_buf();
    if let (Ok(a), Ok(b)) = (std::fs::metadata(db), std::fs::metadata(dest)) {
        if (a.dev(), a.ino()) == (b.dev(), b.ino()) {
            return Err(StoreError::BackupIsDatabase { dest: dest_path() });
        }
    }
    if dest.symlink_metadata().is_ok() {
        return Err(StoreError::BackupExists { dest: dest_path() });
    }
    Ok(())
}

/// Writes the whole of `source` into the new file `path`, synced to disk.
fn copy_into(source: &Connection, path: &Path) -> anyhow::Result<Copied> {
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    // The umask may have taken bits the owner needs: set the mode explicitly.
    file.set_permissions(Permissions::from_mode(0o600))?;
    drop(file);
    let mut copy = Connection::open(path)?;
    {
        use rusqlite::backup::{Backup, StepResult};
        let backup = Backup::new(source, &mut copy)?;
        // -1: every page in one step, i.e. one read transaction on the source.
        loop {
            match backup.step(-1).context("the online backup failed")? {
                StepResult::Done => break,
                StepResult::More | StepResult::Busy | StepResult::Locked => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                other => anyhow::bail!("the online backup stopped: {other:?}"),
            }
        }
    }
    let mode: String =
        copy.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
    anyhow::ensure!(
        mode.eq_ignore_ascii_case("delete"),
        "the copy stays in journal mode {mode}"
    );
    let check: String = copy.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    anyhow::ensure!(check == "ok", "the copy fails its check: {check}");
    let schema_version: i64 = copy.pragma_query_value(None, "user_version", |r| r.get(0))?;
    drop(copy);
    let file = std::fs::File::open(path)?;
    file.sync_all()?;
    Ok(Copied {
        bytes: file.metadata()?.len(),
        schema_version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    #[test]
    fn a_copy_is_owner_only_complete_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("exchange.db");
        let mut store = Store::open(&db).unwrap();
        store.add_org("school", "Школа").unwrap();
        let dest = dir.path().join("copy.db");
        let copied = backup(&db, &dest).unwrap();
        assert_eq!(
            std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(copied.bytes > 0);
        assert_eq!(copied.schema_version, crate::SCHEMA_VERSION as i64);
        // The store still has its connection open (and its -wal): the copy holds the org.
        let copy = Connection::open(&dest).unwrap();
        let name: String = copy
            .query_row("SELECT name FROM orgs WHERE id = 'school'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(name, "Школа");
        let again = backup(&db, &dest).unwrap_err();
        assert_eq!(
            again.downcast_ref::<StoreError>(),
            Some(&StoreError::BackupExists { dest: dest.clone() })
        );
        assert!(again.to_string().contains("exists already"), "{again}");
        let itself = format!("{:#}", backup(&db, &db).unwrap_err());
        assert!(itself.contains("the database itself"), "{itself}");
        let missing = format!(
            "{:#}",
            backup(&dir.path().join("none.db"), &dir.path().join("x.db")).unwrap_err()
        );
        assert!(missing.contains("no database"), "{missing}");
        drop(store);
    }
}
