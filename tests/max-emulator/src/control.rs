//! What people do in the MAX apps, played by tests: register, create a chat, add the bot
//! (as an admin with some rights), add and remove members, leave, rename, grant rights,
//! open the bot's deep link. Each act changes the state and queues the updates the real
//! service would send the bots.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::state::{Chat, ChatStatus, Member, Permission, Person, State, CHAT_ID_BASE};

/// One act of a person. JSON form: `{"action": "create_chat", "by": 7, "title": "..."}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Act {
    /// Registers a person, or changes their name and privacy.
    AddPerson {
        /// User id.
        user_id: i64,
        /// First name.
        first_name: String,
        /// Last name.
        #[serde(default)]
        last_name: Option<String>,
        /// Public user name.
        #[serde(default)]
        username: Option<String>,
        /// Refuses being added to chats by bots.
        #[serde(default)]
        privacy: bool,
    },
    /// Turns a person's privacy refusal on or off.
    SetPrivacy {
        /// User id.
        user_id: i64,
        /// Refuses being added to chats by bots.
        privacy: bool,
    },
    /// Turns the service-wide restriction on adding members on or off.
    RestrictAdding {
        /// Whether every add is refused with `add.participant.privacy`.
        restricted: bool,
    },
    /// A person creates a group chat with some members (the bot is added separately).
    CreateChat {
        /// The creator, who becomes the owner.
        by: i64,
        /// Title.
        title: String,
        /// Other people in the chat from the start.
        #[serde(default)]
        members: Vec<i64>,
        /// Whether the chat has an invite link (default true).
        #[serde(default = "yes")]
        link: bool,
    },
    /// A member adds a bot (`bot_added`), as an admin with `admin` rights if given.
    AddBot {
        /// Chat id.
        chat_id: i64,
        /// Who adds it.
        by: i64,
        /// The bot's user id.
        bot_id: i64,
        /// Admin rights (`can_call` is added as for every admin); a plain member if absent.
        #[serde(default)]
        admin: Option<Vec<Permission>>,
    },
    /// A member removes a bot (`bot_removed`).
    RemoveBot {
        /// Chat id.
        chat_id: i64,
        /// Who removes it.
        by: i64,
        /// The bot's user id.
        bot_id: i64,
    },
    /// A member adds a person (`user_added`); with no `by` the person joined by the link.
    AddMember {
        /// Chat id.
        chat_id: i64,
        /// The person added.
        user_id: i64,
        /// Who added them.
        #[serde(default)]
        by: Option<i64>,
    },
    /// An admin removes a person (`user_removed` with `admin_id`).
    RemoveMember {
        /// Chat id.
        chat_id: i64,
        /// The person removed.
        user_id: i64,
        /// The admin.
        by: i64,
    },
    /// A person leaves (`user_removed` without `admin_id`).
    Leave {
        /// Chat id.
        chat_id: i64,
        /// The person leaving.
        user_id: i64,
    },
    /// A member renames the chat (`chat_title_changed`).
    SetTitle {
        /// Chat id.
        chat_id: i64,
        /// Who renames it.
        by: i64,
        /// The new title.
        title: String,
    },
    /// The owner grants admin rights (`permissions`) or revokes them (`null`), to a person
    /// or a bot.
    SetAdmin {
        /// Chat id.
        chat_id: i64,
        /// The member whose rights change.
        user_id: i64,
        /// The rights; `null` revokes.
        #[serde(default)]
        permissions: Option<Vec<Permission>>,
    },
    /// Someone with `edit_link` makes a new invite link, or removes it (`enabled: false`).
    SetLink {
        /// Chat id.
        chat_id: i64,
        /// Whether the chat has a link afterwards.
        enabled: bool,
    },
    /// The chat is closed: bots see `status: closed` and can change nothing.
    CloseChat {
        /// Chat id.
        chat_id: i64,
    },
    /// A person opens the bot's deep link `https://max.ru/<bot>?start=<payload>`
    /// (`bot_started` with the payload, in their dialog with the bot).
    StartBot {
        /// The person.
        user_id: i64,
        /// The bot's user id.
        bot_id: i64,
        /// The deep link's payload (at most 512 characters reach the bot).
        #[serde(default)]
        payload: Option<String>,
    },
}

fn yes() -> bool {
    true
}

