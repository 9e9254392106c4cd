//! Request counters and the request log (tokens masked) for inspection by tests.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What the emulator has served since start or the last reset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// HTTP requests to `/method/...`, whatever their outcome.
    pub http_requests: u64,
    /// Calls per method; the calls inside `execute` count under their own methods, and
    /// the `execute` request itself under `execute`.
    pub methods: BTreeMap<String, u64>,
    /// API errors by code, including those of calls inside `execute`.
    pub errors: BTreeMap<u32, u64>,
    /// Injected faults by kind.
    pub faults: BTreeMap<String, u64>,
}

impl Stats {
    /// Counts a call of `method`.
    pub fn count_method(&mut self, method: &str) {
        *self.methods.entry(method.to_string()).or_default() += 1;
    }

    /// Counts an API error.
    pub fn count_error(&mut self, code: u32) {
        *self.errors.entry(code).or_default() += 1;
    }

    /// Counts an injected fault.
    pub fn count_fault(&mut self, kind: &str) {
        *self.faults.entry(kind.to_string()).or_default() += 1;
    }
}

/// One served API request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Sequence number from 1.
    pub seq: u64,
    /// Milliseconds since the emulator started.
    pub at_ms: u64,
    /// The method requested.
    pub method: String,
    /// The parameters, in name order, with tokens masked and `access_token` left out.
    pub params: Vec<(String, String)>,
    /// `ok`, `error N`, or `fault KIND`.
    pub outcome: String,
}

impl emulator_kit::log::Numbered for LogEntry {
    fn number(&mut self, seq: u64) {
        self.seq = seq;
    }
}
