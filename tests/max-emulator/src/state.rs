//! The emulated world: bots, people, group chats with members and admin rights, the
//! bots' update queues and dialogs, and the messages bots sent. Serializable as the
//! inspection and persistence format; tokens are never part of it.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Group chat ids are negative: `-(CHAT_ID_BASE + n)` for the n-th chat, the shape of the
/// ids the real service hands out (e.g. `-70000000000005`).
pub const CHAT_ID_BASE: i64 = 70_000_000_000_000;

/// Dialogs (a bot with one person) have positive ids `DIALOG_ID_BASE + n`.
pub const DIALOG_ID_BASE: i64 = 180_000_000;

/// At most this many admins in a chat (the owner included), as the schema says.
pub const MAX_ADMINS: usize = 50;

/// The whole emulated state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Bots by user id.
    pub bots: BTreeMap<i64, Bot>,
    /// People (non-bot users) by user id.
    pub people: BTreeMap<i64, Person>,
    /// Group chats by chat id.
    pub chats: BTreeMap<i64, Chat>,
    /// How many chats were created (drives the next chat id).
    pub chats_created: i64,
    /// Dialogs between bots and people, opened by `bot_started`.
    pub dialogs: Vec<Dialog>,
    /// Each bot's updates, by bot user id.
    pub updates: BTreeMap<i64, UpdateQueue>,
    /// Messages bots sent, oldest first.
    pub messages: Vec<SentMessage>,
    /// When true, `POST /chats/{chatId}/members` refuses everyone with
    /// `add.participant.privacy` (the restriction in force since September 2026).
    pub adding_restricted: bool,
    /// The last timestamp handed out (Unix milliseconds); event times strictly increase.
    pub clock: i64,
}

/// A bot: a user whose token the emulator knows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bot {
    /// User id.
    pub user_id: i64,
    /// Display name.
    pub first_name: String,
    /// The bot's name in deep links (`https://max.ru/<username>?start=...`).
    pub username: String,
}

/// A person with a MAX user id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// User id.
    pub user_id: i64,
    /// First name.
    pub first_name: String,
    /// Last name, if any.
    pub last_name: Option<String>,
    /// Public user name, if any.
    pub username: Option<String>,
    /// Privacy settings refuse being added to chats by bots (`add.participant.privacy`).
    pub privacy: bool,
}

/// A group chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chat {
    /// Chat id (negative).
    pub chat_id: i64,
    /// Title.
    pub title: String,
    /// The person who created it.
    pub owner_id: i64,
    /// The invite link (`https://max.ru/join/...`), or none.
    pub link: Option<String>,
    /// How many invite links were made (drives the next one).
    pub link_generation: u64,
    /// Closed chats answer every bot with `status: closed` and refuse changes.
    pub closed: bool,
    /// Time of the last event (Unix ms).
    pub last_event_time: i64,
    /// Messages sent to the chat.
    pub messages_count: u64,
    /// Members by user id (people and bots; the owner is one of them).
    pub members: BTreeMap<i64, Member>,
    /// Bots that were in the chat and are not any more, with why: `removed` or `left`.
    pub former_bots: BTreeMap<i64, ChatStatus>,
}

/// A chat member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// User id.
    pub user_id: i64,
    /// When they joined (Unix ms); also the join order the member list pages by.
    pub join_time: i64,
    /// Who added them; none when they joined by the link or created the chat.
    pub inviter_id: Option<i64>,
    /// The chat's owner.
    pub is_owner: bool,
    /// An admin (the owner is one).
    pub is_admin: bool,
    /// Admin rights; empty for ordinary members.
    pub permissions: Vec<Permission>,
    /// Role caption shown beside an admin's name.
    pub alias: Option<String>,
}

impl Member {
    /// An ordinary member who joined at `now`.
    pub fn plain(user_id: i64, now: i64, inviter_id: Option<i64>) -> Self {
        Self {
            user_id,
            join_time: now,
            inviter_id,
            is_owner: false,
            is_admin: false,
            permissions: Vec::new(),
            alias: None,
        }
    }
}

/// A chat's status as one bot sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatStatus {
    /// The bot is a member.
    Active,
    /// The bot was removed.
    Removed,
    /// The bot left.
    Left,
    /// The chat was closed.
    Closed,
}

impl ChatStatus {
    /// The schema's name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChatStatus::Active => "active",
            ChatStatus::Removed => "removed",
            ChatStatus::Left => "left",
            ChatStatus::Closed => "closed",
        }
    }
}

