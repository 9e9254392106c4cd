//! The safe side of the ABI: the trait a plugin author implements, the context a run gets,
//! and the macro that exports a plugin.

use crate::abi::{Host, PluginModule, PluginModuleRef};
use crate::manifest::{Manifest, ParamProblem, Params};
use crate::school::SchoolData;
use abi_stable::prefix_type::PrefixTypeTrait;
use abi_stable::std_types::{ROption, RResult, RStr, RString};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A task type. Implement it on a `Default` type and export it with [`crate::export_plugin!`].
///
/// Every method runs inside a panic guard: a panic becomes an error with its message.
pub trait TaskPlugin: Default + 'static {
    /// The task type, its display name and its parameter schema.
    fn manifest(&self) -> Manifest;

    /// Checks a parameter set beyond the per-key types the host already checked against the
    /// schema (e.g. a value that requires another). Returns one problem per line to show.
    fn validate(&self, _params: &Params) -> Vec<ParamProblem> {
        Vec::new()
    }

    /// Checks that the service can be reached with these settings. Changes nothing.
    fn check(&self, ctx: &Context<'_>) -> Result<String, String>;

    /// Runs the task once.
    fn run(&self, ctx: &Context<'_>) -> Result<RunSummary, String>;
}

/// Everything a run (or a check) is given by the host, as data.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub struct RunRequest {
    /// The task's id in the host.
    pub task_id: String,
    /// The organization's id in the host.
    pub org_id: String,
    /// The task's parameters, defaults filled in.
    #[serde(default)]
    pub params: Params,
    /// The organization's Links base values, secrets included (e.g. `sferum.access_token`).
    #[serde(default)]
    pub org_values: BTreeMap<String, String>,
    /// The organization's school data, if any was imported.
    #[serde(default)]
    pub school: Option<SchoolData>,
    /// Plan and report only; change nothing outside the host.
    #[serde(default)]
    pub dry_run: bool,
    /// The person who started the run confirmed, for this run only, the changes the
    /// plugin's safety guards would otherwise hold back (e.g. removals above a limit).
    #[serde(default)]
    pub force: bool,
}

/// How a run ended.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Everything was done.
    Ok,
    /// The run finished, but some items failed (see the log and counters).
    Partial,
    /// The run did not do its job.
    Failed,
}

/// What a run reports at its end.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RunSummary {
    /// How it ended.
    pub status: RunStatus,
    /// One line for the administrator.
    pub message: String,
    /// Counters such as `chats_created` or `api_requests`.
    #[serde(default)]
    pub counters: BTreeMap<String, u64>,
}

/// Check verdict text (an alias kept for readable signatures).
pub type CheckOutcome = String;

/// Log levels, as carried over the ABI.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
}

impl LogLevel {
    /// The level for a number received over the ABI (unknown numbers are errors).
    pub fn from_u8(n: u8) -> LogLevel {
        match n {
            0 => LogLevel::Debug,
            1 => LogLevel::Info,
            2 => LogLevel::Warn,
            _ => LogLevel::Error,
        }
    }

    /// The lowercase name (`info`).
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        }
    }
}

/// The published "links" table of an organization: a title per row, one cell per column.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct LinksTable {
    /// Column headers, the first being the row title column.
    pub columns: Vec<String>,
    /// The rows in display order.
    pub rows: Vec<LinksRow>,
}

/// One row of a [`LinksTable`].
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct LinksRow {
    /// The row's title (`Учительская`, `1 а`).
    pub title: String,
    /// One cell per column after the first; `None` for an empty cell.
    pub links: Vec<Option<String>>,
}

/// What a plugin's `check` and `run` see: the request data and the host's services.
pub struct Context<'a> {
    request: RunRequest,
    host: Host<'a>,
}

impl<'a> Context<'a> {
    /// A context over the given host services; the SDK builds it for every entry point, and
    /// plugin tests build one over their own [`crate::abi::HostServices`] implementation.
    pub fn new(request: RunRequest, host: Host<'a>) -> Self {
        Context { request, host }
    }

    /// The request data: parameters, Links base values, school data, dry-run flag.
    pub fn request(&self) -> &RunRequest {
        &self.request
    }

    /// A parameter's value (defaults already applied by the host).
    pub fn param(&self, key: &str) -> Option<&str> {
        self.request.params.get(key).map(String::as_str)
    }

    /// An organization Links base value, e.g. `sferum.community_id`.
    pub fn org_value(&self, key: &str) -> Option<&str> {
        self.request.org_values.get(key).map(String::as_str)
    }

    /// Whether this run must change nothing outside the host.
    pub fn dry_run(&self) -> bool {
        self.request.dry_run
    }

    /// Whether the person who started this run confirmed, for this run only, the changes
    /// the plugin's safety guards would otherwise hold back.
    pub fn force(&self) -> bool {
        self.request.force
    }

    /// Writes a log line to the run's log.
    pub fn log(&self, level: LogLevel, message: &str) {
        self.host.log(level as u8, message.into());
    }

    /// Shorthand for an `info` line.
    pub fn info(&self, message: &str) {
        self.log(LogLevel::Info, message)
    }

