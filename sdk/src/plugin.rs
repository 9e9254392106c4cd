//! The safe side of the ABI: the trait a plugin author implements, the context a run gets,
//! and the macro that exports a plugin.

use crate::abi::{Host, PluginModule, PluginModuleRef};
use crate::manifest::{Manifest, ParamProblem, ParamSpec, Params};
use crate::negotiate::{
    entry_points, services, AbiVersion, HostInfo, PluginCapabilities, ValidateRequest,
};
use crate::school::SchoolData;
use abi_stable::prefix_type::PrefixTypeTrait;
use abi_stable::std_types::{ROption, RResult, RStr, RString};
use serde::{Deserialize, Serialize};
use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A task type. Implement it on a `Default` type and export it with [`crate::export_plugin!`].
///
/// Every method runs inside a panic guard: a panic becomes an error with its message.
pub trait TaskPlugin: Default + 'static {
    /// The task type, its display name and its parameter schema.
    fn manifest(&self) -> Manifest;

    /// Checks a parameter set beyond what the manifest declares: the host already checked
    /// each value's type and the rules of [`Manifest::requires`] (declare a rule such as
    /// "`proxy_port` is required with `proxy_server`" there, not here). Returns one problem per
    /// line to show. The form without a language: implement [`Self::validate_in`] instead
    /// when the messages should follow the person's language.
    fn validate(&self, _params: &Params) -> Vec<ParamProblem> {
        Vec::new()
    }

    /// Since ABI 1.3: the same checks, with the messages in the language of the person who
    /// saves the parameters, `locale` (`ru`, `en`: the CLI's locale, the web console's
    /// language), or `""` when the host does not say (a host older than 1.3: the SDK answers
    /// its 1.0 `validate` entry point with this method too), then in the plugin's own default
    /// language. Implement this one, or [`Self::validate`] for messages in one language: the
    /// default answers that.
    fn validate_in(&self, params: &Params, _locale: &str) -> Vec<ParamProblem> {
        self.validate(params)
    }

    /// Checks that the service can be reached with these settings. Changes nothing.
    fn check(&self, ctx: &Context<'_>) -> Result<String, String>;

    /// Runs the task once.
    fn run(&self, ctx: &Context<'_>) -> Result<RunSummary, String>;

    /// The oldest host ABI this plugin runs in. A host older than that refuses to load it, in
    /// one line naming both versions. The default, 1.0, runs in every 1.x host: a plugin that
    /// uses a service newer than 1.0 asks [`Context::host_provides`] first and does without it.
    fn min_host_abi(&self) -> AbiVersion {
        AbiVersion::V1_0
    }
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
    /// The language of the texts a person reads (run message, log lines), e.g. `ru` or
    /// `en`; empty from a host that does not say (then the plugin uses its own default).
    #[serde(default)]
    pub locale: String,
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
    host_info: OnceCell<Option<HostInfo>>,
    schema: Vec<ParamSpec>,
}

impl<'a> Context<'a> {
    /// A context over the given host services, without a parameter schema. The SDK builds
    /// one for every entry point (with the plugin's schema); plugin tests get one from
    /// [`crate::testing::TestHost::context`].
    pub fn new(request: RunRequest, host: Host<'a>) -> Self {
        Context {
            request,
            host,
            host_info: OnceCell::new(),
            schema: Vec::new(),
        }
    }

    /// The same context reading its parameters with `schema` (the manifest's `params`):
    /// [`Self::params`] then applies their defaults and types.
    pub fn with_schema(mut self, schema: Vec<ParamSpec>) -> Self {
        self.schema = schema;
        self
    }

    /// The parameters, typed by the manifest and with its defaults applied (see
    /// [`crate::typed`]).
    pub fn params(&self) -> crate::typed::TypedParams<'_> {
        crate::typed::TypedParams::new(&self.schema, &self.request.params)
    }

    /// The request data: parameters, Links base values, school data, dry-run flag.
    pub fn request(&self) -> &RunRequest {
        &self.request
    }

    /// A parameter's value as stored (defaults already applied); prefer the typed
    /// [`Self::params`].
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

    /// The language the host asks the run's texts in (`ru`, `en`), or `""` when the host
    /// does not say.
    pub fn locale(&self) -> &str {
        &self.request.locale
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

    /// Calls the host service `name` ([`crate::negotiate::services`]) with JSON input and
    /// returns its JSON answer. Ask [`Context::host_provides`] first: an older host answers
    /// an error.
    pub fn call_host(&self, name: &str, input_json: &str) -> Result<String, String> {
        self.host
            .call(name.into(), input_json.into())
            .into_result()
            .map(String::from)
            .map_err(String::from)
    }

    /// The host's program, ABI and services beyond ABI 1.0; `None` in a host older than 1.1,
    /// which offers only the services of 1.0.
    pub fn host_info(&self) -> Option<&HostInfo> {
        self.host_info
            .get_or_init(|| {
                let answer = self.host.call(services::HOST_INFO.into(), "{}".into());
                let json = answer.into_result().ok()?;
                serde_json::from_str(json.as_str()).ok()
            })
            .as_ref()
    }

    /// Whether the host provides the service `name` (one of [`crate::negotiate::services`]).
    pub fn host_provides(&self, name: &str) -> bool {
        self.host_info().is_some_and(|info| info.provides(name))
    }

    /// The ABI the host speaks: from its [`HostInfo`], or 1.0 for a host that has none.
    pub fn host_abi(&self) -> AbiVersion {
        self.host_info()
            .map_or(AbiVersion::V1_0, |info| info.abi_version)
    }
}

/// Runs `body` with panics turned into errors that carry the panic message.
fn guarded(body: impl FnOnce() -> Result<String, String>) -> RResult<RString, RString> {
    guarded_in("", body)
}

/// Like [`guarded`], with the SDK's own texts in the request's `locale`: Russian when the
/// host asks for it (`ru…`), else English.
fn guarded_in(
    locale: &str,
    body: impl FnOnce() -> Result<String, String>,
) -> RResult<RString, RString> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(text)) => RResult::ROk(text.into()),
        Ok(Err(message)) => RResult::RErr(message.into()),
        Err(payload) => {
            let message = panic_message(&*payload);
            RResult::RErr(
                match russian(locale) {
                    true => format!("в модуле задачи произошёл сбой (panic): {message}"),
                    false => format!("plugin panicked: {message}"),
                }
                .into(),
            )
        }
    }
}

