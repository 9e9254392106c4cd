//! Starting and controlling an emulator: configuration, the shared state behind the HTTP
//! server, and the handle tests use.

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use emulator_kit::server::Running;
use emulator_kit::shared::{Core, Parts, Setup};

use crate::control::{self, ManualEdit};
use crate::faults::{FaultKind, FaultRule};
use crate::http;
use crate::state::{Limits, State, UserMark};
use crate::stats::{LogEntry, Stats};

/// The VK limit of requests per second per token.
pub const DEFAULT_RATE_LIMIT: u32 = 20;

/// A community the emulator serves, with its access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunityConfig {
    /// Community id (`group_id`).
    pub id: u64,
    /// The community's access token.
    pub token: String,
    /// Display name; `Community {id}` when absent.
    pub name: Option<String>,
}

impl CommunityConfig {
    /// Parses the CLI form `ID:TOKEN`.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let (id, token) = spec
            .split_once(':')
            .ok_or_else(|| format!("`{spec}` should be ID:TOKEN, e.g. 123:secret"))?;
        let id = id
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|&id| id > 0)
            .ok_or_else(|| format!("community id `{id}` should be a positive integer"))?;
        if token.is_empty() {
            return Err(format!("community {id} has an empty token"));
        }
        Ok(Self {
            id,
            token: token.to_string(),
            name: None,
        })
    }
}

/// How to start an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Address to listen on; port 0 picks a free one. Default `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// Communities and their tokens.
    pub communities: Vec<CommunityConfig>,
    /// Where to load the state from at start and save it after each change.
    pub state_file: Option<PathBuf>,
    /// Fault rules active from the start.
    pub faults: Vec<FaultRule>,
    /// Seed of the fault RNG and of invite and call tokens.
    pub seed: u64,
    /// Requests per second per token; `None` disables the limit. Default 20.
    pub rate_limit: Option<u32>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            communities: Vec::new(),
            state_file: None,
            faults: Vec::new(),
            seed: 0,
            rate_limit: Some(DEFAULT_RATE_LIMIT),
        }
    }
}

impl EmulatorConfig {
    /// Adds a community with its token.
    pub fn community(mut self, id: u64, token: &str) -> Self {
        self.communities.push(CommunityConfig {
            id,
            token: token.to_string(),
            name: None,
        });
        self
    }
}

/// Why an emulator did not start.
#[derive(Debug)]
pub struct StartError(String);

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

/// What this emulator keeps in the kit's shared core.
pub(crate) enum SferumParts {}

impl Parts for SferumParts {
    type State = State;
    type Stats = Stats;
    type Entry = LogEntry;
    type Fault = FaultKind;
}

/// The mutable part, behind one lock.
pub(crate) type Inner = emulator_kit::shared::Inner<SferumParts>;

/// Everything the server and the handle share.
pub(crate) struct Shared {
    /// The state, counters, log, faults and rate limit, behind one lock.
    pub(crate) core: Arc<Core<SferumParts>>,
    /// Community id by token.
    pub(crate) tokens: HashMap<String, u64>,
    pub(crate) seed: u64,
}

impl Shared {
    /// Builds the shared part from a config, loading the state file if there is one.
    pub(crate) fn new(config: &EmulatorConfig) -> Result<Self, StartError> {
        if config.communities.is_empty() {
            return Err(StartError(
                "no community configured: give at least one community id and token".into(),
            ));
        }
        let mut tokens = HashMap::new();
        let setup = Setup {
            name: "sferum-emulator",
            state_file: config.state_file.clone(),
            faults: config.faults.clone(),
            seed: config.seed,
            rate_limit: config.rate_limit,
        };
        let core = Core::new(setup, |state: &mut State| {
            for c in &config.communities {
                if tokens.insert(c.token.clone(), c.id).is_some() {
                    return Err(format!(
                        "two communities share one token (community {}); give each its own",
                        c.id
                    ));
                }
                state.ensure_community(c.id, c.name.as_deref());
            }
            Ok(())
        })
        .map_err(StartError)?;
        Ok(Self {
            core: Arc::new(core),
            tokens,
            seed: config.seed,
        })
    }

    /// Marks a user (or clears the mark with `None`).
    pub(crate) fn mark_user(&self, user_id: u64, mark: Option<UserMark>) {
        let mut inner = self.core.lock();
        match mark {
            Some(mark) => inner.state.users.insert(user_id, mark),
            None => inner.state.users.remove(&user_id),
        };
        self.core.save(&inner.state);
    }

    /// Applies a manual edit and saves.
    pub(crate) fn edit(&self, edit: &ManualEdit) -> Result<(), String> {
        let mut inner = self.core.lock();
        control::apply(&mut inner.state, edit)?;
        self.core.save(&inner.state);
        Ok(())
    }
}

/// Namespace for starting emulators.
pub struct Emulator;

impl Emulator {
    /// Starts an emulator on its own thread and runtime, listening on `config.listen`.
    pub fn start(config: EmulatorConfig) -> Result<EmulatorHandle, StartError> {
        let shared = Arc::new(Shared::new(&config)?);
        let server = Running::start(
            "sferum-emulator",
            config.listen,
            http::router(shared.clone()),
        )
        .map_err(StartError)?;
        Ok(EmulatorHandle { server, shared })
    }
}

/// A running emulator. Dropping it stops the server.
pub struct EmulatorHandle {
    server: Running,
    shared: Arc<Shared>,
}

impl EmulatorHandle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// The API base, e.g. `http://127.0.0.1:43567` (methods are under `/method/`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    /// A snapshot of the state.
    pub fn state(&self) -> State {
        self.shared.core.state()
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.shared.core.stats()
    }

    /// The request log, oldest first, tokens masked.
    pub fn log(&self) -> Vec<LogEntry> {
        self.shared.core.log()
    }

    /// Clears the counters and the log.
    pub fn reset_stats(&self) {
        self.shared.core.reset_stats();
    }

    /// Replaces the fault rules (counters restart); an empty list clears them.
    pub fn set_faults(&self, rules: Vec<FaultRule>) -> Result<(), String> {
        self.shared.core.set_faults(rules)
    }

    /// The active fault rules.
    pub fn faults(&self) -> Vec<FaultRule> {
        self.shared.core.faults()
    }

    /// Marks a user as refusing by privacy or deleted; `None` clears the mark.
    pub fn mark_user(&self, user_id: u64, mark: Option<UserMark>) {
        self.shared.mark_user(user_id, mark);
    }

    /// Makes `messages.createChat` refuse a creation with a user who cannot be added (the
    /// first such user's error) instead of leaving them out.
    pub fn set_strict_create_chat(&self, strict: bool) {
        self.shared.core.lock().state.strict_create_chat = strict;
    }

    /// Sets how many members a chat and how many chats a community may have.
    pub fn set_limits(&self, limits: Limits) {
        self.shared.core.lock().state.limits = limits;
    }

    /// Applies a manual edit, as a person in the Sferum app would.
    pub fn edit(&self, edit: ManualEdit) -> Result<(), String> {
        self.shared.edit(&edit)
    }

    /// Stops the server and waits for its thread.
    pub fn stop(self) {
        self.server.stop();
    }
}
