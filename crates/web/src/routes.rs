//! The console's routes: every handler behind the session guard, and the monitoring routes
//! beside it, all in the console's language. The top of the crate's module graph: nothing imports it but `lib.rs`.

use super::app::App;
use super::error::{self, ApiError};
use super::{api, auth, ops, pages};
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use exchange_core::tr;
use std::sync::Arc;

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
        .layer(axum::middleware::from_fn_with_state(
            app.lang,
            error::speaking,
        ))
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
        pages::layout::not_found_page(app.lang, uri.path()).into_response()
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