/// Whether the SDK's own texts for a request in `locale` are Russian.
fn russian(locale: &str) -> bool {
    locale.starts_with("ru")
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

/// The 1.0 `validate` entry point: [`TaskPlugin::validate_in`] without a language.
extern "C" fn validate_entry<P: TaskPlugin>(params_json: RStr<'_>) -> RResult<RString, RString> {
    guarded(|| {
        let params: Params = read_params(params_json.as_str())?;
        to_json(&P::default().validate_in(&params, ""))
    })
}

/// The [`entry_points::VALIDATE_IN`] entry point, in the host's language.
fn validate_in<P: TaskPlugin>(input_json: &str) -> Result<String, String> {
    let request: ValidateRequest = read_params(input_json)?;
    to_json(&P::default().validate_in(&request.params, &request.locale))
}

/// Reads the parameters (or the request carrying them) a host sends to be validated.
fn read_params<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
    serde_json::from_str(json)
        .map_err(|e| format!("the host sent parameters this plugin cannot read: {e}"))
}

/// Refuses to work in a host older than the plugin needs. A host of ABI 1.1 or newer refuses
/// to load such a plugin already; a 1.0 host does not know the rule, so the plugin says it.
fn ensure_host_is_new_enough<P: TaskPlugin>(plugin: &P, ctx: &Context<'_>) -> Result<(), String> {
    let needed = plugin.min_host_abi();
    if needed <= AbiVersion::V1_0 {
        return Ok(());
    }
    let host = ctx.host_abi();
    if host < needed {
        return Err(match russian(ctx.locale()) {
            true => format!(
                "модулю задачи нужна программа с ABI модулей {needed} или новее, а эта \
                 поддерживает ABI {host}: обновите exchange-host или установите сборку модуля \
                 для ABI {host}"
            ),
            false => format!(
                "this plugin {}",
                crate::negotiate::needs_newer_host(needed, host)
            ),
        });
    }
    Ok(())
}

/// The context of a `check` or `run`: the request's parameters with the manifest's defaults,
/// refused unless they fit the manifest (types, required keys, rules between parameters), so
/// that the plugin reads typed values and re-checks nothing. The host checked them before it
/// saved them; stored values may predate a new version of the plugin.
pub(crate) fn plugin_context<'h, P: TaskPlugin>(
    plugin: &P,
    mut request: RunRequest,
    host: Host<'h>,
) -> Result<Context<'h>, String> {
    let manifest = plugin.manifest();
    request.params = manifest.with_defaults(&request.params);
    let problems = manifest.param_problems(&request.params);
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let (type_id, list) = (&manifest.type_id, list.join("; "));
        return Err(match russian(&request.locale) {
            true => format!("параметры задачи не подходят к типу задачи {type_id}: {list}"),
            false => format!("the task's parameters do not fit the {type_id} task type: {list}"),
        });
    }
    let ctx = Context::new(request, host).with_schema(manifest.params);
    ensure_host_is_new_enough(plugin, &ctx)?;
    Ok(ctx)
}

