//! The VK API backend (Sferum runs on VK's messenger): operations as VK calls, VK answers as
//! serde types, VK error codes as reactions. The transport (batching, rate limit, retries,
//! proxy) is [`crate::client`].

use super::{
    ChatId, Conversation, Failure, ListedChat, MemberId, MemberInfo, Messenger, Op, Reply,
};
use crate::client::{ApiError, Call, Client};
use crate::texts::Lang;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

/// Chat peer ids are this plus the chat id.
pub const PEER_BASE: u64 = 2_000_000_000;
/// Conversations per `messages.getConversations` page (the API's maximum).
pub const CONVERSATIONS_PAGE: u64 = 200;
/// Members per `messages.getConversationMembers` page (the API's maximum).
pub const MEMBERS_PAGE: u64 = 1000;

/// The VK API of one community through one client.
pub struct Vk<'a> {
    client: &'a Client,
    group: u64,
    lang: Lang,
}

impl<'a> Vk<'a> {
    /// The backend of community `group` through `client`, its messages in `lang`.
    pub fn new(client: &'a Client, group: u64, lang: Lang) -> Self {
        Vk {
            client,
            group,
            lang,
        }
    }
}

impl Messenger for Vk<'_> {
    fn send(&mut self, ops: &[Op]) -> Result<Vec<Reply>, String> {
        let calls: Vec<Call> = ops.iter().map(|op| call(op, self.group)).collect();
        let answers = self.client.batch(&calls).map_err(|e| e.to_string())?;
        Ok(ops
            .iter()
            .zip(answers)
            .map(|(op, answer)| reply(op, answer, self.lang))
            .collect())
    }
}

/// The VK call that carries out `op` for community `group`.
pub fn call(op: &Op, group: u64) -> Call {
    let peer = |chat: &ChatId| PEER_BASE + chat;
    match op {
        Op::Community => Call::new("groups.getById", json!({})),
        Op::ListChats { offset } => Call::new(
            "messages.getConversations",
            json!({"group_id": group, "offset": offset, "count": CONVERSATIONS_PAGE}),
        ),
        Op::Members { chat, offset } => Call::new(
            "messages.getConversationMembers",
            json!({"peer_id": peer(chat), "group_id": group, "offset": offset, "count": MEMBERS_PAGE}),
        ),
        Op::CreateChat { title, members } => {
            let users: Vec<String> = members.iter().map(u64::to_string).collect();
            Call::new(
                "messages.createChat",
                json!({"title": title, "user_ids": users.join(","), "group_id": group}),
            )
        }
        Op::Retitle { chat, title } => Call::new(
            "messages.editChat",
            json!({"chat_id": chat, "title": title}),
        ),
        Op::Add { chat, user } => Call::new(
            "messages.addChatUser",
            json!({"chat_id": chat, "user_id": user}),
        ),
        Op::Remove { chat, member } => Call::new(
            "messages.removeChatUser",
            json!({"chat_id": chat, "member_id": member}),
        ),
        Op::SetAdmin {
            chat,
            member,
            admin,
        } => Call::new(
            "messages.setMemberRole",
            json!({"peer_id": peer(chat), "member_id": member, "role": if *admin { "admin" } else { "member" }}),
        ),
        Op::InviteLink { chat } => Call::new(
            "messages.getInviteLink",
            json!({"peer_id": peer(chat), "group_id": group, "reset": 0}),
        ),
        Op::StartCall => Call::new("calls.start", json!({"group_id": group})),
    }
}

/// `groups.getById`: `{"groups": [...]}`, or a bare list in older answers.
#[derive(Deserialize)]
#[serde(untagged)]
enum GroupsAnswer {
    Wrapped { groups: Vec<Group> },
    Bare(Vec<Group>),
}

#[derive(Deserialize)]
struct Group {
    id: u64,
    name: String,
}

#[derive(Deserialize)]
struct Page<T> {
    count: u64,
    items: Vec<T>,
}

#[derive(Deserialize)]
struct ConversationItem {
    conversation: ConversationAnswer,
}

#[derive(Deserialize)]
struct ConversationAnswer {
    peer: Peer,
    chat_settings: Option<ChatSettings>,
}

