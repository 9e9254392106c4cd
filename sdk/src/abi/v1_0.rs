//! The ABI 1.0 layout as released, frozen: the root module and host services exactly as the
//! 1.0 SDK exports and expects them. The host checks every library against this layout first
//! (every 1.x plugin passes it) and keeps it to run plugins built against SDK 1.0, which do not
//! pass the newer layout (abi_stable refuses a library prefix type shorter than the host's).
//!
//! Never edit this module: a change here stops plugins built against SDK 1.0 from loading.
//! The type names must stay those of the 1.0 SDK, since abi_stable compares names.

use abi_stable::{
    declare_root_module_statics,
    library::RootModule,
    sabi_trait,
    sabi_types::VersionStrings,
    std_types::{ROption, RResult, RStr, RString},
    RRef, StableAbi,
};

/// The host services of ABI 1.0. Every implementor of the current
/// [`super::HostServices`] implements it too.
#[sabi_trait]
pub trait HostServices: Sync {
    /// Records a log line; `level` is a [`crate::LogLevel`] as `u8`.
    fn log(&self, level: u8, message: RStr<'_>);
    /// Reports progress within a stage.
    fn progress(&self, stage: RStr<'_>, done: u64, total: u64);
    /// Reads a value from the task's persistent state store.
    fn state_get(&self, key: RStr<'_>) -> ROption<RString>;
    /// Writes (or with `None` deletes) a value in the task's state store; durable on return.
    fn state_set(&self, key: RStr<'_>, value: ROption<RStr<'_>>) -> RResult<(), RString>;
    /// Publishes the organization's Links base table (JSON of [`crate::plugin::LinksTable`]).
    fn publish_links(&self, table_json: RStr<'_>) -> RResult<(), RString>;
    /// Writes a video call's join link back into the organization's school data.
    fn set_call_link(&self, call_id: RStr<'_>, link: RStr<'_>) -> RResult<(), RString>;
    /// Whether the host asked the run to stop.
    #[sabi(last_prefix_field)]
    fn is_cancelled(&self) -> bool;
}

/// The 1.0 host services as a plugin built against SDK 1.0 receives them.
pub type Host<'a> = HostServices_TO<'a, RRef<'a, ()>>;

/// The root module of ABI 1.0.
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = PluginModuleRef)))]
#[sabi(missing_field(panic))]
pub struct PluginModule {
    /// Returns the [`crate::Manifest`] as JSON.
    pub manifest: extern "C" fn() -> RResult<RString, RString>,
    /// Checks parameters (a JSON object of strings); returns a JSON list of problems.
    pub validate: extern "C" fn(params_json: RStr<'_>) -> RResult<RString, RString>,
    /// Checks that the service is reachable with the request's settings; changes nothing.
    pub check: extern "C" fn(request_json: RStr<'_>, host: Host<'_>) -> RResult<RString, RString>,
    /// Runs the task; returns the [`crate::RunSummary`] as JSON.
    #[sabi(last_prefix_field)]
    pub run: extern "C" fn(request_json: RStr<'_>, host: Host<'_>) -> RResult<RString, RString>,
}

impl RootModule for PluginModuleRef {
    declare_root_module_statics! {PluginModuleRef}
    const BASE_NAME: &'static str = "exchange_plugin";
    const NAME: &'static str = "exchange_plugin";
    const VERSION_STRINGS: VersionStrings = VersionStrings::new("1.0.0");
}

/// A host implements only the current [`super::HostServices`]; this hands the same object to
/// plugins built against SDK 1.0.
impl<T: super::HostServices> HostServices for T {
    fn log(&self, level: u8, message: RStr<'_>) {
        super::HostServices::log(self, level, message)
    }
    fn progress(&self, stage: RStr<'_>, done: u64, total: u64) {
        super::HostServices::progress(self, stage, done, total)
    }
    fn state_get(&self, key: RStr<'_>) -> ROption<RString> {
        super::HostServices::state_get(self, key)
    }
    fn state_set(&self, key: RStr<'_>, value: ROption<RStr<'_>>) -> RResult<(), RString> {
        super::HostServices::state_set(self, key, value)
    }
    fn publish_links(&self, table_json: RStr<'_>) -> RResult<(), RString> {
        super::HostServices::publish_links(self, table_json)
    }
    fn set_call_link(&self, call_id: RStr<'_>, link: RStr<'_>) -> RResult<(), RString> {
        super::HostServices::set_call_link(self, call_id, link)
    }
    fn is_cancelled(&self) -> bool {
        super::HostServices::is_cancelled(self)
    }
}
