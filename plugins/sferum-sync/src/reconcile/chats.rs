//! Chats: discovery (the community's list, read robustly while it shifts), the members of
//! the managed chats, planning, creation with recorded intent, and the updates of existing
//! chats (writes first, then admin grants and invite links).

use super::{Reconciler, Step, CREATE_PASSES};
use crate::backend::{ChatId, Conversation, Failure, ListedChat, MemberId, Op, Reply};
use crate::plan::{self, ActualChat, ChatAction, Found, Plan, Resolved};
use crate::state::{ChatRecord, Skip};
use crate::texts;
use exchange_sdk::school::SferumId;
use exchange_sdk::LogLevel;
use std::collections::{BTreeMap, BTreeSet};

/// How many times the community's list is read in one discovery when it shifts under the
/// reader.
const LIST_PASSES: u32 = 3;

/// The community's list being read, page by page and pass by pass.
///
/// The list is ordered by last message and paged by offset, so a chat that gets a message
/// while the pages are read moves to the front: the page after it then repeats a
/// conversation seen before (a chat or a dialog), and the moved chat may never be seen. A
/// pass that sees a repeat (or a changed total) is followed by another pass; the chats of all
/// passes count. Without a shift a single pass reads each page once.
pub(super) struct Listing {
    chats: BTreeMap<ChatId, ListedChat>,
    /// The conversations of this pass by peer: chats by chat id, dialogs by peer id.
    seen: BTreeSet<Seen>,
    offset: u64,
    pass: u32,
    total: Option<u64>,
    shifted: bool,
}

/// A conversation of the list as a pass remembers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Seen {
    Chat(ChatId),
    Dialog(i64),
}

/// Members of the resolved chats being read.
pub(super) struct Reading {
    listed: Vec<ListedChat>,
    chats: BTreeMap<ChatId, ActualChat>,
    found: BTreeMap<ChatId, Found>,
    pages: Vec<(ChatId, u64)>,
    total: u64,
}

/// Chats being created.
pub(super) struct Creation {
    /// (purpose, title, initial members wanted) per creation.
    creates: Vec<(String, String, usize)>,
    listed: Vec<ListedChat>,
    found: BTreeMap<ChatId, Found>,
}

/// The updates of existing chats.
pub(super) struct Update {
    plan: Plan,
    resolved: BTreeMap<String, Resolved>,
    logs: Vec<Vec<String>>,
    /// The chat (index into the plan) of each operation sent.
    ops: Vec<(usize, Op)>,
    added: BTreeSet<(usize, SferumId)>,
    new_skips: Vec<(usize, SferumId, String)>,
}

impl Reconciler {
    /// Brings the chats in step: reports people without a Sferum ID, then discovers.
    pub(super) fn chats_phase(&mut self) {
        let (chats, without) = (
            self.desired.chats.len() as u64,
            self.desired.without_sferum_id.len() as u64,
        );
        self.bump("chats", chats);
        self.bump("people_without_sferum_id", without);
        let (d, lang) = (&self.desired, self.settings.lang);
        if without > 0 {
            let roles: Vec<String> = d
                .without_sferum_id_by_role
                .iter()
                .map(|(role, n)| format!("{}: {n}", texts::role(lang, role)))
                .collect();
            let names: Vec<String> = d
                .without_sferum_id
                .iter()
                .map(|person| texts::unlinked(lang, person))
                .collect();
            let names = names.join(", ");
            let org = &self.settings.org_id;
            self.info(texts::without_sferum_id(
                lang,
                without,
                &roles.join(", "),
                org,
            ));
            self.push(super::Effect::Log(
                LogLevel::Debug,
                texts::without_sferum_id_names(lang, &names),
            ));
        }
        self.list();
    }

    /// Starts a discovery of the community's chats.
    fn list(&mut self) {
        let listing = Listing {
            chats: BTreeMap::new(),
            seen: BTreeSet::new(),
            offset: 0,
            pass: 1,
            total: None,
            shifted: false,
        };
        self.send(vec![Op::ListChats { offset: 0 }], Step::List(listing));
    }

