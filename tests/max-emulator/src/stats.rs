//! Request counters and the request log (tokens never kept) for inspection by tests.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What the emulator has served since start or the last reset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// HTTP requests to the API (not to `/_emulator`), whatever their outcome.
    pub http_requests: u64,
    /// Requests per operation (`operationId`) that got past authentication and routing.
    pub operations: BTreeMap<String, u64>,
    /// Failures by `"STATUS CODE"`, e.g. `"401 verify.token"`, `"200 chat.denied"` (a
    /// `success: false` answer), `"200 add.participant.privacy"` (per refused user).
    pub errors: BTreeMap<String, u64>,
    /// Injected faults by kind.
    pub faults: BTreeMap<String, u64>,
}

impl Stats {
    /// Counts a request of `op`.
    pub fn count_operation(&mut self, op: &str) {
        *self.operations.entry(op.to_string()).or_default() += 1;
    }

    /// Counts a failure.
    pub fn count_error(&mut self, status: u16, code: &str) {
        *self.errors.entry(format!("{status} {code}")).or_default() += 1;
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
    /// HTTP method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Query parameters in order; an `access_token` value is masked.
    pub query: Vec<(String, String)>,
    /// The JSON body, if any (bodies carry no tokens).
    pub body: Option<Value>,
    /// The operation (`operationId`), when routed.
    pub operation: Option<String>,
    /// How the token came: `header`, `query` or `none`.
    pub auth: String,
    /// `ok`, `STATUS CODE` of a failure, or `fault KIND`.
    pub outcome: String,
}

impl emulator_kit::log::Numbered for LogEntry {
    fn number(&mut self, seq: u64) {
        self.seq = seq;
    }
}
