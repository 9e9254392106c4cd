//! `sferum-emulator`: runs the emulator until interrupted.
//!
//! ```text
//! sferum-emulator --listen 127.0.0.1:PORT --community ID:TOKEN [--community ...] [--state FILE]
//! ```
//! The first stdout line is `listening on http://ADDR` (useful with port 0). Options:
//! `--seed N`, `--rate-limit N` (0 = off), `--fault JSON` (repeatable, a fault rule such
//! as `{"kind":"error10","probability":0.1}`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use emulator_kit::cli;
use sferum_emulator::{CommunityConfig, Emulator, EmulatorConfig, FaultRule, DEFAULT_RATE_LIMIT};

/// A local emulator of the Sferum (VK) API for tests and demos.
#[derive(Parser)]
#[command(name = "sferum-emulator", version)]
struct Args {
    /// Address to listen on, e.g. 127.0.0.1:8080 (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// A community and its access token as ID:TOKEN; repeat for more communities.
    #[arg(long = "community", value_name = "ID:TOKEN", required = true, value_parser = CommunityConfig::parse)]
    communities: Vec<CommunityConfig>,
    /// State file: loaded at start if it exists, saved after every change.
    #[arg(long = "state", value_name = "FILE")]
    state_file: Option<PathBuf>,
    /// Seed for fault injection and generated link tokens.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Requests per second allowed per token (0 turns the limit off).
    #[arg(long, default_value_t = DEFAULT_RATE_LIMIT)]
    rate_limit: u32,
    /// A fault rule as JSON, e.g. '{"kind":"drop","every":5,"method":"calls.start"}';
    /// repeat for more rules.
    #[arg(long = "fault", value_name = "JSON", value_parser = parse_fault)]
    faults: Vec<FaultRule>,
}

fn parse_fault(json: &str) -> Result<FaultRule, String> {
    cli::parse_fault(
        json,
        "expected e.g. {\"kind\":\"error10\",\"every\":3} with kind error10, http500, drop, delay (with delay_ms) or commit_then_drop, and every or probability",
    )
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = EmulatorConfig {
        listen: args.listen,
        communities: args.communities,
        state_file: args.state_file,
        seed: args.seed,
        rate_limit: (args.rate_limit > 0).then_some(args.rate_limit),
        faults: args.faults,
    };
    cli::serve_until_stopped("sferum-emulator", Emulator::start(config), |handle| {
        handle.base_url()
    })
}
