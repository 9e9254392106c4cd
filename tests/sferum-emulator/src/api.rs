//! Serving one API request: authentication, `v`, the rate limit, faults, dispatch to the
//! methods or `execute`, the VK envelopes, stats, the log and persistence.
//!
//! Checks run in this order: token (error 5), `v` (error 8), rate limit (error 6),
//! injected fault, method name (error 3), then the method's own checks.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::emulator::{Inner, Shared};
use crate::error::ApiError;
use crate::execute::{self, InnerCall};
use crate::faults::{self, FaultKind};
use crate::methods;
use crate::params::Params;
use crate::stats::LogEntry;

/// An API request as received: the method, its parameters (without `access_token`) and
/// the token from the form or the `Authorization: Bearer` header.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    method: String,
    params: Params,
    token: Option<String>,
}

impl ApiRequest {
    /// Builds a request from its parts. `form` is the body when it is form-encoded; any
    /// other body is ignored, as VK ignores it (so its parameters are simply missing).
    pub fn new(
        method: &str,
        query: Option<&str>,
        form: Option<&[u8]>,
        bearer: Option<&str>,
    ) -> Self {
        let pairs = query
            .map(|q| form_urlencoded::parse(q.as_bytes()))
            .into_iter()
            .flatten()
            .chain(form.map(form_urlencoded::parse).into_iter().flatten())
            .map(|(k, v)| (k.into_owned(), v.into_owned()));
        let mut params = Params::from_pairs(pairs);
        let token = params
            .take("access_token")
            .filter(|t| !t.is_empty())
            .or_else(|| bearer.map(str::to_string));
        Self {
            method: method.to_string(),
            params,
            token,
        }
    }
}

/// What to send back.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// HTTP 200 with this JSON body.
    Json(Value),
    /// HTTP 500 with a plain-text body.
    Http500,
    /// Close the connection without answering.
    Drop,
}

/// The first step's result: an answer, or a wait before handling the request.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Answer now.
    Done(Reply),
    /// Wait this long, then call [`finish`].
    Delay(Duration),
}

/// Handles a request up to its answer, or up to an injected delay.
pub fn begin(shared: &Shared, req: &ApiRequest) -> Step {
    let mut inner = shared.core.lock();
    inner.stats.http_requests += 1;
    inner.stats.count_method(&req.method);
    let group_id = match admit(shared, &mut inner, req) {
        Ok(group_id) => group_id,
        Err(e) => return Step::Done(Reply::Json(error_reply(shared, &mut inner, req, e))),
    };
    let calls = parse_execute(req);
    let inner_methods: Vec<&str> = match &calls {
        Some(Ok(calls)) => calls.iter().map(|c| c.method.as_str()).collect(),
        _ => Vec::new(),
    };
    let fault = faults::decide(&mut inner.faults, &req.method, &inner_methods);
    let Some(fault) = fault else {
        let body = run(shared, &mut inner, req, group_id, calls, None);
        return Step::Done(Reply::Json(body));
    };
    inner.stats.count_fault(fault.kind.name());
    let logged = format!("fault {}", fault.kind.name());
    match fault.kind {
        FaultKind::Error10 | FaultKind::Error { .. } => {
            let error = match fault.kind {
                FaultKind::Error { code } => ApiError::code(code),
                _ => ApiError::internal(),
            };
            match fault.method.as_deref() {
                Some(m) if req.method == "execute" && m != "execute" => {
                    let failing = Some((m, error));
                    let body = run(shared, &mut inner, req, group_id, calls, failing);
                    Step::Done(Reply::Json(body))
                }
                _ => Step::Done(Reply::Json(error_reply(shared, &mut inner, req, error))),
            }
        }
        FaultKind::Shift => {
            let body = run(shared, &mut inner, req, group_id, calls, None);
            if let Some(c) = inner.state.communities.get_mut(&group_id) {
                c.shift();
            }
            Step::Done(Reply::Json(body))
        }
        FaultKind::Http500 => {
            log(shared, &mut inner, req, logged);
            Step::Done(Reply::Http500)
        }
        FaultKind::Drop => {
            log(shared, &mut inner, req, logged);
            Step::Done(Reply::Drop)
        }
        FaultKind::Delay { delay_ms } => Step::Delay(Duration::from_millis(delay_ms)),
        FaultKind::CommitThenDrop => {
            run(shared, &mut inner, req, group_id, calls, None);
            log(shared, &mut inner, req, logged);
            Step::Done(Reply::Drop)
        }
    }
}

/// Handles a request after its injected delay (no further faults).
pub fn finish(shared: &Shared, req: ApiRequest) -> Reply {
    let req = &req;
    let mut inner = shared.core.lock();
    let body = match authenticate(shared, req) {
        Ok(group_id) => {
            let calls = parse_execute(req);
            run(shared, &mut inner, req, group_id, calls, None)
        }
        Err(e) => error_reply(shared, &mut inner, req, e),
    };
    Reply::Json(body)
}

/// Token, `v` and rate limit checks; the token's community on success.
fn admit(shared: &Shared, inner: &mut Inner, req: &ApiRequest) -> Result<u64, ApiError> {
    let group_id = authenticate(shared, req)?;
    let token = req.token.as_deref().unwrap_or_default();
    if let Some(limiter) = &mut inner.limiter {
        if !limiter.allow(token, Instant::now()) {
            return Err(ApiError::too_many_requests());
        }
    }
    Ok(group_id)
}

