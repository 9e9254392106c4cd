//! What a worker process tells its host, one JSON object per line on its standard output,
//! and what the host tells the worker on its standard input.

use exchange_sdk::{LogLevel, RunSummary};
use serde::{Deserialize, Serialize};

/// One message from the worker.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Event {
    /// A log line of the run.
    Log { level: LogLevel, message: String },
    /// Progress within a stage.
    Progress {
        stage: String,
        done: u64,
        total: u64,
    },
    /// The run ended with this summary.
    Finished { summary: RunSummary },
    /// The plugin returned an error (or panicked; the SDK turned that into an error).
    Failed { message: String },
    /// The verdict of a `check`.
    Checked { ok: bool, message: String },
}

/// The line the host writes to a worker's standard input to ask it to stop.
pub const CANCEL_LINE: &str = "cancel";
