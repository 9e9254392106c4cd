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

    /// The database file. Default: $EXCHANGE_DB, else exchange-host/exchange.db in the user's
    /// data folder ($XDG_DATA_HOME or ~/.local/share).
    #[arg(long = "db", value_name = "PATH", global = true, env = "EXCHANGE_DB")]
    pub db: Option<PathBuf>,

    /// How log lines are written to stderr: text, or json (one object per line, for journald
    /// or a log shipper). RUST_LOG picks what is logged (default: warnings).
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        global = true,
        env = "EXCHANGE_LOG_FORMAT",
        default_value = "text"
    )]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

/// How log lines are written.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The top-level commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// List installed task-type plugins and show their parameters.
    #[command(subcommand)]
    Plugins(PluginsCommand),
    /// Organizations (schools) and their Links base values.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Print an organization's published "Sferum chats" table.
    Links {
        /// The organization id.
        org: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// School data: import, inspect, and generate a sample.
    #[command(subcommand)]
    School(SchoolCommand),
    /// Exchange tasks: add, configure, enable, remove.
    #[command(subcommand)]
    Task(TaskCommand),
    /// Run a task now, in the foreground, with its progress and log.
    Run {
        /// The task id.
        task: i64,
        /// Plan and report only: the plugin changes nothing outside the host.
        #[arg(long)]
        dry_run: bool,
        /// Confirm, for this run only, the changes a safety guard would hold back (e.g. the
        /// removals above the removal guard's limit). Nothing is stored: the next run is
        /// guarded again.
        #[arg(long, conflicts_with = "dry_run")]
        force: bool,
    },
    /// Run history, newest first.
    Runs {
        /// Only this task's runs.
        #[arg(long)]
        task: Option<i64>,
        /// How many runs to show.
        #[arg(long, default_value_t = 20)]
        last: i64,
        #[arg(long)]
        json: bool,
    },
    /// A run's log lines and summary.
    Logs {
        /// The run id (see: exchange-host runs).
        run: i64,
        /// The lowest level shown: debug, info, warn, error.
        #[arg(long, default_value = "debug")]
        level: String,
        #[arg(long)]
        json: bool,
    },
    /// Run every enabled task on its schedule until stopped (Ctrl-C / SIGTERM).
    Serve(ServeArgs),
    /// The web console's administrator.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Copy the database, while it is in use, to a new file (owner-only). To restore, stop
    /// every host process and put the copy in the database's place (see README.md).
    Backup {
        /// The new file (it must not exist).
        file: PathBuf,
    },
    /// See it work: the sample school synced to a local Sferum emulator, step by step.
    #[command(long_about = DEMO_HELP)]
    Demo {
        /// The folder that keeps the demo's database, school file and emulator state
        /// between runs.
        #[arg(long, default_value = "exchange-demo")]
        dir: PathBuf,
    },
    /// The worker process a run executes in (started by the host itself).
    #[command(name = "__worker", hide = true)]
    Worker {
        /// run or check
        mode: String,
        task: i64,
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        force: bool,
        /// The language of the texts the plugin writes (`ru`, `en`).
        #[arg(long, default_value = "")]
        locale: String,
    },
    /// The scanner process that loads one plugin library and prints its manifest, or checks
    /// parameters with it (started by the host itself).
    #[command(name = "__scan", hide = true)]
    Scan {
        /// The plugin library.
        file: PathBuf,
        /// Check the parameters given as JSON on standard input with the plugin of this task
        /// type instead.
        #[arg(long, value_name = "TYPE")]
        validate: Option<String>,
        /// Describe the plugin even if its manifest is not sound (for `plugins verify`).
        #[arg(long, conflicts_with = "validate")]
        unchecked: bool,
    },
}

