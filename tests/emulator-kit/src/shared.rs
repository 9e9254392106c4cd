//! What every emulator keeps behind its HTTP server: its state (loaded from and saved to the
//! state file), the request counters, the request log, the fault rules and the rate limit,
//! all behind one lock; and the `/_emulator` endpoints that show them and set the faults.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::faults::{FaultRule, Faults};
use crate::log::{Log, Numbered};
use crate::persist;
use crate::ratelimit::RateLimiter;

/// The types one emulator fills the shared core with.
pub trait Parts: Send + Sync + 'static {
    /// The service's state, as the state file holds it.
    type State: Serialize + DeserializeOwned + Default + Clone + Send + 'static;
    /// The request counters.
    type Stats: Serialize + Default + Clone + Send + 'static;
    /// One entry of the request log.
    type Entry: Numbered + Serialize + Send + 'static;
    /// What a fault does.
    type Fault: Serialize + DeserializeOwned + Clone + Send + 'static;
}

/// The mutable part, behind one lock.
pub struct Inner<P: Parts> {
    /// The service's state.
    pub state: P::State,
    /// The counters since start or the last reset.
    pub stats: P::Stats,
    /// The request log.
    pub log: Log<P::Entry>,
    /// The fault rules.
    pub faults: Faults<P::Fault>,
    /// The per-token rate limit, when on.
    pub limiter: Option<RateLimiter>,
}

/// How to set up a [`Core`].
pub struct Setup<P: Parts> {
    /// The emulator's name, e.g. `max-emulator`, for messages on stderr.
    pub name: &'static str,
    /// Where to load the state from at start and save it after each change.
    pub state_file: Option<PathBuf>,
    /// Fault rules active from the start.
    pub faults: Vec<FaultRule<P::Fault>>,
    /// Seed of the fault RNG.
    pub seed: u64,
    /// Requests per second per token; `None` disables the limit.
    pub rate_limit: Option<u32>,
}

/// The state, counters, log, faults and rate limit of a running emulator.
pub struct Core<P: Parts> {
    name: &'static str,
    inner: Mutex<Inner<P>>,
    state_file: Option<PathBuf>,
    /// When the emulator started (log entries count milliseconds from it).
    pub started: Instant,
}

impl<P: Parts> Core<P> {
    /// Checks the fault rules, loads the state file if there is one, and lets `prepare`
    /// adjust the loaded state (add the configured accounts, refuse a clash).
    pub fn new(
        setup: Setup<P>,
        prepare: impl FnOnce(&mut P::State) -> Result<(), String>,
    ) -> Result<Self, String> {
        for rule in &setup.faults {
            rule.validate()?;
        }
        let mut state = match &setup.state_file {
            Some(path) => persist::load(path)?.unwrap_or_default(),
            None => P::State::default(),
        };
        prepare(&mut state)?;
        Ok(Self {
            name: setup.name,
            inner: Mutex::new(Inner {
                state,
                stats: P::Stats::default(),
                log: Log::default(),
                faults: Faults::new(setup.faults, setup.seed),
                limiter: setup.rate_limit.map(RateLimiter::new),
            }),
            state_file: setup.state_file,
            started: Instant::now(),
        })
    }

    /// Locks the mutable part (a panicked holder does not poison it for others).
    pub fn lock(&self) -> MutexGuard<'_, Inner<P>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Saves the state when persistence is on; a failure is reported on stderr.
    pub fn save(&self, state: &P::State) {
        if let Some(path) = &self.state_file {
            if let Err(e) = persist::save(path, state) {
                eprintln!(
                    "{}: cannot save state to {}: {e}; check that the folder exists and is writable",
                    self.name,
                    path.display()
                );
            }
        }
    }

    /// Milliseconds since the emulator started, for log entries.
    pub fn elapsed_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// A snapshot of the state.
    pub fn state(&self) -> P::State {
        self.lock().state.clone()
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> P::Stats {
        self.lock().stats.clone()
    }

    /// The request log, oldest first.
    pub fn log(&self) -> Vec<P::Entry> {
        self.lock().log.entries()
    }

    /// The active fault rules.
    pub fn faults(&self) -> Vec<FaultRule<P::Fault>> {
        self.lock().faults.rules()
    }

    /// Replaces the fault rules after checking them (counters restart).
    pub fn set_faults(&self, rules: Vec<FaultRule<P::Fault>>) -> Result<(), String> {
        rules.iter().try_for_each(FaultRule::validate)?;
        self.lock().faults.set(rules);
        Ok(())
    }

    /// Clears the counters and the log.
    pub fn reset_stats(&self) {
        let mut inner = self.lock();
        inner.stats = P::Stats::default();
        inner.log.clear();
    }
}

/// The inspection endpoints every emulator serves: `GET /_emulator/state`, `stats`, `log`
/// and `faults`, `POST /_emulator/stats/reset` and `POST /_emulator/faults` (the rules to
/// set; 400 with `{"error": ...}` when one does not make sense).
pub fn inspection_routes<P: Parts, S: Clone + Send + Sync + 'static>(
    core: Arc<Core<P>>,
) -> Router<S> {
    Router::new()
        .route("/_emulator/state", get(state::<P>))
        .route("/_emulator/stats", get(stats::<P>))
        .route("/_emulator/stats/reset", post(reset_stats::<P>))
        .route("/_emulator/log", get(log::<P>))
        .route("/_emulator/faults", get(faults::<P>).post(set_faults::<P>))
        .with_state(core)
}

async fn state<P: Parts>(State(core): State<Arc<Core<P>>>) -> Json<Value> {
    Json(json!(core.lock().state))
}

async fn stats<P: Parts>(State(core): State<Arc<Core<P>>>) -> Json<Value> {
    Json(json!(core.lock().stats))
}

async fn reset_stats<P: Parts>(State(core): State<Arc<Core<P>>>) -> Json<Value> {
    core.reset_stats();
    Json(json!({"ok": true}))
}

async fn log<P: Parts>(State(core): State<Arc<Core<P>>>) -> Json<Value> {
    Json(json!(core.lock().log.entries()))
}

async fn faults<P: Parts>(State(core): State<Arc<Core<P>>>) -> Json<Value> {
    Json(json!(core.faults()))
}

async fn set_faults<P: Parts>(
    State(core): State<Arc<Core<P>>>,
    Json(rules): Json<Vec<FaultRule<P::Fault>>>,
) -> Response {
    match core.set_faults(rules) {
        Ok(()) => Json(json!(core.faults())).into_response(),
        Err(e) => bad_request(e),
    }
}

/// A 400 answer with `{"error": error}`, for a control request that does not make sense.
pub fn bad_request(error: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response()
}
