//! The per-token request rate limit (a sliding one-second window).

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// Counts accepted requests per token over the last second.
#[derive(Debug)]
pub struct RateLimiter {
    per_second: usize,
    hits: HashMap<String, VecDeque<Instant>>,
}

impl RateLimiter {
    /// A limiter allowing `per_second` requests per token in any one-second window.
    pub fn new(per_second: u32) -> Self {
        Self {
            per_second: per_second as usize,
            hits: HashMap::new(),
        }
    }

    /// Records a request with `token` at `now`; false when it is over the limit (a
    /// refused request does not count).
    pub fn allow(&mut self, token: &str, now: Instant) -> bool {
        let hits = self.hits.entry(token.to_string()).or_default();
        while hits
            .front()
            .is_some_and(|&t| now.duration_since(t) >= Duration::from_secs(1))
        {
            hits.pop_front();
        }
        if hits.len() >= self.per_second {
            return false;
        }
        hits.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_slides() {
        let mut limiter = RateLimiter::new(2);
        let t0 = Instant::now();
        assert!(limiter.allow("a", t0));
        assert!(limiter.allow("a", t0));
        assert!(!limiter.allow("a", t0));
        assert!(limiter.allow("b", t0));
        assert!(limiter.allow("a", t0 + Duration::from_secs(1)));
    }
}
