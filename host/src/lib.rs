//! The exchange host: plugin discovery, the SQLite store, task runs and the scheduler.
//!
//! The binary `exchange-host` (see `main.rs`) is a thin CLI over these modules.

pub mod cli;
pub mod commands;
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
pub mod sd_notify;
pub mod secrets;
pub mod signals;
pub mod task_config;
pub mod web;
