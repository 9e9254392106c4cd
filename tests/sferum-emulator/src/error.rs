//! VK API errors: the codes and messages the emulator answers with.

use serde::Serialize;

/// One VK API error: the `error_code` and `error_msg` of an error envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    /// VK error code (`error_code`).
    pub code: u32,
    /// VK error message (`error_msg`).
    pub msg: String,
}

impl ApiError {
    fn new(code: u32, msg: impl Into<String>) -> Self {
        Self {
            code,
            msg: msg.into(),
        }
    }

    /// The error `code` with VK's message for it (injected faults and user marks).
    pub fn code(code: u32) -> Self {
        let msg = match code {
            1 => "Unknown error occurred",
            5 => "User authorization failed: invalid access_token (4).",
            6 => "Too many requests per second",
            9 => "Flood control",
            10 => "Internal server error",
            14 => "Captcha needed",
            15 => "Access denied",
            18 => "User was deleted or banned",
            27 => "Group authorization failed: method is unavailable with group auth.",
            29 => "Rate limit reached",
            100 => "One of the parameters specified was missing or invalid",
            103 => "Out of limits",
            113 => "Invalid user id",
            901 => "Can't send messages for users without permission",
            917 => "You don't have access to this chat",
            925 => "You are not admin of this chat",
            927 => "Chat does not exist",
            932 => "Your community can't interact with this peer",
            935 => "User not found in chat",
            936 => "Contact not found",
            947 => "Can't add user to chat, because user has no access to group",
            981 => "Cannot add this user by privacy settings",
            982 => "Cannot add users to chat temporary",
            _ => "Unknown error occurred",
        };
        Self::new(code, msg)
    }

    /// 3: the method name is not one the API knows.
    pub fn unknown_method() -> Self {
        Self::new(3, "Unknown method passed")
    }

    /// 5: no token, or a token no community owns (VK's wording for both cases).
    pub fn auth_failed(detail: &str) -> Self {
        Self::new(5, format!("User authorization failed: {detail}"))
    }

    /// 6: more requests per second than the per-token limit allows.
    pub fn too_many_requests() -> Self {
        Self::new(6, "Too many requests per second")
    }

    /// 8: the request has no `v` parameter. VK's current wording is used.
    pub fn v_required() -> Self {
        Self::new(8, "Invalid request: v is required")
    }

    /// 10: an internal error (injected by the fault machinery).
    pub fn internal() -> Self {
        Self::new(10, "Internal server error")
    }

    /// 12: `execute` code that does not have one of the accepted shapes.
    pub fn cannot_compile(detail: &str) -> Self {
        Self::new(12, format!("Unable to compile code: {detail}"))
    }

    /// 13: `execute` code that would make more than 25 API calls.
    pub fn too_many_api_calls() -> Self {
        Self::new(
            13,
            "Runtime error occurred during code invocation: Too many API calls",
        )
    }

    /// 15: an action the community is not allowed to take.
    pub fn access_denied(detail: &str) -> Self {
        Self::new(15, format!("Access denied: {detail}"))
    }

    /// 100: a parameter is missing or has a bad value.
    pub fn param(detail: &str) -> Self {
        Self::new(
            100,
            format!("One of the parameters specified was missing or invalid: {detail}"),
        )
    }

    /// 917: the chat exists but the community has no access to it.
    pub fn no_chat_access() -> Self {
        Self::new(917, "You don't have access to this chat")
    }

    /// 927: there is no such chat for this community.
    pub fn chat_not_found() -> Self {
        Self::new(927, "Chat does not exist")
    }

    /// 935: the member is not in the chat.
    pub fn not_in_chat() -> Self {
        Self::new(935, "User not found in chat")
    }
}
