//! Changes made "by hand" by people in the Sferum apps, applied directly to the state by
//! tests: members added, removed or leaving, titles and admin rights changed, chats lost.

use serde::{Deserialize, Serialize};

use crate::state::{Chat, Community, State};

/// One manual change to a chat. JSON form: `{"action": "set_title", "group_id": 1,
/// "chat_id": 2, "title": "..."}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ManualEdit {
    /// Someone adds a member (no privacy checks; a user who had left is back).
    AddMember {
        /// Community whose chat it is.
        group_id: u64,
        /// Chat id.
        chat_id: i64,
        /// The new member.
        user_id: i64,
        /// Who added them; the user themself (joined by link) when absent.
        #[serde(default)]
        invited_by: Option<i64>,
    },
    /// An admin kicks a member (the community may add them back).
    RemoveMember {
        /// Community whose chat it is.
        group_id: u64,
        /// Chat id.
        chat_id: i64,
        /// The member removed.
        member_id: i64,
    },
    /// A user leaves on their own (the community can't add them back: error 15).
    Leave {
        /// Community whose chat it is.
        group_id: u64,
        /// Chat id.
        chat_id: i64,
        /// The user leaving.
        user_id: i64,
    },
    /// Someone renames the chat.
    SetTitle {
        /// Community whose chat it is.
        group_id: u64,
        /// Chat id.
        chat_id: i64,
        /// The new title.
        title: String,
    },
    /// Someone grants or revokes admin rights.
    SetAdmin {
        /// Community whose chat it is.
        group_id: u64,
        /// Chat id.
        chat_id: i64,
        /// The member whose rights change.
        member_id: i64,
        /// Admin or not.
        admin: bool,
    },
    /// The community loses the chat (calls about it get error 917).
    RevokeAccess {
        /// Community whose chat it is.
        group_id: u64,
        /// Chat id.
        chat_id: i64,
    },
    /// The chat disappears (calls about it get error 927).
    DeleteChat {
        /// Community whose chat it is.
        group_id: u64,
        /// Chat id.
        chat_id: i64,
    },
    /// Someone writes in the chat: it moves to the front of the conversation list.
    PostMessage {
        /// Community whose chat it is.
        group_id: u64,
        /// Chat id.
        chat_id: i64,
    },
    /// A user writes to the community: a dialog at the front of the conversation list.
    DialogMessage {
        /// The community written to.
        group_id: u64,
        /// The user.
        user_id: i64,
    },
}

/// Applies a manual edit; the error says what was not found.
pub fn apply(state: &mut State, edit: &ManualEdit) -> Result<(), String> {
    let date = state.tick();
    match edit {
        ManualEdit::AddMember {
            group_id,
            chat_id,
            user_id,
            invited_by,
        } => {
            let chat = chat(state, *group_id, *chat_id)?;
            chat.left.remove(user_id);
            chat.push_member(*user_id, invited_by.unwrap_or(*user_id), date);
        }
        ManualEdit::RemoveMember {
            group_id,
            chat_id,
            member_id,
        } => {
            let chat = chat(state, *group_id, *chat_id)?;
            if !chat.remove_member(*member_id) {
                return Err(format!("{member_id} is not a member of chat {chat_id}"));
            }
        }
        ManualEdit::Leave {
            group_id,
            chat_id,
            user_id,
        } => {
            let chat = chat(state, *group_id, *chat_id)?;
            if !chat.remove_member(*user_id) {
                return Err(format!("{user_id} is not a member of chat {chat_id}"));
            }
            chat.left.insert(*user_id);
        }
        ManualEdit::SetTitle {
            group_id,
            chat_id,
            title,
        } => chat(state, *group_id, *chat_id)?.title = title.clone(),
        ManualEdit::SetAdmin {
            group_id,
            chat_id,
            member_id,
            admin,
        } => {
            let chat = chat(state, *group_id, *chat_id)?;
            let member = chat
                .member_mut(*member_id)
                .ok_or_else(|| format!("{member_id} is not a member of chat {chat_id}"))?;
            member.is_admin = *admin;
        }
        ManualEdit::RevokeAccess { group_id, chat_id } => {
            chat(state, *group_id, *chat_id)?.community_access = false;
        }
        ManualEdit::PostMessage { group_id, chat_id } => {
            chat(state, *group_id, *chat_id)?;
            community(state, *group_id)?.touch(*chat_id);
        }
        ManualEdit::DialogMessage { group_id, user_id } => {
            community(state, *group_id)?.dialog(*user_id);
        }
        ManualEdit::DeleteChat { group_id, chat_id } => {
            chat(state, *group_id, *chat_id)?;
            state
                .communities
                .get_mut(group_id)
                .and_then(|c| c.chats.remove(chat_id));
        }
    }
    Ok(())
}

fn community(state: &mut State, group_id: u64) -> Result<&mut Community, String> {
    state
        .communities
        .get_mut(&group_id)
        .ok_or_else(|| format!("no community {group_id}"))
}

fn chat(state: &mut State, group_id: u64, chat_id: i64) -> Result<&mut Chat, String> {
    state
        .communities
        .get_mut(&group_id)
        .ok_or_else(|| format!("no community {group_id}"))?
        .chats
        .get_mut(&chat_id)
        .ok_or_else(|| format!("community {group_id} has no chat {chat_id}"))
}