#[derive(Deserialize)]
struct Peer {
    id: i64,
    #[serde(rename = "type")]
    kind: String,
    local_id: Option<u64>,
}

#[derive(Deserialize)]
struct ChatSettings {
    title: String,
    owner_id: MemberId,
    /// VK leaves the field out when a chat has no admins besides the owner.
    #[serde(default)]
    admin_ids: Vec<MemberId>,
    /// `in`, `kicked` or `left`; VK leaves it out for chats the community is in.
    state: Option<String>,
}

#[derive(Deserialize)]
struct MemberAnswer {
    member_id: MemberId,
    /// VK leaves the flags out when they are false.
    #[serde(default)]
    is_admin: bool,
    #[serde(default)]
    is_owner: bool,
}

#[derive(Deserialize)]
struct CreatedAnswer {
    chat_id: ChatId,
    peer_ids: Vec<MemberId>,
}

#[derive(Deserialize)]
struct LinkAnswer {
    link: String,
}

#[derive(Deserialize)]
struct CallAnswer {
    join_link: String,
}

/// The reply to `op` for the client's answer, its failure told in `lang`.
pub fn reply(op: &Op, answer: Result<Value, ApiError>, lang: Lang) -> Reply {
    let value = match answer {
        Ok(v) => v,
        Err(e) => return Reply::Failed(failure(op, e, lang)),
    };
    let unreadable = |op, value, why: Why| unreadable(op, value, &why.text(lang), lang);
    let parsed = match op {
        Op::Community => parse::<GroupsAnswer>(op, &value, lang).and_then(|a| {
            let groups = match a {
                GroupsAnswer::Wrapped { groups } | GroupsAnswer::Bare(groups) => groups,
            };
            let g = groups
                .into_iter()
                .next()
                .ok_or_else(|| unreadable(op, &value, Why::Community))?;
            Ok(Reply::Community {
                id: g.id,
                name: g.name,
            })
        }),
        Op::ListChats { .. } => {
            parse::<Page<ConversationItem>>(op, &value, lang).and_then(|page| {
                let items = page
                    .items
                    .into_iter()
                    .map(|i| conversation(op, &value, i.conversation, lang))
                    .collect::<Result<_, _>>()?;
                Ok(Reply::Chats {
                    total: page.count,
                    items,
                })
            })
        }
        Op::Members { .. } => {
            parse::<Page<MemberAnswer>>(op, &value, lang).map(|page| Reply::Members {
                total: page.count,
                items: page
                    .items
                    .into_iter()
                    .map(|m| MemberInfo {
                        id: m.member_id,
                        admin: m.is_admin,
                        owner: m.is_owner,
                    })
                    .collect(),
            })
        }
        Op::CreateChat { .. } => parse::<CreatedAnswer>(op, &value, lang).map(|a| Reply::Created {
            chat: a.chat_id,
            members: a.peer_ids,
        }),
        Op::InviteLink { .. } => parse::<LinkAnswer>(op, &value, lang).map(|a| Reply::Link(a.link)),
        Op::StartCall => parse::<CallAnswer>(op, &value, lang).map(|a| Reply::CallStarted {
            join_link: a.join_link,
        }),
        Op::Retitle { .. } | Op::Add { .. } | Op::Remove { .. } | Op::SetAdmin { .. } => {
            Ok(Reply::Done)
        }
    };
    parsed.unwrap_or_else(|message| {
        // An unreadable answer to a creation may still mean the creation happened.
        Reply::Failed(if op.idempotent() {
            Failure::Other(message)
        } else {
            Failure::Lost(message)
        })
    })
}

fn parse<T: DeserializeOwned>(op: &Op, value: &Value, lang: Lang) -> Result<T, String> {
    T::deserialize(value).map_err(|e| unreadable(op, value, &e.to_string(), lang))
}

/// What an answer lacks.
enum Why {
    Community,
    ChatId,
    Settings(ChatId),
}

impl Why {
    fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Why::Community, Lang::En) => "no community".into(),
            (Why::Community, Lang::Ru) => "нет сообщества".into(),
            (Why::ChatId, Lang::En) => "a chat peer without a chat id".into(),
            (Why::ChatId, Lang::Ru) => "чат без идентификатора чата".into(),
            (Why::Settings(chat), Lang::En) => format!("chat {chat} without chat_settings"),
            (Why::Settings(chat), Lang::Ru) => format!("чат {chat} без chat_settings"),
        }
    }
}

