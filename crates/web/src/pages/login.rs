//! Logging in with the administrator password, and out.

use super::layout::{csrf_field, page, rich, see_other, AppState};
use crate::app::App;
use crate::auth;
use crate::error::{Form, Query};
use crate::sessions::Session;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use exchange_core::i18n::Lang;
use exchange_core::tr;
use maud::html;
use std::sync::Arc;

/// The login routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/login", get(show).post(submit))
        .route("/logout", post(logout))
}

/// `?next=/path`
#[derive(serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The form's fields.
#[derive(serde::Deserialize)]
pub struct LoginForm {
    password: String,
    next: Option<String>,
}

/// Where to go after logging in: only a path on this console.
fn local(next: Option<&str>) -> &str {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path
        }
        _ => "/",
    }
}

/// The login form (or, without a password, that none is needed), in `lang`.
fn form(lang: Lang, session: &Session, next: &str, error: Option<&str>) -> maud::Markup {
    let content = html! {
        @if !session.login_required {
            p { (tr!(lang, "page-login-not-needed")) " "
                a href="/" { (tr!(lang, "link-to-orgs")) } }
        } @else {
            form method="post" action="/login" id="login" {
                (csrf_field(session))
                input type="hidden" name="next" value=(next);
                div class={ "field" @if error.is_some() { " invalid" } } {
                    label for="f-password" { (tr!(lang, "page-login-password")) }
                    input id="f-password" name="password" type="password" autocomplete="current-password" autofocus;
                    div class="hint" {
                        (rich(lang, "page-login-password-hint", &[],
                            &[("command", html! { code { "exchange-host admin password" } })]))
                    }
                    @if let Some(error) = error { div class="error" id="error-password" role="alert" { (error) } }
                }
                button type="submit" { (tr!(lang, "button-log-in")) }
            }
        }
    };
    page(lang, &tr!(lang, "page-login-title"), session, content)
}

async fn show(
    state: AppState,
    Extension(session): Extension<Session>,
    Query(query): Query<NextQuery>,
) -> Response {
    form(state.0.lang, &session, local(query.next.as_deref()), None).into_response()
}

async fn submit(
    state: AppState,
    Extension(session): Extension<Session>,
    Form(login): Form<LoginForm>,
) -> Response {
    let app: Arc<App> = state.0;
    let next = local(login.next.as_deref()).to_string();
    match auth::log_in(&app, &session, login.password).await {
        Ok((_, cookie)) => {
            let mut response = see_other(&next);
            response.headers_mut().append(header::SET_COOKIE, cookie);
            response
        }
        Err(error) => {
            let message = error
                .field_messages("password")
                .first()
                .cloned()
                .unwrap_or(error.message);
            let status = if error.status == StatusCode::UNPROCESSABLE_ENTITY {
                StatusCode::UNAUTHORIZED
            } else {
                error.status
            };
            (status, form(app.lang, &session, &next, Some(&message))).into_response()
        }
    }
}

async fn logout(state: AppState, Extension(session): Extension<Session>) -> Response {
    let (_, cookie) = auth::log_out(&state.0, &session);
    let mut response = see_other(if session.login_required {
        "/login"
    } else {
        "/"
    });
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}
