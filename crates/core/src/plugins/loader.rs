//! Loading one plugin library and talking to its root module.
//!
//! A library is loaded with the newest root-module layout it passes: the current one (ABI 1.1
//! and later, with the named entry points of `exchange_sdk::negotiate`) or the frozen 1.0
//! layout of plugins built against SDK 1.0, which runs them without any newer capability.

pub mod host_calls;

use super::reason::Reason;
use abi_stable::library::{lib_header_from_path, LibraryError};
use abi_stable::sabi_trait::TD_Opaque;
use abi_stable::std_types::{RResult, RString};
use abi_stable::type_layout::{TLData, TypeLayout};
use abi_stable::StableAbi;
use exchange_sdk::abi::{v1_0, Host, PluginModuleRef};
use exchange_sdk::manifest::{ParamProblem, Params};
use exchange_sdk::negotiate::{entry_points, ValidateRequest};
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

/// The plugin's answer, or its error in its own words.
fn into_result(result: RResult<RString, RString>) -> Result<String, Reason> {
    result
        .into_result()
        .map(String::from)
        .map_err(|message| Reason::Plugin {
            message: message.into(),
        })
}

/// Loads the library at `path`, checks its ABI, and reads its manifest and capabilities.
/// The error is one reason for the administrator; abi_stable's full report goes to the debug
/// log.
pub fn load(path: &Path) -> Result<LoadedPlugin, Reason> {
    let plugin = load_unchecked(path)?;
    check_manifest(&plugin.manifest)?;
    let host = AbiVersion::current();
    let needed = plugin.capabilities.min_host_abi;
    if needed > host {
        return Err(Reason::NeedsNewerHost { needed, host });
    }
    Ok(plugin)
}

/// Loads the library at `path` and reads its manifest and capabilities, without judging
/// them (what `plugins verify` reports on).
pub fn load_unchecked(path: &Path) -> Result<LoadedPlugin, Reason> {
    let module = open(path).map_err(|e| describe_library_error(path, &e))?;
    let manifest_json = into_result(module.manifest())?;
    let manifest: Manifest =
        serde_json::from_str(&manifest_json).map_err(|e| Reason::ManifestUnreadable {
            error: e.to_string(),
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
fn check_manifest(manifest: &Manifest) -> Result<(), Reason> {
    let findings: Vec<String> = manifest
        .findings()
        .into_iter()
        .filter(|f| f.check.refuses_load())
        .map(|f| f.to_string())
        .collect();
    match findings.is_empty() {
        true => Ok(()),
        false => Err(Reason::ManifestNotSound { findings }),
    }
}

/// Why a library is not a usable plugin.
fn describe_library_error(path: &Path, error: &LibraryError) -> Reason {
    match error {
        LibraryError::OpenError { err, .. } => Reason::NotLibrary {
            error: err.to_string(),
        },
        LibraryError::GetSymbolError { .. } => Reason::NoPluginExport,
        LibraryError::IncompatibleVersionNumber {
            expected_version,
            actual_version,
            ..
        } => Reason::AbiVersion {
            built: actual_version.to_string(),
            host: expected_version.to_string(),
        },
        LibraryError::InvalidAbiHeader(_) | LibraryError::InvalidCAbi { .. } => Reason::AbiStable,
        LibraryError::AbiInstability(report) => {
            let report = report.to_string();
            tracing::debug!(file = %path.display(), "abi_stable layout report:\n{report}");
            Reason::AbiLayout {
                detail: abi_report_errors(&report),
            }
        }
        LibraryError::RootModule { err, .. } => Reason::StartFailed {
            error: err.to_string(),
        },
        other => Reason::CannotLoad {
            error: other.to_string(),
        },
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
    fn capabilities(self) -> Result<PluginCapabilities, Reason> {
        let Module::Current(m) = self else {
            return Ok(PluginCapabilities::of_abi_1_0());
        };
        let answer = into_result((m.call())(entry_points::CAPABILITIES.into(), "{}".into()))?;
        serde_json::from_str(&answer).map_err(|e| Reason::CapabilitiesUnreadable {
            error: e.to_string(),
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
    pub fn validate(&self, params: &Params, locale: &str) -> Result<Vec<ParamProblem>, Reason> {
        let answer = match self.module {
            Module::Current(m) if self.capabilities.provides(entry_points::VALIDATE_IN) => {
                let request = ValidateRequest {
                    params: params.clone(),
                    locale: locale.to_string(),
                };
                let input = serde_json::to_string(&request).expect("a request serializes");
                (m.call())(entry_points::VALIDATE_IN.into(), input.as_str().into())
            }
            module => {
                let params_json = serde_json::to_string(params).expect("parameters serialize");
                module.validate(&params_json)
            }
        };
        serde_json::from_str(&into_result(answer)?).map_err(|e| Reason::ValidationUnreadable {
            error: e.to_string(),
        })
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
    /// built for; the error is the plugin's own message.
    fn call_task(&self, task: Task, request_json: &str, host: Host<'_>) -> Result<String, String> {
        let request = request_json.into();
        let answer = match self.module {
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
        };
        answer.into_result().map(String::from).map_err(String::from)
    }
}
