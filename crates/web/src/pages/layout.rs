//! What every page shares: the frame, the CSRF field, notices, errors as pages, redirects and
//! the labels of run states. The page modules import it; it imports none of them.

use crate::app::App;
use crate::auth::CSRF_FIELD;
use crate::error::ApiError;
use crate::sessions::Session;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use exchange_store::runs::{RunStatus, Trigger};
use maud::{html, Markup, DOCTYPE};
use std::sync::Arc;
/// A whole page: the header with the sections, the title, the content.
pub fn page(title: &str, session: &Session, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ru" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — Задачи обмена данными" }
                link rel="stylesheet" href="/static/console.css";
                script src="/static/console.js" defer {}
            }
            body {
                header {
                    nav {
                        a href="/" { "Организации" }
                        a href="/tasks" { "Задачи обмена данными" }
                        a href="/runs" { "Журнал запусков" }
                    }
                    @if session.authenticated {
                        form method="post" action="/logout" class="logout" {
                            (csrf_field(session))
                            button type="submit" { "Выйти" }
                        }
                    }
                }
                main {
                    h1 { (title) }
                    (content)
                }
            }
        }
    }
}

/// The hidden field every state-changing form carries.
pub fn csrf_field(session: &Session) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(session.csrf); }
}

/// A notice above the content (e.g. «Сохранено»).
pub fn notice(text: &str) -> Markup {
    html! { p class="notice" role="status" { (text) } }
}

/// An error as a page, with its status.
pub struct PageError(pub ApiError);

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> PageError {
        PageError(error)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status;
        let heading = match status {
            StatusCode::NOT_FOUND => "Не найдено",
            StatusCode::CONFLICT => "Сейчас нельзя",
            s if s.is_client_error() => "Запрос не выполнен",
            _ => "Ошибка на сервере",
        };
        let body = html! {
            (DOCTYPE)
            html lang="ru" {
                head {
                    meta charset="utf-8";
                    title { (heading) }
                    link rel="stylesheet" href="/static/console.css";
                }
                body {
                    main {
                        h1 { (heading) }
                        p class="error" id="page-error" { (self.0.message) }
                        @for (field, messages) in &self.0.fields {
                            @for message in messages {
                                p class="error" { (field) ": " (message) }
                            }
                        }
                        p { a href="/" { "К списку организаций" } }
                    }
                }
            }
        };
        (status, body).into_response()
    }
}

/// The page for an address that does not exist.
pub fn not_found_page(path: &str) -> PageError {
    PageError(ApiError::not_found(format!(
        "Страницы {path} нет: начните со списка организаций."
    )))
}

/// A page answer or an error page.
pub type PageResult = Result<Response, PageError>;

/// Runs blocking work for a page.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, PageError> {
    crate::error::blocking(work).await.map_err(PageError)
}

/// "303 See Other" to `to`: the answer to a form that was accepted.
pub fn see_other(to: &str) -> Response {
    axum::response::Redirect::to(to).into_response()
}

/// The answer to a submitted form: accepted, a redirect to `saved(value)`; refused for its
/// input (422), the form's page again with the problems beside the fields (`again`); any
/// other error as it is.
pub fn saved_or_again<T>(
    result: Result<T, ApiError>,
    saved: impl FnOnce(T) -> String,
    again: impl FnOnce(&ApiError) -> Result<Markup, ApiError>,
) -> Result<Response, ApiError> {
    match result {
        Ok(value) => Ok(see_other(&saved(value))),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            Ok((e.status, again(&e)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `?saved=1`: the page a form redirected to after it was accepted («Сохранено»).
#[derive(serde::Deserialize)]
pub struct SavedQuery {
    pub saved: Option<String>,
}

/// A value as one path segment of a link (`/orgs/{segment}`).
pub fn segment(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A run status in words.
pub fn status_label(status: RunStatus) -> &'static str {
    match status {
        RunStatus::Running => "выполняется",
        RunStatus::Ok => "успешно",
        RunStatus::Partial => "частично",
        RunStatus::Failed => "ошибка",
        RunStatus::Interrupted => "прерван",
        RunStatus::Killed => "остановлен: превышено время",
    }
}

/// What started a run, in words.
pub fn trigger_label(trigger: Trigger) -> &'static str {
    match trigger {
        Trigger::Manual => "вручную",
        Trigger::Schedule => "по расписанию",
        Trigger::Import => "после импорта данных",
        Trigger::CatchUp => "пропущенный запуск",
    }
}

/// The shared state of a page handler.
pub type AppState = axum::extract::State<Arc<App>>;
