//! The API methods of the spec's table, applied to the state.

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::params::Params;
use crate::state::{Call, Chat, Conversation, Member, State, UserMark, CHAT_PEER_BASE};

/// Methods the emulator implements (besides `execute`).
pub const METHODS: &[&str] = &[
    "groups.getById",
    "messages.createChat",
    "messages.getConversations",
    "messages.getConversationMembers",
    "messages.addChatUser",
    "messages.removeChatUser",
    "messages.setMemberRole",
    "messages.editChat",
    "messages.getInviteLink",
    "calls.start",
];

/// Methods that can change the state (so a successful call is persisted); `getInviteLink`
/// counts, since it may create or reset a link.
pub const WRITES: &[&str] = &[
    "messages.createChat",
    "messages.addChatUser",
    "messages.removeChatUser",
    "messages.setMemberRole",
    "messages.editChat",
    "messages.getInviteLink",
    "calls.start",
];

/// Whether `method` is implemented.
pub fn is_known(method: &str) -> bool {
    METHODS.contains(&method)
}

/// Whether a successful call of `method` may have changed the state.
pub fn is_write(method: &str) -> bool {
    WRITES.contains(&method)
}

/// Runs one method for the community `group_id`. `seed` makes link tokens deterministic.
pub fn call(
    state: &mut State,
    group_id: u64,
    seed: u64,
    method: &str,
    params: &Params,
) -> Result<Value, ApiError> {
    if let Some(given) = params.get("group_id").filter(|g| !g.is_empty()) {
        if given.trim().parse::<u64>().ok() != Some(group_id) {
            return Err(ApiError::param(
                "group_id does not match the community of the access token",
            ));
        }
    }
    let g = -(group_id as i64);
    let result = match method {
        "groups.getById" => {
            let c = &state.communities[&group_id];
            Ok(json!({"groups": [{
                "id": c.id, "name": c.name, "screen_name": c.screen_name, "type": "group",
            }]}))
        }
        "messages.createChat" => create_chat(state, group_id, params),
        "messages.getConversations" => get_conversations(state, group_id, params),
        "messages.getConversationMembers" => {
            let offset = non_negative(params, "offset", 0)?;
            let count = bounded_count(params, 20, 1000)?;
            let chat = chat_mut(state, group_id, chat_id_of_peer(params)?)?;
            let items: Vec<Value> = chat
                .members
                .iter()
                .skip(offset)
                .take(count)
                .map(|m| member_json(chat.owner_id, m))
                .collect();
            Ok(json!({"count": chat.members.len(), "items": items}))
        }
        "messages.addChatUser" => {
            let chat_id = params.int("chat_id")?;
            let user_id = params.int("user_id")?;
            if user_id <= 0 {
                return Err(ApiError::param("user_id is invalid"));
            }
            let mark = state.users.get(&(user_id as u64)).copied();
            let limits = state.limits;
            let date = state.tick();
            let chat = chat_mut(state, group_id, chat_id)?;
            if chat.member(user_id).is_some() {
                // Adding a present member changes nothing and is not an error.
                return Ok(json!(1));
            }
            check_addable(mark)?;
            if !chat.has_room(&limits) {
                return Err(ApiError::code(103));
            }
            if chat.left.contains(&user_id) {
                // VK does not let anyone but the user bring back someone who left.
                return Err(ApiError::access_denied("can't add this user"));
            }
            chat.push_member(user_id, g, date);
            Ok(json!(1))
        }
        "messages.removeChatUser" => {
            let chat_id = params.int("chat_id")?;
            let member_id = match params.get("member_id") {
                Some(_) => params.int("member_id")?,
                None => params.int("user_id")?,
            };
            let chat = chat_mut(state, group_id, chat_id)?;
            if member_id == chat.owner_id {
                return Err(ApiError::access_denied("can't remove the chat owner"));
            }
            if !chat.remove_member(member_id) {
                return Err(ApiError::not_in_chat());
            }
            Ok(json!(1))
        }
        "messages.setMemberRole" => {
            let member_id = params.int("member_id")?;
            let is_admin = match params.get("role") {
                Some("admin") => true,
                Some("member") => false,
                _ => return Err(ApiError::param("role should be admin or member")),
            };
            let chat = chat_mut(state, group_id, chat_id_of_peer(params)?)?;
            if member_id == chat.owner_id {
                return Err(ApiError::access_denied(
                    "can't change the role of the chat owner",
                ));
            }
            let member = chat
                .member_mut(member_id)
                .ok_or_else(ApiError::not_in_chat)?;
            member.is_admin = is_admin;
            Ok(json!(1))
        }
        "messages.editChat" => {
            let chat_id = params.int("chat_id")?;
            let title = params.text("title")?.to_string();
            chat_mut(state, group_id, chat_id)?.title = title;
            Ok(json!(1))
        }
        "messages.getInviteLink" => {
            let reset = match params.int_or("reset", 0)? {
                0 => false,
                1 => true,
                _ => return Err(ApiError::param("reset should be 0 or 1")),
            };
            let chat = chat_mut(state, group_id, chat_id_of_peer(params)?)?;
            if reset || chat.invite_token.is_none() {
                chat.invite_generation += 1;
                chat.invite_token = Some(token(
                    seed,
                    &[group_id, chat.chat_id as u64, chat.invite_generation],
                ));
            }
            let token = chat.invite_token.as_deref().unwrap_or_default();
            Ok(json!({"link": format!("https://sferum.ru/?p=messages&join={token}")}))
        }
        "calls.start" => {
            let started_at = state.tick();
            let community = state
                .communities
                .get_mut(&group_id)
                .expect("the token's community exists");
            let n = community.calls.len() as u64 + 1;
            let secret = token(seed, &[group_id, 1 << 40, n]);
            let call = Call {
                call_id: format!("{group_id}_{n}"),
                join_link: format!("https://vk.com/call/join/{secret}"),
                ok_join_link: format!("https://ok.ru/videochat/{}", 9_000_000_000 + n),
                started_at,
            };
            let out = json!({
                "call_id": call.call_id,
                "join_link": call.join_link,
                "ok_join_link": call.ok_join_link,
            });
            community.calls.push(call);
            Ok(out)
        }
        _ => Err(ApiError::unknown_method()),
    };
    // Changes post a service message in the chat: it moves to the front of the list.
    let changes = [
        "messages.addChatUser",
        "messages.removeChatUser",
        "messages.editChat",
    ];
    if result.is_ok() && changes.contains(&method) {
        if let (Ok(chat_id), Some(c)) =
            (params.int("chat_id"), state.communities.get_mut(&group_id))
        {
            c.touch(chat_id);
        }
    }
    result
}

