//! `GET /updates`: the bot's update queue read with a `marker`, as the 2026-07-01 schema
//! describes it. A `marker` names the next update expected; passing it acknowledges every
//! update before it. Without a `marker` only the newest pending update is served. When
//! nothing is there, the request waits up to `timeout` seconds for an update.

use std::time::Duration;

use serde_json::{json, Value};

use crate::error::Failure;
use crate::ops::Params;
use crate::state::State;

/// A checked `GET /updates` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poll {
    /// The bot asking.
    pub bot_id: i64,
    /// The marker passed, if any.
    pub marker: Option<i64>,
    /// At most this many updates (1..=1000, default 100).
    pub limit: usize,
    /// How long to wait when nothing is pending (0..=90 s, default 30).
    pub timeout: Duration,
    /// Only these update types; all when empty.
    pub types: Vec<String>,
}

impl Poll {
    /// Checks the parameters the way the live service does.
    pub fn parse(bot_id: i64, params: &Params) -> Result<Self, Failure> {
        let limit = params.int_in("limit", 1, 1000, 100)? as usize;
        let timeout = params.int_in("timeout", 0, 90, 30)? as u64;
        let marker = params.int("marker")?;
        let types = params
            .get("types")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        Ok(Self {
            bot_id,
            marker,
            limit,
            timeout: Duration::from_secs(timeout),
            types,
        })
    }

    fn wants(&self, update_type: &str) -> bool {
        self.types.is_empty() || self.types.iter().any(|t| t == update_type)
    }

    /// Acknowledges what the marker says and takes what is there: `Some(body)` when there
    /// is an update to serve, `None` when the request should wait. Updates of types not
    /// asked for are passed over (the marker moves past them).
    pub fn take(&self, state: &mut State) -> Option<Value> {
        let queue = state.updates.get_mut(&self.bot_id)?;
        let Some(marker) = self.marker else {
            let newest = queue
                .pending
                .iter()
                .rev()
                .find(|u| self.wants(&u.update_type))?;
            return Some(json!({"updates": [newest.body], "marker": newest.seq + 1}));
        };
        let marker = marker.min(queue.next_seq);
        queue.pending.retain(|u| u.seq >= marker);
        let mut served = Vec::new();
        let mut next = marker;
        for update in &queue.pending {
            if served.len() == self.limit {
                break;
            }
            next = update.seq + 1;
            if self.wants(&update.update_type) {
                served.push(update.body.clone());
            }
        }
        if served.is_empty() {
            // Passed-over updates are acknowledged the next time this marker comes back.
            return (next != marker).then(|| json!({"updates": [], "marker": next}));
        }
        Some(json!({"updates": served, "marker": next}))
    }

    /// The answer when the wait ends with nothing new.
    pub fn empty(&self, state: &State) -> Value {
        let next = state.updates.get(&self.bot_id).map_or(1, |q| q.next_seq);
        let marker = self.marker.map_or(next, |m| m.min(next));
        json!({"updates": [], "marker": marker})
    }
}