/// Applies an act; the answer is `{"ok": true}`, with `chat_id` for a created chat. The
/// error says what was wrong.
pub fn apply(state: &mut State, seed: u64, act: &Act) -> Result<Value, String> {
    let now = state.tick();
    match act {
        Act::AddPerson {
            user_id,
            first_name,
            last_name,
            username,
            privacy,
        } => {
            if state.bots.contains_key(user_id) {
                return Err(format!("{user_id} is a bot"));
            }
            state.people.insert(
                *user_id,
                Person {
                    user_id: *user_id,
                    first_name: first_name.clone(),
                    last_name: last_name.clone(),
                    username: username.clone(),
                    privacy: *privacy,
                },
            );
        }
        Act::SetPrivacy { user_id, privacy } => {
            state.ensure_person(*user_id)?;
            state.people.get_mut(user_id).expect("ensured").privacy = *privacy;
        }
        Act::RestrictAdding { restricted } => state.adding_restricted = *restricted,
        Act::CreateChat {
            by,
            title,
            members,
            link,
        } => {
            state.ensure_person(*by)?;
            state.chats_created += 1;
            let chat_id = -(CHAT_ID_BASE + state.chats_created);
            let mut chat = Chat {
                chat_id,
                title: title.clone(),
                owner_id: *by,
                link: None,
                link_generation: 0,
                closed: false,
                last_event_time: now,
                messages_count: 0,
                members: BTreeMap::new(),
                former_bots: BTreeMap::new(),
            };
            if *link {
                new_link(&mut chat, seed);
            }
            let mut owner = Member::plain(*by, now, None);
            owner.is_owner = true;
            owner.is_admin = true;
            owner.permissions = Permission::GROUP_CHAT.to_vec();
            chat.members.insert(*by, owner);
            for &user_id in members {
                state.ensure_person(user_id)?;
                // Join times strictly increase, so the member list has one order.
                let joined = state.tick();
                chat.members
                    .entry(user_id)
                    .or_insert_with(|| Member::plain(user_id, joined, Some(*by)));
            }
            state.chats.insert(chat_id, chat);
            return Ok(json!({"ok": true, "chat_id": chat_id}));
        }
        Act::AddBot {
            chat_id,
            by,
            bot_id,
            admin,
        } => {
            if !state.bots.contains_key(bot_id) {
                return Err(format!("no bot {bot_id}"));
            }
            let chat = open_chat(state, *chat_id)?;
            member_of(chat, *by)?;
            let mut member = Member::plain(*bot_id, now, Some(*by));
            if let Some(rights) = admin {
                member.is_admin = true;
                member.permissions = with_can_call(rights);
            }
            chat.members.insert(*bot_id, member);
            chat.former_bots.remove(bot_id);
            chat.last_event_time = now;
            let user = state.user_json(*by);
            state.push_update(
                *bot_id,
                "bot_added",
                json!({"chat_id": chat_id, "user": user, "user_id": by, "is_channel": false}),
            );
        }
        Act::RemoveBot {
            chat_id,
            by,
            bot_id,
        } => {
            let chat = open_chat(state, *chat_id)?;
            member_of(chat, *by)?;
            member_of(chat, *bot_id)?;
            chat.members.remove(bot_id);
            chat.former_bots.insert(*bot_id, ChatStatus::Removed);
            chat.last_event_time = now;
            let user = state.user_json(*by);
            state.push_update(
                *bot_id,
                "bot_removed",
                json!({"chat_id": chat_id, "user": user, "user_id": by, "is_channel": false}),
            );
        }
        Act::AddMember {
            chat_id,
            user_id,
            by,
        } => {
            state.ensure_person(*user_id)?;
            let chat = open_chat(state, *chat_id)?;
            if let Some(by) = by {
                member_of(chat, *by)?;
            }
            if chat.members.contains_key(user_id) {
                return Err(format!("{user_id} is already a member of chat {chat_id}"));
            }
            chat.members
                .insert(*user_id, Member::plain(*user_id, now, *by));
            chat.last_event_time = now;
            let user = state.user_json(*user_id);
            state.push_chat_event(
                *chat_id,
                "user_added",
                json!({"chat_id": chat_id, "user": user, "user_id": user_id, "inviter_id": by, "is_channel": false}),
            );
        }
        Act::RemoveMember {
            chat_id,
            user_id,
            by,
        } => {
            remove(state, *chat_id, *user_id, Some(*by), now)?;
        }
        Act::Leave { chat_id, user_id } => {
            remove(state, *chat_id, *user_id, None, now)?;
        }
        Act::SetTitle { chat_id, by, title } => {
            let chat = open_chat(state, *chat_id)?;
            member_of(chat, *by)?;
            chat.title = title.clone();
            chat.last_event_time = now;
            let user = state.user_json(*by);
            state.push_chat_event(
                *chat_id,
                "chat_title_changed",
                json!({"chat_id": chat_id, "user": user, "user_id": by, "title": title}),
            );
        }
        Act::SetAdmin {
            chat_id,
            user_id,
            permissions,
        } => {
            let chat = open_chat(state, *chat_id)?;
            if chat.owner_id == *user_id {
                return Err(format!("{user_id} owns chat {chat_id}"));
            }
            let member = chat
                .members
                .get_mut(user_id)
                .ok_or_else(|| format!("{user_id} is not a member of chat {chat_id}"))?;
            match permissions {
                Some(rights) => {
                    member.is_admin = true;
                    member.permissions = with_can_call(rights);
                }
                None => {
                    member.is_admin = false;
                    member.permissions.clear();
                    member.alias = None;
                }
            }
        }
        Act::SetLink { chat_id, enabled } => {
            let chat = open_chat(state, *chat_id)?;
            if *enabled {
                new_link(chat, seed);
            } else {
                chat.link = None;
            }
        }
        Act::CloseChat { chat_id } => open_chat(state, *chat_id)?.closed = true,
        Act::StartBot {
            user_id,
            bot_id,
            payload,
        } => {
            if !state.bots.contains_key(bot_id) {
                return Err(format!("no bot {bot_id}"));
            }
            state.ensure_person(*user_id)?;
            let dialog = state.dialog(*bot_id, *user_id);
            // Longer payloads are not passed to the bot at all.
            let payload = payload
                .as_ref()
                .filter(|p| p.chars().count() <= 512)
                .cloned();
            let user = state.user_json(*user_id);
            state.push_update(
                *bot_id,
                "bot_started",
                json!({"chat_id": dialog, "user": user, "user_id": user_id, "payload": payload, "user_locale": "ru"}),
            );
        }
    }
    Ok(json!({"ok": true}))
}

