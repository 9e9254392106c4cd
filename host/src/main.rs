//! The `exchange-host` binary.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = exchange_host::cli::Cli::parse();
    exchange_host::commands::init_logging();
    match exchange_host::commands::dispatch(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
