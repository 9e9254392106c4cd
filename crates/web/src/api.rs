//! The JSON API: everything the pages do, for scripts too. Errors are JSON
//! (`{"error": …, "fields": {field: [message, …]}}`); no answer carries a secret.

use super::actions::{self, LinksBaseInput, TaskInput};
use super::app::App;
use super::auth;
use super::error::{blocking, ApiError, Json, Path, Query};
use super::organizations::{self, OrgInput, MAX_FILE_MB};
use super::views;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use exchange_store::Store;
use std::sync::Arc;

/// The API's routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/session", get(auth::api_session))
        .route("/api/login", post(auth::api_login))
        .route("/api/logout", post(auth::api_logout))
        .route("/api/plugins", get(plugins))
        .route("/api/plugins/{type}", get(plugin))
        .route("/api/orgs", get(orgs).post(create_org))
        .route(
            "/api/orgs/{org}",
            get(org).patch(rename_org).delete(delete_org),
        )
        .route(
            "/api/orgs/{org}/school",
            get(school)
                .post(check_import)
                .layer(DefaultBodyLimit::max(MAX_FILE_MB << 20)),
        )
        .route("/api/orgs/{org}/school/confirm", post(confirm_import))
        .route("/api/orgs/{org}/calls", get(calls))
        .route("/api/orgs/{org}/links-base", put(set_links_base))
        .route("/api/orgs/{org}/links", get(links))
        .route("/api/orgs/{org}/staff", get(staff))
        .route("/api/orgs/{org}/coverage", get(coverage))
        .route("/api/tasks", get(tasks).post(create_task))
        .route("/api/tasks/validate", post(validate))
        .route(
            "/api/tasks/{id}",
            get(task).patch(update_task).delete(delete_task),
        )
        .route("/api/tasks/{id}/validate", post(validate_change))
        .route("/api/tasks/{id}/run", post(run_task))
        .route("/api/tasks/{id}/runs", get(task_runs))
        .route("/api/runs", get(runs))
        .route("/api/runs/{id}", get(run))
        .route("/api/runs/{id}/logs", get(logs))
        .route("/api/runs/{id}/stop", post(stop_run))
}

/// Answers with what `view` makes from the database, as JSON.
async fn read<T: serde::Serialize + Send + 'static>(
    app: Arc<App>,
    view: impl FnOnce(&App, &Store) -> Result<T, ApiError> + Send + 'static,
) -> Result<axum::Json<T>, ApiError> {
    blocking(move || view(&app, &app.store()?))
        .await
        .map(axum::Json)
}

/// Answers with what `change` returns, as JSON.
async fn write<T: serde::Serialize + Send + 'static>(
    app: Arc<App>,
    status: StatusCode,
    change: impl FnOnce(&App) -> Result<T, ApiError> + Send + 'static,
) -> Result<Response, ApiError> {
    let value = blocking(move || change(&app)).await?;
    Ok((status, axum::Json(value)).into_response())
}

async fn plugins(State(app): State<Arc<App>>) -> axum::Json<views::PluginsView> {
    axum::Json(views::plugins(&app))
}

async fn plugin(
    State(app): State<Arc<App>>,
    Path(type_id): Path<String>,
) -> Result<axum::Json<views::PluginView>, ApiError> {
    views::plugin(&app, &type_id).map(axum::Json)
}

async fn orgs(State(app): State<Arc<App>>) -> Result<impl IntoResponse, ApiError> {
    read(app, |_, store| views::orgs(store)).await
}

async fn org(
    State(app): State<Arc<App>>,
    Path(org): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    read(app, move |app, store| views::org(app, store, &org)).await
}

async fn create_org(
    State(app): State<Arc<App>>,
    Json(input): Json<OrgInput>,
) -> Result<Response, ApiError> {
    write(app, StatusCode::CREATED, move |app| {
        organizations::create_org(app, &input)
    })
    .await
}

async fn rename_org(
    State(app): State<Arc<App>>,
    Path(org): Path<String>,
    Json(input): Json<OrgInput>,
) -> Result<Response, ApiError> {
    write(app, StatusCode::OK, move |app| {
        organizations::rename_org(app, &org, &input)
    })
    .await
}

/// `?confirm=ORG`: the organization's id again.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmQuery {
    #[serde(default)]
    confirm: String,
}

async fn delete_org(
    State(app): State<Arc<App>>,
    Path(org): Path<String>,
    Query(query): Query<ConfirmQuery>,
) -> Result<Response, ApiError> {
    write(app, StatusCode::OK, move |app| {
        organizations::delete_org(app, &org, &query.confirm)?;
        Ok(serde_json::json!({ "deleted": org }))
    })
    .await
}

/// Checks a school data file (the body) and answers the preview with its token.
async fn check_import(
    State(app): State<Arc<App>>,
    Path(org): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    write(app, StatusCode::OK, move |app| {
        organizations::check_import(app, &org, &body)
    })
    .await
}

/// `{"token": …, "confirm_shrink": false}`
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmImport {
    token: String,
    #[serde(default)]
    confirm_shrink: bool,
}

