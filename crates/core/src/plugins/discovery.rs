//! Where plugins are looked for, and which files are candidates.

use super::reason::{Exposure, Place, Reason};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The environment variable with plugin folders, separated by `:`.
pub const PLUGINS_ENV: &str = "EXCHANGE_PLUGINS";

/// The folders to search: those given with `--plugins`, else those of `EXCHANGE_PLUGINS`,
/// else the executable's own folder and its `plugins/` subfolder.
pub fn plugin_dirs(
    cli_dirs: &[PathBuf],
    env_value: Option<&str>,
    exe: Option<&Path>,
) -> Vec<PathBuf> {
    if !cli_dirs.is_empty() {
        return cli_dirs.to_vec();
    }
    if let Some(value) = env_value.filter(|v| !v.trim().is_empty()) {
        return value
            .split(':')
            .filter(|part| !part.is_empty())
            .map(PathBuf::from)
            .collect();
    }
    match exe.and_then(Path::parent) {
        Some(dir) => vec![dir.to_path_buf(), dir.join("plugins")],
        None => Vec::new(),
    }
}

/// Shared-library files in `dir` (by the platform's extension), sorted by name: regular
/// files and symlinks, dangling ones included (they are refused with their reason).
/// A folder that does not exist yields nothing.
pub fn candidate_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_symlink() || t.is_file()))
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|ext| ext == std::env::consts::DLL_EXTENSION)
        })
        .filter(|p| !p.is_dir())
        .collect();
    files.sort();
    files
}

/// Why `file` must not be loaded, if it must not: a plugin runs with the host's rights, so
/// nobody else may be able to replace its code. Like sshd's `StrictModes`: a symlink is
/// judged by its target; the library and every folder above it, up to the root, must belong
/// to root or to the host's user and must not be writable by group or others (a folder above
/// the library's own may be world-writable with the sticky bit, like `/tmp`: others cannot
/// rename what is in it). The folder the file is listed in is checked too, since whoever can
/// write there can swap a symlink.
pub fn permission_problem(file: &Path) -> Option<Reason> {
    let target = match std::fs::canonicalize(file) {
        Ok(target) => target,
        Err(e) => {
            let error = e.to_string();
            return Some(match std::fs::read_link(file) {
                Ok(link) => Reason::LinkUnreachable { link, error },
                Err(_) => Reason::Unreadable { error },
            });
        }
    };
    let is_link = std::fs::symlink_metadata(file).is_ok_and(|m| m.file_type().is_symlink());
    let metadata = match std::fs::metadata(&target) {
        Ok(m) if m.is_file() => m,
        Ok(_) => return Some(Reason::NotRegularFile { target }),
        Err(e) => {
            return Some(Reason::Unreadable {
                error: e.to_string(),
            })
        }
    };
    let host_user = host_user();
    if let Some(exposure) = exposure(&metadata, host_user) {
        let place = match is_link {
            true => Place::LinkTarget,
            false => Place::File,
        };
        return Some(Reason::Exposed {
            place,
            path: target,
            exposure,
        });
    }
    let listed_in = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut folders: Vec<PathBuf> = std::fs::canonicalize(listed_in).into_iter().collect();
    folders.extend(target.parent().map(Path::to_path_buf));
    folders.dedup();
    folders
        .iter()
        .find_map(|folder| folder_chain_problem(folder, host_user))
}

/// The host's effective user id.
fn host_user() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// How someone other than the host's user (or root) could change a file or folder, if they
/// could.
fn exposure(metadata: &std::fs::Metadata, host_user: u32) -> Option<Exposure> {
    let mode = metadata.permissions().mode();
    let owner = metadata.uid();
    if owner != 0 && owner != host_user {
        Some(Exposure::Owner { owner, host_user })
    } else if mode & 0o002 != 0 {
        Some(Exposure::WorldWritable)
    } else if mode & 0o020 != 0 {
        Some(Exposure::GroupWritable)
    } else {
        None
    }
}

