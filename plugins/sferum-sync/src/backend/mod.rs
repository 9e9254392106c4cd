//! The boundary between the reconciler and a messenger: operations the reconciler asks for,
//! the replies it gets back, and the reactions failures call for, all in the messenger's
//! neutral terms. A messenger backend (today [`vk`], the VK API Sferum runs on) turns
//! operations into its own calls, its answers into [`Reply`] values and its error codes into
//! [`Failure`] reactions; a second messenger is a second module beside it.

pub mod vk;

use crate::texts::Lang;
use exchange_sdk::school::SferumId;

/// A chat id of the community.
pub type ChatId = u64;

/// A chat member: a user (positive id) or a community (negative id).
pub type MemberId = i64;

/// One operation the reconciler asks the messenger for.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// Which community the token opens.
    Community,
    /// One page of the community's conversations, from `offset`.
    ListChats {
        /// How many conversations to skip.
        offset: u64,
    },
    /// One page of a chat's members, from `offset`.
    Members {
        /// The chat.
        chat: ChatId,
        /// How many members to skip.
        offset: u64,
    },
    /// Create a chat owned by the community with these initial members.
    CreateChat {
        /// The chat's title.
        title: String,
        /// Initial members (may be empty).
        members: Vec<SferumId>,
    },
    /// Give a chat a new title.
    Retitle {
        /// The chat.
        chat: ChatId,
        /// The new title.
        title: String,
    },
    /// Add a user to a chat.
    Add {
        /// The chat.
        chat: ChatId,
        /// The user.
        user: SferumId,
    },
    /// Remove a member from a chat.
    Remove {
        /// The chat.
        chat: ChatId,
        /// The member.
        member: MemberId,
    },
    /// Grant (`admin: true`) or revoke admin rights.
    SetAdmin {
        /// The chat.
        chat: ChatId,
        /// The member.
        member: MemberId,
        /// Grant or revoke.
        admin: bool,
    },
    /// The chat's invite link.
    InviteLink {
        /// The chat.
        chat: ChatId,
    },
    /// Start a video call on behalf of the community.
    StartCall,
}

/// What kind of operation, for reactions that stop one kind for the rest of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum OpKind {
    /// [`Op::Community`].
    Community,
    /// [`Op::ListChats`].
    ListChats,
    /// [`Op::Members`].
    Members,
    /// [`Op::CreateChat`].
    CreateChat,
    /// [`Op::Retitle`].
    Retitle,
    /// [`Op::Add`].
    Add,
    /// [`Op::Remove`].
    Remove,
    /// [`Op::SetAdmin`].
    SetAdmin,
    /// [`Op::InviteLink`].
    InviteLink,
    /// [`Op::StartCall`].
    StartCall,
}

impl Op {
    /// The operation's kind.
    pub fn kind(&self) -> OpKind {
        match self {
            Op::Community => OpKind::Community,
            Op::ListChats { .. } => OpKind::ListChats,
            Op::Members { .. } => OpKind::Members,
            Op::CreateChat { .. } => OpKind::CreateChat,
            Op::Retitle { .. } => OpKind::Retitle,
            Op::Add { .. } => OpKind::Add,
            Op::Remove { .. } => OpKind::Remove,
            Op::SetAdmin { .. } => OpKind::SetAdmin,
            Op::InviteLink { .. } => OpKind::InviteLink,
            Op::StartCall => OpKind::StartCall,
        }
    }

    /// Whether repeating the operation after a lost answer is harmless.
    pub fn idempotent(&self) -> bool {
        !matches!(self, Op::CreateChat { .. } | Op::StartCall)
    }
}

/// One conversation of the community's list.
#[derive(Clone, Debug, PartialEq)]
pub enum Conversation {
    /// A group chat.
    Chat(ListedChat),
    /// A dialog with a person or another community (its peer id): not a chat, ignored but
    /// for telling that the list shifted while it was read.
    Dialog(i64),
}

