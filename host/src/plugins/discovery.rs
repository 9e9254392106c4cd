//! Where plugins are looked for, and which files are candidates.

use std::os::unix::fs::PermissionsExt;
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

/// Shared-library files in `dir` (by the platform's extension), sorted by name.
/// A folder that does not exist yields nothing.
pub fn candidate_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|ext| ext == std::env::consts::DLL_EXTENSION)
        })
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Refuses files that others could have replaced: a plugin runs with the host's rights.
pub fn permission_problem(file: &Path) -> Option<String> {
    let world_writable = |p: &Path| {
        std::fs::metadata(p)
            .map(|m| m.permissions().mode() & 0o002 != 0)
            .unwrap_or(false)
    };
    if world_writable(file) {
        return Some(format!(
            "refused: the file is world-writable, so anyone could replace the code the host runs (fix: chmod o-w {})",
            file.display()
        ));
    }
    if let Some(dir) = file.parent() {
        if world_writable(dir) {
            return Some(format!(
                "refused: its folder {} is world-writable, so anyone could place code there (fix: chmod o-w on the folder, or move the plugin)",
                dir.display()
            ));
        }
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
}