/// Checks `own` (the folder holding a library, or listing it) and every folder above it.
fn folder_chain_problem(own: &Path, host_user: u32) -> Option<Reason> {
    for (depth, folder) in own.ancestors().enumerate() {
        let Ok(metadata) = std::fs::metadata(folder) else {
            continue;
        };
        let Some(exposure) = exposure(&metadata, host_user) else {
            continue;
        };
        let exposed = |place| Reason::Exposed {
            place,
            path: folder.to_path_buf(),
            exposure,
        };
        if depth == 0 {
            return Some(exposed(Place::Folder));
        }
        // Like `/tmp`: in a folder with the sticky bit others cannot rename or remove what
        // they do not own, and the folders below are checked to belong to the host's user.
        let sticky = metadata.permissions().mode() & 0o1000 != 0;
        let owned = metadata.uid() == 0 || metadata.uid() == host_user;
        if sticky && owned {
            continue;
        }
        return Some(exposed(Place::FolderAbove));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    /// Why `file` is refused, in English.
    fn problem_of(file: &Path) -> String {
        permission_problem(file).expect("refused").message(Lang::En)
    }

    #[test]
    fn cli_folders_win_over_environment_and_defaults() {
        let dirs = plugin_dirs(
            &[PathBuf::from("/a")],
            Some("/b:/c"),
            Some(Path::new("/bin/x")),
        );
        assert_eq!(dirs, [PathBuf::from("/a")]);
    }

    #[test]
    fn environment_is_colon_separated() {
        let dirs = plugin_dirs(&[], Some("/b::/c"), Some(Path::new("/bin/x")));
        assert_eq!(dirs, [PathBuf::from("/b"), PathBuf::from("/c")]);
    }

    #[test]
    fn default_is_executable_folder_and_its_plugins_subfolder() {
        let dirs = plugin_dirs(&[], None, Some(Path::new("/opt/host/exchange-host")));
        assert_eq!(
            dirs,
            [
                PathBuf::from("/opt/host"),
                PathBuf::from("/opt/host/plugins")
            ]
        );
    }

    #[test]
    fn world_writable_file_and_folder_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("libx.so");
        std::fs::write(&file, b"x").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(permission_problem(&file), None);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
        assert!(problem_of(&file).contains("file is world-writable"));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(problem_of(&file).contains("folder"));
    }

    /// A private folder for one test, with a library file of mode 0644 in `sub`.
    fn library_in(sub: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join(sub);
        std::fs::create_dir_all(&folder).unwrap();
        let file = folder.join("libx.so");
        std::fs::write(&file, b"x").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        (dir, file)
    }

    fn chmod(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn a_group_writable_library_is_refused() {
        let (_dir, file) = library_in("plugins");
        chmod(&file, 0o664);
        let problem = problem_of(&file);
        assert!(problem.contains("group-writable"), "{problem}");
        assert!(problem.contains("chmod g-w"), "{problem}");
    }

    #[test]
    fn a_symlink_is_judged_by_its_target_and_the_target_folder() {
        let (dir, target) = library_in("elsewhere");
        let plugins = dir.path().join("plugins");
        std::fs::create_dir(&plugins).unwrap();
        let link = plugins.join("liblinked.so");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(permission_problem(&link), None);
        chmod(&dir.path().join("elsewhere"), 0o777);
        let problem = problem_of(&link);
        assert!(problem.contains("elsewhere is world-writable"), "{problem}");
        chmod(&dir.path().join("elsewhere"), 0o755);
        chmod(&target, 0o666);
        let problem = problem_of(&link);
        assert!(problem.contains("(the symlink's target)"), "{problem}");
    }

    #[test]
    fn every_folder_up_to_the_root_counts_unless_it_is_sticky() {
        let (dir, file) = library_in("parent/plugins");
        let parent = dir.path().join("parent");
        chmod(&parent, 0o777);
        let problem = problem_of(&file);
        assert!(
            problem.contains(&format!(
                "the folder {} above it is world-writable",
                parent.display()
            )),
            "{problem}"
        );
        chmod(&parent, 0o770);
        assert!(problem_of(&file).contains("group-writable"));
        chmod(&parent, 0o1777);
        assert_eq!(permission_problem(&file), None);
        chmod(&parent, 0o755);
    }

    #[test]
    fn a_dangling_symlink_is_listed_and_skipped_with_its_reason() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("libgone.so");
        std::os::unix::fs::symlink(dir.path().join("missing.so"), &link).unwrap();
        assert_eq!(candidate_files(dir.path()), std::slice::from_ref(&link));
        let problem = problem_of(&link);
        assert!(
            problem.contains("missing.so, which cannot be reached"),
            "{problem}"
        );
    }
}
