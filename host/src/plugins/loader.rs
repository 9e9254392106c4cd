//! Loading one plugin library and talking to its root module.

use abi_stable::library::{lib_header_from_path, LibraryError};
use abi_stable::std_types::RResult;
use exchange_sdk::abi::{Host, PluginModuleRef};
use exchange_sdk::manifest::{ParamProblem, Params};
use exchange_sdk::Manifest;
use std::path::{Path, PathBuf};

/// A plugin library that loaded and described itself.
#[derive(Clone)]
pub struct LoadedPlugin {
    /// The library file.
    pub path: PathBuf,
    /// What the plugin declared.
    pub manifest: Manifest,
    module: PluginModuleRef,
}

impl std::fmt::Debug for LoadedPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedPlugin")
            .field("path", &self.path)
            .field("type_id", &self.manifest.type_id)
            .finish()
    }
}

fn into_result(
    result: RResult<abi_stable::std_types::RString, abi_stable::std_types::RString>,
) -> Result<String, String> {
    result.into_result().map(String::from).map_err(String::from)
}

/// Loads the library at `path`, checks its ABI, and reads its manifest.
/// The error is one line for the administrator; abi_stable's full report goes to the debug log.
pub fn load(path: &Path) -> Result<LoadedPlugin, String> {
    // Per-library loading on purpose: `RootModule::load_from_file` caches the first module
    // for the whole process, so every later plugin would silently run the first one's code.
    let module = lib_header_from_path(path)
        .and_then(|header| header.init_root_module::<PluginModuleRef>())
        .map_err(|e| describe_library_error(path, &e))?;
    let manifest_json = into_result((module.manifest())())?;
    let manifest: Manifest = serde_json::from_str(&manifest_json).map_err(|e| {
        format!("its manifest cannot be read ({e}); rebuild it against a current exchange-sdk")
    })?;
    check_manifest(&manifest)?;
    Ok(LoadedPlugin {
        path: path.to_path_buf(),
        manifest,
        module,
    })
}

fn check_manifest(manifest: &Manifest) -> Result<(), String> {
    let id = &manifest.type_id;
    let well_formed = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !well_formed {
        return Err(format!(
            "its task type id {id:?} is not a lowercase identifier (letters a-z, digits, '-', '_')"
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for param in &manifest.params {
        if !seen.insert(param.key.as_str()) {
            return Err(format!("it declares the parameter {:?} twice", param.key));
        }
    }
    Ok(())
}

/// One line saying why a library is not a usable plugin.
fn describe_library_error(path: &Path, error: &LibraryError) -> String {
    match error {
        LibraryError::OpenError { err, .. } => {
            format!("not a loadable shared library ({err})")
        }
        LibraryError::GetSymbolError { .. } => {
            "not an exchange-host plugin: the library has no plugin export (a plugin calls exchange_sdk::export_plugin!)".to_string()
        }
        LibraryError::IncompatibleVersionNumber { expected_version, actual_version, .. } => format!(
            "built against plugin ABI {actual_version}, but this host speaks ABI {expected_version}: rebuild the plugin against a matching exchange-sdk"
        ),
        LibraryError::InvalidAbiHeader(_) | LibraryError::InvalidCAbi { .. } => {
            "built with an incompatible abi_stable version: rebuild the plugin against a matching exchange-sdk".to_string()
        }
        LibraryError::AbiInstability(report) => {
            let report = report.to_string();
            tracing::debug!(file = %path.display(), "abi_stable layout report:\n{report}");
            let detail = abi_report_errors(&report);
            format!(
                "incompatible plugin ABI ({detail}); rebuild the plugin against this host's exchange-sdk (full report: RUST_LOG=debug)"
            )
        }
        LibraryError::RootModule { err, .. } => format!("the plugin failed while starting: {err}"),
        other => format!("cannot be loaded: {other}"),
    }
}

/// The `Error:` lines of an abi_stable layout report, each with its expected and found values.
fn abi_report_errors(report: &str) -> String {
    let lines: Vec<&str> = report.lines().map(str::trim).collect();
    let mut errors = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(error) = line.strip_prefix("Error:") else {
            continue;
        };
        let value_after = |label: &str| {
            lines[i + 1..]
                .iter()
                .take(6)
                .position(|l| *l == label)
                .and_then(|p| lines.get(i + 2 + p))
                .filter(|v| !v.is_empty())
        };
        let mut text = error.trim().to_string();
        if let (Some(expected), Some(found)) = (value_after("Expected:"), value_after("Found:")) {
            text.push_str(&format!(": expected {expected}, found {found}"));
        }
        errors.push(text);
    }
    if errors.is_empty() {
        "layout mismatch".to_string()
    } else {
        errors.join("; ")
    }
}

impl LoadedPlugin {
    /// The plugin's own cross-parameter checks.
    pub fn validate(&self, params: &Params) -> Result<Vec<ParamProblem>, String> {
        let params_json = serde_json::to_string(params).map_err(|e| e.to_string())?;
        let answer = into_result((self.module.validate())(params_json.as_str().into()))?;
        serde_json::from_str(&answer)
            .map_err(|e| format!("the plugin's validation answer cannot be read: {e}"))
    }

    /// Calls the plugin's `check` with a JSON [`exchange_sdk::RunRequest`].
    pub fn check(&self, request_json: &str, host: Host<'_>) -> Result<String, String> {
        into_result((self.module.check())(request_json.into(), host))
    }

    /// Calls the plugin's `run` with a JSON [`exchange_sdk::RunRequest`]; returns the summary JSON.
    pub fn run(&self, request_json: &str, host: Host<'_>) -> Result<String, String> {
        into_result((self.module.run())(request_json.into(), host))
    }
}
