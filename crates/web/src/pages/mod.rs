//! The console's HTML pages, in Russian, rendered on the server (maud escapes every value).
//! Forms post back to the server, which checks them like the API and shows the problems
//! beside their fields; a little script follows running runs live.
//!
//! - [`orgs`]: organizations, the Links base with «Чаты Сферум», staff files, coverage.
//! - [`tasks`]: exchange tasks: list, the generated form, a task with its actions.
//! - [`runs`]: run history and one run with its counters and log.
//! - [`login`]: logging in and out.
//! - [`form`]: form fields generated from parameter schemas.
//! - [`layout`]: what every page shares (the frame, notices, errors as pages, labels); the
//!   pages import it and this module only assembles their routes, so none imports another
//!   in a circle.

mod form;
pub mod layout;
mod login;
mod orgs;
mod runs;
mod tasks;

use super::app::App;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

/// The pages' routes, and the style sheet and script they use.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/static/console.css", get(style))
        .route("/static/console.js", get(script))
        .merge(login::routes())
        .merge(orgs::routes())
        .merge(tasks::routes())
        .merge(runs::routes())
}

async fn style() -> Response {
    static_file(
        "text/css; charset=utf-8",
        include_str!("../static/console.css"),
    )
}

async fn script() -> Response {
    static_file(
        "text/javascript; charset=utf-8",
        include_str!("../static/console.js"),
    )
}

fn static_file(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        body,
    )
        .into_response()
}
