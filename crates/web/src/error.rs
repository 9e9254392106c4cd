//! Errors of the console as answers: a status, a message that says what to do, and for
//! refused input one message list per field. Also the request extractors whose rejections
//! become such errors (JSON, never axum's plain-text bodies).

use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use exchange_core::i18n::Lang;
use exchange_core::tr;
use exchange_sdk::manifest::ParamProblem;
use exchange_store::runs::RunRecord;
use exchange_store::tasks::Task;
use exchange_store::Store;
use std::collections::BTreeMap;

tokio::task_local! {
    /// The language of the console serving the request, for the errors raised where no
    /// request state is at hand (internal errors turned into answers, malformed requests).
    static LANG: Lang;
}

/// The middleware that serves a request with its console's language (`serve --lang`) in
/// scope for the errors raised without request state.
pub async fn speaking(State(lang): State<Lang>, request: Request, next: Next) -> Response {
    LANG.scope(lang, next.run(request)).await
}

/// The language of the errors raised without request state: the console's while it serves
/// a request (see [`speaking`] and [`blocking`]), else Russian, its default.
fn language() -> Lang {
    LANG.try_with(|lang| *lang).unwrap_or(Lang::Ru)
}

/// The field a problem without a key is reported under.
pub const GENERAL: &str = "_";

/// An error answer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    /// One line: what is wrong and what to do.
    #[serde(rename = "error")]
    pub message: String,
    /// Messages per input field (`_` for the input as a whole).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, Vec<String>>,
}

impl ApiError {
    /// An error with a status and a message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            fields: BTreeMap::new(),
        }
    }

    /// 400: the request itself is malformed.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// 409: the request conflicts with what is going on (e.g. the task is running).
    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, message)
    }

    /// 422: the input was checked and refused, with the problems by field. `field_of` maps
    /// a problem's key to the field it is shown beside.
    pub fn invalid(
        lang: Lang,
        summary: &str,
        problems: &[ParamProblem],
        field_of: impl Fn(&str) -> String,
    ) -> ApiError {
        let count = problems.len();
        let mut error = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            tr!(lang, "error-summary", summary = summary, count = count),
        );
        for problem in problems {
            let field = problem
                .key
                .as_deref()
                .map(&field_of)
                .unwrap_or_else(|| GENERAL.to_string());
            error
                .fields
                .entry(field)
                .or_default()
                .push(problem.message.clone());
        }
        error
    }

    /// 422 with one problem on one field.
    pub fn field(lang: Lang, field: &str, message: impl Into<String>) -> ApiError {
        ApiError::invalid(
            lang,
            &tr!(lang, "error-nothing-saved"),
            &[ParamProblem {
                key: Some(field.into()),
                message: message.into(),
            }],
            str::to_string,
        )
    }

    /// The messages shown beside a field.
    pub fn field_messages(&self, field: &str) -> &[String] {
        self.fields.get(field).map(Vec::as_slice).unwrap_or(&[])
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> ApiError {
        tracing::error!("web console: {error:#}");
        let lang = language();
        let said = exchange_core::errors::message(lang, &error);
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            tr!(lang, "error-internal", error = said),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(&self)).into_response()
    }
}

macro_rules! rejection_to_error {
    ($($rejection:ty),*) => {$(
        impl From<$rejection> for ApiError {
            fn from(rejection: $rejection) -> ApiError {
                ApiError::new(
                    rejection.status(),
                    tr!(language(), "error-bad-request", error = rejection.body_text()),
                )
            }
        }
    )*};
}
rejection_to_error!(JsonRejection, PathRejection, QueryRejection, FormRejection);

/// A JSON body; a malformed one is a 4xx [`ApiError`].
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

/// Path parameters; malformed ones (e.g. `/api/tasks/abc`) are a 400 [`ApiError`].
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// Query parameters; malformed ones are a 400 [`ApiError`].
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// An HTML form body; a malformed one is a 4xx [`ApiError`].
#[derive(FromRequest)]
#[from_request(via(axum::extract::Form), rejection(ApiError))]
pub struct Form<T>(pub T);

/// Runs blocking work (the database, plugin checks) off the async threads, in the request's
/// language; a panic in it becomes a 500 answer instead of a dropped connection.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let lang = language();
    let work = move || LANG.sync_scope(lang, work);
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|e| {
        tracing::error!("web console: a request failed: {e}");
        Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            tr!(language(), "error-request-failed"),
        ))
    })
}

/// The run, or 404 with what to do.
pub fn require_run(store: &Store, id: i64, lang: Lang) -> Result<RunRecord, ApiError> {
    store
        .run_record(id)?
        .ok_or_else(|| ApiError::not_found(tr!(lang, "error-no-run", run = id)))
}

/// The task, or 404 with what to do.
pub fn require_task(store: &Store, id: i64, lang: Lang) -> Result<Task, ApiError> {
    store
        .task(id)?
        .ok_or_else(|| ApiError::not_found(tr!(lang, "error-no-task", task = id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An internal error raised in blocking work, as the console in `lang` answers it.
    fn internal_error(lang: Option<Lang>) -> String {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let work = blocking(|| -> Result<(), ApiError> { Err(anyhow::anyhow!("disk").into()) });
        let answer = match lang {
            Some(lang) => runtime.block_on(LANG.scope(lang, work)),
            None => runtime.block_on(work),
        };
        answer.unwrap_err().message
    }

    #[test]
    fn errors_without_request_state_speak_the_language_of_the_request() {
        assert_eq!(
            internal_error(Some(Lang::En)),
            "disk (see the host's log; try again)"
        );
        assert!(
            internal_error(Some(Lang::Ru)).starts_with("Ошибка на сервере: disk"),
            "{}",
            internal_error(Some(Lang::Ru))
        );
        assert_eq!(internal_error(None), internal_error(Some(Lang::Ru)));
    }
}
