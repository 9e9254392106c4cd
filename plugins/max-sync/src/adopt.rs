//! The chat register and adoption, pure: updates in, the register and the chat per purpose
//! out. A MAX bot can neither create nor list chats: people create them and add the bot, the
//! `bot_added`/`bot_removed` updates feed the register, and a registered chat whose title is
//! exactly a purpose's title (or that the administrator bound by hand) serves that purpose.

use crate::api::ChatId;
use crate::state::{Adopted, Registered, TaskState};
use crate::texts::Lang;
use chat_rules::Desired;
use serde_json::Value;
use std::collections::BTreeMap;

/// An update the task acts on.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The bot was added to a chat.
    BotAdded(ChatId),
    /// The bot was removed from a chat.
    BotRemoved(ChatId),
    /// A chat got a new title.
    Retitled(ChatId, String),
    /// A person opened the bot's deep link with this payload.
    Started { user: u64, payload: String },
}

impl Event {
    /// Reads an update; `None` for the types and shapes the task does not act on.
    pub fn read(update: &Value) -> Option<Event> {
        let chat = || update.get("chat_id").and_then(Value::as_i64);
        match update.get("update_type")?.as_str()? {
            "bot_added" => chat().map(Event::BotAdded),
            "bot_removed" => chat().map(Event::BotRemoved),
            "chat_title_changed" => Some(Event::Retitled(
                chat()?,
                update.get("title")?.as_str()?.into(),
            )),
            "bot_started" => {
                let user = update
                    .get("user")
                    .and_then(|u| u.get("user_id"))
                    .or_else(|| update.get("user_id"))
                    .and_then(Value::as_u64)?;
                let payload = update.get("payload")?.as_str()?.to_string();
                Some(Event::Started { user, payload })
            }
            _ => None,
        }
    }
}

/// Records an event in the register (deep-link starts are the caller's).
pub fn record(state: &mut TaskState, event: &Event) {
    match event {
        Event::BotAdded(chat) => state.register.entry(*chat).or_default().active = true,
        Event::BotRemoved(chat) => state.register.entry(*chat).or_default().active = false,
        Event::Retitled(chat, title) => {
            if let Some(r) = state.register.get_mut(chat) {
                r.title = title.clone();
            }
        }
        Event::Started { .. } => {}
    }
}

/// Reads `bind_chats`: `CHAT_ID=PURPOSE` pairs separated by `;` (or new lines); the error
/// is in `lang`.
pub fn parse_bindings(lang: Lang, text: &str) -> Result<Vec<(ChatId, String)>, String> {
    text.split([';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (id, purpose) = pair.split_once('=').ok_or_else(|| {
                lang.pick(
                    format!("«{pair}» is not CHAT_ID=PURPOSE, e.g. -70000000000001=Учительская"),
                    format!("«{pair}» — не пара ИДЕНТИФИКАТОР_ЧАТА=НАЗНАЧЕНИЕ, например -70000000000001=Учительская"),
                )
            })?;
            let id = id.trim();
            let id = id.parse::<ChatId>().map_err(|_| {
                lang.pick(
                    format!("«{id}» is not a MAX chat id (a whole number such as -70000000000001)"),
                    format!("«{id}» — не идентификатор чата MAX (целое число, например -70000000000001)"),
                )
            })?;
            Ok((id, purpose.trim().to_string()))
        })
        .collect()
}

/// The purpose a binding names, by title or key.
fn purpose_of<'d>(desired: &'d Desired, named: &str) -> Option<&'d str> {
    desired
        .chats
        .iter()
        .find(|c| c.purpose == named || c.title == named)
        .map(|c| c.purpose.as_str())
}

