//! The `exchange-host` binary.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Behave like other command-line tools when the reader of our output goes away
    // (`exchange-host school staff ORG | head`): end quietly instead of panicking.
    // SAFETY: setting a signal disposition to the default at start-up, before any threads.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = exchange_host::cli::Cli::parse();
    exchange_host::commands::init_logging(cli.log_format);
    match exchange_host::commands::dispatch(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
