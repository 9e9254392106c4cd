//! The API's operations (named by the schema's `operationId`): routing a method and path
//! to one, and running it against the state as the bot of the request's token.

use serde_json::{json, Value};

use crate::error::Failure;
use crate::state::{Chat, ChatStatus, Member, Permission, SentMessage, State, MAX_ADMINS};

/// The operations the emulator serves.
pub const OPERATIONS: [&str; 16] = [
    "getMyInfo",
    "getChats",
    "getChat",
    "editChat",
    "deleteChat",
    "getMembership",
    "leaveChat",
    "getAdmins",
    "postAdmins",
    "deleteAdmin",
    "getMembers",
    "addMembers",
    "removeMember",
    "getUpdates",
    "getSubscriptions",
    "sendMessage",
];

/// At most this many user ids in one `POST /chats/{chatId}/members`.
const MAX_ADD: usize = 100;

/// One routed operation with its path parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `GET /me`.
    GetMyInfo,
    /// `GET /chats` (removed from the service in June 2026).
    GetChats,
    /// `GET /chats/{chatId}`.
    GetChat(i64),
    /// `PATCH /chats/{chatId}`.
    EditChat(i64),
    /// `DELETE /chats/{chatId}` (not in the schema; the service refuses bots).
    DeleteChat(i64),
    /// `GET /chats/{chatId}/members/me`.
    GetMembership(i64),
    /// `DELETE /chats/{chatId}/members/me`.
    LeaveChat(i64),
    /// `GET /chats/{chatId}/members/admins`.
    GetAdmins(i64),
    /// `POST /chats/{chatId}/members/admins`.
    PostAdmins(i64),
    /// `DELETE /chats/{chatId}/members/admins/{userId}`.
    DeleteAdmin(i64, i64),
    /// `GET /chats/{chatId}/members`.
    GetMembers(i64),
    /// `POST /chats/{chatId}/members`.
    AddMembers(i64),
    /// `DELETE /chats/{chatId}/members`.
    RemoveMember(i64),
    /// `GET /updates`.
    GetUpdates,
    /// `GET /subscriptions` (always none: only long polling is emulated).
    GetSubscriptions,
    /// `POST /messages`.
    SendMessage,
}

impl Op {
    /// The schema's `operationId` (the name fault rules and stats use).
    pub fn name(self) -> &'static str {
        match self {
            Op::GetMyInfo => "getMyInfo",
            Op::GetChats => "getChats",
            Op::GetChat(_) => "getChat",
            Op::EditChat(_) => "editChat",
            Op::DeleteChat(_) => "deleteChat",
            Op::GetMembership(_) => "getMembership",
            Op::LeaveChat(_) => "leaveChat",
            Op::GetAdmins(_) => "getAdmins",
            Op::PostAdmins(_) => "postAdmins",
            Op::DeleteAdmin(..) => "deleteAdmin",
            Op::GetMembers(_) => "getMembers",
            Op::AddMembers(_) => "addMembers",
            Op::RemoveMember(_) => "removeMember",
            Op::GetUpdates => "getUpdates",
            Op::GetSubscriptions => "getSubscriptions",
            Op::SendMessage => "sendMessage",
        }
    }

    /// Whether the answer is a `SimpleQueryResult` (`{"success": ...}`), so a failure can
    /// come as HTTP 200 with `success: false`.
    pub fn answers_success(self) -> bool {
        matches!(
            self,
            Op::DeleteChat(_)
                | Op::LeaveChat(_)
                | Op::PostAdmins(_)
                | Op::DeleteAdmin(..)
                | Op::AddMembers(_)
                | Op::RemoveMember(_)
        )
    }

    /// Whether it may change the state (or acknowledge updates).
    pub fn writes(self) -> bool {
        !matches!(
            self,
            Op::GetMyInfo
                | Op::GetSubscriptions
                | Op::GetChats
                | Op::GetChat(_)
                | Op::GetMembership(_)
                | Op::GetAdmins(_)
                | Op::GetMembers(_)
        )
    }
}