/// Decides which chat serves each desired purpose: a hand binding first, then the adopted
/// chat if the bot is still in it, then an unclaimed active chat titled exactly as the
/// purpose. Returns what changed, as log lines in `lang`.
pub fn adopt(
    lang: Lang,
    state: &mut TaskState,
    desired: &Desired,
    by_hand: &[(ChatId, String)],
) -> Vec<String> {
    let mut notes = Vec::new();
    let active = |s: &TaskState, chat: ChatId| s.register.get(&chat).is_some_and(|r| r.active);
    let title = |s: &TaskState, chat: ChatId| {
        s.register
            .get(&chat)
            .map(|r| r.title.clone())
            .unwrap_or_default()
    };
    for (chat, named) in by_hand {
        let Some(purpose) = purpose_of(desired, named) else {
            notes.push(lang.pick(
                format!("bind_chats names «{named}», which is no chat of the school data: the binding of chat {chat} is ignored"),
                format!("в bind_chats назван чат «{named}», которого нет среди чатов по данным школы: привязка чата {chat} не учтена"),
            ));
            continue;
        };
        if state.adopted.get(purpose).map(|a| a.chat_id) != Some(*chat) {
            notes.push(lang.pick(
                format!("chat {chat} serves «{named}», as bind_chats says"),
                format!("чат {chat} назначен как «{named}» по bind_chats"),
            ));
            state.adopted.insert(
                purpose.to_string(),
                Adopted {
                    chat_id: *chat,
                    ..Default::default()
                },
            );
        }
        // A chat bound by hand may have come before the updates were read: the bot looks.
        state.register.entry(*chat).or_insert(Registered {
            title: String::new(),
            active: true,
        });
    }
    let bound: BTreeMap<&str, ChatId> = by_hand
        .iter()
        .filter_map(|(c, n)| purpose_of(desired, n).map(|p| (p, *c)))
        .collect();
    let purposes: Vec<String> = state.adopted.keys().cloned().collect();
    for purpose in purposes {
        let chat = state.adopted[&purpose].chat_id;
        if !bound.contains_key(purpose.as_str()) && !active(state, chat) {
            let title = title(state, chat);
            notes.push(lang.pick(
                format!(
                    "the bot is no longer in chat {chat} «{title}»: it no longer serves {purpose}"
                ),
                format!(
                    "бота больше нет в чате {chat} «{title}»: чат больше не ведётся как {purpose}"
                ),
            ));
            state.adopted.remove(&purpose);
        }
    }
    for chat in &desired.chats {
        if state.adopted.contains_key(&chat.purpose) {
            continue;
        }
        let claimed: Vec<ChatId> = state.adopted.values().map(|a| a.chat_id).collect();
        let found = state
            .register
            .iter()
            .filter(|(id, r)| r.active && r.title == chat.title && !claimed.contains(id))
            .map(|(id, _)| *id)
            .next();
        if let Some(id) = found {
            let title = &chat.title;
            notes.push(lang.pick(
                format!("chat {id} «{title}» adopted by its title"),
                format!("чат {id} «{title}» принят по названию"),
            ));
            state.adopted.insert(
                chat.purpose.clone(),
                Adopted {
                    chat_id: id,
                    ..Default::default()
                },
            );
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use chat_rules::DesiredChat;
    use serde_json::json;

    fn desired() -> Desired {
        let chat = |purpose: &str, title: &str| DesiredChat {
            purpose: purpose.into(),
            title: title.into(),
            members: Default::default(),
            admins: Default::default(),
        };
        Desired {
            chats: vec![
                chat("staff", "Учительская"),
                chat("class:c:parents", "5 а — родители"),
            ],
            ..Default::default()
        }
    }

    fn registered(state: &mut TaskState, chat: ChatId, title: &str) {
        record(state, &Event::BotAdded(chat));
        state.register.get_mut(&chat).unwrap().title = title.into();
    }

    #[test]
    fn updates_are_read_by_type() {
        let u = json!({"update_type": "bot_started", "user": {"user_id": 5}, "user_id": 5, "payload": "abc", "chat_id": 9});
        assert_eq!(
            Event::read(&u),
            Some(Event::Started {
                user: 5,
                payload: "abc".into()
            })
        );
        assert_eq!(
            Event::read(&json!({"update_type": "bot_added", "chat_id": -3})),
            Some(Event::BotAdded(-3))
        );
        assert_eq!(
            Event::read(&json!({"update_type": "message_created"})),
            None
        );
        assert_eq!(Event::read(&json!({"update_type": "bot_added"})), None);
    }

    #[test]
    fn exact_titles_are_adopted_once_and_near_titles_are_not() {
        let mut s = TaskState::default();
        registered(&mut s, -1, "Учительская ");
        registered(&mut s, -2, "Учительская");
        registered(&mut s, -3, "Учительская");
        registered(&mut s, -4, "5 а — родители");
        let notes = adopt(Lang::Ru, &mut s, &desired(), &[]);
        assert_eq!(notes.len(), 2);
        assert!(notes.contains(&"чат -3 «Учительская» принят по названию".to_string()));
        assert_eq!(
            s.adopted["staff"].chat_id, -3,
            "one of the exact titles, never two"
        );
        assert_eq!(s.adopted["class:c:parents"].chat_id, -4);
        // A renamed chat stays adopted while the bot is in it; a removed bot lets it go.
        s.register.get_mut(&-3).unwrap().title = "Учителя".into();
        record(&mut s, &Event::BotRemoved(-4));
        adopt(Lang::En, &mut s, &desired(), &[]);
        assert_eq!(s.adopted["staff"].chat_id, -3);
        assert!(!s.adopted.contains_key("class:c:parents"));
    }

    #[test]
    fn hand_bindings_win_by_title_or_key_and_unknown_ones_are_reported() {
        let mut s = TaskState::default();
        registered(&mut s, -2, "Учительская");
        let by_hand =
            parse_bindings(Lang::En, "-9 = Учительская; -8=class:c:parents;-7=7 б").unwrap();
        let notes = adopt(Lang::En, &mut s, &desired(), &by_hand);
        assert_eq!(s.adopted["staff"].chat_id, -9);
        assert_eq!(s.adopted["class:c:parents"].chat_id, -8);
        assert!(notes.iter().any(|n| n.contains("«7 б»")), "{notes:?}");
        assert_eq!(
            parse_bindings(Lang::En, "x=Учительская").unwrap_err(),
            "«x» is not a MAX chat id (a whole number such as -70000000000001)"
        );
        assert!(parse_bindings(Lang::Ru, "-1")
            .unwrap_err()
            .starts_with("«-1» — не пара ИДЕНТИФИКАТОР_ЧАТА=НАЗНАЧЕНИЕ"));
    }
}