fn create_chat(state: &mut State, group_id: u64, params: &Params) -> Result<Value, ApiError> {
    let title = params.text("title")?.to_string();
    let user_ids = params.int_list("user_ids")?;
    if user_ids.iter().any(|&id| id <= 0) {
        return Err(ApiError::param("user_ids is invalid"));
    }
    let g = -(group_id as i64);
    let limits = state.limits;
    if state.communities[&group_id].chats.len() >= limits.chats_per_community
        || user_ids.len() + 1 > limits.members_per_chat
    {
        return Err(ApiError::code(103));
    }
    let created = state.tick();
    let mut chat = Chat {
        chat_id: 0,
        title,
        owner_id: g,
        members: vec![Member {
            member_id: g,
            invited_by: g,
            join_date: created,
            is_admin: true,
        }],
        left: Default::default(),
        invite_token: None,
        invite_generation: 0,
        community_access: true,
        last_message: 0,
    };
    let mut added = Vec::new();
    for id in user_ids {
        // Users who can't be added are left out silently, or refuse the whole creation.
        if let Err(e) = check_addable(state.users.get(&(id as u64)).copied()) {
            if state.strict_create_chat {
                return Err(e);
            }
            continue;
        }
        let date = state.tick();
        if chat.push_member(id, g, date) {
            added.push(id);
        }
    }
    let community = state
        .communities
        .get_mut(&group_id)
        .expect("the token's community exists");
    chat.chat_id = community.next_chat_id;
    community.next_chat_id += 1;
    let chat_id = chat.chat_id;
    community.chats.insert(chat_id, chat);
    community.touch(chat_id);
    Ok(json!({"chat_id": chat_id, "peer_ids": added}))
}

