//! A small in-memory Sferum for the property tests: chats with members and admins, a
//! conversation list ordered by last activity with dialogs mixed in and paged small, video
//! calls, people who cannot be added, and injected faults.

use crate::backend::{ChatId, Conversation, Failure, ListedChat, MemberInfo, Op, Reply};
use exchange_sdk::school::SferumId;
use std::collections::{BTreeMap, BTreeSet};

/// Conversations per page: small, so that lists take several pages.
const PAGE: usize = 4;

/// One chat of the model.
#[derive(Clone, Debug)]
pub struct Chat {
    pub title: String,
    pub members: BTreeSet<i64>,
    pub admins: BTreeSet<i64>,
    /// The purpose of the run that created it (the test's bookkeeping, not Sferum's).
    pub purpose: String,
}

/// A conversation in the list: a chat or a dialog.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Entry {
    Chat(ChatId),
    Dialog(i64),
}

/// The model of one community.
#[derive(Clone, Debug)]
pub struct Model {
    pub community: u64,
    pub chats: BTreeMap<ChatId, Chat>,
    /// Most recent first.
    order: Vec<Entry>,
    next_chat: ChatId,
    /// Join links of every call ever started.
    pub calls: Vec<String>,
    pub unaddable: BTreeSet<SferumId>,
}

/// What a fault does to one operation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fault {
    /// Not applied; the answer is lost.
    Lost,
    /// Applied; the answer is lost.
    CommitThenLost,
    /// Refused with a passing error.
    Other,
    /// Refused as "try later".
    Later,
    /// Refused by flood control.
    Flood,
    /// A chat of the list gets a message after this page is read (the list shifts).
    Shift,
}

impl Model {
    /// An empty community with two dialogs in its list.
    pub fn new(community: u64, unaddable: BTreeSet<SferumId>) -> Model {
        Model {
            community,
            chats: BTreeMap::new(),
            order: vec![Entry::Dialog(501), Entry::Dialog(502)],
            next_chat: 1,
            calls: Vec::new(),
            unaddable,
        }
    }

    fn owner(&self) -> i64 {
        -(self.community as i64)
    }

    fn touch(&mut self, chat: ChatId) {
        self.order.retain(|e| *e != Entry::Chat(chat));
        self.order.insert(0, Entry::Chat(chat));
    }

    /// Carries out `op` (for the purpose `purpose` when it creates a chat) under `fault`.
    pub fn apply(&mut self, op: &Op, purpose: &str, fault: Option<Fault>) -> Reply {
        let failed = |f: Failure| Reply::Failed(f);
        match fault {
            Some(Fault::Lost) => return failed(Failure::Lost("the answer was lost".into())),
            Some(Fault::Other) => return failed(Failure::Other("error 10: Internal".into())),
            Some(Fault::Later) => return failed(Failure::Later("error 982".into())),
            Some(Fault::Flood) => return failed(Failure::Flood("error 9".into())),
            _ => {}
        }
        let reply = self.commit(op, purpose);
        match fault {
            Some(Fault::CommitThenLost) => failed(Failure::Lost("the answer was lost".into())),
            Some(Fault::Shift) => {
                if let Some(last) = self.order.pop() {
                    self.order.insert(0, last);
                }
                reply
            }
            _ => reply,
        }
    }

    fn commit(&mut self, op: &Op, purpose: &str) -> Reply {
        let owner = self.owner();
        match op {
            Op::Community => Reply::Community {
                id: self.community,
                name: "Школа".into(),
            },
            Op::ListChats { offset } => {
                let items = self
                    .order
                    .iter()
                    .skip(*offset as usize)
                    .take(PAGE)
                    .map(|e| match e {
                        Entry::Dialog(peer) => Conversation::Dialog(*peer),
                        Entry::Chat(id) => {
                            let c = &self.chats[id];
                            Conversation::Chat(ListedChat {
                                chat: *id,
                                title: c.title.clone(),
                                owner,
                                admins: c.admins.iter().copied().filter(|&a| a != owner).collect(),
                                member: true,
                            })
                        }
                    })
                    .collect();
                Reply::Chats {
                    total: self.order.len() as u64,
                    items,
                }
            }
            Op::Members { chat, offset } => match self.chats.get(chat) {
                None => Reply::Failed(Failure::ChatGone),
                Some(c) => Reply::Members {
                    total: c.members.len() as u64,
                    items: c
                        .members
                        .iter()
                        .skip(*offset as usize)
                        .take(PAGE)
                        .map(|&id| MemberInfo {
                            id,
                            admin: c.admins.contains(&id),
                            owner: id == owner,
                        })
                        .collect(),
                },
            },
            Op::CreateChat { title, members } => {
                let chat = self.next_chat;
                self.next_chat += 1;
                let added: Vec<i64> = members
                    .iter()
                    .filter(|m| !self.unaddable.contains(m))
                    .map(|&m| m as i64)
                    .collect();
                let c = Chat {
                    title: title.clone(),
                    members: added.iter().copied().chain([owner]).collect(),
                    admins: [owner].into(),
                    purpose: purpose.to_string(),
                };
                self.chats.insert(chat, c);
                self.touch(chat);
                Reply::Created {
                    chat,
                    members: added,
                }
            }
            Op::Retitle { chat, title } => self.edit(*chat, |c| {
                c.title = title.clone();
                Reply::Done
            }),
            Op::Add { chat, user } => {
                if self.unaddable.contains(user) {
                    return Reply::Failed(Failure::Person("privacy"));
                }
                self.edit(*chat, |c| {
                    c.members.insert(*user as i64);
                    Reply::Done
                })
            }
            Op::Remove { chat, member } => self.edit(*chat, |c| {
                if c.members.remove(member) {
                    c.admins.remove(member);
                    Reply::Done
                } else {
                    Reply::Failed(Failure::AlreadyDone)
                }
            }),
            Op::SetAdmin {
                chat,
                member,
                admin,
            } => self.edit(*chat, |c| {
                if !c.members.contains(member) {
                    return Reply::Failed(Failure::AlreadyDone);
                }
                if *admin {
                    c.admins.insert(*member);
                } else {
                    c.admins.remove(member);
                }
                Reply::Done
            }),
            Op::InviteLink { chat } => match self.chats.get(chat) {
                None => Reply::Failed(Failure::ChatGone),
                Some(_) => Reply::Link(format!("https://sferum.ru/?p=messages&join=L{chat}")),
            },
            Op::StartCall => {
                let link = format!("https://vk.com/call/join/{}", self.calls.len() + 1);
                self.calls.push(link.clone());
                Reply::CallStarted { join_link: link }
            }
        }
    }

    fn edit(&mut self, chat: ChatId, f: impl FnOnce(&mut Chat) -> Reply) -> Reply {
        let Some(c) = self.chats.get_mut(&chat) else {
            return Reply::Failed(Failure::ChatGone);
        };
        let reply = f(c);
        self.touch(chat);
        reply
    }
}
