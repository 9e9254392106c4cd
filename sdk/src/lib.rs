//! The contract between the exchange host and the task-type plugins it loads.
//!
//! A plugin author implements [`TaskPlugin`] and exports it with [`export_plugin!`]; nothing
//! else of the binary interface needs to be known. Start with the vendor's guide,
//! `docs/plugin-guide.md` in the repository: a task type in 15 minutes, tested with
//! [`testing`], versioned against the ABI, shipped. The host loads the exported root module
//! ([`abi::PluginModuleRef`]) from the shared library and talks to it only through that
//! module. Data crosses the boundary as JSON text (manifest, run request, summary), so both
//! sides can grow new fields without breaking the other: unknown fields are ignored.
//!
//! The crate also holds the shared school-data model ([`school`]), so the host, the plugins
//! and the tests speak the same `school-data/1` format.

pub mod abi;
pub mod manifest;
pub mod negotiate;
pub mod plugin;
pub mod school;
pub mod school_validate;
pub mod testing;
pub mod text;
pub mod typed;

pub use manifest::{Condition, Dependency, Manifest, ParamSpec, ParamType};
pub use negotiate::{AbiVersion, HostInfo, PluginCapabilities};
pub use plugin::{CheckOutcome, Context, LogLevel, RunRequest, RunStatus, RunSummary, TaskPlugin};

#[doc(hidden)]
pub use abi_stable;
#[doc(hidden)]
pub use serde_json;