fn get_conversations(state: &State, group_id: u64, params: &Params) -> Result<Value, ApiError> {
    let offset = non_negative(params, "offset", 0)?;
    let count = bounded_count(params, 20, 200)?;
    let community = &state.communities[&group_id];
    let all = community.conversations();
    let items: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(count)
        .map(|conversation| match conversation {
            Conversation::Dialog(user) => json!({"conversation": {
                "peer": {"id": user, "type": "user", "local_id": user},
            }}),
            Conversation::Chat(id) => {
                let c = &community.chats[id];
                json!({"conversation": {
                    "peer": {"id": c.peer_id(), "type": "chat", "local_id": c.chat_id},
                    "chat_settings": {
                        "title": c.title,
                        "members_count": c.members.len(),
                        "owner_id": c.owner_id,
                        "admin_ids": c.admin_ids(),
                        "state": if c.community_access { "in" } else { "kicked" },
                    },
                }})
            }
        })
        .collect();
    Ok(json!({"count": all.len(), "items": items}))
}

fn member_json(owner_id: i64, m: &Member) -> Value {
    let is_owner = m.member_id == owner_id;
    json!({
        "member_id": m.member_id,
        "invited_by": m.invited_by,
        "join_date": m.join_date,
        "is_admin": m.is_admin || is_owner,
        "is_owner": is_owner,
        "can_kick": !is_owner,
    })
}

/// Errors for users that cannot be added to a chat by anyone.
fn check_addable(mark: Option<UserMark>) -> Result<(), ApiError> {
    match mark {
        Some(mark) => Err(ApiError::code(mark.code())),
        None => Ok(()),
    }
}

/// The chat `chat_id` of community `group_id`: 927 when no community has such a chat,
/// 917 when it is another community's or the community lost access.
fn chat_mut(state: &mut State, group_id: u64, chat_id: i64) -> Result<&mut Chat, ApiError> {
    let elsewhere = state
        .communities
        .iter()
        .any(|(id, c)| *id != group_id && c.chats.contains_key(&chat_id));
    match state
        .communities
        .get_mut(&group_id)
        .and_then(|c| c.chats.get_mut(&chat_id))
    {
        Some(chat) if chat.community_access => Ok(chat),
        Some(_) => Err(ApiError::no_chat_access()),
        None if elsewhere => Err(ApiError::no_chat_access()),
        None => Err(ApiError::chat_not_found()),
    }
}

fn chat_id_of_peer(params: &Params) -> Result<i64, ApiError> {
    let peer_id = params.int("peer_id")?;
    if peer_id <= CHAT_PEER_BASE {
        return Err(ApiError::param(
            "peer_id is not a chat peer (2000000000 + chat_id)",
        ));
    }
    Ok(peer_id - CHAT_PEER_BASE)
}

fn non_negative(params: &Params, name: &str, default: i64) -> Result<usize, ApiError> {
    let value = params.int_or(name, default)?;
    usize::try_from(value).map_err(|_| ApiError::param(&format!("{name} should be positive")))
}

fn bounded_count(params: &Params, default: i64, max: i64) -> Result<usize, ApiError> {
    let count = params.int_or("count", default)?;
    if !(0..=max).contains(&count) {
        return Err(ApiError::param(&format!("count should be from 0 to {max}")));
    }
    Ok(count as usize)
}

/// A random-looking but deterministic 24-character token from `seed` and `parts`.
fn token(seed: u64, parts: &[u64]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut h = seed ^ 0x9E37_79B9_7F4A_7C15;
    for &p in parts {
        h = splitmix(h ^ p);
    }
    (0..24)
        .map(|_| {
            h = splitmix(h);
            ALPHABET[(h % ALPHABET.len() as u64) as usize] as char
        })
        .collect()
}

fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