fn unreadable(op: &Op, value: &Value, why: &str, lang: Lang) -> String {
    let mut text = value.to_string();
    if text.len() > 300 {
        let cut = (0..=300)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        text.truncate(cut);
        text.push('…');
    }
    let method = call(op, 0).method;
    match lang {
        Lang::En => format!("{method} answered in an unexpected form ({why}): {text}"),
        Lang::Ru => format!("{method} ответил в неожиданном виде ({why}): {text}"),
    }
}

fn conversation(
    op: &Op,
    value: &Value,
    c: ConversationAnswer,
    lang: Lang,
) -> Result<Conversation, String> {
    let unreadable = |why: Why| unreadable(op, value, &why.text(lang), lang);
    if c.peer.kind != "chat" {
        return Ok(Conversation::Dialog(c.peer.id));
    }
    let chat = match c.peer.local_id {
        Some(id) => id,
        None => u64::try_from(c.peer.id)
            .ok()
            .and_then(|p| p.checked_sub(PEER_BASE))
            .ok_or_else(|| unreadable(Why::ChatId))?,
    };
    let s = c
        .chat_settings
        .ok_or_else(|| unreadable(Why::Settings(chat)))?;
    Ok(Conversation::Chat(ListedChat {
        chat,
        title: s.title,
        owner: s.owner_id,
        admins: s.admin_ids,
        member: matches!(s.state.as_deref(), None | Some("in")),
    }))
}

/// The skip reason for an error code that means "this person cannot be added".
pub fn skip_reason(code: i64) -> Option<&'static str> {
    Some(match code {
        15 => "access_denied",
        18 => "deleted",
        103 => "chat_full",
        113 => "invalid_user",
        901 => "no_permission",
        932 => "cannot_interact",
        936 => "contact_not_found",
        947 => "no_access_to_community",
        981 => "privacy",
        _ => return None,
    })
}

/// The reaction to a failed call of `op`, its message in `lang`.
pub fn failure(op: &Op, e: ApiError, lang: Lang) -> Failure {
    let method = call(op, 0).method;
    let (code, message) = match e {
        ApiError::Uncertain(m) => return Failure::Lost(m),
        ApiError::Fatal(m) => return Failure::Fatal(m),
        ApiError::Api { code, message } => (code, message),
    };
    let adds = matches!(op, Op::Add { .. } | Op::CreateChat { .. });
    let takes = matches!(op, Op::Remove { .. } | Op::SetAdmin { admin: false, .. });
    let other = || Failure::Other(texts::error(lang, code, &message));
    match code {
        27 => Failure::Stop(texts::no_right(lang, method, &message)),
        29 => Failure::Stop(texts::quota(lang, method)),
        14 => Failure::Stop(texts::captcha(lang, method)),
        9 => Failure::Flood(texts::flood(lang, method, &message)),
        982 => Failure::Later(texts::later(lang, &message)),
        103 if matches!(op, Op::CreateChat { .. }) => {
            Failure::Other(texts::chat_limit(lang, &message))
        }
        927 => Failure::ChatGone,
        917 => Failure::ChatLost,
        935 if takes => Failure::AlreadyDone,
        c if adds => match skip_reason(c) {
            Some(reason) => Failure::Person(reason),
            None => other(),
        },
        925 => Failure::Other(texts::not_admin(lang, &message)),
        _ => other(),
    }
}

/// The messages of the reactions, in both languages.
mod texts {
    use crate::texts::Lang;

    pub fn error(lang: Lang, code: i64, message: &str) -> String {
        match lang {
            Lang::En => format!("error {code}: {message}"),
            Lang::Ru => format!("ошибка {code}: {message}"),
        }
    }

    pub fn no_right(lang: Lang, method: &str, message: &str) -> String {
        let section = method.split('.').next().unwrap_or(method);
        match lang {
            Lang::En => format!(
                "Sferum does not let a community token call {method} (error 27: {message}): the community's access token has no right to this method, so it is not called again in this run. The token itself works; ask the Education Committee, through the district coordinator, for a community token with access to {section}"
            ),
            Lang::Ru => format!(
                "Сферум не разрешает ключу сообщества вызывать {method} (ошибка 27: {message}): у ключа доступа сообщества нет права на этот метод, поэтому в этом запуске он больше не вызывается. Сам ключ работает; попросите Комитет по образованию через районного координатора выдать ключ сообщества с доступом к разделу {section}"
            ),
        }
    }

