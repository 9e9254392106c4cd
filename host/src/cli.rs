//! The command line: every command and option, as clap parses them.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Runs data exchange tasks (such as VK Sferum chat sync) for schools, on schedules, with
/// task types provided by plugins.
#[derive(Parser, Debug)]
#[command(name = "exchange-host", version, about, long_about = None)]
pub struct Cli {
    /// A folder with plugin libraries (repeatable). Default: the EXCHANGE_PLUGINS folders
    /// (separated by ':'), else the executable's folder and its plugins/ subfolder.
    #[arg(long = "plugins", value_name = "DIR", global = true)]
    pub plugin_dirs: Vec<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// List installed task-type plugins and show their parameters.
    #[command(subcommand)]
    Plugins(PluginsCommand),
}

/// `exchange-host plugins …`
#[derive(Subcommand, Debug)]
pub enum PluginsCommand {
    /// List the plugins found (type id, name, version, file) and the files skipped.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show a task type's parameters: type, range, default, required, secret, description.
    Show {
        /// The task type id, e.g. sferum-sync.
        #[arg(value_name = "TYPE")]
        type_id: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}
