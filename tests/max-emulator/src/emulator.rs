//! Starting and controlling an emulator: configuration, the shared state behind the HTTP
//! server, and the handle tests use.

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::Notify;

use emulator_kit::server::Running;
use emulator_kit::shared::{Core, Parts, Setup};

use crate::control::{self, Act};
use crate::faults::{FaultKind, FaultRule};
use crate::http;
use crate::state::State;
use crate::stats::{LogEntry, Stats};

/// About 30 requests per second per token, the documented limit.
pub const DEFAULT_RATE_LIMIT: u32 = 30;

/// A bot the emulator serves, with its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotConfig {
    /// The bot's user id.
    pub user_id: i64,
    /// The bot's name in deep links, e.g. `school_bot`.
    pub username: String,
    /// The bot's access token.
    pub token: String,
}

impl BotConfig {
    /// Parses the CLI form `ID:USERNAME:TOKEN` (the token may contain colons).
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut parts = spec.splitn(3, ':');
        let (Some(id), Some(username), Some(token)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!(
                "`{spec}` should be ID:USERNAME:TOKEN, e.g. 900:school_bot:secret"
            ));
        };
        let user_id = id
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|&id| id > 0)
            .ok_or_else(|| format!("bot id `{id}` should be a positive integer"))?;
        if username.is_empty() || token.is_empty() {
            return Err(format!("bot {user_id} needs a user name and a token"));
        }
        Ok(Self {
            user_id,
            username: username.to_string(),
            token: token.to_string(),
        })
    }
}

/// How to start an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Address to listen on; port 0 picks a free one. Default `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// Bots and their tokens.
    pub bots: Vec<BotConfig>,
    /// Where to load the state from at start and save it after each change.
    pub state_file: Option<PathBuf>,
    /// Fault rules active from the start.
    pub faults: Vec<FaultRule>,
    /// Seed of the fault RNG and of invite links.
    pub seed: u64,
    /// Requests per second per token; `None` disables the limit. Default 30.
    pub rate_limit: Option<u32>,
    /// Serve `GET /chats` as the schema snapshots before June 2026 did (the bot's chats,
    /// paged by `marker`) instead of answering that it is no longer supported.
    pub legacy_chat_list: bool,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            bots: Vec::new(),
            state_file: None,
            faults: Vec::new(),
            seed: 0,
            rate_limit: Some(DEFAULT_RATE_LIMIT),
            legacy_chat_list: false,
        }
    }
}

impl EmulatorConfig {
    /// Adds a bot with its user name and token.
    pub fn bot(mut self, user_id: i64, username: &str, token: &str) -> Self {
        self.bots.push(BotConfig {
            user_id,
            username: username.to_string(),
            token: token.to_string(),
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
pub(crate) enum MaxParts {}

impl Parts for MaxParts {
    type State = State;
    type Stats = Stats;
    type Entry = LogEntry;
    type Fault = FaultKind;
}

/// The mutable part, behind one lock.
pub(crate) type Inner = emulator_kit::shared::Inner<MaxParts>;

/// Everything the server and the handle share.
pub(crate) struct Shared {
    /// The state, counters, log, faults and rate limit, behind one lock.
    pub(crate) core: Arc<Core<MaxParts>>,
    /// Bot user id by token.
    pub(crate) tokens: HashMap<String, i64>,
    pub(crate) seed: u64,
    pub(crate) legacy_chat_list: bool,
    /// Wakes long polls when updates may have arrived.
    pub(crate) notify: Notify,
}

impl Shared {
    /// Builds the shared part from a config, loading the state file if there is one.
    pub(crate) fn new(config: &EmulatorConfig) -> Result<Self, StartError> {
        if config.bots.is_empty() {
            return Err(StartError(
                "no bot configured: give at least one bot id, user name and token".into(),
            ));
        }
        let mut tokens = HashMap::new();
        let setup = Setup {
            name: "max-emulator",
            state_file: config.state_file.clone(),
            faults: config.faults.clone(),
            seed: config.seed,
            rate_limit: config.rate_limit,
        };
        let core = Core::new(setup, |state: &mut State| {
            for bot in &config.bots {
                if tokens.insert(bot.token.clone(), bot.user_id).is_some() {
                    return Err(format!(
                        "two bots share one token (bot {}); give each its own",
                        bot.user_id
                    ));
                }
                if state.people.contains_key(&bot.user_id) {
                    return Err(format!(
                        "bot id {} is a person's id in the state file; choose another",
                        bot.user_id
                    ));
                }
                state.ensure_bot(bot.user_id, &bot.username, &bot.username);
            }
            Ok(())
        })
        .map_err(StartError)?;
        Ok(Self {
            core: Arc::new(core),
            tokens,
            seed: config.seed,
            legacy_chat_list: config.legacy_chat_list,
            notify: Notify::new(),
        })
    }

    /// Applies a person's act, saves, and wakes long polls.
    pub(crate) fn act(&self, act: &Act) -> Result<Value, String> {
        let mut inner = self.core.lock();
        let answer = control::apply(&mut inner.state, self.seed, act)?;
        self.core.save(&inner.state);
        self.notify.notify_waiters();
        Ok(answer)
    }
}

/// Namespace for starting emulators.
pub struct Emulator;

impl Emulator {
    /// Starts an emulator on its own thread and runtime, listening on `config.listen`.
    pub fn start(config: EmulatorConfig) -> Result<EmulatorHandle, StartError> {
        let shared = Arc::new(Shared::new(&config)?);
        let server = Running::start("max-emulator", config.listen, http::router(shared.clone()))
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

    /// The API base, e.g. `http://127.0.0.1:43567` (in place of the service's
    /// `https://platform-api2.max.ru`).
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

    /// The request log, oldest first (tokens never in it).
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

    /// Plays a person's act (create a chat, add the bot, open a deep link, ...); the
    /// answer is `{"ok": true}`, with `chat_id` for a created chat.
    pub fn act(&self, act: Act) -> Result<Value, String> {
        self.shared.act(&act)
    }

    /// Stops the server and waits for its thread.
    pub fn stop(self) {
        self.server.stop();
    }
}