/// Routes a method and path. Paths of the schema the emulator does not serve, and
/// unknown paths, are 404; a served path with another method is 405.
pub fn route(method: &str, path: &str) -> Result<Op, Failure> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let not_served = || Failure::not_found(format!("{method} {path} is not served here"));
    let chat = |s: &str| s.parse::<i64>().map_err(|_| not_served());
    let op = match (method, segments.as_slice()) {
        ("GET", ["me"]) => Op::GetMyInfo,
        (_, ["me"]) => return Err(Failure::not_allowed()),
        ("GET", ["chats"]) => Op::GetChats,
        (_, ["chats"]) => return Err(Failure::not_allowed()),
        ("GET", ["chats", id]) => Op::GetChat(chat(id)?),
        ("PATCH", ["chats", id]) => Op::EditChat(chat(id)?),
        ("DELETE", ["chats", id]) => Op::DeleteChat(chat(id)?),
        (_, ["chats", _]) => return Err(Failure::not_allowed()),
        ("GET", ["chats", id, "members", "me"]) => Op::GetMembership(chat(id)?),
        ("DELETE", ["chats", id, "members", "me"]) => Op::LeaveChat(chat(id)?),
        (_, ["chats", _, "members", "me"]) => return Err(Failure::not_allowed()),
        ("GET", ["chats", id, "members", "admins"]) => Op::GetAdmins(chat(id)?),
        ("POST", ["chats", id, "members", "admins"]) => Op::PostAdmins(chat(id)?),
        (_, ["chats", _, "members", "admins"]) => return Err(Failure::not_allowed()),
        ("DELETE", ["chats", id, "members", "admins", user]) => {
            Op::DeleteAdmin(chat(id)?, chat(user)?)
        }
        (_, ["chats", _, "members", "admins", _]) => return Err(Failure::not_allowed()),
        ("GET", ["chats", id, "members"]) => Op::GetMembers(chat(id)?),
        ("POST", ["chats", id, "members"]) => Op::AddMembers(chat(id)?),
        ("DELETE", ["chats", id, "members"]) => Op::RemoveMember(chat(id)?),
        (_, ["chats", _, "members"]) => return Err(Failure::not_allowed()),
        ("GET", ["updates"]) => Op::GetUpdates,
        (_, ["updates"]) => return Err(Failure::not_allowed()),
        ("GET", ["subscriptions"]) => Op::GetSubscriptions,
        ("POST", ["messages"]) => Op::SendMessage,
        _ => return Err(not_served()),
    };
    Ok(op)
}

/// A request's parameters: the query string and the JSON body.
#[derive(Debug, Clone, Default)]
pub struct Params {
    /// Query parameters in order.
    pub query: Vec<(String, String)>,
    /// The JSON body, if there was one.
    pub body: Option<Value>,
}

impl Params {
    /// A query parameter (the last one of that name).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// An integer query parameter; absent or empty is `None`.
    pub fn int(&self, name: &str) -> Result<Option<i64>, Failure> {
        match self.get(name) {
            None | Some("") | Some("null") => Ok(None),
            Some(v) => v.trim().parse().map(Some).map_err(|_| {
                Failure::payload(format!("Field '{name}' value ({v}) is not a number"))
            }),
        }
    }

    /// An integer query parameter within `min..=max`, or `default`.
    pub fn int_in(&self, name: &str, min: i64, max: i64, default: i64) -> Result<i64, Failure> {
        let value = self.int(name)?.unwrap_or(default);
        if value < min || value > max {
            return Err(Failure::out_of_range(name, value, min, max));
        }
        Ok(value)
    }

    /// A comma-separated list of integers (`user_ids=1,2`); `None` when absent.
    pub fn int_list(&self, name: &str) -> Result<Option<Vec<i64>>, Failure> {
        match self.get(name) {
            None | Some("") => Ok(None),
            Some(list) => list
                .split(',')
                .map(|s| {
                    s.trim().parse().map_err(|_| {
                        Failure::payload(format!("Field '{name}' has a bad value ({s})"))
                    })
                })
                .collect::<Result<Vec<i64>, _>>()
                .map(Some),
        }
    }

    fn body_field(&self, name: &str) -> Option<&Value> {
        self.body.as_ref()?.get(name).filter(|v| !v.is_null())
    }
}

/// What the operations need besides the state.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Serve `GET /chats` as the snapshots before June 2026 describe it.
    pub legacy_chat_list: bool,
}