    pub fn quota(lang: Lang, method: &str) -> String {
        match lang {
            Lang::En => format!(
                "the daily quota of {method} is spent (error 29); it is not called again in this run and the rest is done by the next runs"
            ),
            Lang::Ru => format!(
                "Дневной лимит вызовов {method} исчерпан (ошибка 29); в этом запуске метод больше не вызывается, остальное сделают следующие запуски"
            ),
        }
    }

    pub fn captcha(lang: Lang, method: &str) -> String {
        match lang {
            Lang::En => format!(
                "Sferum asked for a captcha on {method} (error 14), which an automatic exchange cannot answer; {method} is not called again in this run and the next run tries again. If it keeps happening, the community changes too much at once: run the task less often for a day"
            ),
            Lang::Ru => format!(
                "Сферум запросил капчу при вызове {method} (ошибка 14), а автоматический обмен не может её ввести; в этом запуске {method} больше не вызывается, следующий запуск попробует снова. Если это повторяется, в сообществе слишком много изменений за раз: в течение дня запускайте задачу реже"
            ),
        }
    }

    pub fn flood(lang: Lang, method: &str, message: &str) -> String {
        match lang {
            Lang::En => format!("Sferum's flood control refused {method} (error 9: {message})"),
            Lang::Ru => format!(
                "Защита Сферума от слишком частых запросов отклонила {method} (ошибка 9: {message})"
            ),
        }
    }

    pub fn later(lang: Lang, message: &str) -> String {
        match lang {
            Lang::En => {
                format!("Sferum cannot add users to chats for a while (error 982: {message})")
            }
            Lang::Ru => format!(
                "Сферум временно не может добавлять пользователей в чаты (ошибка 982: {message})"
            ),
        }
    }

    pub fn chat_limit(lang: Lang, message: &str) -> String {
        match lang {
            Lang::En => format!(
                "Sferum refused to create the chat: the community has reached its limit of chats or the chat would be over its member limit (error 103: {message}). Remove chats the school no longer needs in Sferum, or ask the Education Committee to raise the limit"
            ),
            Lang::Ru => format!(
                "Сферум не создал чат: у сообщества уже предельное число чатов или в чате было бы больше участников, чем разрешено (ошибка 103: {message}). Удалите в Сферуме чаты, которые школе больше не нужны, или попросите Комитет по образованию поднять предел"
            ),
        }
    }