/// `exchange-host serve` options.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Most runs at once over all tasks, 1 to 1024 (default: CPUs × 4).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub max_concurrent: Option<u16>,
    /// How long running tasks get to stop after a shutdown signal, e.g. 30s (at most 1h).
    #[arg(long, default_value = "30s")]
    pub grace: String,
    /// Shortest pause between two runs of a "constantly" task, e.g. 5s (at most 1h).
    #[arg(long, default_value = "5s")]
    pub constantly_floor: String,
    /// Also serve the administrator's web console on this address, e.g. 127.0.0.1:8080
    /// (port 0 picks a free one; the address is printed). An address beyond this machine
    /// needs an administrator password first (exchange-host admin password).
    /// Default: $EXCHANGE_HTTP. Also serves `/metrics` (Prometheus) and `/healthz`.
    #[arg(long, value_name = "ADDR", env = "EXCHANGE_HTTP")]
    pub http: Option<std::net::SocketAddr>,
    /// The language of the web console and of what runs started by this process write
    /// (run messages, plugin log lines).
    #[arg(long, value_enum, default_value = "ru")]
    pub lang: LangArg,
    /// The console is reached over HTTPS (through a TLS reverse proxy): its session cookie
    /// is marked `Secure`.
    #[arg(long)]
    pub https: bool,
    /// The address of a reverse proxy whose `X-Forwarded-Proto` and `X-Forwarded-For`
    /// headers are believed (repeatable), e.g. 127.0.0.1: requests it forwards over HTTPS
    /// get `Secure` cookies, and login throttling counts the client it names.
    #[arg(long, value_name = "IP")]
    pub trusted_proxy: Vec<std::net::IpAddr>,
}

/// `exchange-host admin …`
#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Set the web console's administrator password: asked twice on a terminal, else read
    /// from the first line of standard input. Stored as an Argon2 hash in the database.
    Password,
}

/// `exchange-host org …`
#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Add an organization.
    Add {
        /// A short id of your choice, e.g. school-239.
        org: String,
        /// The organization's name.
        #[arg(long)]
        name: String,
    },
    /// List organizations.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show an organization and its Links base (secrets masked).
    Show {
        org: String,
        #[arg(long)]
        json: bool,
    },
    /// Set Links base values, e.g. sferum.community_id=123 sferum.access_token=….
    Set {
        org: String,
        /// key=value settings.
        #[arg(value_name = "KEY=VALUE", required = true)]
        values: Vec<String>,
    },
    /// Remove Links base values.
    Unset {
        org: String,
        #[arg(value_name = "KEY", required = true)]
        keys: Vec<String>,
    },
}

/// `exchange-host school …`
#[derive(Subcommand, Debug)]
pub enum SchoolCommand {
    /// Import a school-data/1 JSON file (a full snapshot) for an organization.
    ///
    /// The file's organization.id must be the organization's id. An import that would take
    /// away more than a third of the staff, classes, students or parents is refused unless
    /// confirmed with --confirm-shrink.
    Import {
        org: String,
        file: PathBuf,
        /// Replace the data even if staff, classes, students or parents fall by more than a third.
        #[arg(long)]
        confirm_shrink: bool,
    },
    /// Counts and academic year of the imported data.
    Show {
        org: String,
        #[arg(long)]
        json: bool,
    },
    /// Staff personal files: current positions, roles, acting head, Sferum ID.
    Staff {
        org: String,
        #[arg(long)]
        json: bool,
    },
    /// Per class: students and parents linked to Sferum, out of all.
    Coverage {
        org: String,
        #[arg(long)]
        json: bool,
    },
    /// Video calls with their join links.
    Calls {
        org: String,
        /// Only calls that have not started yet.
        #[arg(long)]
        upcoming: bool,
        #[arg(long)]
        json: bool,
    },
    /// MAX deep links per person (handed out by the MAX task for the diary) and the MAX ids
    /// bound through them; the bindings survive re-imports.
    MaxLinks {
        org: String,
        /// Only people not bound yet.
        #[arg(long)]
        unbound: bool,
        #[arg(long)]
        json: bool,
    },
    /// Write a realistic, deterministic sample school as school-data/1 JSON.
    Sample {
        /// Number of students, 1 to 20000.
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=20_000))]
        students: u32,
        /// The organization id written into the sample (organization.id).
        #[arg(long, default_value = "school-239")]
        org: String,
        /// Random seed; the same seed gives the same school.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

/// Host-level task settings shared by `task add` and `task set`.
#[derive(clap::Args, Debug)]
pub struct TaskSettingsArgs {
    /// When it runs: "every 30m", "constantly", "daily 07:30", "manual" (or «каждые 30 минут», «постоянно»).
    #[arg(long)]
    pub schedule: Option<String>,
    /// Longest a run may take before it is killed, e.g. 1h.
    #[arg(long, value_name = "DURATION")]
    pub max_run_time: Option<String>,
    /// Up to this much random delay before each scheduled run, e.g. 5m.
    #[arg(long, value_name = "DURATION")]
    pub random_delay: Option<String>,
}

