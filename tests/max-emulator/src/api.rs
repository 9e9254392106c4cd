//! Serving one API request: authentication, the rate limit, routing, faults, the
//! operation, stats, the log and persistence.
//!
//! Checks run in this order: the token (a query `access_token` is 403
//! `deprecated.token`; a missing or unknown `Authorization` value, `Bearer ...` included,
//! is 401 `verify.token`), the rate limit (429), the route (404, 405), an injected fault,
//! the body (400 `proto.payload` for bad JSON), then the operation's own checks.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::emulator::{Inner, Shared};
use crate::error::Failure;
use crate::faults::{self, FaultKind};
use crate::ops::{self, Op, Params};
use crate::stats::LogEntry;
use crate::updates::Poll;

/// How the request carried a token.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Auth {
    /// In the `Authorization` header (the whole value is the token).
    Header(String),
    /// As the `access_token` query parameter (refused since April 2026).
    Query,
    /// Not at all.
    None,
}

impl Auth {
    fn name(&self) -> &'static str {
        match self {
            Auth::Header(_) => "header",
            Auth::Query => "query",
            Auth::None => "none",
        }
    }
}

/// An API request as received.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    method: String,
    path: String,
    params: Params,
    auth: Auth,
    /// Why the body is not JSON, if it is not.
    body_error: Option<String>,
}

impl ApiRequest {
    /// Builds a request from its parts; a non-empty body must be JSON.
    pub fn new(
        method: &str,
        path: &str,
        query: Option<&str>,
        authorization: Option<&str>,
        body: &[u8],
    ) -> Self {
        let query: Vec<(String, String)> = query
            .map(|q| form_urlencoded::parse(q.as_bytes()))
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let auth = if query.iter().any(|(k, _)| k == "access_token") {
            Auth::Query
        } else {
            match authorization.map(str::trim) {
                Some(token) if !token.is_empty() => Auth::Header(token.to_string()),
                _ => Auth::None,
            }
        };
        let (body, body_error) = if body.iter().all(u8::is_ascii_whitespace) {
            (None, None)
        } else {
            match serde_json::from_slice::<Value>(body) {
                Ok(value) => (Some(value), None),
                Err(e) => (None, Some(format!("Invalid JSON body: {e}"))),
            }
        };
        Self {
            method: method.to_string(),
            path: path.to_string(),
            params: Params { query, body },
            auth,
            body_error,
        }
    }
}

/// What to send back.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// This status with this JSON body.
    Json(u16, Value),
    /// Close the connection without answering.
    Drop,
}

/// The first step's result.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Answer now.
    Done(Reply),
    /// Wait this long, then call [`finish`].
    Delay(Duration),
    /// Serve `GET /updates`, waiting for updates if there are none.
    Poll(Poll),
}

/// Handles a request up to its answer, an injected delay, or a long poll.
pub fn begin(shared: &Shared, req: &ApiRequest) -> Step {
    let mut inner = shared.core.lock();
    inner.stats.http_requests += 1;
    let (bot_id, op) = match admit(shared, &mut inner, req) {
        Ok(admitted) => admitted,
        Err(failure) => return Step::Done(fail(&mut inner, shared, req, None, failure)),
    };
    inner.stats.count_operation(op.name());
    let Some(kind) = faults::decide(&mut inner.faults, op.name(), op.answers_success()) else {
        return execute(shared, &mut inner, req, bot_id, op);
    };
    inner.stats.count_fault(kind.name());
    log(
        &mut inner,
        shared,
        req,
        Some(op),
        format!("fault {}", kind.name()),
    );
    match kind {
        FaultKind::Http500 => Step::Done(Reply::Json(500, Failure::internal().body())),
        FaultKind::SuccessFalse => Step::Done(Reply::Json(
            200,
            Failure::not_success("internal.error", "Internal error").body(),
        )),
        FaultKind::TooManyRequests => {
            Step::Done(Reply::Json(429, Failure::too_many_requests().body()))
        }
        FaultKind::Drop => Step::Done(Reply::Drop),
        FaultKind::Delay { delay_ms } => Step::Delay(Duration::from_millis(delay_ms)),
        FaultKind::CommitThenDrop => {
            if let Step::Poll(poll) = execute(shared, &mut inner, req, bot_id, op) {
                if poll.take(&mut inner.state).is_some() {
                    shared.core.save(&inner.state);
                }
            }
            Step::Done(Reply::Drop)
        }
    }
}