/// Runs an operation (all but `getUpdates`, which [`crate::updates`] serves) as `bot_id`.
pub fn run(
    state: &mut State,
    bot_id: i64,
    op: Op,
    params: &Params,
    settings: Settings,
) -> Result<Value, Failure> {
    match op {
        Op::GetMyInfo => Ok(my_info(state, bot_id)),
        Op::GetChats => get_chats(state, bot_id, params, settings),
        Op::GetChat(chat_id) => {
            let chat = state
                .chats
                .get(&chat_id)
                .filter(|c| c.status_for(bot_id).is_some());
            let chat = chat.ok_or_else(|| chat_not_found(chat_id))?;
            Ok(chat.json(bot_id, true))
        }
        Op::EditChat(chat_id) => edit_chat(state, bot_id, chat_id, params),
        Op::DeleteChat(chat_id) => {
            active_chat(state, bot_id, chat_id)?;
            Err(Failure::insufficient_rights())
        }
        Op::GetMembership(chat_id) => {
            let member = active_chat(state, bot_id, chat_id)?.members[&bot_id].clone();
            Ok(state.member_json(&member))
        }
        Op::LeaveChat(chat_id) => leave_chat(state, bot_id, chat_id),
        Op::GetAdmins(chat_id) => {
            let chat = active_chat(state, bot_id, chat_id)?;
            if !chat.members[&bot_id].is_admin {
                return Err(Failure::admins_only());
            }
            let admins: Vec<Value> = chat
                .members_in_order()
                .into_iter()
                .filter(|m| m.is_admin)
                .map(|m| state.member_json(m))
                .collect();
            Ok(json!({"members": admins, "marker": null}))
        }
        Op::PostAdmins(chat_id) => post_admins(state, bot_id, chat_id, params),
        Op::DeleteAdmin(chat_id, user_id) => delete_admin(state, bot_id, chat_id, user_id),
        Op::GetMembers(chat_id) => get_members(state, bot_id, chat_id, params),
        Op::AddMembers(chat_id) => add_members(state, bot_id, chat_id, params),
        Op::RemoveMember(chat_id) => remove_member(state, bot_id, chat_id, params),
        Op::SendMessage => send_message(state, bot_id, params),
        Op::GetSubscriptions => Ok(json!({"subscriptions": []})),
        Op::GetUpdates => unreachable!("getUpdates is served by the updates module"),
    }
}

fn chat_not_found(chat_id: i64) -> Failure {
    Failure::not_found(format!("Chat {chat_id} not found"))
}

/// The chat, if the bot is an active member of it: unknown (or never joined) is 404, a
/// chat the bot is no longer in (or that is closed) is 403 `chat.denied`.
fn active_chat(state: &State, bot_id: i64, chat_id: i64) -> Result<&Chat, Failure> {
    let chat = state
        .chats
        .get(&chat_id)
        .ok_or_else(|| chat_not_found(chat_id))?;
    match chat.status_for(bot_id) {
        None => Err(chat_not_found(chat_id)),
        Some(ChatStatus::Active) => Ok(chat),
        Some(status) => Err(Failure::chat_denied(format!(
            "Bot is not a member of chat {chat_id} (status {})",
            status.as_str()
        ))),
    }
}

/// Like [`active_chat`], and the bot must hold `right`, else `success: false`.
fn chat_with_right(
    state: &State,
    bot_id: i64,
    chat_id: i64,
    right: Permission,
) -> Result<(), Failure> {
    let chat = active_chat(state, bot_id, chat_id)?;
    if chat.has_right(bot_id, right) {
        Ok(())
    } else {
        Err(Failure::insufficient_rights())
    }
}

fn my_info(state: &State, bot_id: i64) -> Value {
    let mut info = state.user_json(bot_id).unwrap_or(Value::Null);
    info["description"] = Value::Null;
    info["commands"] = Value::Null;
    info
}

fn get_chats(
    state: &State,
    bot_id: i64,
    params: &Params,
    settings: Settings,
) -> Result<Value, Failure> {
    if !settings.legacy_chat_list {
        return Err(Failure::not_found(
            "Method GET /chats is no longer supported",
        ));
    }
    let count = params.int_in("count", 1, 100, 50)? as usize;
    let from = params.int("marker")?.unwrap_or(0).max(0) as usize;
    let chats: Vec<&Chat> = state
        .chats
        .values()
        .filter(|c| c.status_for(bot_id) == Some(ChatStatus::Active))
        .collect();
    let page: Vec<Value> = chats
        .iter()
        .skip(from)
        .take(count)
        .map(|c| c.json(bot_id, false))
        .collect();
    let next = from + page.len();
    let marker = (next < chats.len()).then_some(next);
    Ok(json!({"chats": page, "marker": marker}))
}

