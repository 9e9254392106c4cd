//! Fault injection: rules that make some API requests fail the way real networks and
//! servers do, chosen deterministically (a seeded RNG or every Nth matching request).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
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

/// Which matching requests a rule picks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// Each matching request with this probability (0..=1), from the seeded RNG.
    Probability(f64),
    /// Every Nth matching request (1 = every one).
    Every(u64),
}

/// One fault rule. JSON form: `{"kind": "drop", "every": 3, "method": "addMembers",
/// "times": 1}` or `{"kind": "delay", "delay_ms": 3000, "probability": 0.2}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    /// What the fault does.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Which matching requests it hits.
    #[serde(flatten)]
    pub trigger: Trigger,
    /// Only requests of this operation (the schema's `operationId`, e.g. `addMembers`);
    /// all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Fire at most this many times; unlimited when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
}

impl FaultRule {
    /// A rule hitting every `n`th request.
    pub fn every(kind: FaultKind, n: u64) -> Self {
        Self {
            kind,
            trigger: Trigger::Every(n),
            method: None,
            times: None,
        }
    }

    /// A rule hitting requests with probability `p`.
    pub fn probability(kind: FaultKind, p: f64) -> Self {
        Self {
            kind,
            trigger: Trigger::Probability(p),
            method: None,
            times: None,
        }
    }

    /// Restricts the rule to requests of the operation `method` (an `operationId`).
    pub fn for_method(mut self, method: &str) -> Self {
        self.method = Some(method.to_string());
        self
    }

    /// Limits how many times the rule fires.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Checks the numbers make sense.
    pub fn validate(&self) -> Result<(), String> {
        match self.trigger {
            Trigger::Every(0) => Err("`every` must be at least 1".into()),
            Trigger::Probability(p) if !(0.0..=1.0).contains(&p) => {
                Err(format!("`probability` must be within 0..=1, got {p}"))
            }
            _ => Ok(()),
        }
    }
}

/// The active rules with their counters and the RNG.
#[derive(Debug)]
pub struct Faults {
    rules: Vec<(FaultRule, Counters)>,
    rng: StdRng,
}

#[derive(Debug, Default)]
struct Counters {
    seen: u64,
    fired: u64,
}

impl Faults {
    /// Rules with a seeded RNG.
    pub fn new(rules: Vec<FaultRule>, seed: u64) -> Self {
        let mut faults = Self {
            rules: Vec::new(),
            rng: StdRng::seed_from_u64(seed),
        };
        faults.set(rules);
        faults
    }

    /// Replaces the rules, restarting their counters.
    pub fn set(&mut self, rules: Vec<FaultRule>) {
        self.rules = rules
            .into_iter()
            .map(|r| (r, Counters::default()))
            .collect();
    }

    /// The current rules.
    pub fn rules(&self) -> Vec<FaultRule> {
        self.rules.iter().map(|(r, _)| r.clone()).collect()
    }

    /// Picks the fault for a request of operation `op`; `answers_success` says whether it
    /// answers `{"success": ...}` (only those match `success_false` rules). Every matching
    /// rule counts the request; the first that fires wins.
    pub fn decide(&mut self, op: &str, answers_success: bool) -> Option<FaultKind> {
        let mut chosen = None;
        for (rule, counters) in &mut self.rules {
            let matches = rule.method.as_deref().is_none_or(|m| m == op)
                && (answers_success || rule.kind != FaultKind::SuccessFalse);
            if !matches || rule.times.is_some_and(|t| counters.fired >= t) {
                continue;
            }
            counters.seen += 1;
            let fires = match rule.trigger {
                Trigger::Every(n) => counters.seen % n == 0,
                Trigger::Probability(p) => self.rng.random::<f64>() < p,
            };
            if fires && chosen.is_none() {
                counters.fired += 1;
                chosen = Some(rule.kind.clone());
            }
        }
        chosen
    }
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
        assert_eq!(f.decide("addMembers", true), None);
        assert_eq!(f.decide("getChat", false), None);
        assert_eq!(f.decide("addMembers", true), Some(FaultKind::Drop));
        assert_eq!(f.decide("addMembers", true), None);
        assert_eq!(f.decide("addMembers", true), None);
    }

    #[test]
    fn success_false_picks_only_operations_that_answer_success() {
        let mut f = Faults::new(vec![FaultRule::every(FaultKind::SuccessFalse, 1)], 0);
        assert_eq!(f.decide("getMembers", false), None);
        assert_eq!(f.decide("addMembers", true), Some(FaultKind::SuccessFalse));
    }

    #[test]
    fn probability_is_deterministic_per_seed() {
        let picks = |seed| {
            let mut f = Faults::new(vec![FaultRule::probability(FaultKind::Http500, 0.5)], seed);
            (0..64)
                .map(|_| f.decide("x", false).is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(picks(7), picks(7));
        let hits = picks(7).into_iter().filter(|&b| b).count();
        assert!((16..=48).contains(&hits), "{hits}");
    }
}