/// Reads a `check` or `run` request and answers it with `body`, panics turned into errors in
/// the request's language.
fn with_request(
    request_json: RStr<'_>,
    body: impl FnOnce(RunRequest) -> Result<String, String>,
) -> RResult<RString, RString> {
    match parse_request(request_json) {
        Ok(request) => {
            let locale = request.locale.clone();
            guarded_in(&locale, || body(request))
        }
        Err(message) => RResult::RErr(message.into()),
    }
}

pub(crate) extern "C" fn check_entry<P: TaskPlugin>(
    request_json: RStr<'_>,
    host: Host<'_>,
) -> RResult<RString, RString> {
    with_request(request_json, |request| {
        let plugin = P::default();
        let ctx = plugin_context(&plugin, request, host)?;
        plugin.check(&ctx)
    })
}

pub(crate) extern "C" fn run_entry<P: TaskPlugin>(
    request_json: RStr<'_>,
    host: Host<'_>,
) -> RResult<RString, RString> {
    with_request(request_json, |request| {
        let plugin = P::default();
        let ctx = plugin_context(&plugin, request, host)?;
        to_json(&plugin.run(&ctx)?)
    })
}

/// The entry points after ABI 1.0 that every plugin answers, as its capabilities list them.
const ENTRY_POINTS: [&str; 2] = [entry_points::CAPABILITIES, entry_points::VALIDATE_IN];

/// The entry points after ABI 1.0, by name ([`entry_points`]).
extern "C" fn call_entry<P: TaskPlugin>(
    name: RStr<'_>,
    input_json: RStr<'_>,
) -> RResult<RString, RString> {
    guarded(|| match name.as_str() {
        entry_points::CAPABILITIES => to_json(&PluginCapabilities {
            min_host_abi: P::default().min_host_abi(),
            entry_points: ENTRY_POINTS.map(String::from).to_vec(),
        }),
        entry_points::VALIDATE_IN => validate_in::<P>(input_json.as_str()),
        other => Err(format!("this plugin has no entry point {other:?}")),
    })
}

#[doc(hidden)]
pub fn __root_module<P: TaskPlugin>() -> PluginModuleRef {
    PluginModule {
        manifest: manifest_entry::<P>,
        validate: validate_entry::<P>,
        check: check_entry::<P>,
        run: run_entry::<P>,
        call: call_entry::<P>,
    }
    .leak_into_prefix()
}

