//! The HTTP side: the API (every path not under `/_emulator`), long polls, and the
//! `/_emulator` endpoints (the inspection ones and the server loop are the kit's).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Json, Router};
use serde_json::json;

use emulator_kit::server::Hangup;
use emulator_kit::shared::{bad_request, inspection_routes};

use crate::api::{self, ApiRequest, Reply, Step};
use crate::control::Act;
use crate::emulator::Shared;
use crate::updates::Poll;

/// The emulator's routes: its API and the `/_emulator` inspection and control endpoints.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .merge(inspection_routes(shared.core.clone()))
        .route("/_emulator/act", post(act))
        .fallback(api_call)
        .with_state(shared)
}

async fn api_call(
    State(shared): State<Arc<Shared>>,
    Extension(hangup): Extension<Hangup>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let req = ApiRequest::new(
        method.as_str(),
        uri.path(),
        uri.query(),
        authorization,
        &body,
    );
    let reply = match api::begin(&shared, &req) {
        Step::Done(reply) => reply,
        Step::Poll(poll) => long_poll(&shared, poll).await,
        Step::Delay(delay) => {
            // The work goes on even if the client gives up waiting, as on a slow server.
            let task_shared = shared.clone();
            let task = tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                match api::finish(&task_shared, &req) {
                    Step::Done(reply) => reply,
                    Step::Poll(poll) => long_poll(&task_shared, poll).await,
                    Step::Delay(_) => unreachable!("no fault after a delay"),
                }
            });
            task.await
                .unwrap_or_else(|_| Reply::Json(500, json!({"code": "internal.error"})))
        }
    };
    match reply {
        Reply::Json(status, body) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, Json(body)).into_response()
        }
        Reply::Drop => match hangup.now().await {},
    }
}

/// Serves a `GET /updates`: at once when updates are pending, else when one arrives or
/// the timeout passes.
async fn long_poll(shared: &Shared, poll: Poll) -> Reply {
    let deadline = tokio::time::Instant::now() + poll.timeout;
    loop {
        let notified = shared.notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let mut inner = shared.core.lock();
            if let Some(body) = poll.take(&mut inner.state) {
                shared.core.save(&inner.state);
                return Reply::Json(200, body);
            }
            if tokio::time::Instant::now() >= deadline {
                return Reply::Json(200, poll.empty(&inner.state));
            }
        }
        // Past the deadline the loop answers with what is there (or nothing).
        let _ = tokio::time::timeout_at(deadline, notified).await;
    }
}

async fn act(State(shared): State<Arc<Shared>>, Json(act): Json<Act>) -> Response {
    match shared.act(&act) {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => bad_request(e),
    }
}