    pub(super) fn listed(&mut self, mut l: Listing, replies: Vec<Reply>) {
        let lang = self.settings.lang;
        let (total, items) = match replies.into_iter().next() {
            Some(Reply::Chats { total, items }) => (total, items),
            Some(Reply::Failed(e)) => return self.fail(texts::cannot_list(lang, &e.text(lang))),
            other => {
                let other = texts::other_answer(lang, &format!("{other:?}"));
                return self.fail(texts::cannot_list(lang, &other));
            }
        };
        l.shifted |= l.total.is_some_and(|t| t != total);
        l.total = Some(total);
        let page = items.len() as u64;
        for item in items {
            match item {
                Conversation::Chat(chat) => {
                    l.shifted |= !l.seen.insert(Seen::Chat(chat.chat));
                    l.chats.insert(chat.chat, chat);
                }
                Conversation::Dialog(peer) => l.shifted |= !l.seen.insert(Seen::Dialog(peer)),
            }
        }
        l.offset += page;
        if page > 0 && l.offset < total {
            let offset = l.offset;
            return self.send(vec![Op::ListChats { offset }], Step::List(l));
        }
        if l.shifted && l.pass < LIST_PASSES {
            self.info(texts::list_shifted(lang, l.pass));
            l.pass += 1;
            l.seen.clear();
            l.offset = 0;
            l.total = None;
            l.shifted = false;
            return self.send(vec![Op::ListChats { offset: 0 }], Step::List(l));
        }
        let listed = l.chats.into_values().collect();
        self.read_members(listed);
    }

    /// Reads the members of every chat serving a purpose.
    fn read_members(&mut self, listed: Vec<ListedChat>) {
        let resolved = plan::resolve(&self.desired, &self.state, &pairs(&listed));
        let ids: BTreeSet<ChatId> = resolved.values().map(|r| r.chat_id).collect();
        let reading = Reading {
            listed,
            chats: BTreeMap::new(),
            found: BTreeMap::new(),
            pages: ids.iter().map(|&id| (id, 0)).collect(),
            total: ids.len() as u64,
        };
        self.read_pages(reading);
    }

    fn read_pages(&mut self, r: Reading) {
        let ops = r
            .pages
            .iter()
            .map(|&(chat, offset)| Op::Members { chat, offset })
            .collect();
        self.send(ops, Step::Members(r));
    }

    pub(super) fn members(&mut self, mut r: Reading, replies: Vec<Reply>) {
        let lang = self.settings.lang;
        let mut next = Vec::new();
        for (&(id, offset), reply) in r.pages.iter().zip(replies) {
            let (total, items) = match reply {
                Reply::Members { total, items } => (total, items),
                Reply::Failed(Failure::ChatGone) => {
                    r.found.insert(id, Found::Gone);
                    continue;
                }
                Reply::Failed(Failure::ChatLost) => {
                    r.found.insert(id, Found::Lost);
                    continue;
                }
                Reply::Failed(e) => {
                    r.found.insert(id, Found::Failed(e.text(lang)));
                    continue;
                }
                other => {
                    r.found.insert(
                        id,
                        Found::Failed(texts::other_answer(lang, &format!("{other:?}"))),
                    );
                    continue;
                }
            };
            let listed = r.listed.iter().find(|l| l.chat == id);
            let chat = r.chats.entry(id).or_insert_with(|| ActualChat {
                chat_id: id,
                title: listed.map(|l| l.title.clone()).unwrap_or_default(),
                owner: listed.map(|l| l.owner).unwrap_or(0),
                admins: listed
                    .map(|l| l.admins.iter().copied().collect())
                    .unwrap_or_default(),
                members: BTreeSet::new(),
            });
            let read = offset + items.len() as u64;
            let more = !items.is_empty() && read < total;
            for m in items {
                chat.members.insert(m.id);
                if m.admin {
                    chat.admins.insert(m.id);
                }
                if m.owner {
                    chat.owner = m.id;
                }
            }
            if more {
                next.push((id, read));
            }
        }
        if !next.is_empty() {
            r.pages = next;
            return self.read_pages(r);
        }
        let mut found = r.found;
        found.extend(r.chats.into_iter().map(|(id, c)| (id, Found::Present(c))));
        self.progress("read", found.len() as u64, r.total);
        self.plan_step(r.listed, found);
    }

    /// Plans from what is known of Sferum; creates, or updates and ends.
    fn plan_step(&mut self, listed: Vec<ListedChat>, found: BTreeMap<ChatId, Found>) {
        let resolved = plan::resolve(&self.desired, &self.state, &pairs(&listed));
        let plan = plan::plan(
            &self.desired,
            &self.state,
            &resolved,
            &found,
            &self.options(),
        );
        if self.settings.dry_run {
            let lang = self.settings.lang;
            self.info(texts::dry_run_heading(lang).into());
            texts::count_plan(&plan.chats, &mut self.counters);
            for line in plan
                .chats
                .iter()
                .filter_map(|c| texts::chat_totals(lang, c))
            {
                self.info(line);
            }
            for line in plan.render(&self.desired, lang) {
                self.info(line);
            }
            return self.end(plan.guard);
        }
        let missing: Vec<usize> = (0..plan.chats.len())
            .filter(|&i| matches!(plan.chats[i].action, ChatAction::Create { .. }))
            .collect();
        let creates: Vec<usize> = missing
            .iter()
            .copied()
            .filter(|&i| !self.uncertain.contains(&plan.chats[i].purpose))
            .collect();
        if !creates.is_empty() && self.create_passes < CREATE_PASSES {
            return self.create(&plan, &creates, listed, found);
        }
        let lang = self.settings.lang;
        for i in missing {
            let c = &plan.chats[i];
            let text = if self.uncertain.contains(&c.purpose) {
                texts::creation_uncertain(lang, &c.title)
            } else {
                texts::not_created(lang, &c.title)
            };
            self.problem(text);
        }
        self.update(plan, resolved);
    }

