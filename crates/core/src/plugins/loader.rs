//! Loading one plugin library and talking to its root module.
//!
//! A library is loaded with the newest root-module layout it passes: the current one (ABI 1.1
//! and later, with the named entry points of `exchange_sdk::negotiate`) or the frozen 1.0
//! layout of plugins built against SDK 1.0, which runs them without any newer capability.

pub mod host_calls;

use abi_stable::library::{lib_header_from_path, LibraryError};
use abi_stable::sabi_trait::TD_Opaque;
use abi_stable::std_types::{RResult, RString};
use abi_stable::type_layout::{TLData, TypeLayout};
use abi_stable::StableAbi;
use exchange_sdk::abi::{v1_0, Host, PluginModuleRef};
use exchange_sdk::manifest::{ParamProblem, Params};
use exchange_sdk::negotiate::{entry_points, needs_newer_host, ValidateRequest};
use exchange_sdk::{AbiVersion, Manifest, PluginCapabilities};
use std::path::{Path, PathBuf};

/// A plugin library that loaded and described itself.
#[derive(Clone)]
pub struct LoadedPlugin {
    /// The library file.
    pub path: PathBuf,
    /// What the plugin declared.
    pub manifest: Manifest,
    /// What it offers beyond ABI 1.0 (nothing for a plugin built against SDK 1.0).
    pub capabilities: PluginCapabilities,
    module: Module,
}

/// The root module in the newest layout the library passed.
#[derive(Clone, Copy)]
enum Module {
    /// Built against SDK 1.0: the four entry points of 1.0 and the 1.0 host services.
    V1_0(v1_0::PluginModuleRef),
    /// Built against SDK 1.1 or later: also the named entry points and host services.
    Current(PluginModuleRef),
}

impl std::fmt::Debug for LoadedPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedPlugin")
            .field("path", &self.path)
            .field("type_id", &self.manifest.type_id)
            .finish()
    }
}

fn into_result(result: RResult<RString, RString>) -> Result<String, String> {
    result.into_result().map(String::from).map_err(String::from)
}

/// Loads the library at `path`, checks its ABI, and reads its manifest and capabilities.
/// The error is one line for the administrator; abi_stable's full report goes to the debug log.
pub fn load(path: &Path) -> Result<LoadedPlugin, String> {
    let plugin = load_unchecked(path)?;
    check_manifest(&plugin.manifest)?;
    let host_abi = AbiVersion::current();
    if plugin.capabilities.min_host_abi > host_abi {
        return Err(format!(
            "it {}",
            needs_newer_host(plugin.capabilities.min_host_abi, host_abi)
        ));
    }
    Ok(plugin)
}

/// Loads the library at `path` and reads its manifest and capabilities, without judging
/// them (what `plugins verify` reports on).
pub fn load_unchecked(path: &Path) -> Result<LoadedPlugin, String> {
    let module = open(path).map_err(|e| describe_library_error(path, &e))?;
    let manifest_json = into_result(module.manifest())?;
    let manifest: Manifest = serde_json::from_str(&manifest_json).map_err(|e| {
        format!("its manifest cannot be read ({e}); rebuild it against a current exchange-sdk")
    })?;
    let capabilities = module.capabilities()?;
    Ok(LoadedPlugin {
        path: path.to_path_buf(),
        manifest,
        capabilities,
        module,
    })
}

/// Opens the library and takes its root module in the newest layout it passes.
fn open(path: &Path) -> Result<Module, LibraryError> {
    // Per-library loading on purpose: `RootModule::load_from_file` caches the first module
    // for the whole process, so every later plugin would silently run the first one's code.
    let header = lib_header_from_path(path)?;
    // Every 1.x plugin passes the 1.0 layout (abi_stable accepts a library prefix type longer
    // than expected), so its refusal is the one to report: the library is no plugin of ours.
    let base = header.init_root_module::<v1_0::PluginModuleRef>()?;
    // A library built before 1.1 has only the fields of 1.0, so it fails the current layout
    // (abi_stable refuses a library prefix type shorter than the host's) and runs in the 1.0
    // layout, without the named entry points. Any other library must pass the current one.
    let v1_0_fields = module_field_count(<v1_0::PluginModuleRef as StableAbi>::LAYOUT);
    if header.layout().and_then(module_field_count) == v1_0_fields {
        return Ok(Module::V1_0(base));
    }
    header
        .init_root_module::<PluginModuleRef>()
        .map(Module::Current)
}