fn edit_chat(
    state: &mut State,
    bot_id: i64,
    chat_id: i64,
    params: &Params,
) -> Result<Value, Failure> {
    let chat = active_chat(state, bot_id, chat_id)?;
    if !chat.has_right(bot_id, Permission::ChangeChatInfo) {
        return Err(Failure::chat_denied(
            "Insufficient access rights to perform this action",
        ));
    }
    let title = match params.body_field("title") {
        None => None,
        Some(Value::String(title)) => {
            let len = title.chars().count();
            if len == 0 || len > 200 {
                return Err(Failure::payload(format!(
                    "Field 'title' size ({len}) must be between 1 and 200"
                )));
            }
            Some(title.clone())
        }
        Some(other) => {
            return Err(Failure::payload(format!(
                "Field 'title' must be a string, got {other}"
            )))
        }
    };
    if let Some(title) = title {
        let now = state.tick();
        let chat = state.chats.get_mut(&chat_id).expect("checked above");
        chat.title = title.clone();
        chat.last_event_time = now;
        let user = state.user_json(bot_id);
        state.push_chat_event(
            chat_id,
            "chat_title_changed",
            json!({"chat_id": chat_id, "user": user, "user_id": bot_id, "title": title}),
        );
    }
    Ok(state.chats[&chat_id].json(bot_id, true))
}

fn leave_chat(state: &mut State, bot_id: i64, chat_id: i64) -> Result<Value, Failure> {
    active_chat(state, bot_id, chat_id)?;
    let now = state.tick();
    let chat = state.chats.get_mut(&chat_id).expect("checked above");
    chat.members.remove(&bot_id);
    chat.former_bots.insert(bot_id, ChatStatus::Left);
    chat.last_event_time = now;
    let user = state.user_json(bot_id);
    state.push_chat_event(
        chat_id,
        "user_removed",
        json!({"chat_id": chat_id, "user": user, "user_id": bot_id, "admin_id": null, "is_channel": false}),
    );
    Ok(json!({"success": true}))
}

fn get_members(
    state: &State,
    bot_id: i64,
    chat_id: i64,
    params: &Params,
) -> Result<Value, Failure> {
    let chat = active_chat(state, bot_id, chat_id)?;
    if !chat.members[&bot_id].is_admin {
        return Err(Failure::admins_only());
    }
    if let Some(ids) = params.int_list("user_ids")? {
        let members: Vec<Value> = ids
            .iter()
            .filter_map(|id| chat.members.get(id))
            .map(|m| state.member_json(m))
            .collect();
        return Ok(json!({"members": members, "marker": null}));
    }
    let count = params.int_in("count", 1, 100, 20)? as usize;
    let from = params.int("marker")?.unwrap_or(0).max(0) as usize;
    let all = chat.members_in_order();
    let page: Vec<Value> = all
        .iter()
        .skip(from)
        .take(count)
        .map(|m| state.member_json(m))
        .collect();
    let next = from + page.len();
    let marker = (next < all.len()).then_some(next);
    Ok(json!({"members": page, "marker": marker}))
}

fn add_members(
    state: &mut State,
    bot_id: i64,
    chat_id: i64,
    params: &Params,
) -> Result<Value, Failure> {
    let ids = match params.body_field("user_ids") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_i64().ok_or_else(|| {
                    Failure::payload(format!("Field 'user_ids' has a bad value ({v})"))
                })
            })
            .collect::<Result<Vec<i64>, _>>()?,
        Some(other) => {
            return Err(Failure::payload(format!(
                "Field 'user_ids' must be an array, got {other}"
            )))
        }
        None => return Err(Failure::missing("user_ids")),
    };
    if ids.len() > MAX_ADD {
        return Err(Failure::payload(format!(
            "Field 'user_ids' size ({}) must be at most {MAX_ADD}",
            ids.len()
        )));
    }
    chat_with_right(state, bot_id, chat_id, Permission::AddRemoveMembers)?;
    let mut not_found = Vec::new();
    let mut privacy = Vec::new();
    for id in ids {
        if state.chats[&chat_id].members.contains_key(&id) {
            continue;
        }
        let Some(person) = state.people.get(&id) else {
            not_found.push(id);
            continue;
        };
        if person.privacy || state.adding_restricted {
            privacy.push(id);
            continue;
        }
        let now = state.tick();
        let chat = state.chats.get_mut(&chat_id).expect("checked above");
        chat.members
            .insert(id, Member::plain(id, now, Some(bot_id)));
        chat.last_event_time = now;
        let user = state.user_json(id);
        state.push_chat_event(
            chat_id,
            "user_added",
            json!({"chat_id": chat_id, "user": user, "user_id": id, "inviter_id": bot_id, "is_channel": false}),
        );
    }
    if not_found.is_empty() && privacy.is_empty() {
        return Ok(json!({"success": true}));
    }
    let mut details = Vec::new();
    if !privacy.is_empty() {
        details.push(json!({"error_code": "add.participant.privacy", "user_ids": privacy}));
    }
    if !not_found.is_empty() {
        details.push(json!({"error_code": "add.participant.not.found", "user_ids": not_found}));
    }
    let failed: Vec<i64> = privacy.iter().chain(&not_found).copied().collect();
    Ok(json!({"success": false, "failed_user_ids": failed, "failed_user_details": details}))
}

