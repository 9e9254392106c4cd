//! The `exchange-host` binary: the command line (clap) and the glue that starts the core's
//! runs, the scheduler loop and the web console. Everything else lives in the crates below
//! (`exchange-core`, `exchange-web`, `exchange-store`).

mod cli;
mod commands;
mod sd_notify;
mod signals;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Behave like other command-line tools when the reader of our output goes away
    // (`exchange-host school staff ORG | head`): end quietly instead of panicking.
    // SAFETY: setting a signal disposition to the default at start-up, before any threads.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = cli::Cli::parse();
    commands::init_logging(cli.log_format);
    // What a person reads follows the environment's locale (clap's help stays English).
    let lang = exchange_core::i18n::Lang::from_env();
    match commands::dispatch(cli, lang) {
        Ok(code) => code,
        Err(error) => {
            commands::print_error(lang, exchange_core::errors::message(lang, &error));
            ExitCode::FAILURE
        }
    }
}
