//! Fault injection: rules that make some API requests fail the way real networks and
//! servers do, chosen deterministically (a seeded RNG or every Nth matching request).

use serde::{Deserialize, Serialize};

/// What happens to a request a rule picks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// A VK error 10 "Internal server error" (HTTP 200). With a `method` filter on an
    /// `execute`, only that method's inner calls fail.
    Error10,
    /// HTTP 500 with a non-JSON body; nothing is applied.
    Http500,
    /// The connection is closed without a response; nothing is applied.
    Drop,
    /// The request is handled only after `delay_ms` (past the client's timeout), whether
    /// or not the client is still waiting for the answer.
    Delay {
        /// How long to wait before handling the request.
        delay_ms: u64,
    },
    /// The request is applied, then the connection is closed without a response.
    CommitThenDrop,
    /// A VK error with this code (HTTP 200), e.g. 9 flood control, 14 captcha, 27 a method
    /// unavailable with a community token, 29 quota, 982 "try later", or a per-person code.
    /// With a `method` filter on an `execute`, only that method's inner calls fail.
    Error {
        /// The VK error code.
        code: u32,
    },
    /// `messages.getConversations` is answered, then the community's least recent
    /// conversation gets a message and moves to the front, shifting the pages after it (as
    /// on the real service while someone reads the list page by page).
    Shift,
}

impl FaultKind {
    /// A short name for stats and logs.
    pub fn name(&self) -> &'static str {
        match self {
            FaultKind::Error10 => "error10",
            FaultKind::Http500 => "http500",
            FaultKind::Drop => "drop",
            FaultKind::Delay { .. } => "delay",
            FaultKind::CommitThenDrop => "commit_then_drop",
            FaultKind::Error { .. } => "error",
            FaultKind::Shift => "shift",
        }
    }
}

/// One fault rule. JSON form: `{"kind": "drop", "every": 3, "method": "calls.start",
/// "times": 1}` or `{"kind": "delay", "delay_ms": 3000, "probability": 0.2}`; a `method`
/// matches requests calling it directly or inside `execute`.
pub type FaultRule = emulator_kit::faults::FaultRule<FaultKind>;

/// A fault chosen for one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    /// What to do.
    pub kind: FaultKind,
    /// The rule's method filter.
    pub method: Option<String>,
}

/// The active rules with their counters and the RNG.
pub type Faults = emulator_kit::faults::Faults<FaultKind>;

/// Picks the fault for a request to `method` whose `execute` code calls `inner`. Every
/// matching rule counts the request; the first that fires wins.
pub fn decide(faults: &mut Faults, method: &str, inner: &[&str]) -> Option<Fault> {
    faults
        .decide(|rule| {
            rule.method
                .as_deref()
                .is_none_or(|m| m == method || inner.contains(&m))
        })
        .map(|rule| Fault {
            kind: rule.kind.clone(),
            method: rule.method.clone(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_form_round_trips() {
        let rule: FaultRule = serde_json::from_str(
            r#"{"kind":"delay","delay_ms":50,"every":2,"method":"calls.start","times":1}"#,
        )
        .unwrap();
        assert_eq!(
            rule,
            FaultRule::every(FaultKind::Delay { delay_ms: 50 }, 2)
                .for_method("calls.start")
                .times(1)
        );
        let back: FaultRule = serde_json::from_value(serde_json::to_value(&rule).unwrap()).unwrap();
        assert_eq!(back, rule);
    }

    #[test]
    fn every_nth_with_method_filter_and_limit() {
        let mut f = Faults::new(
            vec![FaultRule::every(FaultKind::Drop, 2)
                .for_method("calls.start")
                .times(1)],
            0,
        );
        assert_eq!(decide(&mut f, "calls.start", &[]), None);
        assert_eq!(decide(&mut f, "groups.getById", &[]), None);
        assert!(decide(&mut f, "execute", &["calls.start"]).is_some());
        assert_eq!(decide(&mut f, "calls.start", &[]), None);
        assert_eq!(decide(&mut f, "calls.start", &[]), None);
    }

    #[test]
    fn probability_is_deterministic_per_seed() {
        let picks = |seed| {
            let mut f = Faults::new(vec![FaultRule::probability(FaultKind::Error10, 0.5)], seed);
            (0..64)
                .map(|_| decide(&mut f, "x", &[]).is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(picks(7), picks(7));
        let hits = picks(7).into_iter().filter(|&b| b).count();
        assert!((16..=48).contains(&hits), "{hits}");
    }
}
