//! The store's refusals a person reads, with their facts: the layers above say them in the
//! reader's language (the store knows no languages); `Display` is English, for logs.

use std::fmt;
use std::path::PathBuf;

/// Why the store refused or failed to do what it was asked. A failure's `error` is the
/// system's or SQLite's own text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// A folder (of the database, or above it) could not be created.
    CannotCreateFolder { dir: PathBuf, error: String },
    /// The database file could not be created.
    CannotCreate { db: PathBuf, error: String },
    /// The database could not be opened.
    CannotOpen { db: PathBuf, error: String },
    /// The database's schema could not be brought up to date.
    MigrationFailed { db: PathBuf, error: String },
    /// Other users can read or change the database: each such file and its mode.
    Exposed {
        db: PathBuf,
        files: Vec<(PathBuf, u32)>,
    },
    /// The database has a schema version newer than this host knows.
    NewerSchema { found: usize, known: usize },
    /// There is no database file to copy.
    NoDatabase { db: PathBuf },
    /// The copy would be the database itself.
    BackupIsDatabase { dest: PathBuf },
    /// The file for the copy exists already.
    BackupExists { dest: PathBuf },
    /// The path for the copy names no file.
    NotAFileName { dest: PathBuf },
    /// The copy could not be made (nothing is left at `dest`).
    BackupFailed { dest: PathBuf, error: String },
    /// No task has this id.
    NoTask { id: i64 },
    /// An organization with this id exists already.
    OrgExists { id: String },
}

impl StoreError {
    /// The files of [`StoreError::Exposed`] as `chmod` takes them, space-separated.
    pub fn exposed_files(files: &[(PathBuf, u32)]) -> String {
        let names: Vec<String> = files.iter().map(|(f, _)| f.display().to_string()).collect();
        names.join(" ")
    }
}

impl std::error::Error for StoreError {}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::CannotCreateFolder { dir, error } => {
                write!(f, "cannot create the folder {}: {error}; create it yourself, or choose another place for the database with --db or EXCHANGE_DB", dir.display())
            }
            StoreError::CannotCreate { db, error } => {
                write!(f, "cannot create the database {}: {error}; check the folder's permissions, or choose another database with --db or EXCHANGE_DB", db.display())
            }
            StoreError::CannotOpen { db, error } => {
                write!(f, "cannot open the database {}: {error}; check that it is the host's database and that the host's user can read and change it (choose the database with --db or EXCHANGE_DB)", db.display())
            }
            StoreError::MigrationFailed { db, error } => {
                write!(f, "cannot update the schema of {}: {error}", db.display())
            }
            StoreError::Exposed { db, files } => {
                let modes: Vec<String> = files
                    .iter()
                    .map(|(file, mode)| format!("{} has mode {mode:04o}", file.display()))
                    .collect();
                write!(
                    f,
                    "refusing to open the database {}: other users can read or change it ({}), and it holds access tokens and passwords. Make it private with: chmod 600 {}",
                    db.display(),
                    modes.join(", "),
                    StoreError::exposed_files(files)
                )
            }
            StoreError::NewerSchema { found, known } => write!(
                f,
                "the database has schema version {found}, newer than this host knows ({known}): a newer exchange-host wrote it. Nothing was changed; use that newer exchange-host, or restore a backup taken before the upgrade"
            ),
            StoreError::NoDatabase { db } => write!(
                f,
                "there is no database at {} (choose it with --db or EXCHANGE_DB)",
                db.display()
            ),
            StoreError::BackupIsDatabase { dest } => write!(
                f,
                "{} is the database itself: choose another file for the copy",
                dest.display()
            ),
            StoreError::BackupExists { dest } => write!(
                f,
                "{} exists already: choose a new file name (a backup never overwrites a file)",
                dest.display()
            ),
            StoreError::NotAFileName { dest } => {
                write!(f, "{} is not a file name: give the path of the new file, e.g. /var/backups/exchange.db", dest.display())
            }
            StoreError::BackupFailed { dest, error } => {
                write!(f, "no copy was made at {}: {error}", dest.display())
            }
            StoreError::NoTask { id } => {
                write!(f, "no task {id} (list the tasks with: exchange-host task list)")
            }
            StoreError::OrgExists { id } => write!(
                f,
                "organization {id:?} already exists (see: exchange-host org show {id})"
            ),
        }
    }
}
