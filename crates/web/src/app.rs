//! The console's shared state. It imports only the state it holds (sessions, runs started
//! here, imports waiting for confirmation), never the handlers or the routes.

use super::error::ApiError;
use super::launcher::Launcher;
use super::pending::PendingImports;
use super::sessions::{Sessions, Throttle};
use super::WebConfig;
use exchange_core::i18n::Lang;
use exchange_core::plugins::Registry;
use exchange_core::runs::runner::RunnerConfig;
use exchange_sdk::ParamSpec;
use exchange_store::Store;
use std::net::{IpAddr, SocketAddr};

/// What every request may need.
pub struct App {
    /// The plugins found at start-up.
    pub registry: Registry,
    /// How runs are executed; `runner.db` is the database.
    pub runner: RunnerConfig,
    /// Where the console listens.
    pub addr: SocketAddr,
    /// The console's language (`serve --lang`); runs started here write in it too.
    pub lang: Lang,
    /// Whether the console is reached over HTTPS whatever the request says (`--https`).
    pub https: bool,
    /// The reverse proxies whose `X-Forwarded-*` headers are believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// The browser sessions.
    pub sessions: Sessions,
    /// Failed logins per client, and the cap on concurrent password checks.
    pub throttle: Throttle,
    /// The runs started here.
    pub launcher: Launcher,
    /// School data files checked and waiting for their confirmation.
    pub imports: PendingImports,
}

impl App {
    /// The state of a console listening on `addr`, as `config` says.
    pub fn new(config: WebConfig, addr: SocketAddr) -> App {
        App {
            lang: config.runner.lang,
            registry: config.registry,
            runner: config.runner,
            addr,
            https: config.https,
            trusted_proxies: config.trusted_proxies,
            sessions: Sessions::default(),
            throttle: Throttle::default(),
            launcher: Launcher::default(),
            imports: PendingImports::default(),
        }
    }

    /// Opens the database (one connection per request: connections are not shared between
    /// threads).
    pub fn store(&self) -> Result<Store, ApiError> {
        Ok(Store::open(&self.runner.db)?)
    }

    /// The Links base keys the plugins declare.
    pub fn org_key_specs(&self) -> Vec<ParamSpec> {
        self.registry.org_key_specs()
    }
}
