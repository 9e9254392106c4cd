//! Fault rules: which requests a fault hits, chosen deterministically (a seeded RNG, or
//! every Nth matching request), with an optional method filter and a firing limit. What a
//! fault does (`K`) is each emulator's own.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Which matching requests a rule picks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// Each matching request with this probability (0..=1), from the seeded RNG.
    Probability(f64),
    /// Every Nth matching request (1 = every one).
    Every(u64),
}

/// One fault rule. JSON form: the kind's fields flattened beside the trigger, e.g.
/// `{"kind": "drop", "every": 3, "method": "M", "times": 1}` or
/// `{"kind": "delay", "delay_ms": 3000, "probability": 0.2}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "K: Serialize", deserialize = "K: DeserializeOwned"))]
pub struct FaultRule<K> {
    /// What the fault does.
    #[serde(flatten)]
    pub kind: K,
    /// Which matching requests it hits.
    #[serde(flatten)]
    pub trigger: Trigger,
    /// Only requests of this method (what a method is, is the emulator's: an API method,
    /// an operation id); all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Fire at most this many times; unlimited when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
}

impl<K> FaultRule<K> {
    /// A rule hitting every `n`th request.
    pub fn every(kind: K, n: u64) -> Self {
        Self {
            kind,
            trigger: Trigger::Every(n),
            method: None,
            times: None,
        }
    }

    /// A rule hitting requests with probability `p`.
    pub fn probability(kind: K, p: f64) -> Self {
        Self {
            kind,
            trigger: Trigger::Probability(p),
            method: None,
            times: None,
        }
    }

    /// Restricts the rule to requests of `method`.
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
pub struct Faults<K> {
    rules: Vec<(FaultRule<K>, Counters)>,
    rng: StdRng,
}

#[derive(Debug, Default)]
struct Counters {
    seen: u64,
    fired: u64,
}

impl<K: Clone> Faults<K> {
    /// Rules with a seeded RNG.
    pub fn new(rules: Vec<FaultRule<K>>, seed: u64) -> Self {
        let mut faults = Self {
            rules: Vec::new(),
            rng: StdRng::seed_from_u64(seed),
        };
        faults.set(rules);
        faults
    }

    /// Replaces the rules, restarting their counters.
    pub fn set(&mut self, rules: Vec<FaultRule<K>>) {
        self.rules = rules
            .into_iter()
            .map(|r| (r, Counters::default()))
            .collect();
    }

    /// The current rules.
    pub fn rules(&self) -> Vec<FaultRule<K>> {
        self.rules.iter().map(|(r, _)| r.clone()).collect()
    }

    /// Picks the rule that fires for a request; `matches` says which rules concern it.
    /// Every matching rule counts the request; the first that fires wins.
    pub fn decide(&mut self, matches: impl Fn(&FaultRule<K>) -> bool) -> Option<&FaultRule<K>> {
        let mut chosen = None;
        for (index, (rule, counters)) in self.rules.iter_mut().enumerate() {
            if !matches(rule) || rule.times.is_some_and(|t| counters.fired >= t) {
                continue;
            }
            counters.seen += 1;
            let fires = match rule.trigger {
                Trigger::Every(n) => counters.seen % n == 0,
                Trigger::Probability(p) => self.rng.random::<f64>() < p,
            };
            if fires && chosen.is_none() {
                counters.fired += 1;
                chosen = Some(index);
            }
        }
        chosen.map(|index| &self.rules[index].0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nth_with_a_filter_and_a_limit() {
        let mut f = Faults::new(
            vec![FaultRule::every("drop", 2).for_method("m").times(1)],
            0,
        );
        let for_m = |rule: &FaultRule<&str>| rule.method.as_deref() == Some("m");
        assert!(f.decide(for_m).is_none());
        assert!(f.decide(|_| false).is_none());
        assert!(f.decide(for_m).is_some());
        assert!(f.decide(for_m).is_none());
        assert!(f.decide(for_m).is_none());
    }

    #[test]
    fn probability_is_deterministic_per_seed_and_numbers_are_checked() {
        let picks = |seed| {
            let mut f = Faults::new(vec![FaultRule::probability("error", 0.5)], seed);
            (0..64)
                .map(|_| f.decide(|_| true).is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(picks(7), picks(7));
        let hits = picks(7).into_iter().filter(|&b| b).count();
        assert!((16..=48).contains(&hits), "{hits}");
        assert!(FaultRule::every("x", 0).validate().is_err());
        assert!(FaultRule::probability("x", 1.5).validate().is_err());
    }
}