/// Token and `v` checks; the token's community on success.
fn authenticate(shared: &Shared, req: &ApiRequest) -> Result<u64, ApiError> {
    let token = req
        .token
        .as_deref()
        .ok_or_else(|| ApiError::auth_failed("no access_token passed."))?;
    let group_id = *shared
        .tokens
        .get(token)
        .ok_or_else(|| ApiError::auth_failed("invalid access_token (4)."))?;
    match req.params.get("v") {
        None | Some("") => Err(ApiError::v_required()),
        Some(_) => Ok(group_id),
    }
}

fn parse_execute(req: &ApiRequest) -> Option<Result<Vec<InnerCall>, ApiError>> {
    (req.method == "execute").then(|| match req.params.get("code") {
        None | Some("") => Err(ApiError::param("code is undefined")),
        Some(code) => execute::parse(code),
    })
}

/// Runs the method (or the `execute` calls, failing those of `failing`'s method with its error),
/// persists a changed state, logs, and returns the body.
fn run(
    shared: &Shared,
    inner: &mut Inner,
    req: &ApiRequest,
    group_id: u64,
    calls: Option<Result<Vec<InnerCall>, ApiError>>,
    failing: Option<(&str, ApiError)>,
) -> Value {
    let result = match calls {
        Some(Ok(calls)) => Ok(run_execute(shared, inner, group_id, calls, failing)),
        Some(Err(e)) => Err(e),
        None if methods::is_known(&req.method) => {
            let result = methods::call(
                &mut inner.state,
                group_id,
                shared.seed,
                &req.method,
                &req.params,
            );
            if result.is_ok() && methods::is_write(&req.method) {
                shared.core.save(&inner.state);
            }
            result.map(|response| json!({ "response": response }))
        }
        None => Err(ApiError::unknown_method()),
    };
    match result {
        Ok(body) => {
            let outcome = match body.get("execute_errors") {
                Some(Value::Array(errors)) => format!("ok ({} inner errors)", errors.len()),
                _ => "ok".to_string(),
            };
            log(shared, inner, req, outcome);
            body
        }
        Err(e) => error_reply(shared, inner, req, e),
    }
}

fn run_execute(
    shared: &Shared,
    inner: &mut Inner,
    group_id: u64,
    calls: Vec<InnerCall>,
    failing: Option<(&str, ApiError)>,
) -> Value {
    let mut results = Vec::with_capacity(calls.len());
    let mut errors = Vec::new();
    let mut wrote = false;
    for call in calls {
        inner.stats.count_method(&call.method);
        let result = if let Some((_, e)) = failing.as_ref().filter(|(m, _)| *m == call.method) {
            Err(e.clone())
        } else if methods::is_known(&call.method) {
            methods::call(
                &mut inner.state,
                group_id,
                shared.seed,
                &call.method,
                &call.params,
            )
        } else {
            Err(ApiError::unknown_method())
        };
        match result {
            Ok(value) => {
                wrote |= methods::is_write(&call.method);
                results.push(value);
            }
            Err(e) => {
                inner.stats.count_error(e.code);
                errors.push(json!({
                    "method": call.method,
                    "error_code": e.code,
                    "error_msg": e.msg,
                }));
                results.push(Value::Bool(false));
            }
        }
    }
    if wrote {
        shared.core.save(&inner.state);
    }
    let mut body = json!({ "response": results });
    if !errors.is_empty() {
        body["execute_errors"] = Value::Array(errors);
    }
    body
}

/// The VK error envelope; counts and logs the error. `request_params` lists the method,
/// `oauth` and the parameters, never the token.
fn error_reply(shared: &Shared, inner: &mut Inner, req: &ApiRequest, e: ApiError) -> Value {
    inner.stats.count_error(e.code);
    log(shared, inner, req, format!("error {}", e.code));
    let mut request_params = vec![
        json!({"key": "method", "value": req.method}),
        json!({"key": "oauth", "value": "1"}),
    ];
    request_params.extend(
        masked_params(shared, req)
            .into_iter()
            .map(|(key, value)| json!({"key": key, "value": value})),
    );
    json!({"error": {
        "error_code": e.code,
        "error_msg": e.msg,
        "request_params": request_params,
    }})
}

fn log(shared: &Shared, inner: &mut Inner, req: &ApiRequest, outcome: String) {
    let entry = LogEntry {
        seq: 0,
        at_ms: shared.core.elapsed_ms(),
        method: req.method.clone(),
        params: masked_params(shared, req),
        outcome,
    };
    inner.log.push(entry);
}

/// The parameters with every known token, and the presented one, replaced by `***`.
fn masked_params(shared: &Shared, req: &ApiRequest) -> Vec<(String, String)> {
    let secrets: Vec<&str> = shared
        .tokens
        .keys()
        .map(String::as_str)
        .chain(req.token.as_deref())
        .filter(|t| !t.is_empty())
        .collect();
    req.params
        .iter()
        .map(|(k, v)| {
            let value = secrets
                .iter()
                .fold(v.to_string(), |acc, secret| acc.replace(secret, "***"));
            (k.to_string(), value)
        })
        .collect()
}