/// Exports a [`TaskPlugin`] implementation as this library's plugin root module (once per
/// library; see `docs/plugin-guide.md` for a whole plugin).
///
/// ```
/// use exchange_sdk::{Context, Manifest, RunStatus, RunSummary, TaskPlugin};
///
/// #[derive(Default)]
/// struct MyPlugin;
///
/// impl TaskPlugin for MyPlugin {
///     fn manifest(&self) -> Manifest {
///         Manifest {
///             type_id: "my-task".into(),
///             display_name: "My task".into(),
///             version: "0.1.0".into(),
///             ..Default::default()
///         }
///     }
///     fn check(&self, _: &Context<'_>) -> Result<String, String> {
///         Ok("nothing to reach".into())
///     }
///     fn run(&self, _: &Context<'_>) -> Result<RunSummary, String> {
///         Ok(RunSummary { status: RunStatus::Ok, message: "done".into(), counters: Default::default() })
///     }
/// }
///
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestHost;

    /// Needs a host of ABI 1.1.
    #[derive(Default)]
    struct Needs1_1;

    impl TaskPlugin for Needs1_1 {
        fn manifest(&self) -> Manifest {
            Manifest {
                type_id: "needs".into(),
                ..Default::default()
            }
        }
        fn check(&self, ctx: &Context<'_>) -> Result<String, String> {
            Ok(format!("in {}", ctx.host_info().unwrap().host))
        }
        fn run(&self, _: &Context<'_>) -> Result<RunSummary, String> {
            Err("not reached in these tests".into())
        }
        fn min_host_abi(&self) -> AbiVersion {
            AbiVersion::new(1, 1)
        }
    }

    #[test]
    fn a_plugin_learns_the_host_services_and_a_1_0_host_has_none() {
        let host = TestHost::of_abi_1_0();
        let old = Context::new(RunRequest::default(), host.services());
        assert!(old.host_info().is_none());
        assert_eq!(old.host_abi(), AbiVersion::V1_0);
        assert!(!old.host_provides(services::HOST_INFO));

        let host = TestHost::new();
        let new = Context::new(RunRequest::default(), host.services());
        assert_eq!(new.host_info().unwrap().host, "exchange_sdk::testing");
        assert_eq!(new.host_abi(), AbiVersion::current());
        assert!(new.host_provides(services::HOST_INFO));
        assert!(!new.host_provides("metrics_report"));
    }

    #[test]
    fn a_plugin_refuses_to_work_in_a_host_older_than_it_needs() {
        let request = RunRequest::default;
        assert_eq!(
            TestHost::new().check::<Needs1_1>(request()),
            Ok("in exchange_sdk::testing".to_string())
        );
        assert_eq!(
            TestHost::of_abi_1_0().check::<Needs1_1>(request()),
            Err(
                "this plugin needs a host that speaks plugin ABI 1.1 or newer, but this host \
                 speaks ABI 1.0: upgrade exchange-host, or install a build of the plugin for \
                 ABI 1.0"
                    .to_string()
            )
        );
    }

    #[test]
    fn the_capabilities_entry_point_lists_the_named_ones_and_refuses_unknown_names() {
        let answer = call_entry::<Needs1_1>(entry_points::CAPABILITIES.into(), "{}".into());
        let caps: PluginCapabilities = serde_json::from_str(&answer.unwrap()).unwrap();
        assert_eq!(caps.min_host_abi, AbiVersion::new(1, 1));
        assert_eq!(
            caps.entry_points,
            [entry_points::CAPABILITIES, entry_points::VALIDATE_IN]
        );
        let unknown = call_entry::<Needs1_1>("no_such_entry".into(), "{}".into());
        assert_eq!(
            unknown.unwrap_err().as_str(),
            "this plugin has no entry point \"no_such_entry\""
        );
    }

    /// A plugin whose own check speaks the person's language: Russian unless asked for English.
    #[derive(Default)]
    struct Worded;

    impl TaskPlugin for Worded {
        fn manifest(&self) -> Manifest {
            Manifest {
                type_id: "worded".into(),
                ..Default::default()
            }
        }
        fn validate_in(&self, params: &Params, locale: &str) -> Vec<ParamProblem> {
            let spaced = params.get("word").is_some_and(|w| w.contains(' '));
            let message = match locale {
                "en" => "is more than one word",
                _ => "больше одного слова",
            };
            spaced
                .then(|| ParamProblem {
                    key: Some("word".into()),
                    message: message.into(),
                })
                .into_iter()
                .collect()
        }
        fn check(&self, _: &Context<'_>) -> Result<String, String> {
            Ok("ready".into())
        }
        fn run(&self, _: &Context<'_>) -> Result<RunSummary, String> {
            Err("not reached in these tests".into())
        }
    }

    /// The problems a validation entry point answered, as `key: message` lines.
    fn problem_lines(answer: RResult<RString, RString>) -> Vec<String> {
        let problems: Vec<ParamProblem> = serde_json::from_str(&answer.unwrap()).unwrap();
        problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn validation_answers_in_the_language_asked_and_without_one_in_the_plugins_own() {
        let ask =
            |input: &str| call_entry::<Worded>(entry_points::VALIDATE_IN.into(), input.into());
        let spaced = r#"{"word":"два слова"}"#;
        assert_eq!(
            problem_lines(ask(&format!(r#"{{"params":{spaced},"locale":"en"}}"#))),
            ["word: is more than one word"]
        );
        assert_eq!(
            problem_lines(ask(&format!(r#"{{"params":{spaced},"locale":"ru"}}"#))),
            ["word: больше одного слова"]
        );
        assert!(problem_lines(ask(r#"{"params":{"word":"одно"},"locale":"en"}"#)).is_empty());
        // A host older than 1.3 asks the 1.0 entry point, which says no language.
        assert_eq!(
            problem_lines(validate_entry::<Worded>(spaced.into())),
            ["word: больше одного слова"]
        );
        let unreadable = ask(r#"{"locale":"en"}"#).unwrap_err();
        assert!(
            unreadable.starts_with("the host sent parameters this plugin cannot read"),
            "{unreadable}"
        );
    }

    /// A plugin with a proxy: a port with the server, and only then.
    #[derive(Default)]
    struct Proxied;

    impl TaskPlugin for Proxied {
        fn manifest(&self) -> Manifest {
            use crate::manifest::{Condition, Dependency};
            use crate::ParamType;
            Manifest {
                type_id: "proxied".into(),
                params: vec![
                    ParamSpec::optional("proxy_server", ParamType::String, None, ""),
                    ParamSpec::optional("proxy_port", ParamType::Port, None, ""),
                    ParamSpec::optional(
                        "retries",
                        ParamType::Integer { min: 0, max: 5 },
                        Some("2"),
                        "",
                    ),
                ],
                requires: vec![
                    Dependency::required_with(&["proxy_port"], Condition::set("proxy_server")),
                    Dependency::only_with(&["proxy_port"], Condition::set("proxy_server")),
                ],
                ..Default::default()
            }
        }
        fn check(&self, _: &Context<'_>) -> Result<String, String> {
            Ok("reachable".into())
        }
        fn run(&self, ctx: &Context<'_>) -> Result<RunSummary, String> {
            let p = ctx.params();
            let proxy = match p.text("proxy_server") {
                Some(server) => format!("{server}:{}", p.port("proxy_port").unwrap()),
                None => "direct".into(),
            };
            Ok(RunSummary {
                status: RunStatus::Ok,
                message: format!("{proxy}, {} retries", p.integer("retries").unwrap()),
                counters: BTreeMap::new(),
            })
        }
    }

    #[test]
    fn a_run_gets_typed_parameters_with_defaults_and_never_parameters_that_break_the_rules() {
        let host = TestHost::new();
        let run = |pairs: &[(&str, &str)]| {
            host.run::<Proxied>(RunRequest {
                params: crate::testing::params(pairs),
                ..Default::default()
            })
        };
        assert_eq!(run(&[]).unwrap().message, "direct, 2 retries");
        assert_eq!(
            run(&[
                ("proxy_server", "p.local"),
                ("proxy_port", "3128"),
                ("retries", "0")
            ])
            .unwrap()
            .message,
            "p.local:3128, 0 retries"
        );
        assert_eq!(
            run(&[("proxy_server", "p.local")]).unwrap_err(),
            "the task's parameters do not fit the proxied task type: proxy_port: is required with proxy_server"
        );
        assert_eq!(
            run(&[("proxy_port", "3128"), ("retries", "9")]).unwrap_err(),
            "the task's parameters do not fit the proxied task type: retries: expected a whole number 0-5, got \"9\"; \
             proxy_port: is set but proxy_server is not: set proxy_server too, or remove it"
        );
    }

    /// A plugin whose run panics.
    #[derive(Default)]
    struct Panics;

    impl TaskPlugin for Panics {
        fn manifest(&self) -> Manifest {
            Manifest {
                type_id: "panics".into(),
                ..Default::default()
            }
        }
        fn check(&self, _: &Context<'_>) -> Result<String, String> {
            Ok(String::new())
        }
        fn run(&self, _: &Context<'_>) -> Result<RunSummary, String> {
            panic!("boom")
        }
    }

    #[test]
    fn the_sdks_own_refusals_speak_russian_when_the_host_asks_for_it() {
        let host = TestHost::new();
        let russian = || RunRequest {
            locale: "ru".into(),
            ..Default::default()
        };
        assert_eq!(
            host.run::<Panics>(russian()).unwrap_err(),
            "в модуле задачи произошёл сбой (panic): boom"
        );
        assert_eq!(
            host.run::<Panics>(RunRequest {
                locale: "en".into(),
                ..Default::default()
            })
            .unwrap_err(),
            "plugin panicked: boom"
        );
        let refused = host
            .run::<Proxied>(RunRequest {
                params: crate::testing::params(&[("proxy_server", "p.local")]),
                ..russian()
            })
            .unwrap_err();
        assert!(
            refused.starts_with("параметры задачи не подходят к типу задачи proxied: proxy_port"),
            "{refused}"
        );
        assert_eq!(
            TestHost::of_abi_1_0().check::<Needs1_1>(russian()),
            Err(
                "модулю задачи нужна программа с ABI модулей 1.1 или новее, а эта поддерживает \
                 ABI 1.0: обновите exchange-host или установите сборку модуля для ABI 1.0"
                    .to_string()
            )
        );
    }
}
