//! What the task remembers between runs, kept as one JSON document in the task's state store:
//! the update marker, the register of chats the bot is in (MAX has no chat list) and the chat
//! adopted for each purpose. The marker and the register are saved together, so an update is
//! never acknowledged without being recorded.

use crate::api::ChatId;
use crate::texts::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The state store key of the document.
pub const KEY: &str = "max-sync";

/// The task's memory.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct TaskState {
    /// The marker of the next update expected (`None` before the first read).
    #[serde(default)]
    pub marker: Option<i64>,
    /// The chats the bot was added to, by chat id, as the updates told.
    #[serde(default)]
    pub register: BTreeMap<ChatId, Registered>,
    /// The chat serving each purpose key (`staff`, `class:<id>:parents`, …).
    #[serde(default)]
    pub adopted: BTreeMap<String, Adopted>,
}

/// A chat of the register.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Registered {
    /// The last title seen (empty until read).
    #[serde(default)]
    pub title: String,
    /// False once the bot was removed from it.
    pub active: bool,
}

/// The chat adopted for a purpose.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Adopted {
    /// The chat.
    pub chat_id: ChatId,
    /// Its invite link, as last read.
    #[serde(default)]
    pub link: Option<String>,
    /// People who could not be added, with why and when (not retried on every run).
    #[serde(default)]
    pub skipped: BTreeMap<u64, Skip>,
}

/// Why a person could not be added.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Skip {
    /// MAX's error code, e.g. `add.participant.privacy`.
    pub reason: String,
    /// Unix seconds of the failed attempt.
    pub at: u64,
}

impl TaskState {
    /// Reads the document; a missing one is an empty state. The error is in `lang`.
    pub fn parse(text: Option<&str>, lang: Lang) -> Result<TaskState, String> {
        match text {
            None => Ok(TaskState::default()),
            Some(t) => serde_json::from_str(t).map_err(|e| {
                lang.pick(
                    format!("the task's saved MAX state cannot be read ({e}); restore it or recreate the task (the chats are then adopted again by their titles)"),
                    format!("сохранённое состояние задачи MAX не прочитать ({e}); восстановите его или создайте задачу заново (чаты тогда снова будут приняты по названиям)"),
                )
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
    fn round_trips_with_negative_chat_ids() {
        let mut s = TaskState {
            marker: Some(5),
            ..Default::default()
        };
        s.register.insert(
            -7,
            Registered {
                title: "Учительская".into(),
                active: true,
            },
        );
        assert_eq!(TaskState::parse(Some(&s.to_json()), Lang::En).unwrap(), s);
        assert_eq!(
            TaskState::parse(None, Lang::En).unwrap(),
            TaskState::default()
        );
        assert!(TaskState::parse(Some("["), Lang::Ru)
            .unwrap_err()
            .starts_with("сохранённое состояние задачи MAX не прочитать"));
    }
}
