//! What monitoring reads: `/metrics` (Prometheus) and `/healthz`. Both are served without a
//! console session, like a scraper expects, on the console's listener only; they show no
//! secrets (task ids, organization ids, task types, counts and times).

use super::app::App;
use super::error::{blocking, ApiError};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use exchange_core::metrics;
use std::sync::Arc;
use std::time::Duration;

/// The scheduling loop goes round every 250 ms; this long without a round means it is stuck.
const STUCK: Duration = Duration::from_secs(60);

/// The monitoring routes, outside the console's session guard.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/metrics", get(scrape))
        .route("/healthz", get(health))
}

async fn scrape(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let text = blocking(move || Ok(metrics::global().render(&app.store()?)?)).await?;
    Ok(([(header::CONTENT_TYPE, metrics::CONTENT_TYPE)], text).into_response())
}

/// 200 when the database answers and the scheduler goes round; 503 with the reason otherwise.
async fn health(State(app): State<Arc<App>>) -> Response {
    let database = blocking(move || {
        let store = app.store()?;
        store
            .conn()
            .query_row("SELECT COUNT(*) FROM tasks", [], |r| r.get::<_, i64>(0))
            .map_err(|e| ApiError::from(anyhow::Error::from(e)))
    })
    .await;
    let age = metrics::global().scheduler_age();
    let problem = match (&database, age) {
        (Err(e), _) => Some(format!("the database does not answer: {}", e.message)),
        (_, None) => Some("the scheduler has not started yet".to_string()),
        (_, Some(age)) if age > STUCK => Some(format!(
            "the scheduler has not gone round for {} s",
            age.as_secs()
        )),
        _ => None,
    };
    let body = serde_json::json!({
        "status": if problem.is_none() { "ok" } else { "unhealthy" },
        "problem": problem,
        "tasks": database.ok(),
        "scheduler_round_age_ms": age.map(|a| a.as_millis() as u64),
    });
    let status = if problem.is_none() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}
