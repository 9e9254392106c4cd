//! The HTTP side: routes for the API and the `/_emulator` control endpoints (the
//! inspection ones and the server loop are the kit's).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use emulator_kit::server::Hangup;
use emulator_kit::shared::{bad_request, inspection_routes};

use crate::api::{self, ApiRequest, Reply, Step};
use crate::control::ManualEdit;
use crate::emulator::Shared;
use crate::state::UserMark;

/// The emulator's routes: its API and the `/_emulator` inspection and control endpoints.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/method/{method}", get(api_call).post(api_call))
        .merge(inspection_routes(shared.core.clone()))
        .route("/_emulator/users", post(mark_user))
        .route("/_emulator/edit", post(edit))
        .with_state(shared)
}

async fn api_call(
    State(shared): State<Arc<Shared>>,
    Extension(hangup): Extension<Hangup>,
    Path(method): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/x-www-form-urlencoded");
    let form = content_type
        .starts_with("application/x-www-form-urlencoded")
        .then_some(&body[..]);
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let req = ApiRequest::new(&method, uri.query(), form, bearer);
    let reply = match api::begin(&shared, &req) {
        Step::Done(reply) => reply,
        Step::Delay(delay) => {
            // The work goes on even if the client gives up waiting, as on a slow server.
            let task = tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                api::finish(&shared, req)
            });
            task.await.unwrap_or(Reply::Http500)
        }
    };
    match reply {
        Reply::Json(body) => Json(body).into_response(),
        Reply::Http500 => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "500 Internal Server Error (injected by sferum-emulator)",
        )
            .into_response(),
        Reply::Drop => match hangup.now().await {},
    }
}

/// Body of `POST /_emulator/users`.
#[derive(Deserialize)]
struct MarkUser {
    user_id: u64,
    mark: Option<UserMark>,
}

async fn mark_user(State(shared): State<Arc<Shared>>, Json(body): Json<MarkUser>) -> Json<Value> {
    shared.mark_user(body.user_id, body.mark);
    Json(json!({"ok": true}))
}

async fn edit(State(shared): State<Arc<Shared>>, Json(edit): Json<ManualEdit>) -> Response {
    match shared.edit(&edit) {
        Ok(()) => Json(json!({"ok": true})).into_response(),
        Err(e) => bad_request(e),
    }
}