fn remove_member(
    state: &mut State,
    bot_id: i64,
    chat_id: i64,
    params: &Params,
) -> Result<Value, Failure> {
    let user_id = params
        .int("user_id")?
        .ok_or_else(|| Failure::missing("user_id"))?;
    chat_with_right(state, bot_id, chat_id, Permission::AddRemoveMembers)?;
    let chat = &state.chats[&chat_id];
    // The live service answers success for the owner and removes nobody.
    if chat.owner_id == user_id || !chat.members.contains_key(&user_id) {
        return Ok(json!({"success": true}));
    }
    let now = state.tick();
    let chat = state.chats.get_mut(&chat_id).expect("checked above");
    chat.members.remove(&user_id);
    chat.last_event_time = now;
    let user = state.user_json(user_id);
    if state.bots.contains_key(&user_id) {
        state
            .chats
            .get_mut(&chat_id)
            .expect("checked above")
            .former_bots
            .insert(user_id, ChatStatus::Removed);
        let by = state.user_json(bot_id);
        state.push_update(
            user_id,
            "bot_removed",
            json!({"chat_id": chat_id, "user": by, "user_id": bot_id, "is_channel": false}),
        );
    }
    state.push_chat_event(
        chat_id,
        "user_removed",
        json!({"chat_id": chat_id, "user": user, "user_id": user_id, "admin_id": bot_id, "is_channel": false}),
    );
    Ok(json!({"success": true}))
}

/// One entry of `POST .../members/admins`, checked.
struct AdminGrant {
    user_id: i64,
    permissions: Vec<Permission>,
    alias: Option<String>,
}

fn parse_admins(params: &Params) -> Result<Vec<AdminGrant>, Failure> {
    let items = match params.body_field("admins") {
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(Failure::payload(format!(
                "Field 'admins' must be an array, got {other}"
            )))
        }
        None => return Err(Failure::missing("admins")),
    };
    items
        .iter()
        .map(|item| {
            let user_id = item
                .get("user_id")
                .and_then(Value::as_i64)
                .ok_or_else(|| Failure::missing("admins.user_id"))?;
            let names = item
                .get("permissions")
                .and_then(Value::as_array)
                .ok_or_else(|| Failure::missing("admins.permissions"))?;
            let mut permissions = Vec::new();
            for name in names {
                let name = name.as_str().unwrap_or_default();
                let permission = Permission::parse(name)
                    .ok_or_else(|| Failure::payload(format!("Unknown permission '{name}'")))?;
                if !Permission::GROUP_CHAT.contains(&permission) {
                    return Err(Failure::payload(format!(
                        "Permission '{name}' is not available in group chats"
                    )));
                }
                if !permissions.contains(&permission) {
                    permissions.push(permission);
                }
            }
            let needs_read = [Permission::PinMessage, Permission::Write];
            if needs_read.iter().any(|p| permissions.contains(p))
                && !permissions.contains(&Permission::ReadAllMessages)
            {
                return Err(Failure::payload(
                    "Permissions 'pin_message' and 'write' need 'read_all_messages'",
                ));
            }
            // The schema: `can_call` is set automatically for every admin.
            if !permissions.contains(&Permission::CanCall) {
                permissions.push(Permission::CanCall);
            }
            permissions.sort();
            let alias = item
                .get("alias")
                .and_then(Value::as_str)
                .map(str::to_string);
            Ok(AdminGrant {
                user_id,
                permissions,
                alias,
            })
        })
        .collect()
}

