//! The scan cache, like GStreamer's plugin registry: what each plugin library said about
//! itself the last time it was scanned, so a library is loaded (in a scanner child process)
//! again only when it changes. A library that was refused, crashed or hung while it was
//! scanned stays refused, with its reason, until it changes.
//!
//! The cache is a JSON file beside the database, owner-only. It belongs to one build of the
//! host: a different `exchange-host` executable (an upgrade, another ABI) starts afresh.
//! Several host processes may share it: each writes the whole file atomically (a temporary
//! file renamed over it) after merging its new entries into what is on disk, so the worst a
//! race does is forget an entry, which is scanned again. A file that cannot be read as the
//! current format (an older host's) counts as no cache at all.

use super::reason::Reason;
use exchange_sdk::{Manifest, PluginCapabilities};
use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The cache file's name, in the database's folder.
pub const CACHE_FILE_NAME: &str = "plugin-scan-cache.json";

/// What identifies one version of a file: a changed file has another identity (an edit
/// changes the size or times, a replacement by rename changes the inode).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileIdentity {
    dev: u64,
    ino: u64,
    size: u64,
    mtime_ns: i64,
    ctime_ns: i64,
}

impl FileIdentity {
    /// The identity of the file at `path` (symlinks followed).
    pub fn of(path: &Path) -> std::io::Result<FileIdentity> {
        let m = std::fs::metadata(path)?;
        Ok(FileIdentity {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime_ns: m.mtime() * 1_000_000_000 + m.mtime_nsec(),
            ctime_ns: m.ctime() * 1_000_000_000 + m.ctime_nsec(),
        })
    }
}

/// What a plugin library says of itself.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Described {
    pub manifest: Manifest,
    /// What it offers beyond ABI 1.0.
    pub capabilities: PluginCapabilities,
}

/// What a scan of one library found.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scanned {
    /// The library is a plugin and described itself.
    Plugin(Box<Described>),
    /// The library is not a usable plugin, and why.
    Refused(Reason),
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Entry {
    identity: FileIdentity,
    scanned: Scanned,
}

/// The cache's contents.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct ScanCache {
    /// The `exchange-host` executable the entries were made by.
    host: FileIdentity,
    /// By the library's canonical path.
    entries: BTreeMap<PathBuf, Entry>,
}

impl ScanCache {
    /// The cache in `file` if it was made by the executable `host`, else an empty one.
    /// A missing or unreadable cache is an empty one: it only saves time.
    pub fn load(file: &Path, host: &FileIdentity) -> ScanCache {
        let cache = std::fs::read(file)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<ScanCache>(&bytes).ok());
        match cache {
            Some(cache) if &cache.host == host => cache,
            _ => ScanCache {
                host: host.clone(),
                entries: BTreeMap::new(),
            },
        }
    }

    /// What the library at `path` said when it had this identity.
    pub fn get(&self, path: &Path, identity: &FileIdentity) -> Option<&Scanned> {
        self.entries
            .get(path)
            .filter(|e| &e.identity == identity)
            .map(|e| &e.scanned)
    }

    /// Records a scan (in memory; see [`ScanCache::save`]).
    pub fn insert(&mut self, path: PathBuf, identity: FileIdentity, scanned: Scanned) {
        self.entries.insert(path, Entry { identity, scanned });
    }

    /// Merges `self`'s entries into the cache in `file` (re-read now, since another host
    /// process may have written it), drops entries of files that are gone, and writes it
    /// owner-only and atomically.
    pub fn save(self, file: &Path) -> std::io::Result<()> {
        let mut merged = ScanCache::load(file, &self.host);
        merged.entries.extend(self.entries);
        merged.entries.retain(|path, _| path.exists());
        let json = serde_json::to_vec_pretty(&merged).map_err(std::io::Error::other)?;
        let temporary = file.with_extension(format!("{}.tmp", std::process::id()));
        let written = (|| {
            let mut out = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&temporary)?;
            out.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            out.write_all(&json)?;
            out.sync_all()?;
            std::fs::rename(&temporary, file)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_counts_only_for_the_same_file_version_and_host() {
        let dir = tempfile::tempdir().unwrap();
        let library = dir.path().join("libx.so");
        std::fs::write(&library, b"one").unwrap();
        let exe = dir.path().join("exchange-host");
        std::fs::write(&exe, b"host").unwrap();
        let host = FileIdentity::of(&exe).unwrap();
        let file = dir.path().join(CACHE_FILE_NAME);

        let mut cache = ScanCache::load(&file, &host);
        let identity = FileIdentity::of(&library).unwrap();
        cache.insert(
            library.clone(),
            identity.clone(),
            Scanned::Refused(Reason::NoPluginExport),
        );
        cache.save(&file).unwrap();
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);

        let cache = ScanCache::load(&file, &host);
        assert_eq!(
            cache.get(&library, &identity),
            Some(&Scanned::Refused(Reason::NoPluginExport))
        );
        std::fs::write(&library, b"changed").unwrap();
        let changed = FileIdentity::of(&library).unwrap();
        assert_eq!(cache.get(&library, &changed), None);

        std::fs::write(&exe, b"another host build").unwrap();
        let other_host = FileIdentity::of(&exe).unwrap();
        assert_eq!(
            ScanCache::load(&file, &other_host).get(&library, &identity),
            None
        );
    }
}
