//! The commands behind the CLI, one module per command group.

mod plugins;

use crate::cli::{Cli, Command};
use crate::plugins::{discovery, Registry};
use std::process::ExitCode;

/// Sets up tracing to stderr (`RUST_LOG` decides; default: warnings).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Runs one parsed command line.
pub fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let env = Env { plugin_dirs: cli.plugin_dirs };
    match cli.command {
        Command::Plugins(command) => plugins::run(&env, command),
    }
}

/// What every command may need from the global options.
pub struct Env {
    plugin_dirs: Vec<std::path::PathBuf>,
}

impl Env {
    /// Discovers the plugins in the configured folders.
    pub fn registry(&self) -> Registry {
        let env_value = std::env::var(discovery::PLUGINS_ENV).ok();
        let exe = std::env::current_exe().ok();
        let dirs = discovery::plugin_dirs(&self.plugin_dirs, env_value.as_deref(), exe.as_deref());
        Registry::discover(&dirs)
    }
}

/// Prints each skipped plugin file to stderr, one line each.
pub fn report_skipped(registry: &Registry) {
    for skipped in &registry.skipped {
        eprintln!("warning: skipped plugin {}: {}", skipped.path.display(), skipped.reason);
    }
}
