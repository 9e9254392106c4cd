//! The administrator's web console: server-rendered pages in Russian over a JSON API that
//! scripts can use too. `exchange-host serve --http ADDR` runs it beside the scheduler, on
//! its own thread with its own tokio runtime.
//!
//! The modules form layers that never import upwards (no module cycle):
//! 1. [`error`], [`password`], and the state the application holds: [`sessions`] (sessions
//!    and the login throttle), [`pending`] (imports waiting for confirmation), [`launcher`]
//!    (runs started here);
//! 2. [`app`]: the shared state (database, plugins and the above);
//! 3. [`views`], [`actions`], [`organizations`]: what is shown and changed;
//! 4. [`auth`] (login, CSRF and origin checks, security headers, the session guard), then
//!    the handlers: [`api`], [`pages`], [`ops`];
//! 5. [`routes`]: every route, assembled.
//!
//! - [`app`]: the shared state (database, plugins, sessions, runs started here).
//! - [`auth`]: login, CSRF and origin checks, security headers.
//! - [`actions`]: what the console changes (tasks, Links base, runs), checked like the CLI.
//! - [`organizations`]: adding, renaming and removing organizations; importing school data
//!   (check and preview, then confirm); the video calls.
//! - [`views`]: what it shows, secrets masked; the API serializes these and the pages
//!   render them.
//! - [`api`]: the JSON endpoints. [`pages`]: the HTML pages. [`launcher`]: runs started from
//!   the console. [`password`]: the administrator password hash.
//! - [`ops`]: `/metrics` and `/healthz` for monitoring, without a session.

mod actions;
mod api;
mod app;
mod auth;
mod error;
mod launcher;
mod ops;
mod organizations;
mod pages;
pub mod password;
mod pending;
mod routes;
mod sessions;
mod views;

use anyhow::Context as _;
use exchange_core::i18n::Lang;
use exchange_core::plugins::Registry;
use exchange_core::runs::runner::RunnerConfig;
use exchange_core::tr;
use exchange_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// How the console is served.
pub struct WebConfig {
    /// Where to listen; port 0 picks a free port (see [`WebServer::addr`]).
    pub addr: SocketAddr,
    /// The plugins, for schemas and parameter checks.
    pub registry: Registry,
    /// How runs started from the console are executed (the database is `runner.db`); its
    /// language is the console's.
    pub runner: RunnerConfig,
    /// The console is reached over HTTPS (a TLS reverse proxy in front): `Secure` cookies.
    pub https: bool,
    /// Reverse proxies whose `X-Forwarded-Proto` and `X-Forwarded-For` are believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// A running console; [`WebServer::stop`] ends it.
pub struct WebServer {
    addr: SocketAddr,
    app: Arc<app::App>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Says when the server thread has ended.
    finished: std::sync::mpsc::Receiver<()>,
}

/// How long [`WebServer::stop`] waits for open connections to finish.
const STOP_WAIT: Duration = Duration::from_secs(5);

/// Starts the console on its own thread. Fails at once when the address cannot be used, or
/// when it is beyond this machine and no administrator password is set; those errors are in
/// `lang`, the caller's (the command line's) language.
pub fn start(config: WebConfig, lang: Lang) -> anyhow::Result<WebServer> {
    let addr = config.addr.to_string();
    let loopback = config.addr.ip().is_loopback();
    if !loopback {
        let store = Store::open(&config.runner.db)?;
        if store.admin_password_hash()?.is_none() {
            anyhow::bail!(tr!(lang, "cli-web-needs-password", addr = addr));
        }
    }
    let listener = std::net::TcpListener::bind(config.addr)
        .with_context(|| tr!(lang, "cli-web-cannot-listen", addr = &addr))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let app = Arc::new(app::App::new(config, addr));
    let router = routes::router(app.clone());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("web-console")
        .enable_all()
        .build()
        .context("cannot start the web console's runtime")?;
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let (finished_tx, finished) = std::sync::mpsc::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("web-console".into())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => listener,
                    Err(e) => {
                        tracing::error!("the web console cannot use its socket: {e}");
                        return;
                    }
                };
                let service = router.into_make_service_with_connect_info::<SocketAddr>();
                let served = axum::serve(listener, service)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
                if let Err(e) = served {
                    tracing::error!("the web console stopped: {e}");
                }
            });
            runtime.shutdown_timeout(Duration::from_secs(2));
            let _ = finished_tx.send(());
        })
        .context("cannot start the web console's thread")?;
    Ok(WebServer {
        addr,
        app,
        shutdown: Some(shutdown),
        thread: Some(thread),
        finished,
    })
}

impl WebServer {
    /// The address it listens on (with the real port when port 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The console's address for a browser, e.g. `http://127.0.0.1:8080`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops serving, asks the runs started from the console to stop, and waits for them
    /// (each gets the runner's grace period before it is killed).
    pub fn stop(mut self) {
        self.app.launcher.cancel_all();
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        // A connection that never finishes its request must not hold up the host's exit.
        if self.finished.recv_timeout(STOP_WAIT).is_ok() {
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        } else {
            tracing::warn!("the web console did not stop within {STOP_WAIT:?}; leaving it");
        }
        self.app.launcher.wait_all();
    }
}