/// A group chat as the community's list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ListedChat {
    /// The chat id.
    pub chat: ChatId,
    /// Its title.
    pub title: String,
    /// Its owner.
    pub owner: MemberId,
    /// Its admins (the owner may be left out).
    pub admins: Vec<MemberId>,
    /// False when the community was kicked from the chat or left it: listed, not managed.
    pub member: bool,
}

/// One chat member as the member list shows it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MemberInfo {
    /// The member.
    pub id: MemberId,
    /// Has admin rights.
    pub admin: bool,
    /// Owns the chat.
    pub owner: bool,
}

/// The answer to one operation.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// [`Op::Community`]: the token's community.
    Community {
        /// Its id.
        id: u64,
        /// Its name.
        name: String,
    },
    /// [`Op::ListChats`]: one page.
    Chats {
        /// How many conversations the community has in all (at the time of this page).
        total: u64,
        /// The page, in the messenger's order.
        items: Vec<Conversation>,
    },
    /// [`Op::Members`]: one page.
    Members {
        /// How many members the chat has in all.
        total: u64,
        /// The page.
        items: Vec<MemberInfo>,
    },
    /// [`Op::CreateChat`]: the new chat and the initial members it got.
    Created {
        /// The new chat.
        chat: ChatId,
        /// The users the creation added (people who cannot be added are left out).
        members: Vec<MemberId>,
    },
    /// [`Op::InviteLink`]: the link.
    Link(String),
    /// [`Op::StartCall`]: the join link of the new call.
    CallStarted {
        /// The link participants join by.
        join_link: String,
    },
    /// A write that was done.
    Done,
    /// The operation did not succeed.
    Failed(Failure),
}

/// Why an operation did not succeed, as the reaction it calls for.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The request was sent but its answer was lost or unreadable: it may have taken effect.
    Lost(String),
    /// This person cannot be added (privacy, deleted account, …): skipped with the reason
    /// key, retried after a day.
    Person(&'static str),
    /// The removal or role change is already done (the member is not in the chat).
    AlreadyDone,
    /// The chat does not exist any more.
    ChatGone,
    /// The community has no access to the chat any more.
    ChatLost,
    /// A passing refusal ("try later"): retried later in the run, then reported.
    Later(String),
    /// Flood control: retried once after a long pause, then this kind is stopped.
    Flood(String),
    /// This kind of operation cannot go on in this run (a spent quota, a captcha, a method the
    /// token has no right to); the message says why and what to do.
    Stop(String),
    /// The run cannot go on (the token is refused, a request is invalid, the API is
    /// unreachable); the message says why and what to do.
    Fatal(String),
    /// Any other refusal of this one operation.
    Other(String),
}

impl Failure {
    /// The failure as a sentence in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (
                Failure::Lost(m)
                | Failure::Later(m)
                | Failure::Flood(m)
                | Failure::Stop(m)
                | Failure::Fatal(m)
                | Failure::Other(m),
                _,
            ) => m.clone(),
            (Failure::Person(reason), Lang::En) => {
                format!("the person cannot be added ({reason})")
            }
            (Failure::Person(reason), Lang::Ru) => format!(
                "этого человека нельзя добавить ({})",
                crate::texts::skip_reason(lang, reason)
            ),
            (Failure::AlreadyDone, Lang::En) => "the member is not in the chat".into(),
            (Failure::AlreadyDone, Lang::Ru) => "этого участника нет в чате".into(),
            (Failure::ChatGone, Lang::En) => "the chat does not exist any more".into(),
            (Failure::ChatGone, Lang::Ru) => "этого чата больше нет".into(),
            (Failure::ChatLost, Lang::En) => {
                "the community has no access to the chat any more".into()
            }
            (Failure::ChatLost, Lang::Ru) => "у сообщества больше нет доступа к чату".into(),
        }
    }
}

/// A messenger the reconciler's operations are carried out on.
pub trait Messenger {
    /// Carries out `ops` (in batches as the messenger allows) and returns one reply per
    /// operation, in order. Err when the run cannot go on (the message says why).
    fn send(&mut self, ops: &[Op]) -> Result<Vec<Reply>, String>;
}
