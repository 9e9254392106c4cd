//! The emulated world: communities, their chats with members and admins, invite links,
//! video calls, and marks on users. Serializable as the inspection and persistence format.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// Peer ids of chats are this plus the chat id.
pub const CHAT_PEER_BASE: i64 = 2_000_000_000;

/// The whole emulated state. Tokens are never part of it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Communities by id.
    pub communities: BTreeMap<u64, Community>,
    /// Users that cannot be added to chats, by user id.
    pub users: BTreeMap<u64, UserMark>,
    /// The last timestamp handed out (unix seconds); join dates strictly increase.
    pub clock: i64,
    /// `messages.createChat` refuses the whole creation with the error of the first user who
    /// cannot be added, instead of leaving them out.
    #[serde(default)]
    pub strict_create_chat: bool,
    /// How many members a chat and how many chats a community may have.
    #[serde(default)]
    pub limits: Limits,
}

/// The sizes the service allows; past them it answers error 103 ("Out of limits").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Members of one chat, the community itself included. VK's published limit for a
    /// group chat is 1,000 people.
    pub members_per_chat: usize,
    /// Chats of one community. Not published for Sferum: the emulator's choice.
    pub chats_per_community: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            members_per_chat: 1_000,
            chats_per_community: 5_000,
        }
    }
}

/// A Sferum community (a school) and what it owns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Community {
    /// Community id (`group_id`).
    pub id: u64,
    /// Display name returned by `groups.getById`.
    pub name: String,
    /// Screen name returned by `groups.getById`.
    pub screen_name: String,
    /// Chats by chat id (local to the community, from 1).
    pub chats: BTreeMap<i64, Chat>,
    /// The id the next created chat gets.
    pub next_chat_id: i64,
    /// Video calls started by the community, in order.
    pub calls: Vec<Call>,
    /// Dialogs of people with the community: user id → its last message's sequence number.
    #[serde(default)]
    pub dialogs: BTreeMap<i64, i64>,
    /// The sequence number of the community's last message (conversations are ordered by it).
    #[serde(default)]
    pub activity: i64,
}

/// A group chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chat {
    /// Chat id, local to the owning community.
    pub chat_id: i64,
    /// Chat title.
    pub title: String,
    /// Owner: `-group_id` for chats the community created.
    pub owner_id: i64,
    /// Members in join order; the owner is one of them.
    pub members: Vec<Member>,
    /// Users who left on their own; the community cannot add them back.
    pub left: BTreeSet<i64>,
    /// Token of the current invite link, made on first request.
    pub invite_token: Option<String>,
    /// How many invite links were made (drives the next token).
    pub invite_generation: u64,
    /// False once the community lost access to the chat (then error 917).
    pub community_access: bool,
    /// The sequence number of the chat's last message (a service message for each change).
    #[serde(default)]
    pub last_message: i64,
}

/// One entry of a community's conversation list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversation {
    /// A group chat by chat id.
    Chat(i64),
    /// A dialog with a user.
    Dialog(i64),
}

/// A chat member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// User id, or `-group_id` for a community.
    pub member_id: i64,
    /// Who added the member.
    pub invited_by: i64,
    /// When the member joined (unix seconds).
    pub join_date: i64,
    /// Whether the member is a chat admin.
    pub is_admin: bool,
}

/// A video call started with `calls.start`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    /// Call id.
    pub call_id: String,
    /// The link participants join by.
    pub join_link: String,
    /// The OK.ru variant of the link.
    pub ok_join_link: String,
    /// When the call was started (unix seconds).
    pub started_at: i64,
}

/// Why a user cannot be added to chats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserMark {
    /// Privacy settings forbid it: error 981.
    Privacy,
    /// The account is deleted or banned: error 18.
    Deleted,
    /// The id is no valid user: error 113.
    InvalidUser,
    /// The user does not allow the community to write to them: error 901.
    NoPermission,
    /// The community can't interact with the user: error 932.
    CannotInteract,
    /// The user is not among the community's contacts: error 936.
    ContactNotFound,
    /// The user has no access to the community: error 947.
    NoAccessToCommunity,
}

