//! The failures the emulator answers with: a non-2xx status with the schema's `Error`
//! object (`{"code", "message"}`), or HTTP 200 with `{"success": false, ...}`.

use serde_json::{json, Value};

/// One failure answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A non-2xx status with `{"code", "message"}`.
    Http {
        /// HTTP status.
        status: u16,
        /// The error key, e.g. `verify.token`.
        code: String,
        /// What went wrong.
        message: String,
    },
    /// HTTP 200 with `{"success": false, "code", "message"}`.
    NotSuccess {
        /// The error key, e.g. `chat.denied`.
        code: String,
        /// What went wrong.
        message: String,
    },
}

impl Failure {
    fn http(status: u16, code: &str, message: impl Into<String>) -> Self {
        Failure::Http {
            status,
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// 401: no token, or one no bot has (`Bearer <token>` is such a token too).
    pub fn invalid_token() -> Self {
        Self::http(401, "verify.token", "Invalid access_token")
    }

    /// 403: the token came as the `access_token` query parameter.
    pub fn deprecated_token() -> Self {
        Self::http(
            403,
            "deprecated.token",
            "Query parameter access_token is deprecated, use Authorization header",
        )
    }

    /// 429: over the request rate.
    pub fn too_many_requests() -> Self {
        Self::http(429, "too.many.requests", "Too many requests")
    }

    /// 404: no such resource.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::http(404, "not.found", message)
    }

    /// 405: a known path with another HTTP method.
    pub fn not_allowed() -> Self {
        Self::http(405, "method.not.allowed", "Method not allowed")
    }

    /// 403: the bot may not do this in this chat.
    pub fn chat_denied(message: impl Into<String>) -> Self {
        Self::http(403, "chat.denied", message)
    }

    /// 403 for reads an admin-only method refuses to others (wording of the live service).
    pub fn admins_only() -> Self {
        Self::chat_denied("Method is available only for chat administrator")
    }

    /// 400: the request does not fit the schema.
    pub fn payload(message: impl Into<String>) -> Self {
        Self::http(400, "proto.payload", message)
    }

    /// 400 for a number out of its range, in the live service's wording.
    pub fn out_of_range(field: &str, value: i64, min: i64, max: i64) -> Self {
        if value > max {
            Self::payload(format!(
                "Field '{field}' value ({value}) must be at most {max}"
            ))
        } else {
            Self::payload(format!(
                "Field '{field}' value ({value}) must be at least {min}"
            ))
        }
    }

    /// 400 for a missing parameter.
    pub fn missing(name: &str) -> Self {
        Self::payload(format!("Missing required parameter: {name}"))
    }

    /// 500 with the schema's `Error` body.
    pub fn internal() -> Self {
        Self::http(500, "internal.error", "Internal error")
    }

    /// 200 `success: false`: the bot lacks the admin right the method needs (the wording
    /// the live service gives a bot).
    pub fn insufficient_rights() -> Self {
        Self::not_success(
            "chat.denied",
            "Insufficient access rights to perform this action",
        )
    }

    /// 200 `success: false` with this code and message.
    pub fn not_success(code: &str, message: impl Into<String>) -> Self {
        Failure::NotSuccess {
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            Failure::Http { status, .. } => *status,
            Failure::NotSuccess { .. } => 200,
        }
    }

    /// The error key.
    pub fn code(&self) -> &str {
        match self {
            Failure::Http { code, .. } | Failure::NotSuccess { code, .. } => code,
        }
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        match self {
            Failure::Http { code, message, .. } => json!({"code": code, "message": message}),
            Failure::NotSuccess { code, message } => {
                json!({"success": false, "code": code, "message": message})
            }
        }
    }
}