impl From<TaskSettingsArgs> for exchange_core::task_config::SettingsInput {
    fn from(args: TaskSettingsArgs) -> Self {
        exchange_core::task_config::SettingsInput {
            schedule: args.schedule,
            max_run_time: args.max_run_time,
            random_delay: args.random_delay,
        }
    }
}

/// `exchange-host task …`
#[derive(Subcommand, Debug)]
pub enum TaskCommand {
    /// Add a task; prints its id. Parameters are checked against the plugin's schema first.
    Add {
        #[arg(long)]
        org: String,
        /// The task type, e.g. sferum-sync (see: exchange-host plugins list).
        #[arg(long = "type", value_name = "TYPE")]
        type_id: String,
        #[command(flatten)]
        settings: TaskSettingsArgs,
        /// key=value parameters (see: exchange-host plugins show TYPE).
        #[arg(value_name = "KEY=VALUE")]
        values: Vec<String>,
    },
    /// Change a task's parameters (key=value; an empty value removes the key) or settings.
    Set {
        id: i64,
        #[command(flatten)]
        settings: TaskSettingsArgs,
        #[arg(value_name = "KEY=VALUE")]
        values: Vec<String>,
    },
    /// Remove parameters from a task.
    Unset {
        id: i64,
        #[arg(value_name = "KEY", required = true)]
        keys: Vec<String>,
    },
    /// List tasks.
    List {
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show a task (secrets masked).
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Remove a task with its state and history.
    Rm { id: i64 },
    /// Enable a task's schedule.
    Enable { id: i64 },
    /// Disable a task's schedule (it can still be run by hand).
    Disable { id: i64 },
    /// Ask the plugin whether it can reach its service with the task's settings (changes nothing).
    Check { id: i64 },
}

const DEMO_HELP: &str = "See it work: the sample school synced to a local Sferum emulator.

The first time, the demo:
  1. starts the Sferum emulator (the sferum-emulator program next to exchange-host) on a free
     loopback port, with a demo community and token, keeping its state in DIR/emulator-state.json;
  2. creates a fresh database DIR/exchange.db;
  3. adds the organization demo-school and enters its Links base values
     (exchange-host org add / org set sferum.community_id=… sferum.access_token=…);
  4. writes the embedded sample school to DIR/school.json and imports it (exchange-host school import);
  5. adds the Sferum sync task (exchange-host task add --org demo-school --type sferum-sync);
  6. runs it with progress (exchange-host run TASK, with SFERUM_API_BASE pointing at the emulator);
  7. prints the \"Sferum chats\" table (exchange-host links demo-school) and the run summary.

Run it again and it shows a second, no-op sync (no write calls) against the persisted emulator
state, then applies a small school change (a new student, a class teacher swap), imports it and
syncs again, showing exactly what changed.

To repeat the steps by hand, use the commands in brackets with --db DIR/exchange.db, after
starting the emulator yourself:
  sferum-emulator --listen 127.0.0.1:0 --community 100239:demo-community-token --state DIR/emulator-state.json
and exporting SFERUM_API_BASE=http://127.0.0.1:PORT (the address it prints).";

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
    /// Check a plugin library before shipping it: it loads (in a child process), its manifest
    /// is well-formed (type id, ABI version, display name, description and version stated,
    /// keys unique), defaults fit their types, secrets are marked, rules between parameters
    /// name declared ones, and its file and folders pass the host's permission checks.
    /// One line per finding; exit code 0 when there is none, 1 when there are, 2 for a file
    /// that cannot be checked (missing, or not a file).
    Verify {
        /// The plugin library, e.g. target/release/libmy_plugin.so.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// A language of the host's texts (`serve --lang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    /// Russian, the default of the web console.
    Ru,
    /// English.
    En,
}

impl From<LangArg> for exchange_core::i18n::Lang {
    fn from(lang: LangArg) -> Self {
        match lang {
            LangArg::Ru => exchange_core::i18n::Lang::Ru,
            LangArg::En => exchange_core::i18n::Lang::En,
        }
    }
}
