//! The console's shared state and its routes.

use super::error::ApiError;
use super::launcher::Launcher;
use super::{api, auth, ops, pages};
use crate::plugins::Registry;
use crate::runs::runner::RunnerConfig;
use crate::store::Store;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use exchange_sdk::ParamSpec;
use std::net::SocketAddr;
use std::sync::Arc;

/// What every request may need.
pub struct App {
    /// The plugins found at start-up.
    pub registry: Registry,
    /// How runs are executed; `runner.db` is the database.
    pub runner: RunnerConfig,
    /// Where the console listens.
    pub addr: SocketAddr,
    pub sessions: auth::Sessions,
    pub launcher: Launcher,
}

impl App {
    /// The state of a console listening on `addr`.
    pub fn new(registry: Registry, runner: RunnerConfig, addr: SocketAddr) -> App {
        App {
            registry,
            runner,
            addr,
            sessions: auth::Sessions::default(),
            launcher: Launcher::default(),
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

async fn not_found(method: Method, uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::not_found(format!(
            "no such endpoint: {method} {} (the endpoints are listed in README.md, \"Web console\")",
            uri.path()
        ))
        .into_response()
    } else {
        pages::not_found_page(uri.path()).into_response()
    }
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "{method} is not allowed on {} (the endpoints are listed in README.md, \"Web console\")",
            uri.path()
        ),
    )
    .into_response()
}