/// The number of fields of the root module a root-module reference layout points to.
fn module_field_count(root: &'static TypeLayout) -> Option<usize> {
    // The reference is a `PrefixRef` whose one phantom field is the module itself.
    let module = root.phantom_fields().iter().next()?.layout();
    match module.data() {
        TLData::PrefixType(prefix) => Some(prefix.fields.len()),
        _ => None,
    }
}

/// Refuses a manifest the host cannot work with: a malformed type id, a key declared twice,
/// a default that does not fit its type, a rule between parameters naming an undeclared one
/// (every finding of [`Manifest::findings`] that refuses loading), all named in one line.
fn check_manifest(manifest: &Manifest) -> Result<(), String> {
    let problems: Vec<String> = manifest
        .findings()
        .into_iter()
        .filter(|f| f.check.refuses_load())
        .map(|f| f.to_string())
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "its manifest is not sound ({}); fix the plugin's manifest (exchange-host plugins verify FILE lists every finding)",
            problems.join("; ")
        ))
    }
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

impl Module {
    fn manifest(self) -> RResult<RString, RString> {
        match self {
            Module::V1_0(m) => (m.manifest())(),
            Module::Current(m) => (m.manifest())(),
        }
    }

    fn validate(self, params_json: &str) -> RResult<RString, RString> {
        match self {
            Module::V1_0(m) => (m.validate())(params_json.into()),
            Module::Current(m) => (m.validate())(params_json.into()),
        }
    }

    /// The plugin's answer to the `capabilities` entry point; a 1.0 plugin has none to give.
    fn capabilities(self) -> Result<PluginCapabilities, String> {
        let Module::Current(m) = self else {
            return Ok(PluginCapabilities::of_abi_1_0());
        };
        let answer = into_result((m.call())(entry_points::CAPABILITIES.into(), "{}".into()))?;
        serde_json::from_str(&answer).map_err(|e| {
            format!(
                "its capabilities cannot be read ({e}); rebuild it against a current exchange-sdk"
            )
        })
    }
}

/// Which of `check` and `run` to call.
#[derive(Clone, Copy)]
enum Task {
    Check,
    Run,
}

impl LoadedPlugin {
    /// The plugin's own cross-parameter checks, with the messages in `locale` (`ru`, `en`)
    /// when the plugin lists the entry point for that (ABI 1.3), else in the plugin's own
    /// words through the 1.0 `validate`.
    pub fn validate(&self, params: &Params, locale: &str) -> Result<Vec<ParamProblem>, String> {
        let answer = match self.module {
            Module::Current(m) if self.capabilities.provides(entry_points::VALIDATE_IN) => {
                let request = ValidateRequest {
                    params: params.clone(),
                    locale: locale.to_string(),
                };
                let input = serde_json::to_string(&request).map_err(|e| e.to_string())?;
                (m.call())(entry_points::VALIDATE_IN.into(), input.as_str().into())
            }
            module => {
                let params_json = serde_json::to_string(params).map_err(|e| e.to_string())?;
                module.validate(&params_json)
            }
        };
        serde_json::from_str(&into_result(answer)?)
            .map_err(|e| format!("the plugin's validation answer cannot be read: {e}"))
    }

    /// Calls the plugin's `check` with a JSON [`exchange_sdk::RunRequest`].
    pub fn check(&self, request_json: &str, host: Host<'_>) -> Result<String, String> {
        self.call_task(Task::Check, request_json, host)
    }

    /// Calls the plugin's `run` with a JSON [`exchange_sdk::RunRequest`]; returns the summary JSON.
    pub fn run(&self, request_json: &str, host: Host<'_>) -> Result<String, String> {
        self.call_task(Task::Run, request_json, host)
    }

    /// Calls `check` or `run`, handing the host services over in the layout the plugin was
    /// built for.
    fn call_task(&self, task: Task, request_json: &str, host: Host<'_>) -> Result<String, String> {
        let request = request_json.into();
        into_result(match self.module {
            Module::V1_0(m) => {
                let host = v1_0::HostServices_TO::from_ptr(&host, TD_Opaque);
                match task {
                    Task::Check => (m.check())(request, host),
                    Task::Run => (m.run())(request, host),
                }
            }
            Module::Current(m) => match task {
                Task::Check => (m.check())(request, host),
                Task::Run => (m.run())(request, host),
            },
        })
    }
}