    /// Creates chats with their initial members, each after saving the intent.
    fn create(
        &mut self,
        plan: &Plan,
        creates: &[usize],
        listed: Vec<ListedChat>,
        found: BTreeMap<ChatId, Found>,
    ) {
        let mut ops = Vec::new();
        let mut meta = Vec::new();
        for &i in creates {
            let c = &plan.chats[i];
            if let ChatAction::Create { note: Some(note) } = &c.action {
                self.warn(format!("«{}»: {note}", c.title));
            }
            let intent = ChatRecord {
                title: c.title.clone(),
                ..Default::default()
            };
            self.state.chats.insert(c.purpose.clone(), intent);
            let members = if self.create_empty.contains(&c.purpose) {
                Vec::new()
            } else {
                c.add.clone()
            };
            ops.push(Op::CreateChat {
                title: c.title.clone(),
                members,
            });
            meta.push((c.purpose.clone(), c.title.clone(), c.add.len()));
        }
        self.save();
        let creation = Creation {
            creates: meta,
            listed,
            found,
        };
        self.send(ops, Step::Created(creation));
    }

    /// Records the chat ids of the creations that were answered.
    pub(super) fn record_created(&mut self, c: &Creation, replies: Vec<Option<Reply>>) {
        for ((purpose, _, _), reply) in c.creates.iter().zip(replies) {
            if let (Some(Reply::Created { chat, .. }), Some(record)) =
                (reply, self.state.chats.get_mut(purpose))
            {
                record.chat_id = Some(chat);
            }
        }
    }

    pub(super) fn created(&mut self, c: Creation, replies: Vec<Reply>) {
        let lang = self.settings.lang;
        let n = c.creates.len();
        let mut created = Vec::new();
        for ((purpose, title, wanted), reply) in c.creates.into_iter().zip(replies) {
            match reply {
                Reply::Created { chat, members } => {
                    if let Some(record) = self.state.chats.get_mut(&purpose) {
                        record.chat_id = Some(chat);
                    }
                    self.bump("chats_created", 1);
                    self.bump("members_added", members.len() as u64);
                    self.info(texts::created(lang, &title, chat, members.len(), wanted));
                    created.push((chat, title, members));
                }
                Reply::Failed(Failure::Lost(m)) => {
                    self.warn(texts::creation_lost(lang, &title, &m));
                    self.uncertain.insert(purpose);
                }
                Reply::Failed(Failure::Person(reason)) if !self.create_empty.contains(&purpose) => {
                    let why = texts::skip_reason(lang, reason);
                    self.warn(texts::create_empty(lang, &title, &why));
                    self.create_empty.insert(purpose);
                }
                Reply::Failed(e) => self.problem(texts::create_failed(lang, &title, &e.text(lang))),
                other => {
                    let other = texts::other_answer(lang, &format!("{other:?}"));
                    self.problem(texts::create_failed(lang, &title, &other))
                }
            }
        }
        self.progress("create", n as u64, n as u64);
        self.save();
        self.create_passes += 1;
        // When every creation was answered, its answer is what Sferum holds: plan the rest
        // without reading everything again. Anything else needs a fresh read.
        if created.len() != n {
            return self.list();
        }
        let (mut listed, mut found) = (c.listed, c.found);
        let owner = -(self.settings.community_id as i64);
        for (chat, title, members) in created {
            listed.push(ListedChat {
                chat,
                title: title.clone(),
                owner,
                admins: Vec::new(),
                member: true,
            });
            let actual = ActualChat {
                chat_id: chat,
                title,
                owner,
                admins: BTreeSet::new(),
                members: members.into_iter().chain([owner]).collect(),
            };
            found.insert(chat, Found::Present(actual));
        }
        self.plan_step(listed, found);
    }