impl UserMark {
    /// The error code adding this user to a chat gets.
    pub fn code(self) -> u32 {
        match self {
            UserMark::Privacy => 981,
            UserMark::Deleted => 18,
            UserMark::InvalidUser => 113,
            UserMark::NoPermission => 901,
            UserMark::CannotInteract => 932,
            UserMark::ContactNotFound => 936,
            UserMark::NoAccessToCommunity => 947,
        }
    }
}

impl State {
    /// Makes sure a community exists (keeping its chats if it does).
    pub fn ensure_community(&mut self, id: u64, name: Option<&str>) {
        let community = self.communities.entry(id).or_insert_with(|| Community {
            id,
            name: format!("Community {id}"),
            screen_name: format!("club{id}"),
            chats: BTreeMap::new(),
            next_chat_id: 1,
            calls: Vec::new(),
            dialogs: BTreeMap::new(),
            activity: 0,
        });
        if let Some(name) = name {
            community.name = name.to_string();
        }
    }

    /// The next timestamp: now, but always later than the previous one.
    pub fn tick(&mut self) -> i64 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        self.clock = now.max(self.clock + 1);
        self.clock
    }
}

impl Community {
    /// A message in the chat (a service message for a change, or someone writing): it moves
    /// to the front of the conversation list.
    pub fn touch(&mut self, chat_id: i64) {
        self.activity += 1;
        if let Some(chat) = self.chats.get_mut(&chat_id) {
            chat.last_message = self.activity;
        }
    }

    /// A user writes to the community: their dialog moves to the front.
    pub fn dialog(&mut self, user_id: i64) {
        self.activity += 1;
        self.dialogs.insert(user_id, self.activity);
    }

    /// The conversation list as the real service orders it: by last message, newest first
    /// (chats created later first among equals), dialogs and chats the community was kicked
    /// from included.
    pub fn conversations(&self) -> Vec<Conversation> {
        let mut all: Vec<(i64, i64, Conversation)> = self
            .chats
            .values()
            .map(|c| (c.last_message, c.chat_id, Conversation::Chat(c.chat_id)))
            .chain(
                self.dialogs
                    .iter()
                    .map(|(&u, &last)| (last, 0, Conversation::Dialog(u))),
            )
            .collect();
        all.sort_by_key(|&(last, id, _)| std::cmp::Reverse((last, id)));
        all.into_iter().map(|(_, _, c)| c).collect()
    }

    /// The least recent conversation gets a message and moves to the front.
    pub fn shift(&mut self) {
        match self.conversations().last() {
            Some(Conversation::Chat(id)) => self.touch(*id),
            Some(Conversation::Dialog(u)) => self.dialog(*u),
            None => {}
        }
    }
}

impl Chat {
    /// The chat's peer id.
    pub fn peer_id(&self) -> i64 {
        CHAT_PEER_BASE + self.chat_id
    }

    /// The member entry of `id`, if present.
    pub fn member(&self, id: i64) -> Option<&Member> {
        self.members.iter().find(|m| m.member_id == id)
    }

    /// Mutable member entry of `id`, if present.
    pub fn member_mut(&mut self, id: i64) -> Option<&mut Member> {
        self.members.iter_mut().find(|m| m.member_id == id)
    }

    /// Appends a member unless present; returns whether it was added.
    /// Whether the chat has room for one more member under `limits`.
    pub fn has_room(&self, limits: &Limits) -> bool {
        self.members.len() < limits.members_per_chat
    }

    pub fn push_member(&mut self, id: i64, invited_by: i64, join_date: i64) -> bool {
        if self.member(id).is_some() {
            return false;
        }
        self.members.push(Member {
            member_id: id,
            invited_by,
            join_date,
            is_admin: false,
        });
        true
    }

    /// Removes a member; returns whether it was there.
    pub fn remove_member(&mut self, id: i64) -> bool {
        let before = self.members.len();
        self.members.retain(|m| m.member_id != id);
        self.members.len() != before
    }

    /// Admin ids other than the owner, in join order.
    pub fn admin_ids(&self) -> Vec<i64> {
        self.members
            .iter()
            .filter(|m| m.is_admin && m.member_id != self.owner_id)
            .map(|m| m.member_id)
            .collect()
    }
}
