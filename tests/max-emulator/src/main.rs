//! `max-emulator`: runs the emulator until interrupted.
//!
//! ```text
//! max-emulator --listen 127.0.0.1:PORT --bot ID:USERNAME:TOKEN [--bot ...] [--state FILE]
//! ```
//! The first stdout line is `listening on http://ADDR` (useful with port 0). Options:
//! `--seed N`, `--rate-limit N` (0 = off), `--fault JSON` (repeatable, a fault rule such
//! as `{"kind":"http500","probability":0.1}`), `--legacy-chat-list`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use emulator_kit::cli;
use max_emulator::{BotConfig, Emulator, EmulatorConfig, FaultRule, DEFAULT_RATE_LIMIT};

/// A local emulator of the MAX Bot API for tests and demos.
#[derive(Parser)]
#[command(name = "max-emulator", version)]
struct Args {
    /// Address to listen on, e.g. 127.0.0.1:8080 (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// A bot as ID:USERNAME:TOKEN (its user id, its name in deep links, its access
    /// token); repeat for more bots.
    #[arg(long = "bot", value_name = "ID:USERNAME:TOKEN", required = true, value_parser = BotConfig::parse)]
    bots: Vec<BotConfig>,
    /// State file: loaded at start if it exists, saved after every change.
    #[arg(long = "state", value_name = "FILE")]
    state_file: Option<PathBuf>,
    /// Seed for fault injection and invite links.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Requests per second allowed per token (0 turns the limit off).
    #[arg(long, default_value_t = DEFAULT_RATE_LIMIT)]
    rate_limit: u32,
    /// A fault rule as JSON, e.g. '{"kind":"drop","every":5,"method":"addMembers"}';
    /// repeat for more rules.
    #[arg(long = "fault", value_name = "JSON", value_parser = parse_fault)]
    faults: Vec<FaultRule>,
    /// Serve `GET /chats` as before June 2026 instead of answering that it is gone.
    #[arg(long)]
    legacy_chat_list: bool,
}

fn parse_fault(json: &str) -> Result<FaultRule, String> {
    cli::parse_fault(
        json,
        "expected e.g. {\"kind\":\"http500\",\"every\":3} with kind http500, success_false, too_many_requests, drop, delay (with delay_ms) or commit_then_drop, and every or probability",
    )
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = EmulatorConfig {
        listen: args.listen,
        bots: args.bots,
        state_file: args.state_file,
        seed: args.seed,
        rate_limit: (args.rate_limit > 0).then_some(args.rate_limit),
        faults: args.faults,
        legacy_chat_list: args.legacy_chat_list,
    };
    cli::serve_until_stopped("max-emulator", Emulator::start(config), |handle| {
        handle.base_url()
    })
}
