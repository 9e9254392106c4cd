//! Where plugins are looked for, and which files are candidates.

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
pub fn permission_problem(file: &Path) -> Option<String> {
    let target = match std::fs::canonicalize(file) {
        Ok(target) => target,
        Err(e) => {
            return Some(match std::fs::read_link(file) {
                Ok(link) => format!(
                    "skipped: it is a symlink to {}, which cannot be reached ({e}); fix the link or remove it",
                    link.display()
                ),
                Err(_) => format!("skipped: it cannot be read ({e})"),
            });
        }
    };
    let is_link = std::fs::symlink_metadata(file).is_ok_and(|m| m.file_type().is_symlink());
    let metadata = match std::fs::metadata(&target) {
        Ok(m) if m.is_file() => m,
        Ok(_) => {
            return Some(format!(
                "skipped: {} is not a regular file",
                target.display()
            ))
        }
        Err(e) => return Some(format!("skipped: it cannot be read ({e})")),
    };
    let host_user = host_user();
    let what = if is_link {
        format!("the file {} (the symlink's target)", target.display())
    } else {
        "the file".to_string()
    };
    if let Some(e) = Exposure::of(&metadata, &target, host_user) {
        return Some(format!(
            "refused: {what} {}, so {} could replace the code the host runs (fix: {})",
            e.state, e.who, e.fix
        ));
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

/// How someone other than the host's user (or root) could change a file or folder.
struct Exposure {
    /// E.g. `is group-writable`.
    state: String,
    /// Who could change it, e.g. `anyone`.
    who: &'static str,
    /// The command that fixes it.
    fix: String,
}

impl Exposure {
    fn of(metadata: &std::fs::Metadata, path: &Path, host_user: u32) -> Option<Exposure> {
        let mode = metadata.permissions().mode();
        let owner = metadata.uid();
        let path = path.display();
        if owner != 0 && owner != host_user {
            Some(Exposure {
                state: format!(
                    "belongs to user {owner}, not to the host's user {host_user} or root"
                ),
                who: "that user",
                fix: format!("chown {host_user} {path}"),
            })
        } else if mode & 0o002 != 0 {
            Some(Exposure {
                state: "is world-writable".into(),
                who: "anyone",
                fix: format!("chmod o-w {path}"),
            })
        } else if mode & 0o020 != 0 {
            Some(Exposure {
                state: "is group-writable".into(),
                who: "the other members of its group",
                fix: format!("chmod g-w {path}"),
            })
        } else {
            None
        }
    }
}

/// Checks `own` (the folder holding a library, or listing it) and every folder above it.
fn folder_chain_problem(own: &Path, host_user: u32) -> Option<String> {
    for (depth, folder) in own.ancestors().enumerate() {
        let Ok(metadata) = std::fs::metadata(folder) else {
            continue;
        };
        let Some(e) = Exposure::of(&metadata, folder, host_user) else {
            continue;
        };
        if depth == 0 {
            return Some(format!(
                "refused: its folder {} {}, so {} could place code there (fix: {}, or move the plugin)",
                folder.display(),
                e.state,
                e.who,
                e.fix
            ));
        }
        // Like `/tmp`: in a folder with the sticky bit others cannot rename or remove what
        // they do not own, and the folders below are checked to belong to the host's user.
        let sticky = metadata.permissions().mode() & 0o1000 != 0;
        let owned = metadata.uid() == 0 || metadata.uid() == host_user;
        if sticky && owned {
            continue;
        }
        return Some(format!(
            "refused: the folder {} above it {}, so {} could swap the folders below it and the plugin with them (fix: {}, or move the plugin)",
            folder.display(),
            e.state,
            e.who,
            e.fix
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(permission_problem(&file)
            .unwrap()
            .contains("file is world-writable"));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(permission_problem(&file).unwrap().contains("folder"));
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
        let problem = permission_problem(&file).unwrap();
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
        let problem = permission_problem(&link).unwrap();
        assert!(problem.contains("elsewhere is world-writable"), "{problem}");
        chmod(&dir.path().join("elsewhere"), 0o755);
        chmod(&target, 0o666);
        let problem = permission_problem(&link).unwrap();
        assert!(problem.contains("(the symlink's target)"), "{problem}");
    }

    #[test]
    fn every_folder_up_to_the_root_counts_unless_it_is_sticky() {
        let (dir, file) = library_in("parent/plugins");
        let parent = dir.path().join("parent");
        chmod(&parent, 0o777);
        let problem = permission_problem(&file).unwrap();
        assert!(
            problem.contains(&format!(
                "the folder {} above it is world-writable",
                parent.display()
            )),
            "{problem}"
        );
        chmod(&parent, 0o770);
        assert!(permission_problem(&file)
            .unwrap()
            .contains("group-writable"));
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
        let problem = permission_problem(&link).unwrap();
        assert!(
            problem.contains("missing.so, which cannot be reached"),
            "{problem}"
        );
    }
}
