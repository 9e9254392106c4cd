//! Fault injection: rules that make some API requests fail the way real networks and
//! servers do, chosen deterministically (a seeded RNG or every Nth matching request).

use serde::{Deserialize, Serialize};

/// What happens to a request a rule picks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// HTTP 500 with the schema's `Error` body (`internal.error`); nothing is applied.
    Http500,
    /// HTTP 200 with `{"success": false, "code": "internal.error", ...}`; nothing is
    /// applied. Picks only operations that answer `{"success": ...}`.
    SuccessFalse,
    /// HTTP 429 `too.many.requests`, as over the rate limit; nothing is applied.
    TooManyRequests,
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
}

impl FaultKind {
    /// A short name for stats and logs.
    pub fn name(&self) -> &'static str {
        match self {
            FaultKind::Http500 => "http500",
            FaultKind::SuccessFalse => "success_false",
            FaultKind::TooManyRequests => "too_many_requests",
            FaultKind::Drop => "drop",
            FaultKind::Delay { .. } => "delay",
            FaultKind::CommitThenDrop => "commit_then_drop",
        }
    }
}

/// One fault rule. JSON form: `{"kind": "drop", "every": 3, "method": "addMembers",
/// "times": 1}` or `{"kind": "delay", "delay_ms": 3000, "probability": 0.2}`; a `method`
/// is an operation (the schema's `operationId`, e.g. `addMembers`).
pub type FaultRule = emulator_kit::faults::FaultRule<FaultKind>;

/// The active rules with their counters and the RNG.
pub type Faults = emulator_kit::faults::Faults<FaultKind>;

/// Picks the fault for a request of operation `op`; `answers_success` says whether it
/// answers `{"success": ...}` (only those match `success_false` rules). Every matching rule
/// counts the request; the first that fires wins.
pub fn decide(faults: &mut Faults, op: &str, answers_success: bool) -> Option<FaultKind> {
    faults
        .decide(|rule| {
            rule.method.as_deref().is_none_or(|m| m == op)
                && (answers_success || rule.kind != FaultKind::SuccessFalse)
        })
        .map(|rule| rule.kind.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_form_round_trips() {
        let rule: FaultRule = serde_json::from_str(
            r#"{"kind":"delay","delay_ms":50,"every":2,"method":"addMembers","times":1}"#,
        )
        .unwrap();
        assert_eq!(
            rule,
            FaultRule::every(FaultKind::Delay { delay_ms: 50 }, 2)
                .for_method("addMembers")
                .times(1)
        );
        let back: FaultRule = serde_json::from_value(serde_json::to_value(&rule).unwrap()).unwrap();
        assert_eq!(back, rule);
    }

    #[test]
    fn every_nth_with_method_filter_and_limit() {
        let mut f = Faults::new(
            vec![FaultRule::every(FaultKind::Drop, 2)
                .for_method("addMembers")
                .times(1)],
            0,
        );
        assert_eq!(decide(&mut f, "addMembers", true), None);
        assert_eq!(decide(&mut f, "getChat", false), None);
        assert_eq!(decide(&mut f, "addMembers", true), Some(FaultKind::Drop));
        assert_eq!(decide(&mut f, "addMembers", true), None);
        assert_eq!(decide(&mut f, "addMembers", true), None);
    }

    #[test]
    fn success_false_picks_only_operations_that_answer_success() {
        let mut f = Faults::new(vec![FaultRule::every(FaultKind::SuccessFalse, 1)], 0);
        assert_eq!(decide(&mut f, "getMembers", false), None);
        assert_eq!(
            decide(&mut f, "addMembers", true),
            Some(FaultKind::SuccessFalse)
        );
    }

    #[test]
    fn probability_is_deterministic_per_seed() {
        let picks = |seed| {
            let mut f = Faults::new(vec![FaultRule::probability(FaultKind::Http500, 0.5)], seed);
            (0..64)
                .map(|_| decide(&mut f, "x", false).is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(picks(7), picks(7));
        let hits = picks(7).into_iter().filter(|&b| b).count();
        assert!((16..=48).contains(&hits), "{hits}");
    }
}
