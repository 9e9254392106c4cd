//! One adopted chat's differences from its desired state, pure: who to add, remove, make
//! admin or take admin rights from, whether to restore the title, which rights the bot needs
//! for that (the removal guard over all chats is `chat_rules::removal_guard`).

use crate::api::Member;
use crate::state::Adopted;
use chat_rules::DesiredChat;
use std::collections::BTreeSet;

/// How long a person who could not be added is left alone before the next attempt.
pub const SKIP_RETRY_SECS: u64 = 24 * 3600;

/// The right to add and remove members.
pub const ADD_REMOVE_MEMBERS: &str = "add_remove_members";
/// The right to grant and revoke admin rights.
pub const ADD_ADMINS: &str = "add_admins";
/// The right to change the title.
pub const CHANGE_CHAT_INFO: &str = "change_chat_info";
/// The rights the bot needs in every chat it keeps.
pub const BOT_RIGHTS: [&str; 3] = [ADD_REMOVE_MEMBERS, ADD_ADMINS, CHANGE_CHAT_INFO];
/// The rights a chat admin by the rules (a class teacher, the director) is given.
pub const ADMIN_RIGHTS: [&str; 5] = [
    "read_all_messages",
    ADD_REMOVE_MEMBERS,
    "pin_message",
    "write",
    "edit_link",
];

/// A chat as MAX shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Actual {
    /// The title.
    pub title: String,
    /// Members by user id (the bot left out).
    pub members: BTreeSet<u64>,
    /// Members with admin rights (the bot left out).
    pub admins: BTreeSet<u64>,
    /// The owner, who is never removed nor stripped of rights.
    pub owner: Option<u64>,
}

impl Actual {
    /// The chat from its member list, leaving the bot out.
    pub fn new(title: String, members: &[Member], bot: u64) -> Actual {
        let people = members.iter().filter(|m| m.user_id != bot);
        Actual {
            title,
            members: people.clone().map(|m| m.user_id).collect(),
            admins: people
                .clone()
                .filter(|m| m.is_admin || m.is_owner)
                .map(|m| m.user_id)
                .collect(),
            owner: people.clone().find(|m| m.is_owner).map(|m| m.user_id),
        }
    }
}

/// What to do in one chat.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChatDiff {
    /// The title to restore, when the chat has another.
    pub retitle: Option<String>,
    /// People to add.
    pub add: Vec<u64>,
    /// People to remove.
    pub remove: Vec<u64>,
    /// Members to make admins.
    pub grant: Vec<u64>,
    /// Admins to take the rights from (who stay members).
    pub revoke: Vec<u64>,
    /// People not retried this run: (id, reason).
    pub skipped: Vec<(u64, String)>,
    /// How many people are in the chat now (for the removal guard).
    pub members_now: usize,
}

impl ChatDiff {
    /// The rights the bot needs for this diff that `rights` lacks.
    pub fn missing_rights(&self, rights: &[String]) -> Vec<&'static str> {
        let has = |r: &str| rights.iter().any(|x| x == r);
        let mut needed = Vec::new();
        if !(self.add.is_empty() && self.remove.is_empty()) {
            needed.push(ADD_REMOVE_MEMBERS);
        }
        if !(self.grant.is_empty() && self.revoke.is_empty()) {
            needed.push(ADD_ADMINS);
        }
        if self.retitle.is_some() {
            needed.push(CHANGE_CHAT_INFO);
        }
        needed.into_iter().filter(|r| !has(r)).collect()
    }

    /// Whether anything is to change.
    pub fn writes(&self) -> bool {
        self.retitle.is_some()
            || !(self.add.is_empty()
                && self.remove.is_empty()
                && self.grant.is_empty()
                && self.revoke.is_empty())
    }
}

/// The differences of one chat.
pub fn diff(chat: &DesiredChat, actual: &Actual, record: &Adopted, now: u64) -> ChatDiff {
    let mut d = ChatDiff {
        members_now: actual.members.len(),
        retitle: (actual.title != chat.title).then(|| chat.title.clone()),
        ..Default::default()
    };
    for &id in chat.members.keys() {
        if actual.members.contains(&id) {
            continue;
        }
        match record
            .skipped
            .get(&id)
            .filter(|s| s.at + SKIP_RETRY_SECS > now)
        {
            Some(s) => d.skipped.push((id, s.reason.clone())),
            None => d.add.push(id),
        }
    }
    let protected = |id: u64| Some(id) == actual.owner;
    d.remove = actual
        .members
        .iter()
        .copied()
        .filter(|id| !protected(*id) && !chat.members.contains_key(id))
        .collect();
    d.grant = chat
        .admins
        .iter()
        .copied()
        .filter(|id| {
            !actual.admins.contains(id) && (actual.members.contains(id) || d.add.contains(id))
        })
        .collect();
    d.revoke = actual
        .admins
        .iter()
        .copied()
        .filter(|id| !protected(*id) && !chat.admins.contains(id) && !d.remove.contains(id))
        .collect();
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Skip;

    fn chat(members: &[u64], admins: &[u64]) -> DesiredChat {
        DesiredChat {
            purpose: "class:c:parents".into(),
            title: "5 а — родители".into(),
            members: members.iter().map(|&m| (m, format!("P{m}"))).collect(),
            admins: admins.iter().copied().collect(),
        }
    }

    fn member(id: u64, admin: bool, owner: bool) -> Member {
        Member {
            user_id: id,
            is_owner: owner,
            is_admin: admin || owner,
            permissions: None,
        }
    }

    #[test]
    fn adds_removes_grants_and_revokes_but_spares_the_owner_and_the_bot() {
        let actual = Actual::new(
            "5 а родители".into(),
            &[
                member(900, true, false),
                member(1, false, true),
                member(2, false, false),
                member(3, true, false),
                member(4, true, false),
            ],
            900,
        );
        assert_eq!(actual.owner, Some(1));
        let d = diff(
            &chat(&[2, 3, 5, 6], &[2, 5]),
            &actual,
            &Adopted::default(),
            0,
        );
        assert_eq!(d.retitle.as_deref(), Some("5 а — родители"));
        assert_eq!((d.add.clone(), d.remove.clone()), (vec![5, 6], vec![4]));
        assert_eq!((d.grant.clone(), d.revoke.clone()), (vec![2, 5], vec![3]));
        assert_eq!(
            d.missing_rights(&["add_admins".into()]),
            [ADD_REMOVE_MEMBERS, CHANGE_CHAT_INFO]
        );
        assert!(d.missing_rights(&BOT_RIGHTS.map(String::from)).is_empty());
    }

    #[test]
    fn a_refused_person_waits_a_day() {
        let mut record = Adopted::default();
        record.skipped.insert(
            5,
            Skip {
                reason: "add.participant.privacy".into(),
                at: 100,
            },
        );
        let actual = Actual {
            title: "5 а — родители".into(),
            ..Default::default()
        };
        let d = diff(&chat(&[5], &[]), &actual, &record, 200);
        assert!(d.add.is_empty() && !d.writes());
        assert_eq!(d.skipped, [(5, "add.participant.privacy".to_string())]);
        assert_eq!(
            diff(&chat(&[5], &[]), &actual, &record, 100 + SKIP_RETRY_SECS).add,
            [5]
        );
    }
}