    /// Applies the updates of existing chats: writes first, then admin grants and links.
    fn update(&mut self, plan: Plan, resolved: BTreeMap<String, Resolved>) {
        let lang = self.settings.lang;
        let mut logs: Vec<Vec<String>> = vec![Vec::new(); plan.chats.len()];
        for (i, c) in plan.chats.iter().enumerate() {
            if let ChatAction::Hold { reason, .. } = &c.action {
                self.problem(format!("«{}»: {reason}", c.title));
            }
            // A chat found by its title is taken over even when it is held this run (its
            // members could not be read): the next run reads it by its id, so a list that
            // misses it (the list shifts while it is read) cannot lead to a second chat.
            let adopted = match &c.action {
                ChatAction::Update {
                    chat_id,
                    adopted: true,
                    ..
                } => Some(*chat_id),
                ChatAction::Hold { chat_id, .. } => resolved
                    .get(&c.purpose)
                    .filter(|r| r.adopted && r.chat_id == *chat_id)
                    .map(|r| r.chat_id),
                _ => None,
            };
            if let Some(chat_id) = adopted {
                let pending = self
                    .state
                    .chats
                    .get(&c.purpose)
                    .is_some_and(|r| r.chat_id.is_none());
                if pending {
                    self.bump("chats_created", 1);
                }
                let record = ChatRecord {
                    chat_id: Some(chat_id),
                    title: c.title.clone(),
                    ..Default::default()
                };
                self.state.chats.insert(c.purpose.clone(), record);
                logs[i].push(texts::found_by_title(lang, pending));
            }
        }
        self.save();
        let mut ops = Vec::new();
        for (i, c) in plan.chats.iter().enumerate() {
            let Some(chat) = chat_of(&c.action) else {
                continue;
            };
            if let ChatAction::Update {
                retitle_from: Some(_),
                ..
            } = c.action
            {
                let title = c.title.clone();
                ops.push((i, Op::Retitle { chat, title }));
            }
            ops.extend(c.add.iter().map(|&user| (i, Op::Add { chat, user })));
            ops.extend(c.revoke.iter().map(|&member| {
                let admin = false;
                (
                    i,
                    Op::SetAdmin {
                        chat,
                        member,
                        admin,
                    },
                )
            }));
            if plan.guard.is_none() {
                ops.extend(
                    c.remove
                        .iter()
                        .map(|&member| (i, Op::Remove { chat, member })),
                );
            }
        }
        let u = Update {
            plan,
            resolved,
            logs,
            ops,
            added: BTreeSet::new(),
            new_skips: Vec::new(),
        };
        let ops = u.ops.iter().map(|(_, op)| op.clone()).collect();
        self.send(ops, Step::Writes(u));
    }

    pub(super) fn written(&mut self, mut u: Update, replies: Vec<Reply>) {
        let lang = self.settings.lang;
        let ops = std::mem::take(&mut u.ops);
        for ((i, op), reply) in ops.into_iter().zip(replies) {
            let c = &u.plan.chats[i];
            let (title, purpose) = (c.title.clone(), c.purpose.clone());
            match (&op, reply) {
                (Op::Retitle { .. }, Reply::Done) => {
                    self.bump("chats_retitled", 1);
                    if let ChatAction::Update {
                        retitle_from: Some(from),
                        ..
                    } = &c.action
                    {
                        u.logs[i].push(texts::renamed(lang, from));
                    }
                    if let Some(r) = self.state.chats.get_mut(&purpose) {
                        r.title = title;
                    }
                }
                (Op::Add { user, .. }, Reply::Done) => {
                    self.bump("members_added", 1);
                    u.added.insert((i, *user));
                    u.logs[i].push(texts::added(lang, &self.person(*user as i64)));
                }
                (Op::Add { user, .. }, Reply::Failed(Failure::Person(reason))) => {
                    let why = texts::skip_reason(lang, reason);
                    u.logs[i].push(texts::not_added(lang, &self.person(*user as i64), &why));
                    u.new_skips.push((i, *user, reason.to_string()));
                }
                (Op::SetAdmin { member, .. }, Reply::Done) => {
                    self.bump("admins_revoked", 1);
                    u.logs[i].push(texts::revoked(lang, &self.person(*member)));
                }
                (Op::SetAdmin { member, .. }, Reply::Failed(Failure::AlreadyDone)) => {
                    u.logs[i].push(texts::revoke_gone(lang, &self.person(*member)));
                }
                (Op::Remove { member, .. }, Reply::Done) => {
                    self.bump("members_removed", 1);
                    u.logs[i].push(texts::removed(lang, &self.person(*member), false));
                }
                (Op::Remove { member, .. }, Reply::Failed(Failure::AlreadyDone)) => {
                    self.bump("members_removed", 1);
                    u.logs[i].push(texts::removed(lang, &self.person(*member), true));
                }
                (op, reply) => self.op_problem(&title, op, reply),
            }
        }
        for (i, c) in u.plan.chats.iter().enumerate() {
            if chat_of(&c.action).is_none() {
                continue;
            }
            let keep: BTreeSet<SferumId> = c.skipped.iter().map(|(id, _)| *id).collect();
            let now = self.settings.now;
            let record = self.state.chats.entry(c.purpose.clone()).or_default();
            record.skipped.retain(|id, _| keep.contains(id));
            for (_, id, reason) in u.new_skips.iter().filter(|(j, _, _)| *j == i) {
                let skip = Skip {
                    reason: reason.clone(),
                    at: now,
                };
                record.skipped.insert(*id, skip);
            }
        }
        self.save();
        let mut ops = Vec::new();
        for (i, c) in u.plan.chats.iter().enumerate() {
            let Some(chat) = chat_of(&c.action) else {
                continue;
            };
            for &id in &c.grant {
                if c.add.contains(&id) && !u.added.contains(&(i, id)) {
                    continue;
                }
                let (member, admin) = (id as MemberId, true);
                ops.push((
                    i,
                    Op::SetAdmin {
                        chat,
                        member,
                        admin,
                    },
                ));
            }
            if c.fetch_link {
                ops.push((i, Op::InviteLink { chat }));
            }
        }
        u.ops = ops;
        let ops = u.ops.iter().map(|(_, op)| op.clone()).collect();
        self.send(ops, Step::Reads(u));
    }

