//! The MAX Bot API calls the task makes, with their answers as serde types (a missing field
//! the task relies on is an error, never a default).

use crate::client::{ApiError, Client};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};

/// A chat id (group chats are negative).
pub type ChatId = i64;

/// The bot itself (`GET /me`).
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Me {
    /// Its user id.
    pub user_id: u64,
    /// Its name in deep links.
    #[serde(default)]
    pub username: Option<String>,
}

/// A chat (`GET /chats/{id}`).
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Chat {
    /// The id.
    pub chat_id: ChatId,
    /// `active`, `removed`, `left` or `closed`, as this bot sees it.
    pub status: String,
    /// The title.
    #[serde(default)]
    pub title: Option<String>,
    /// The owner.
    #[serde(default)]
    pub owner_id: Option<u64>,
    /// The invite link, when the chat has one.
    #[serde(default)]
    pub link: Option<String>,
}

/// A chat member.
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Member {
    /// The user.
    pub user_id: u64,
    /// Owns the chat.
    #[serde(default)]
    pub is_owner: bool,
    /// Has admin rights.
    pub is_admin: bool,
    /// The admin's rights (null for a plain member).
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct Members {
    members: Vec<Member>,
    #[serde(default)]
    marker: Option<i64>,
}

/// One page of updates.
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Updates {
    /// The updates, as JSON objects (read by [`crate::adopt::Event::read`]).
    pub updates: Vec<Value>,
    /// The marker to pass next.
    #[serde(default)]
    pub marker: Option<i64>,
}

/// What `addMembers` did: the users it could not add, with the error code per user.
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
struct AddAnswer {
    #[serde(default)]
    failed_user_details: Option<Vec<FailedUsers>>,
    #[serde(default)]
    failed_user_ids: Option<Vec<u64>>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
struct FailedUsers {
    error_code: String,
    user_ids: Vec<u64>,
}

/// The update types the task reads.
pub const UPDATE_TYPES: &str = "bot_added,bot_removed,chat_title_changed,bot_started";

impl Client {
    /// An answer read as `T`; another shape is fatal: this task does not know that MAX.
    fn read<T: serde::de::DeserializeOwned>(&self, what: &str, v: Value) -> Result<T, ApiError> {
        serde_json::from_value(v).map_err(|e| {
            ApiError::Fatal(self.settings.lang.pick(
                format!("MAX answered {what} in an unknown shape: {e}"),
                format!("MAX ответил на {what} в незнакомом виде: {e}"),
            ))
        })
    }

    /// The bot.
    pub fn me(&self) -> Result<Me, ApiError> {
        self.read("GET /me", self.call(Method::GET, "/me", &[], None)?)
    }

    /// A page of updates after `marker`, without waiting.
    pub fn updates(&self, marker: Option<i64>) -> Result<Updates, ApiError> {
        let mut q = vec![
            ("timeout", "0".to_string()),
            ("limit", "1000".to_string()),
            ("types", UPDATE_TYPES.to_string()),
        ];
        if let Some(m) = marker {
            q.push(("marker", m.to_string()));
        }
        self.read(
            "GET /updates",
            self.call(Method::GET, "/updates", &q, None)?,
        )
    }

    /// A chat as the bot sees it.
    pub fn chat(&self, chat: ChatId) -> Result<Chat, ApiError> {
        self.read(
            "GET /chats/{id}",
            self.call(Method::GET, &format!("/chats/{chat}"), &[], None)?,
        )
    }

    /// The bot's own membership in a chat.
    pub fn membership(&self, chat: ChatId) -> Result<Member, ApiError> {
        let path = format!("/chats/{chat}/members/me");
        self.read(
            "GET /chats/{id}/members/me",
            self.call(Method::GET, &path, &[], None)?,
        )
    }

    /// Every member of a chat (pages of 100).
    pub fn members(&self, chat: ChatId) -> Result<Vec<Member>, ApiError> {
        let path = format!("/chats/{chat}/members");
        let mut out = Vec::new();
        let mut marker: Option<i64> = None;
        loop {
            let mut q = vec![("count", "100".to_string())];
            if let Some(m) = marker {
                q.push(("marker", m.to_string()));
            }
            let page: Members = self.read(
                "GET /chats/{id}/members",
                self.call(Method::GET, &path, &q, None)?,
            )?;
            out.extend(page.members);
            match page.marker {
                Some(m) if Some(m) != marker => marker = Some(m),
                _ => return Ok(out),
            }
        }
    }

    /// Adds users (at most 100); the ones it could not add, with the error code of each.
    pub fn add_members(&self, chat: ChatId, users: &[u64]) -> Result<Vec<(u64, String)>, ApiError> {
        let path = format!("/chats/{chat}/members");
        let answer: AddAnswer = self.read(
            "POST /chats/{id}/members",
            self.call(Method::POST, &path, &[], Some(&json!({"user_ids": users})))?,
        )?;
        let mut failed: Vec<(u64, String)> = answer
            .failed_user_details
            .unwrap_or_default()
            .into_iter()
            .flat_map(|d| {
                d.user_ids
                    .into_iter()
                    .map(move |u| (u, d.error_code.clone()))
            })
            .collect();
        for id in answer.failed_user_ids.unwrap_or_default() {
            if !failed.iter().any(|(u, _)| *u == id) {
                failed.push((id, "unknown".into()));
            }
        }
        Ok(failed)
    }

    /// Removes a member.
    pub fn remove_member(&self, chat: ChatId, user: u64) -> Result<(), ApiError> {
        let q = [("user_id", user.to_string())];
        self.call(Method::DELETE, &format!("/chats/{chat}/members"), &q, None)
            .map(drop)
    }

    /// Makes a member an admin with these rights (replacing the rights they had).
    pub fn grant_admin(&self, chat: ChatId, user: u64, rights: &[&str]) -> Result<(), ApiError> {
        let body = json!({"admins": [{"user_id": user, "permissions": rights}]});
        let path = format!("/chats/{chat}/members/admins");
        self.call(Method::POST, &path, &[], Some(&body)).map(drop)
    }

    /// Takes a member's admin rights.
    pub fn revoke_admin(&self, chat: ChatId, user: u64) -> Result<(), ApiError> {
        let path = format!("/chats/{chat}/members/admins/{user}");
        self.call(Method::DELETE, &path, &[], None).map(drop)
    }

    /// Gives a chat a title.
    pub fn retitle(&self, chat: ChatId, title: &str) -> Result<(), ApiError> {
        let path = format!("/chats/{chat}");
        self.call(Method::PATCH, &path, &[], Some(&json!({"title": title})))
            .map(drop)
    }
}
