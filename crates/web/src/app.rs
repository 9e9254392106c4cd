//! The console's shared state and its routes.

use super::error::ApiError;
use super::launcher::Launcher;
use super::organizations::PendingImports;
use super::WebConfig;
use super::{api, auth, ops, pages};
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use exchange_core::i18n::Lang;
use exchange_core::plugins::Registry;
use exchange_core::runs::runner::RunnerConfig;
use exchange_core::tr;
use exchange_sdk::ParamSpec;
use exchange_store::Store;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

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
    pub sessions: auth::Sessions,
    /// Failed logins per client, and the cap on concurrent password checks.
    pub throttle: auth::Throttle,
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
            sessions: auth::Sessions::default(),
            throttle: auth::Throttle::default(),
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

/// Every route of the console behind the [`auth::guard`], and the monitoring routes
/// ([`ops`]) beside it, without sessions.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            auth::guard,
        ))
        .merge(ops::routes())
        .with_state(app)
}

async fn not_found(State(app): State<Arc<App>>, method: Method, uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::not_found(tr!(
            app.lang,
            "error-no-endpoint",
            method = method.as_str(),
            path = uri.path()
        ))
        .into_response()
    } else {
        pages::not_found_page(uri.path()).into_response()
    }
}

async fn method_not_allowed(State(app): State<Arc<App>>, method: Method, uri: Uri) -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        tr!(
            app.lang,
            "error-method-not-allowed",
            method = method.as_str(),
            path = uri.path()
        ),
    )
    .into_response()
}