fn post_admins(
    state: &mut State,
    bot_id: i64,
    chat_id: i64,
    params: &Params,
) -> Result<Value, Failure> {
    let grants = parse_admins(params)?;
    chat_with_right(state, bot_id, chat_id, Permission::AddAdmins)?;
    let chat = &state.chats[&chat_id];
    for grant in &grants {
        if grant.user_id == chat.owner_id {
            return Err(Failure::insufficient_rights());
        }
        if !chat.members.contains_key(&grant.user_id) {
            return Err(Failure::not_success(
                "not.found",
                format!("User {} is not a member of chat {chat_id}", grant.user_id),
            ));
        }
    }
    let mut admins: Vec<i64> = chat
        .members
        .values()
        .filter(|m| m.is_admin)
        .map(|m| m.user_id)
        .collect();
    admins.extend(grants.iter().map(|g| g.user_id));
    admins.sort_unstable();
    admins.dedup();
    if admins.len() > MAX_ADMINS {
        return Err(Failure::not_success(
            "too.many.admins",
            format!("A chat has at most {MAX_ADMINS} admins"),
        ));
    }
    let chat = state.chats.get_mut(&chat_id).expect("checked above");
    for grant in grants {
        let member = chat.members.get_mut(&grant.user_id).expect("checked above");
        member.is_admin = true;
        member.permissions = grant.permissions;
        member.alias = grant.alias;
    }
    Ok(json!({"success": true}))
}

fn delete_admin(
    state: &mut State,
    bot_id: i64,
    chat_id: i64,
    user_id: i64,
) -> Result<Value, Failure> {
    chat_with_right(state, bot_id, chat_id, Permission::AddAdmins)?;
    let chat = state.chats.get_mut(&chat_id).expect("checked above");
    if chat.owner_id == user_id {
        return Err(Failure::insufficient_rights());
    }
    if let Some(member) = chat.members.get_mut(&user_id) {
        member.is_admin = false;
        member.permissions.clear();
        member.alias = None;
    }
    Ok(json!({"success": true}))
}

fn send_message(state: &mut State, bot_id: i64, params: &Params) -> Result<Value, Failure> {
    let user_id = params.int("user_id")?;
    let chat_id = params.int("chat_id")?;
    let text = match params.body_field("text") {
        None => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(other) => {
            return Err(Failure::payload(format!(
                "Field 'text' must be a string, got {other}"
            )))
        }
    };
    let length = text.as_deref().map_or(0, |t| t.chars().count());
    if length > 4000 {
        return Err(Failure::payload(format!(
            "Field 'text' size ({length}) must be at most 4000"
        )));
    }
    let attachments = params.body_field("attachments").cloned();
    if text.is_none() && attachments.is_none() {
        return Err(Failure::payload("Message must have text or attachments"));
    }
    let (chat_id, chat_type, to_user) = match (chat_id, user_id) {
        (Some(chat_id), _) => {
            active_chat(state, bot_id, chat_id)?;
            (chat_id, "chat", None)
        }
        (None, Some(user_id)) => {
            let dialog = state
                .dialogs
                .iter()
                .find(|d| d.bot_id == bot_id && d.user_id == user_id)
                .ok_or_else(|| {
                    Failure::chat_denied(format!("User {user_id} has not started the bot"))
                })?;
            (dialog.chat_id, "dialog", Some(user_id))
        }
        (None, None) => return Err(Failure::missing("chat_id or user_id")),
    };
    let now = state.tick();
    let mid = format!("mid.{:016x}{:08x}", now, state.messages.len() + 1);
    if let Some(chat) = state.chats.get_mut(&chat_id) {
        chat.messages_count += 1;
        chat.last_event_time = now;
    }
    state.messages.push(SentMessage {
        mid: mid.clone(),
        bot_id,
        chat_id,
        user_id: to_user,
        timestamp: now,
        text: text.clone(),
        attachments: attachments.clone(),
    });
    let seq = state.messages.len();
    Ok(json!({"message": {
        "sender": state.user_json(bot_id),
        "recipient": {"chat_id": chat_id, "chat_type": chat_type, "user_id": to_user},
        "timestamp": now,
        "body": {"mid": mid, "seq": seq, "text": text, "attachments": attachments},
    }}))
}
