//! Plugin discovery: finding plugin libraries, reading their manifests, and refusing bad
//! ones.
//!
//! Every bad file is skipped with its [`Reason`], said in the reader's language when shown;
//! good plugins in the same folder still load. Two libraries that declare the same task type
//! both stay unloaded.
//!
//! The host process never loads a plugin library itself: manifests are read and parameters
//! checked by scanner children (see [`scan`]), remembered in a scan cache (see [`cache`]), and
//! runs load only their own plugin in a worker child.

pub mod cache;
pub mod discovery;
pub mod loader;
pub mod reason;
pub mod scan;

use crate::i18n::Lang;
use crate::tr;
use exchange_sdk::manifest::{ParamProblem, Params};
use exchange_sdk::{Manifest, PluginCapabilities};
pub use reason::Reason;
use scan::{ScanOutcome, Scanner};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A plugin library whose manifest was read (in a scanner child, or from the scan cache).
#[derive(Debug, Clone)]
pub struct Plugin {
    /// The library file, as found in its plugin folder.
    pub path: PathBuf,
    /// What the plugin declared.
    pub manifest: Manifest,
    /// What it offers beyond ABI 1.0 (nothing for a plugin built against SDK 1.0).
    pub capabilities: PluginCapabilities,
    scanner: Scanner,
}

impl Plugin {
    /// The plugin's own cross-parameter checks, asked in a scanner child: a plugin that
    /// crashes or hangs there costs an error, not the host. Their messages are in `lang` when
    /// the plugin can say them in it (ABI 1.3), else in the plugin's own words.
    pub fn validate(&self, params: &Params, lang: Lang) -> Result<Vec<ParamProblem>, Reason> {
        self.scanner
            .validate(&self.path, &self.manifest.type_id, params, lang.code())
    }
}

/// A library that was found but not loaded, and why. Serialized (JSON output) with the reason
/// as its English line.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Skipped {
    /// The library file.
    pub path: PathBuf,
    /// What is wrong; [`Reason::message`] says it and what to do.
    #[serde(serialize_with = "reason::in_english")]
    pub reason: Reason,
}

/// The plugins found in the plugin folders.
#[derive(Debug, Default)]
pub struct Registry {
    /// The folders that were searched.
    pub dirs: Vec<PathBuf>,
    /// Usable plugins, by task type id.
    pub plugins: BTreeMap<String, Plugin>,
    /// Files that were refused.
    pub skipped: Vec<Skipped>,
}

impl Registry {
    /// Searches `dirs` and reads the manifest of every candidate library that passes the
    /// permission checks, through `scanner` (scan cache first, then scanner children).
    pub fn discover(dirs: &[PathBuf], scanner: &Scanner) -> Registry {
        let mut seen = std::collections::BTreeSet::new();
        let mut skipped = Vec::new();
        // Each library as found in its folder, and its canonical path (the scan's key).
        let mut to_scan: Vec<(PathBuf, PathBuf)> = Vec::new();
        for dir in dirs {
            for file in discovery::candidate_files(dir) {
                let identity = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
                if !seen.insert(identity.clone()) {
                    continue;
                }
                match discovery::permission_problem(&file) {
                    Some(reason) => skipped.push(Skipped { path: file, reason }),
                    None => to_scan.push((file, identity)),
                }
            }
        }
        let canonical: Vec<PathBuf> = to_scan.iter().map(|(_, c)| c.clone()).collect();
        let mut by_type: BTreeMap<String, Vec<Plugin>> = BTreeMap::new();
        for ((path, _), outcome) in to_scan.into_iter().zip(scanner.scan(&canonical)) {
            match outcome {
                ScanOutcome::Known(cache::Scanned::Plugin(described)) => {
                    let cache::Described {
                        manifest,
                        capabilities,
                    } = *described;
                    by_type
                        .entry(manifest.type_id.clone())
                        .or_default()
                        .push(Plugin {
                            path,
                            manifest,
                            capabilities,
                            scanner: scanner.clone(),
                        })
                }
                ScanOutcome::Known(cache::Scanned::Refused(reason))
                | ScanOutcome::Failed(reason) => skipped.push(Skipped { path, reason }),
            }
        }
        let mut plugins = BTreeMap::new();
        for (type_id, mut found) in by_type {
            if found.len() == 1 {
                plugins.insert(type_id, found.remove(0));
                continue;
            }
            let declared_by: Vec<(PathBuf, String)> = found
                .iter()
                .map(|p| (p.path.clone(), p.manifest.version.clone()))
                .collect();
            for plugin in &found {
                skipped.push(Skipped {
                    path: plugin.path.clone(),
                    reason: Reason::DuplicateType {
                        type_id: type_id.clone(),
                        declared_by: declared_by.clone(),
                    },
                });
            }
        }
        skipped.sort_by(|a, b| a.path.cmp(&b.path));
        Registry {
            dirs: dirs.to_vec(),
            plugins,
            skipped,
        }
    }

    /// The plugin of a task type.
    pub fn get(&self, type_id: &str) -> Option<&Plugin> {
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

    /// Why no loaded plugin provides `type_id`, in `lang`: the refused files that may, the
    /// known types and the folders searched.
    pub fn not_found_message(&self, type_id: &str, lang: Lang) -> String {
        let joined = |items: Vec<String>, empty: &str| match items.is_empty() {
            true => tr!(lang, empty),
            false => items.join(", "),
        };
        let duplicate = self
            .skipped
            .iter()
            .find(|s| s.reason.is_duplicate_of(type_id));
        let refused = match duplicate {
            Some(skip) => format!(" ({}: {})", skip.path.display(), skip.reason.message(lang)),
            None if self.skipped.is_empty() => String::new(),
            None => {
                let files: Vec<String> = self
                    .skipped
                    .iter()
                    .map(|s| s.path.display().to_string())
                    .collect();
                let count = files.len();
                let files = files.join(", ");
                format!(
                    " ({})",
                    tr!(lang, "plugin-files-refused", count = count, files = files)
                )
            }
        };
        let known = joined(self.plugins.keys().cloned().collect(), "plugin-known-none");
        let dirs = self.dirs.iter().map(|d| d.display().to_string()).collect();
        let place = tr!(
            lang,
            "plugin-where",
            known = known,
            dirs = joined(dirs, "plugin-searched-nothing"),
            env = discovery::PLUGINS_ENV
        );
        let head = tr!(lang, "plugin-not-found", type = type_id);
        format!("{head}{refused}. {place}")
    }
}
