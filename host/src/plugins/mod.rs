//! Plugin discovery: finding plugin libraries, loading them, and refusing bad ones.
//!
//! Every bad file is skipped with a one-line reason naming it; good plugins in the same folder
//! still load. Two libraries that declare the same task type both stay unloaded.

pub mod discovery;
pub mod loader;

pub use loader::LoadedPlugin;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A library that was found but not loaded, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Skipped {
    /// The library file.
    pub path: PathBuf,
    /// One line: what is wrong and what to do.
    pub reason: String,
}

/// The plugins found in the plugin folders.
#[derive(Debug, Default)]
pub struct Registry {
    /// The folders that were searched.
    pub dirs: Vec<PathBuf>,
    /// Usable plugins, by task type id.
    pub plugins: BTreeMap<String, LoadedPlugin>,
    /// Files that were refused.
    pub skipped: Vec<Skipped>,
}

impl Registry {
    /// Searches `dirs` and loads every candidate library.
    pub fn discover(dirs: &[PathBuf]) -> Registry {
        let mut seen = std::collections::BTreeSet::new();
        let mut by_type: BTreeMap<String, Vec<LoadedPlugin>> = BTreeMap::new();
        let mut skipped = Vec::new();
        for dir in dirs {
            for file in discovery::candidate_files(dir) {
                let identity = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
                if !seen.insert(identity) {
                    continue;
                }
                match load_checked(&file) {
                    Ok(plugin) => by_type
                        .entry(plugin.manifest.type_id.clone())
                        .or_default()
                        .push(plugin),
                    Err(reason) => skipped.push(Skipped { path: file, reason }),
                }
            }
        }
        let mut plugins = BTreeMap::new();
        for (type_id, mut found) in by_type {
            if found.len() == 1 {
                plugins.insert(type_id, found.remove(0));
                continue;
            }
            let all = found
                .iter()
                .map(|p| format!("{} (version {})", p.path.display(), p.manifest.version))
                .collect::<Vec<_>>()
                .join(" and ");
            for plugin in &found {
                skipped.push(Skipped {
                    path: plugin.path.clone(),
                    reason: format!(
                        "task type {type_id:?} is declared by {all}; neither is loaded: remove one of them"
                    ),
                });
            }
        }
        Registry {
            dirs: dirs.to_vec(),
            plugins,
            skipped,
        }
    }

    /// The plugin of a task type.
    pub fn get(&self, type_id: &str) -> Option<&LoadedPlugin> {
        self.plugins.get(type_id)
    }

    /// The Links base keys the loaded plugins declare, each once (the first declaration wins).
    pub fn org_key_specs(&self) -> Vec<exchange_sdk::ParamSpec> {
        let mut specs: Vec<exchange_sdk::ParamSpec> = Vec::new();
        for plugin in self.plugins.values() {
            for spec in &plugin.manifest.org_keys {
                if !specs.iter().any(|s| s.key == spec.key) {
                    specs.push(spec.clone());
                }
            }
        }
        specs
    }

    /// A message for a task type that is not loaded, naming the folders searched.
    pub fn not_found_message(&self, type_id: &str) -> String {
        let known = self.plugins.keys().cloned().collect::<Vec<_>>().join(", ");
        let dirs = self
            .dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let mut message =
            format!("plugin not found: no loaded plugin provides the task type {type_id:?}");
        if let Some(skip) = self
            .skipped
            .iter()
            .find(|s| s.reason.contains(&format!("{type_id:?}")))
        {
            message.push_str(&format!(" ({}: {})", skip.path.display(), skip.reason));
        } else if !self.skipped.is_empty() {
            let files: Vec<String> = self
                .skipped
                .iter()
                .map(|s| s.path.display().to_string())
                .collect();
            message.push_str(&format!(
                " ({} plugin file(s) were refused: {}; see why with: exchange-host plugins list)",
                files.len(),
                files.join(", ")
            ));
        }
        message.push_str(&format!(
            ". Known types: {}. Searched: {}. Put the plugin library there, or point --plugins / {} at its folder.",
            if known.is_empty() { "none" } else { &known },
            if dirs.is_empty() { "nothing" } else { &dirs },
            discovery::PLUGINS_ENV
        ));
        message
    }
}

fn load_checked(file: &Path) -> Result<LoadedPlugin, String> {
    if let Some(problem) = discovery::permission_problem(file) {
        return Err(problem);
    }
    loader::load(file)
}