    /// Shorthand for a `warn` line.
    pub fn warn(&self, message: &str) {
        self.log(LogLevel::Warn, message)
    }

    /// Reports progress: `done` of `total` in `stage`.
    pub fn progress(&self, stage: &str, done: u64, total: u64) {
        self.host.progress(stage.into(), done, total)
    }

    /// Reads the task's persistent state under `key`.
    pub fn state_get(&self, key: &str) -> Option<String> {
        self.host
            .state_get(key.into())
            .into_option()
            .map(String::from)
    }

    /// Writes the task's persistent state under `key` (`None` deletes); durable on return.
    pub fn state_set(&self, key: &str, value: Option<&str>) -> Result<(), String> {
        let value = match value {
            Some(v) => ROption::RSome(RStr::from(v)),
            None => ROption::RNone,
        };
        self.host
            .state_set(key.into(), value)
            .into_result()
            .map_err(String::from)
    }

    /// Publishes the organization's Links base table.
    pub fn publish_links(&self, table: &LinksTable) -> Result<(), String> {
        let json = serde_json::to_string(table).map_err(|e| e.to_string())?;
        self.host
            .publish_links(json.as_str().into())
            .into_result()
            .map_err(String::from)
    }

    /// Writes a video call's join link back to the school data.
    pub fn set_call_link(&self, call_id: &str, link: &str) -> Result<(), String> {
        self.host
            .set_call_link(call_id.into(), link.into())
            .into_result()
            .map_err(String::from)
    }

    /// Whether the host asked the run to stop; poll it between steps.
    pub fn is_cancelled(&self) -> bool {
        self.host.is_cancelled()
    }
}

/// Runs `body` with panics turned into errors that carry the panic message.
fn guarded(body: impl FnOnce() -> Result<String, String>) -> RResult<RString, RString> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(text)) => RResult::ROk(text.into()),
        Ok(Err(message)) => RResult::RErr(message.into()),
        Err(payload) => {
            RResult::RErr(format!("plugin panicked: {}", panic_message(&*payload)).into())
        }
    }
}

/// The text of a panic payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string(value).map_err(|e| format!("cannot encode the plugin's answer: {e}"))
}

fn parse_request(json: RStr<'_>) -> Result<RunRequest, String> {
    serde_json::from_str(json.as_str())
        .map_err(|e| format!("the host sent a request this plugin cannot read: {e}"))
}

extern "C" fn manifest_entry<P: TaskPlugin>() -> RResult<RString, RString> {
    guarded(|| {
        let mut manifest = P::default().manifest();
        manifest.abi_version = crate::abi::ABI_VERSION.to_string();
        to_json(&manifest)
    })
}

extern "C" fn validate_entry<P: TaskPlugin>(params_json: RStr<'_>) -> RResult<RString, RString> {
    guarded(|| {
        let params: Params = serde_json::from_str(params_json.as_str())
            .map_err(|e| format!("the host sent parameters this plugin cannot read: {e}"))?;
        to_json(&P::default().validate(&params))
    })
}

extern "C" fn check_entry<P: TaskPlugin>(
    request_json: RStr<'_>,
    host: Host<'_>,
) -> RResult<RString, RString> {
    guarded(|| {
        let ctx = Context {
            request: parse_request(request_json)?,
            host,
        };
        P::default().check(&ctx)
    })
}

extern "C" fn run_entry<P: TaskPlugin>(
    request_json: RStr<'_>,
    host: Host<'_>,
) -> RResult<RString, RString> {
    guarded(|| {
        let ctx = Context {
            request: parse_request(request_json)?,
            host,
        };
        to_json(&P::default().run(&ctx)?)
    })
}

#[doc(hidden)]
pub fn __root_module<P: TaskPlugin>() -> PluginModuleRef {
    PluginModule {
        manifest: manifest_entry::<P>,
        validate: validate_entry::<P>,
        check: check_entry::<P>,
        run: run_entry::<P>,
    }
    .leak_into_prefix()
}

/// Exports a [`TaskPlugin`] implementation as this library's plugin root module.
///
/// ```ignore
/// #[derive(Default)]
/// struct MyPlugin;
/// impl exchange_sdk::TaskPlugin for MyPlugin { /* … */ }
/// exchange_sdk::export_plugin!(MyPlugin);
/// ```
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        #[doc(hidden)]
        #[export_name = "_1as_0lib_1header_0root_bmodule_bloader"]
        pub static EXCHANGE_PLUGIN_ROOT_MODULE: $crate::abi_stable::library::LibHeader = {
            extern "C" fn construct() -> $crate::abi_stable::library::RootModuleResult {
                $crate::abi_stable::library::__call_root_module_loader(
                    $crate::plugin::__root_module::<$plugin>,
                )
            }
            // SAFETY: `construct` returns the root module of type `PluginModuleRef`,
            // as `from_constructor` requires, and the layout is checked by the loader.
            unsafe {
                $crate::abi_stable::library::LibHeader::from_constructor::<
                    $crate::abi::PluginModuleRef,
                >(construct, $crate::abi_stable::library::CheckTypeLayout::Yes)
            }
        };
    };
}
