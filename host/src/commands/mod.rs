//! The commands behind the CLI, one module per command group.

mod admin;
mod demo;
mod orgs;
mod plugins;
mod run;
pub(crate) mod school;
mod serve;
mod tasks;

use crate::cli::{Cli, Command};
use exchange_core::i18n::Lang;
use exchange_core::output::Table;
use exchange_core::plugins::scan::Scanner;
use exchange_core::plugins::{discovery, Registry};
use exchange_core::tr;
use exchange_sdk::manifest::ParamProblem;
use exchange_sdk::ParamSpec;
use exchange_store::orgs::Org;
use exchange_store::Store;
use std::path::PathBuf;
use std::process::ExitCode;

/// Sets up tracing to stderr in `format` (`RUST_LOG` decides what; default: warnings).
pub fn init_logging(format: crate::cli::LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    // Colours only for a terminal, not for journald or a file.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let _ = match format {
        crate::cli::LogFormat::Text => builder.try_init(),
        crate::cli::LogFormat::Json => builder.json().try_init(),
    };
}

/// Runs one parsed command line, speaking `lang`.
pub fn dispatch(cli: Cli, lang: Lang) -> anyhow::Result<ExitCode> {
    let env = Env {
        plugin_dirs: cli.plugin_dirs,
        db: cli.db,
        lang,
    };
    match cli.command {
        Command::Plugins(command) => plugins::run(&env, command),
        Command::Org(command) => orgs::run(&env, command),
        Command::Links { org, json } => orgs::links(&env, &org, json),
        Command::School(command) => school::run(&env, command),
        Command::Task(crate::cli::TaskCommand::Check { id }) => run::check(&env, id),
        Command::Task(command) => tasks::run(&env, command),
        Command::Run {
            task,
            dry_run,
            force,
        } => run::run(&env, task, dry_run, force),
        Command::Runs { task, last, json } => run::runs(&env, task, last, json),
        Command::Logs { run, level, json } => run::logs(&env, run, &level, json),
        Command::Serve(args) => serve::serve(&env, &args),
        Command::Admin(command) => admin::run(&env, command),
        Command::Backup { file } => admin::backup(&env, &file),
        Command::Demo { dir } => demo::demo(&env, &dir),
        Command::Worker {
            mode,
            task,
            dry_run,
            force,
            locale,
        } => run::worker_main(&env, &mode, task, dry_run, force, locale),
        Command::Scan {
            file,
            validate,
            unchecked,
        } => {
            use exchange_core::plugins::scan::{child_main, Ask};
            let ask = match (&validate, unchecked) {
                (Some(type_id), _) => Ask::Validate(type_id),
                (None, true) => Ask::DescribeUnchecked,
                (None, false) => Ask::Describe,
            };
            child_main(&file, ask);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// What every command may need from the global options.
pub struct Env {
    plugin_dirs: Vec<PathBuf>,
    db: Option<PathBuf>,
    /// The language of what the command prints: the environment's locale.
    pub lang: Lang,
}

impl Env {
    /// The same settings with another database file.
    pub fn with_db(&self, db: PathBuf) -> Env {
        Env {
            plugin_dirs: self.plugin_dirs.clone(),
            db: Some(db),
            lang: self.lang,
        }
    }

    /// The database file in use.
    pub fn db_path(&self) -> PathBuf {
        self.db
            .clone()
            .unwrap_or_else(exchange_store::default_db_path)
    }

    /// Opens the database. Runs left `running` by a host process that is gone (killed or
    /// crashed) are ended `interrupted` first, so that every command tells the truth.
    pub fn store(&self) -> anyhow::Result<Store> {
        let mut store = Store::open(&self.db_path())?;
        store.interrupt_orphaned_runs(&exchange_core::runs::runner::orphaned(self.lang))?;
        Ok(store)
    }

    /// The Links base keys the loaded plugins declare.
    pub fn org_key_specs(&self) -> Vec<ParamSpec> {
        self.registry().org_key_specs()
    }

    /// The plugin folders in effect (see [`discovery::plugin_dirs`]).
    pub fn registry_dirs(&self) -> Vec<PathBuf> {
        let env_value = std::env::var(discovery::PLUGINS_ENV).ok();
        let exe = std::env::current_exe().ok();
        discovery::plugin_dirs(&self.plugin_dirs, env_value.as_deref(), exe.as_deref())
    }

    /// Discovers the plugins in the configured folders (manifests read out of process and
    /// remembered beside the database).
    pub fn registry(&self) -> Registry {
        Registry::discover(
            &self.registry_dirs(),
            &Scanner::beside_database(&self.db_path()),
        )
    }
}

/// Prints `error: …` to stderr in `lang`.
pub fn print_error(lang: Lang, error: impl std::fmt::Display) {
    eprintln!("{}", tr!(lang, "cli-error", error = error.to_string()));
}

/// Prints `warning: …` to stderr in `lang`.
pub fn print_warning(lang: Lang, warning: impl std::fmt::Display) {
    eprintln!(
        "{}",
        tr!(lang, "cli-warning", warning = warning.to_string())
    );
}

/// Prints each skipped plugin file to stderr, one line each.
pub fn report_skipped(registry: &Registry, lang: Lang) {
    for skipped in &registry.skipped {
        let file = skipped.path.display().to_string();
        let line = tr!(
            lang,
            "cli-skipped-plugin",
            file = file,
            reason = skipped.reason.message(lang)
        );
        print_warning(lang, line);
    }
}

/// Prints problems, one per line, and returns the exit code for invalid input (2).
pub fn fail_with_problems(
    lang: Lang,
    what: &str,
    problems: &[ParamProblem],
) -> anyhow::Result<ExitCode> {
    let count = tr!(lang, "cli-problem-count", count = problems.len());
    print_error(lang, format!("{what}: {count}"));
    for problem in problems {
        eprintln!("  {problem}");
    }
    Ok(ExitCode::from(2))
}

/// A table whose column headers are the messages `columns` in `lang`.
pub fn table(lang: Lang, columns: &[&str]) -> Table {
    Table::new(columns.iter().map(|id| tr!(lang, id)))
}

/// Prints `label: value` lines, each label the message of its id in `lang`, with the values
/// in one column `gap` spaces after the longest label.
pub fn print_fields(lang: Lang, indent: &str, gap: usize, fields: &[(&str, String)]) {
    let labels: Vec<String> = fields
        .iter()
        .map(|(id, _)| format!("{}:", tr!(lang, id)))
        .collect();
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) + gap;
    for (label, (_, value)) in labels.iter().zip(fields) {
        println!("{indent}{label:<width$}{value}");
    }
}

/// The organization `id`, or an error saying how to add one.
pub fn require_org(store: &Store, id: &str, lang: Lang) -> anyhow::Result<Org> {
    store.org(id)?.ok_or_else(|| {
        let db = store.path().display().to_string();
        anyhow::anyhow!(tr!(lang, "cli-no-org", org = id, db = db))
    })
}