/// The chat, unless it is unknown or closed.
fn open_chat(state: &mut State, chat_id: i64) -> Result<&mut Chat, String> {
    let chat = state
        .chats
        .get_mut(&chat_id)
        .ok_or_else(|| format!("no chat {chat_id}"))?;
    if chat.closed {
        return Err(format!("chat {chat_id} is closed"));
    }
    Ok(chat)
}

fn member_of(chat: &Chat, user_id: i64) -> Result<(), String> {
    if chat.members.contains_key(&user_id) {
        Ok(())
    } else {
        Err(format!(
            "{user_id} is not a member of chat {}",
            chat.chat_id
        ))
    }
}

fn with_can_call(rights: &[Permission]) -> Vec<Permission> {
    let mut rights = rights.to_vec();
    rights.push(Permission::CanCall);
    rights.sort();
    rights.dedup();
    rights
}

/// Removes a person (by an admin, or leaving when `by` is `None`).
fn remove(
    state: &mut State,
    chat_id: i64,
    user_id: i64,
    by: Option<i64>,
    now: i64,
) -> Result<(), String> {
    if state.bots.contains_key(&user_id) {
        return Err(format!("{user_id} is a bot: use remove_bot"));
    }
    let chat = open_chat(state, chat_id)?;
    if let Some(by) = by {
        member_of(chat, by)?;
    }
    if chat.owner_id == user_id {
        return Err(format!("{user_id} owns chat {chat_id}"));
    }
    chat.members
        .remove(&user_id)
        .ok_or_else(|| format!("{user_id} is not a member of chat {chat_id}"))?;
    chat.last_event_time = now;
    let user = state.user_json(user_id);
    state.push_chat_event(
        chat_id,
        "user_removed",
        json!({"chat_id": chat_id, "user": user, "user_id": user_id, "admin_id": by, "is_channel": false}),
    );
    Ok(())
}

/// Gives the chat a new invite link, derived from the seed, the chat and a counter.
fn new_link(chat: &mut Chat, seed: u64) {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    chat.link_generation += 1;
    let mut x = seed
        ^ (chat.chat_id as u64).rotate_left(17)
        ^ chat.link_generation.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let token: String = (0..32)
        .map(|_| {
            // splitmix64
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            ALPHABET[(z % ALPHABET.len() as u64) as usize] as char
        })
        .collect();
    chat.link = Some(format!("https://max.ru/join/{token}"));
}