/// Admin rights of the schema's `ChatAdminPermission`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Read all messages.
    ReadAllMessages,
    /// Add and remove members.
    AddRemoveMembers,
    /// Add and remove admins.
    AddAdmins,
    /// Change the title and other chat info.
    ChangeChatInfo,
    /// Pin messages (needs `read_all_messages`).
    PinMessage,
    /// Edit and delete messages (needs `read_all_messages`).
    Write,
    /// Call in the chat (set automatically for every admin).
    CanCall,
    /// Change the chat's link.
    EditLink,
    /// Old name of `write`, still returned by the service.
    PostEditDeleteMessage,
    /// Old name of `edit`.
    EditMessage,
    /// Old name of `delete`.
    DeleteMessage,
    /// Edit posts (channels only).
    Edit,
    /// Delete posts (channels only).
    Delete,
    /// View statistics (channel owners only).
    ViewStats,
}

impl Permission {
    /// Rights an admin of a group chat can be given.
    pub const GROUP_CHAT: [Permission; 8] = [
        Permission::ReadAllMessages,
        Permission::AddRemoveMembers,
        Permission::AddAdmins,
        Permission::ChangeChatInfo,
        Permission::PinMessage,
        Permission::Write,
        Permission::CanCall,
        Permission::EditLink,
    ];

    /// The schema's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ReadAllMessages => "read_all_messages",
            Permission::AddRemoveMembers => "add_remove_members",
            Permission::AddAdmins => "add_admins",
            Permission::ChangeChatInfo => "change_chat_info",
            Permission::PinMessage => "pin_message",
            Permission::Write => "write",
            Permission::CanCall => "can_call",
            Permission::EditLink => "edit_link",
            Permission::PostEditDeleteMessage => "post_edit_delete_message",
            Permission::EditMessage => "edit_message",
            Permission::DeleteMessage => "delete_message",
            Permission::Edit => "edit",
            Permission::Delete => "delete",
            Permission::ViewStats => "view_stats",
        }
    }

    /// Parses a schema name.
    pub fn parse(name: &str) -> Option<Self> {
        serde_json::from_value(Value::String(name.to_string())).ok()
    }
}

/// A dialog between a bot and a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dialog {
    /// Dialog chat id (positive).
    pub chat_id: i64,
    /// The bot.
    pub bot_id: i64,
    /// The person.
    pub user_id: i64,
}

/// One bot's updates, in order, with what it has acknowledged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateQueue {
    /// Updates not yet acknowledged, oldest first.
    pub pending: Vec<Update>,
    /// The sequence number the next update gets (markers are sequence numbers).
    pub next_seq: i64,
}

/// One update as the bot will receive it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Update {
    /// Sequence number within the bot's queue.
    pub seq: i64,
    /// `update_type`.
    pub update_type: String,
    /// The whole update object as served.
    pub body: Value,
}

/// A message a bot sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentMessage {
    /// Message id (`mid`).
    pub mid: String,
    /// The sending bot.
    pub bot_id: i64,
    /// The chat it went to (a group chat or a dialog).
    pub chat_id: i64,
    /// The person, when sent to a user.
    pub user_id: Option<i64>,
    /// When (Unix ms).
    pub timestamp: i64,
    /// Text.
    pub text: Option<String>,
    /// Attachments as sent (e.g. an inline keyboard with a deep link).
    pub attachments: Option<Value>,
}

