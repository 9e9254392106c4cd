//! What the task remembers between runs, kept as one JSON document in the task's state store.

use crate::texts::Lang;
use exchange_sdk::school::SferumId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The state store key of the document.
pub const KEY: &str = "sferum-sync";

/// The task's memory.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct TaskState {
    /// Chats by purpose key (`staff`, `class:<id>:parents`, …), including retired ones.
    #[serde(default)]
    pub chats: BTreeMap<String, ChatRecord>,
    /// Video calls by the school data's call id, while their link is not yet in the school data.
    #[serde(default)]
    pub calls: BTreeMap<String, CallRecord>,
}

/// One chat the task created or adopted.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct ChatRecord {
    /// The Sferum chat id; `None` while a creation is intended but not confirmed.
    #[serde(default)]
    pub chat_id: Option<u64>,
    /// The title the chat was created with or last given.
    pub title: String,
    /// The chat's invite link, once fetched.
    #[serde(default)]
    pub link: Option<String>,
    /// Members who could not be added, with why and when (not retried on every run).
    #[serde(default)]
    pub skipped: BTreeMap<SferumId, Skip>,
}

/// Why a member could not be added.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Skip {
    /// A reason key such as `privacy` (see `client::skip_reason`).
    pub reason: String,
    /// Unix seconds of the failed attempt.
    pub at: u64,
}

/// One published video call the task started in Sferum, or is about to.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct CallRecord {
    /// Unix seconds when `calls.start` was (about to be) sent.
    pub started_at: u64,
    /// The join link, once Sferum answered; `None` means the answer never arrived.
    #[serde(default)]
    pub link: Option<String>,
}

impl TaskState {
    /// Reads the document; a missing one is an empty state. The error is in `lang`.
    pub fn parse(text: Option<&str>, lang: Lang) -> Result<TaskState, String> {
        match text {
            None => Ok(TaskState::default()),
            Some(t) => serde_json::from_str(t).map_err(|e| match lang {
                Lang::En => format!("the task's saved Sferum state cannot be read ({e}); it must not be guessed, or chats could be duplicated: restore it or recreate the task"),
                Lang::Ru => format!("сохранённое состояние задачи Сферум не прочитать ({e}); угадывать его нельзя, иначе чаты могут задвоиться: восстановите его или создайте задачу заново"),
            }),
        }
    }

    /// The document as stored.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("state serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_tolerates_missing_fields() {
        assert_eq!(
            TaskState::parse(None, Lang::En).unwrap(),
            TaskState::default()
        );
        let s = TaskState::parse(
            Some(r#"{"chats":{"staff":{"title":"Учительская"}}}"#),
            Lang::En,
        )
        .unwrap();
        assert_eq!(s.chats["staff"].chat_id, None);
        assert_eq!(TaskState::parse(Some(&s.to_json()), Lang::En).unwrap(), s);
        assert!(TaskState::parse(Some("{"), Lang::En)
            .unwrap_err()
            .contains("cannot be read"));
        assert!(TaskState::parse(Some("{"), Lang::Ru)
            .unwrap_err()
            .starts_with("сохранённое состояние задачи Сферум не прочитать"));
    }
}
