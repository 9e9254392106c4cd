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