async fn confirm_import(
    State(app): State<Arc<App>>,
    Path(org): Path<String>,
    Json(input): Json<ConfirmImport>,
) -> Result<Response, ApiError> {
    write(app, StatusCode::OK, move |app| {
        organizations::confirm_import(app, &org, &input.token, input.confirm_shrink)?;
        Ok(serde_json::json!({ "imported": org }))
    })
    .await
}

async fn calls(
    State(app): State<Arc<App>>,
    Path(org): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    read(app, move |app, store| {
        views::school(store, &org, app.lang).map(|s| organizations::calls(&s))
    })
    .await
}

async fn stop_run(State(app): State<Arc<App>>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    write(app, StatusCode::ACCEPTED, move |app| {
        app.launcher.stop(&app.runner, id)?;
        views::run(app, &app.store()?, id)
    })
    .await
}

async fn set_links_base(
    State(app): State<Arc<App>>,
    Path(org): Path<String>,
    Json(input): Json<LinksBaseInput>,
) -> Result<Response, ApiError> {
    write(app, StatusCode::OK, move |app| {
        actions::set_links_base(app, &org, &input)
    })
    .await
}

async fn links(
    State(app): State<Arc<App>>,
    Path(org): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    read(app, move |app, store| views::links(store, &org, app.lang)).await
}

async fn school(
    State(app): State<Arc<App>>,
    Path(org): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    read(app, move |app, store| {
        views::school(store, &org, app.lang).map(|s| views::school_summary(&s))
    })
    .await
}

async fn staff(
    State(app): State<Arc<App>>,
    Path(org): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    read(app, move |app, store| {
        views::school(store, &org, app.lang).map(|s| views::staff(&s, app.lang))
    })
    .await
}

async fn coverage(
    State(app): State<Arc<App>>,
    Path(org): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    read(app, move |app, store| {
        views::school(store, &org, app.lang).map(|s| views::coverage(&s))
    })
    .await
}

/// `?org=ID`
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TasksQuery {
    org: Option<String>,
}

async fn tasks(
    State(app): State<Arc<App>>,
    Query(query): Query<TasksQuery>,
) -> Result<impl IntoResponse, ApiError> {
    read(app, move |app, store| {
        views::tasks(app, store, query.org.as_deref())
    })
    .await
}

async fn create_task(
    State(app): State<Arc<App>>,
    Json(input): Json<TaskInput>,
) -> Result<Response, ApiError> {
    write(app, StatusCode::CREATED, move |app| {
        actions::create_task(app, &input)
    })
    .await
}

async fn validate(
    State(app): State<Arc<App>>,
    Json(input): Json<TaskInput>,
) -> Result<Response, ApiError> {
    write(app, StatusCode::OK, move |app| {
        actions::validate(app, &input, None)
    })
    .await
}

async fn validate_change(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    Json(input): Json<TaskInput>,
) -> Result<Response, ApiError> {
    write(app, StatusCode::OK, move |app| {
        actions::validate(app, &input, Some(id))
    })
    .await
}

async fn task(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    read(app, move |app, store| {
        views::task_view(
            app,
            store,
            &crate::error::require_task(store, id, app.lang)?,
        )
    })
    .await
}

async fn update_task(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    Json(input): Json<TaskInput>,
) -> Result<Response, ApiError> {
    write(app, StatusCode::OK, move |app| {
        actions::update_task(app, id, &input)
    })
    .await
}

async fn delete_task(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    write(app, StatusCode::OK, move |app| {
        actions::delete_task(app, id)?;
        Ok(serde_json::json!({ "deleted": id }))
    })
    .await
}

/// `?dry_run=true` or `?force=true` (confirm, for this run only, what a guard holds back).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RunQuery {
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    force: bool,
}

async fn run_task(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    Query(query): Query<RunQuery>,
) -> Result<Response, ApiError> {
    write(app, StatusCode::ACCEPTED, move |app| {
        let run_id = app
            .launcher
            .start(&app.runner, id, query.dry_run, query.force)?;
        views::run(app, &app.store()?, run_id)
    })
    .await
}

/// `?task=ID&last=N`
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RunsQuery {
    task: Option<i64>,
    #[serde(default = "default_last")]
    last: i64,
}

fn default_last() -> i64 {
    20
}

async fn runs(
    State(app): State<Arc<App>>,
    Query(query): Query<RunsQuery>,
) -> Result<impl IntoResponse, ApiError> {
    read(app, move |app, store| {
        views::runs(app, store, query.task, query.last)
    })
    .await
}

/// `?last=N`
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LastQuery {
    #[serde(default = "default_last")]
    last: i64,
}

async fn task_runs(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    Query(query): Query<LastQuery>,
) -> Result<impl IntoResponse, ApiError> {
    read(app, move |app, store| {
        views::runs(app, store, Some(id), query.last)
    })
    .await
}

async fn run(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    read(app, move |app, store| views::run(app, store, id)).await
}

/// `?level=info&after=SEQ`
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LogsQuery {
    level: Option<String>,
    #[serde(default)]
    after: i64,
}

async fn logs(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    Query(query): Query<LogsQuery>,
) -> Result<impl IntoResponse, ApiError> {
    read(app, move |app, store| {
        let level = views::log_level(query.level.as_deref().unwrap_or("debug"), app.lang)?;
        views::logs(app, store, id, level, query.after)
    })
    .await
}