    pub(super) fn read_done(&mut self, mut u: Update, replies: Vec<Reply>) {
        let lang = self.settings.lang;
        let ops = std::mem::take(&mut u.ops);
        for ((i, op), reply) in ops.into_iter().zip(replies) {
            let c = &u.plan.chats[i];
            let (title, purpose) = (c.title.clone(), c.purpose.clone());
            match (&op, reply) {
                (Op::SetAdmin { member, .. }, Reply::Done) => {
                    self.bump("admins_granted", 1);
                    u.logs[i].push(texts::granted(lang, &self.person(*member)));
                }
                (Op::InviteLink { .. }, Reply::Link(link)) => {
                    if let Some(r) = self.state.chats.get_mut(&purpose) {
                        r.link = Some(link);
                    }
                }
                (op, reply) => self.op_problem(&title, op, reply),
            }
        }
        self.save();
        let mut skipped: BTreeMap<String, u64> = BTreeMap::new();
        for (i, c) in u.plan.chats.iter().enumerate() {
            if !u.logs[i].is_empty() {
                let id = u
                    .resolved
                    .get(&c.purpose)
                    .map(|r| texts::chat_id(lang, r.chat_id))
                    .unwrap_or_default();
                self.info(format!("«{}»{id}: {}", c.title, u.logs[i].join("; ")));
            }
            let new = u.new_skips.iter().filter(|(j, _, _)| *j == i);
            let reasons = c
                .skipped
                .iter()
                .map(|(_, r)| r.clone())
                .chain(new.map(|(_, _, r)| r.clone()));
            for reason in reasons {
                *skipped.entry(reason).or_default() += 1;
            }
        }
        for (reason, n) in skipped {
            self.bump(&format!("skipped.{reason}"), n);
            self.bump("skipped", n);
        }
        self.end(u.plan.guard);
    }

    /// A failed or oddly answered operation of the update phase, as a problem of «`title`».
    fn op_problem(&mut self, title: &str, op: &Op, reply: Reply) {
        let lang = self.settings.lang;
        let person = match op {
            Op::Add { user, .. } => self.person(*user as i64),
            Op::SetAdmin { member, .. } | Op::Remove { member, .. } => self.person(*member),
            _ => String::new(),
        };
        let what = texts::operation(lang, op, &person);
        self.problem(match reply {
            Reply::Failed(e) => texts::op_failed(lang, title, &what, &e.text(lang)),
            other => {
                let other = texts::other_answer(lang, &format!("{other:?}"));
                texts::op_odd(lang, title, &what, &other)
            }
        });
    }
}

/// The chat an action updates.
fn chat_of(action: &ChatAction) -> Option<ChatId> {
    match action {
        ChatAction::Update { chat_id, .. } => Some(*chat_id),
        _ => None,
    }
}

/// The chats the community is in, as (chat id, title) for the search by title.
fn pairs(listed: &[ListedChat]) -> Vec<(ChatId, String)> {
    listed
        .iter()
        .filter(|l| l.member)
        .map(|l| (l.chat, l.title.clone()))
        .collect()
}
