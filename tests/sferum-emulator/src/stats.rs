//! Request counters and the request log (tokens masked) for inspection by tests.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

/// How many entries the log keeps (the oldest are dropped first).
const LOG_CAPACITY: usize = 10_000;

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

/// The bounded request log.
#[derive(Debug, Default)]
pub struct Log {
    entries: VecDeque<LogEntry>,
    next_seq: u64,
}

impl Log {
    /// Appends an entry, giving it the next sequence number.
    pub fn push(&mut self, mut entry: LogEntry) {
        self.next_seq += 1;
        entry.seq = self.next_seq;
        if self.entries.len() == LOG_CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// All kept entries, oldest first.
    pub fn entries(&self) -> Vec<LogEntry> {
        self.entries.iter().cloned().collect()
    }

    /// Forgets all entries (sequence numbers go on).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}