impl State {
    /// The next timestamp: now in Unix ms, strictly after the previous one.
    pub fn tick(&mut self) -> i64 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or_default();
        self.clock = now.max(self.clock + 1);
        self.clock
    }

    /// Adds a bot unless it exists.
    pub fn ensure_bot(&mut self, user_id: i64, first_name: &str, username: &str) {
        self.bots.entry(user_id).or_insert_with(|| Bot {
            user_id,
            first_name: first_name.to_string(),
            username: username.to_string(),
        });
        self.updates.entry(user_id).or_insert_with(|| UpdateQueue {
            pending: Vec::new(),
            next_seq: 1,
        });
    }

    /// Makes sure a person with this id exists (named `User {id}` when new).
    pub fn ensure_person(&mut self, user_id: i64) -> Result<(), String> {
        if self.bots.contains_key(&user_id) {
            return Err(format!("{user_id} is a bot, not a person"));
        }
        self.people.entry(user_id).or_insert_with(|| Person {
            user_id,
            first_name: format!("User {user_id}"),
            last_name: None,
            username: None,
            privacy: false,
        });
        Ok(())
    }

    /// The `User` object of a bot or person (`None` for unknown ids).
    pub fn user_json(&self, user_id: i64) -> Option<Value> {
        if let Some(bot) = self.bots.get(&user_id) {
            return Some(json!({
                "user_id": bot.user_id,
                "first_name": bot.first_name,
                "last_name": null,
                "username": bot.username,
                "is_bot": true,
                "last_activity_time": self.clock,
                "name": bot.first_name,
            }));
        }
        let person = self.people.get(&user_id)?;
        let name = match &person.last_name {
            Some(last) => format!("{} {last}", person.first_name),
            None => person.first_name.clone(),
        };
        Some(json!({
            "user_id": person.user_id,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "username": person.username,
            "is_bot": false,
            "last_activity_time": self.clock,
            "name": name,
        }))
    }

    /// The `ChatMember` object of a member.
    pub fn member_json(&self, member: &Member) -> Value {
        let mut value = self.user_json(member.user_id).unwrap_or_else(|| {
            json!({"user_id": member.user_id, "first_name": "", "username": null,
                   "is_bot": false, "last_activity_time": 0, "name": ""})
        });
        let object = value.as_object_mut().expect("user objects are objects");
        object.insert("last_access_time".into(), json!(member.join_time));
        object.insert("is_owner".into(), json!(member.is_owner));
        object.insert("is_admin".into(), json!(member.is_admin));
        object.insert("join_time".into(), json!(member.join_time));
        let permissions = member.is_admin.then(|| {
            member
                .permissions
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
        });
        object.insert("permissions".into(), json!(permissions));
        if let Some(alias) = &member.alias {
            object.insert("alias".into(), json!(alias));
        }
        value
    }

    /// The dialog of a bot with a person, opened if it is not yet.
    pub fn dialog(&mut self, bot_id: i64, user_id: i64) -> i64 {
        if let Some(d) = self
            .dialogs
            .iter()
            .find(|d| d.bot_id == bot_id && d.user_id == user_id)
        {
            return d.chat_id;
        }
        let chat_id = DIALOG_ID_BASE + self.dialogs.len() as i64 + 1;
        self.dialogs.push(Dialog {
            chat_id,
            bot_id,
            user_id,
        });
        chat_id
    }

    /// Appends an update to a bot's queue.
    pub fn push_update(&mut self, bot_id: i64, update_type: &str, mut body: Value) {
        let timestamp = self.clock;
        let Some(queue) = self.updates.get_mut(&bot_id) else {
            return;
        };
        let object = body.as_object_mut().expect("updates are objects");
        object.insert("update_type".into(), json!(update_type));
        object.insert("timestamp".into(), json!(timestamp));
        queue.pending.push(Update {
            seq: queue.next_seq,
            update_type: update_type.to_string(),
            body,
        });
        queue.next_seq += 1;
    }

    /// Sends a chat event (`user_added`, ...) to every bot that is an admin of the chat:
    /// the schema says bots get group chat events only as admins.
    pub fn push_chat_event(&mut self, chat_id: i64, update_type: &str, body: Value) {
        let admins: Vec<i64> = self
            .chats
            .get(&chat_id)
            .map(|chat| {
                chat.members
                    .values()
                    .filter(|m| m.is_admin && self.bots.contains_key(&m.user_id))
                    .map(|m| m.user_id)
                    .collect()
            })
            .unwrap_or_default();
        for bot_id in admins {
            self.push_update(bot_id, update_type, body.clone());
        }
    }
}

impl Chat {
    /// The chat's status as `bot_id` sees it; `None` when the bot was never in it.
    pub fn status_for(&self, bot_id: i64) -> Option<ChatStatus> {
        let status = if self.members.contains_key(&bot_id) {
            ChatStatus::Active
        } else {
            *self.former_bots.get(&bot_id)?
        };
        Some(if self.closed {
            ChatStatus::Closed
        } else {
            status
        })
    }

    /// Whether `user_id` is an admin holding `permission`.
    pub fn has_right(&self, user_id: i64, permission: Permission) -> bool {
        self.members
            .get(&user_id)
            .is_some_and(|m| m.is_admin && m.permissions.contains(&permission))
    }

    /// Members in join order.
    pub fn members_in_order(&self) -> Vec<&Member> {
        let mut members: Vec<&Member> = self.members.values().collect();
        members.sort_by_key(|m| (m.join_time, m.user_id));
        members
    }

    /// The `Chat` object as `bot_id` sees it; `participants` only when asked for one chat.
    pub fn json(&self, bot_id: i64, with_participants: bool) -> Value {
        let status = self.status_for(bot_id).unwrap_or(ChatStatus::Removed);
        let mut value = json!({
            "chat_id": self.chat_id,
            "type": "chat",
            "status": status.as_str(),
            "title": self.title,
            "icon": null,
            "last_event_time": self.last_event_time,
            "participants_count": self.members.len(),
            "owner_id": self.owner_id,
            "is_public": false,
            "link": self.link,
            "description": null,
            "messages_count": self.messages_count,
        });
        if with_participants {
            let participants: BTreeMap<String, i64> = self
                .members
                .values()
                .map(|m| (m.user_id.to_string(), m.join_time))
                .collect();
            value["participants"] = json!(participants);
        }
        value
    }
}
