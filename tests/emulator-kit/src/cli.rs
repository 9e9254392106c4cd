//! What an emulator's binary does besides reading its own options: reading a `--fault`
//! rule, and serving until Ctrl-C or SIGTERM.

use std::fmt::Display;
use std::process::ExitCode;

use serde::de::DeserializeOwned;

use crate::faults::FaultRule;

/// Reads a `--fault` rule given as JSON and checks its numbers; `expected` tells what a rule
/// looks like, after serde's message, when the JSON is not one.
pub fn parse_fault<K: DeserializeOwned>(
    json: &str,
    expected: &str,
) -> Result<FaultRule<K>, String> {
    let rule: FaultRule<K> = serde_json::from_str(json).map_err(|e| format!("{e}; {expected}"))?;
    rule.validate()?;
    Ok(rule)
}

/// Serves until Ctrl-C or SIGTERM: prints `listening on BASE_URL` first (useful with port
/// 0), then stops the emulator by dropping it. A start error is printed as `name: error`.
pub fn serve_until_stopped<H, E: Display>(
    name: &str,
    started: Result<H, E>,
    base_url: impl FnOnce(&H) -> String,
) -> ExitCode {
    let handle = match started {
        Ok(handle) => handle,
        Err(e) => {
            eprintln!("{name}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {}", base_url(&handle));
    if let Err(e) = wait_for_termination() {
        eprintln!("{name}: cannot wait for a stop signal: {e}");
        return ExitCode::FAILURE;
    }
    drop(handle);
    ExitCode::SUCCESS
}

/// Blocks until Ctrl-C or SIGTERM.
fn wait_for_termination() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = term.recv() => Ok(()),
        }
    })
}