/// Handles a request after its injected delay (no further faults).
pub fn finish(shared: &Shared, req: &ApiRequest) -> Step {
    let mut inner = shared.core.lock();
    match authenticate(shared, req)
        .and_then(|bot_id| ops::route(&req.method, &req.path).map(|op| (bot_id, op)))
    {
        Ok((bot_id, op)) => execute(shared, &mut inner, req, bot_id, op),
        Err(failure) => Step::Done(fail(&mut inner, shared, req, None, failure)),
    }
}

/// Token, rate limit and route.
fn admit(shared: &Shared, inner: &mut Inner, req: &ApiRequest) -> Result<(i64, Op), Failure> {
    let bot_id = authenticate(shared, req)?;
    if let (Some(limiter), Auth::Header(token)) = (&mut inner.limiter, &req.auth) {
        if !limiter.allow(token, Instant::now()) {
            return Err(Failure::too_many_requests());
        }
    }
    Ok((bot_id, ops::route(&req.method, &req.path)?))
}

/// The bot whose token the request carries.
fn authenticate(shared: &Shared, req: &ApiRequest) -> Result<i64, Failure> {
    match &req.auth {
        Auth::Query => Err(Failure::deprecated_token()),
        Auth::None => Err(Failure::invalid_token()),
        Auth::Header(token) => shared
            .tokens
            .get(token)
            .copied()
            .ok_or_else(Failure::invalid_token),
    }
}

/// Runs the operation: persists a change, wakes long polls, logs, and answers.
fn execute(shared: &Shared, inner: &mut Inner, req: &ApiRequest, bot_id: i64, op: Op) -> Step {
    if let Some(error) = &req.body_error {
        return Step::Done(fail(inner, shared, req, Some(op), Failure::payload(error)));
    }
    if op == Op::GetUpdates {
        return match Poll::parse(bot_id, &req.params) {
            Ok(poll) => {
                log(inner, shared, req, Some(op), "ok".into());
                Step::Poll(poll)
            }
            Err(failure) => Step::Done(fail(inner, shared, req, Some(op), failure)),
        };
    }
    let settings = ops::Settings {
        legacy_chat_list: shared.legacy_chat_list,
    };
    match ops::run(&mut inner.state, bot_id, op, &req.params, settings) {
        Ok(body) => {
            if op.writes() {
                shared.core.save(&inner.state);
                shared.notify.notify_waiters();
            }
            let outcome = if body["success"] == json!(false) {
                for detail in body["failed_user_details"].as_array().into_iter().flatten() {
                    let code = detail["error_code"].as_str().unwrap_or_default();
                    let users = detail["user_ids"].as_array().map_or(1, Vec::len);
                    for _ in 0..users {
                        inner.stats.count_error(200, code);
                    }
                }
                "200 failed_user_ids".to_string()
            } else {
                "ok".to_string()
            };
            log(inner, shared, req, Some(op), outcome);
            Step::Done(Reply::Json(200, body))
        }
        Err(failure) => Step::Done(fail(inner, shared, req, Some(op), failure)),
    }
}

/// Counts, logs and answers a failure.
fn fail(
    inner: &mut Inner,
    shared: &Shared,
    req: &ApiRequest,
    op: Option<Op>,
    failure: Failure,
) -> Reply {
    inner.stats.count_error(failure.status(), failure.code());
    let outcome = format!("{} {}", failure.status(), failure.code());
    log(inner, shared, req, op, outcome);
    Reply::Json(failure.status(), failure.body())
}

fn log(inner: &mut Inner, shared: &Shared, req: &ApiRequest, op: Option<Op>, outcome: String) {
    let query = req
        .params
        .query
        .iter()
        .map(|(k, v)| {
            let v = if k == "access_token" { "***" } else { v };
            (k.clone(), v.to_string())
        })
        .collect();
    inner.log.push(LogEntry {
        seq: 0,
        at_ms: shared.core.elapsed_ms(),
        method: req.method.clone(),
        path: req.path.clone(),
        query,
        body: req.params.body.clone(),
        operation: op.map(|op| op.name().to_string()),
        auth: req.auth.name().to_string(),
        outcome,
    });
}