    pub fn not_admin(lang: Lang, message: &str) -> String {
        match lang {
            Lang::En => format!(
                "the community is not an admin of this chat (error 925: {message}); make the community the chat's admin in Sferum"
            ),
            Lang::Ru => format!(
                "Сообщество не администратор этого чата (ошибка 925: {message}); сделайте сообщество администратором чата в Сферуме"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::execute_code;

    fn api(code: i64) -> ApiError {
        ApiError::Api {
            code,
            message: "m".into(),
        }
    }

    #[test]
    fn calls_have_the_spec_shapes() {
        let op = Op::SetAdmin {
            chat: 3,
            member: 7,
            admin: true,
        };
        let c = call(&op, 239);
        assert_eq!(
            execute_code(&[&c]),
            r#"return [API.messages.setMemberRole({"member_id":7,"peer_id":2000000003,"role":"admin"})];"#
        );
        let c = call(
            &Op::CreateChat {
                title: "1 а — ученики".into(),
                members: vec![1, 2],
            },
            239,
        );
        assert_eq!(c.params["user_ids"], "1,2");
        assert!(!c.idempotent());
    }

    #[test]
    fn answers_without_a_field_are_refused_not_defaulted() {
        let r = reply(
            &Op::InviteLink { chat: 1 },
            Ok(json!({"url": "x"})),
            Lang::En,
        );
        assert!(
            matches!(r, Reply::Failed(Failure::Other(m)) if m.contains("messages.getInviteLink") && m.contains("link"))
        );
        let r = reply(&Op::StartCall, Ok(json!({"call_id": "1"})), Lang::Ru);
        assert!(
            matches!(&r, Reply::Failed(Failure::Lost(m)) if m.starts_with("calls.start ответил в неожиданном виде")),
            "a start may have happened: {r:?}"
        );
        let r = reply(
            &Op::CreateChat {
                title: "t".into(),
                members: vec![],
            },
            Ok(json!(5)),
            Lang::En,
        );
        assert!(matches!(r, Reply::Failed(Failure::Lost(_))));
    }

    #[test]
    fn dialogs_and_kicked_chats_are_told_apart() {
        let page = json!({"count": 3, "items": [
            {"conversation": {"peer": {"id": 5, "type": "user", "local_id": 5}}},
            {"conversation": {"peer": {"id": 2000000004u64, "type": "chat", "local_id": 4},
                "chat_settings": {"title": "a", "owner_id": -1, "state": "kicked"}}},
            {"conversation": {"peer": {"id": 2000000002u64, "type": "chat"},
                "chat_settings": {"title": "b", "owner_id": -1, "admin_ids": [3]}}},
        ]});
        let Reply::Chats { total, items } = reply(&Op::ListChats { offset: 0 }, Ok(page), Lang::En)
        else {
            panic!()
        };
        assert_eq!(total, 3);
        assert_eq!(items[0], Conversation::Dialog(5));
        assert!(matches!(&items[1], Conversation::Chat(c) if c.chat == 4 && !c.member));
        assert!(
            matches!(&items[2], Conversation::Chat(c) if c.chat == 2 && c.member && c.admins == [3])
        );
    }

    #[test]
    fn error_codes_become_reactions() {
        let add = Op::Add { chat: 1, user: 2 };
        let remove = Op::Remove { chat: 1, member: 2 };
        for (code, reason) in [
            (113, "invalid_user"),
            (901, "no_permission"),
            (932, "cannot_interact"),
            (936, "contact_not_found"),
            (947, "no_access_to_community"),
            (981, "privacy"),
            (18, "deleted"),
            (103, "chat_full"),
        ] {
            assert_eq!(
                failure(&add, api(code), Lang::En),
                Failure::Person(reason),
                "{code}"
            );
        }
        let create = Op::CreateChat {
            title: "Учительская".into(),
            members: vec![2],
        };
        assert!(
            matches!(failure(&create, api(103), Lang::En), Failure::Other(m) if m.contains("limit of chats"))
        );
        assert_eq!(failure(&remove, api(935), Lang::En), Failure::AlreadyDone);
        assert!(matches!(
            failure(&add, api(935), Lang::En),
            Failure::Other(_)
        ));
        assert!(matches!(
            failure(&add, api(982), Lang::En),
            Failure::Later(_)
        ));
        assert!(matches!(failure(&add, api(9), Lang::En), Failure::Flood(_)));
        assert!(
            matches!(failure(&Op::StartCall, api(29), Lang::En), Failure::Stop(m) if m.contains("calls.start") && m.contains("29"))
        );
        assert!(
            matches!(failure(&add, api(14), Lang::En), Failure::Stop(m) if m.contains("captcha"))
        );
        let m = failure(&Op::StartCall, api(27), Lang::En).text(Lang::En);
        assert!(
            m.contains("calls.start")
                && m.contains("no right to this method")
                && !m.contains("check"),
            "{m}"
        );
        assert_eq!(
            failure(&Op::Members { chat: 1, offset: 0 }, api(927), Lang::En),
            Failure::ChatGone
        );
        // The same reactions in Russian keep the method, the code and the advice.
        let m = failure(&Op::StartCall, api(27), Lang::Ru).text(Lang::Ru);
        assert!(
            m.contains("calls.start")
                && m.contains("ошибка 27")
                && m.contains("Комитет по образованию"),
            "{m}"
        );
        assert!(
            matches!(failure(&create, api(103), Lang::Ru), Failure::Other(m) if m.contains("ошибка 103") && m.contains("предел"))
        );
        assert!(
            matches!(failure(&add, api(500), Lang::Ru), Failure::Other(m) if m == "ошибка 500: m")
        );
        assert_eq!(Failure::ChatGone.text(Lang::Ru), "этого чата больше нет");
    }
}
