//! The exchange host's core: plugin discovery and loading, parameter and task configuration
//! checks, runs in worker processes, the scheduler's timing rules, redaction, the host's
//! languages, metrics, secrets and school data views. The web console (`exchange-web`) and
//! the command line (`exchange-host`) are built on it; it knows neither of them, nor clap,
//! nor HTTP, and keeps its data in `exchange-store`.

pub mod errors;
pub mod i18n;
pub mod metrics;
pub mod output;
pub mod params;
pub mod plugins;
pub mod redact;
pub mod runs;
pub mod schedule;
pub mod scheduler;
pub mod school;
pub mod secrets;
pub mod task_config;
