//! One run of the sync: reads Sferum, plans, applies the plan through the client, keeps the
//! task's state, publishes the "Sferum chats" table and starts the published video calls.
//!
//! Crash safety: a chat's creation is recorded as an intent (purpose and exact title) before
//! `messages.createChat` is sent; a later pass or run looks for a chat of that title before
//! creating another. A call's start is recorded before `calls.start` is sent; a start whose
//! answer was lost is never repeated on its own.

use crate::client::{skip_reason, ApiError, Call, Client};
use crate::config::Config;
use crate::plan::{self, ActualChat, ChatAction, ChatPlan, Found, Options, Plan, Resolved};
use crate::rules::{Desired, STAFF, STAFF_TITLE};
use crate::state::{CallRecord, ChatRecord, Skip, TaskState, KEY};
use exchange_sdk::plugin::{LinksRow, LinksTable};
use exchange_sdk::school::{SchoolData, SferumId};
use exchange_sdk::{Context, RunStatus, RunSummary};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Chat peer ids are this plus the chat id.
pub const PEER_BASE: u64 = 2_000_000_000;
/// The columns of the published table.
pub const COLUMNS: [&str; 3] = ["Учебный коллектив", "Родительский чат", "Чат учеников"];
/// How many times a run creates missing chats before it reports them as failed.
const CREATE_PASSES: usize = 2;
/// At most this many names are listed in the log line about people without a Sferum ID.
const NAMES_IN_LOG: usize = 10;

/// Counters every summary carries, zero or not.
const COUNTERS: [&str; 13] = [
    "chats_created",
    "chats_retitled",
    "members_added",
    "members_removed",
    "admins_granted",
    "admins_revoked",
    "links_published",
    "calls_published",
    "calls_failed",
    "api_requests",
    "api_calls",
    "people_without_sferum_id",
    "chats",
];

/// One chat of the community's conversation list.
struct Listed {
    chat_id: u64,
    title: String,
    owner: i64,
    admins: BTreeSet<i64>,
}

/// What one write of the update phase was for.
#[derive(Clone, Copy)]
enum Op {
    Retitle,
    Add(SferumId),
    Revoke(i64),
    Remove(i64),
    Grant(SferumId),
    Link,
}

/// A run in progress.
pub struct Sync<'a, 'h> {
    ctx: &'a Context<'h>,
    client: &'a Client,
    config: &'a Config,
    state: TaskState,
    saved: String,
    counters: BTreeMap<String, u64>,
    problems: Vec<String>,
    /// Purposes whose creation answer was lost: not created again in this run, since a late
    /// commit may still land; the next run looks for them by title first.
    uncertain: BTreeSet<String>,
    now: u64,
}

/// Runs the sync once; the summary says how it went. Err when the run could not do its job.
pub fn run(ctx: &Context<'_>, client: &Client, config: &Config) -> Result<RunSummary, String> {
    let school = ctx.request().school.as_ref().ok_or(
        "the organization has no school data yet: import it first (exchange-host school import), then run the task again",
    )?;
    let mut sync = Sync::new(ctx, client, config)?;
    sync.check_community()?;
    sync.calls(school)?;
    let desired = crate::rules::desired(school, config.subject_chats);
    let outcome = sync.chats(&desired);
    let result = outcome.and_then(|guard| sync.publish(&desired).map(|()| guard));
    sync.save()?;
    Ok(sync.summary(result?, &desired))
}

/// Checks that the token and community work; the community's name on success.
pub fn check(client: &Client, config: &Config) -> Result<String, String> {
    let name = community_name(client, config.community_id)?;
    Ok(format!(
        "Sferum answers: the token opens the community «{name}» (id {})",
        config.community_id
    ))
}

fn community_name(client: &Client, community_id: u64) -> Result<String, String> {
    let v = client
        .call(&Call::new("groups.getById", json!({})))
        .map_err(|e| e.to_string())?;
    let group = v
        .get("groups")
        .and_then(|g| g.get(0))
        .or_else(|| v.get(0))
        .cloned()
        .unwrap_or(Value::Null);
    let id = group.get("id").and_then(Value::as_u64);
    let name = group
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    match id {
        Some(id) if id == community_id => Ok(name),
        Some(id) => Err(format!(
            "the access token belongs to the community «{name}» (id {id}), but sferum.community_id is {community_id}: check both values in the organization's Links base («База ссылок»)"
        )),
        None => Err("groups.getById answered without the community's id".into()),
    }
}

impl<'a, 'h> Sync<'a, 'h> {
    fn new(ctx: &'a Context<'h>, client: &'a Client, config: &'a Config) -> Result<Self, String> {
        let stored = ctx.state_get(KEY);
        let state = TaskState::parse(stored.as_deref())?;
        let saved = stored.unwrap_or_default();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let counters = COUNTERS.iter().map(|k| (k.to_string(), 0)).collect();
        Ok(Sync {
            ctx,
            client,
            config,
            state,
            saved,
            counters,
            problems: Vec::new(),
            uncertain: BTreeSet::new(),
            now,
        })
    }

    fn bump(&mut self, key: &str, n: u64) {
        *self.counters.entry(key.to_string()).or_default() += n;
    }

    fn problem(&mut self, text: String) {
        self.ctx.warn(&text);
        self.problems.push(text);
    }

    /// Writes the state if it changed (never in a dry run). Durable on return.
    fn save(&mut self) -> Result<(), String> {
        if self.config.dry_run {
            return Ok(());
        }
        let json = self.state.to_json();
        if json != self.saved {
            self.ctx
                .state_set(KEY, Some(&json))
                .map_err(|e| format!("cannot save the task's state: {e}"))?;
            self.saved = json;
        }
        Ok(())
    }

    fn check_community(&mut self) -> Result<(), String> {
        community_name(self.client, self.config.community_id).map(|_| ())
    }

    fn group(&self) -> u64 {
        self.config.community_id
    }

    // ---- video calls ----

    /// Starts a Sferum call for every published call without a link and writes the link back.
    fn calls(&mut self, school: &SchoolData) -> Result<(), String> {
        let wanted: Vec<_> = school
            .video_calls
            .iter()
            .filter(|c| c.published && c.join_link.is_none())
            .collect();
        self.state
            .calls
            .retain(|id, _| wanted.iter().any(|c| &c.id == id));
        for (done, call) in wanted.iter().enumerate() {
            self.ctx.progress("calls", done as u64, wanted.len() as u64);
            let what = format!(
                "video call «{}» ({}, {}, {})",
                call.title,
                class_name(school, &call.class),
                call.subject,
                call.starts_at
            );
            if self.config.dry_run {
                self.ctx.info(&format!(
                    "{what}: would start a Sferum call and write its join link"
                ));
                continue;
            }
            match self.state.calls.get(&call.id).cloned() {
                Some(CallRecord {
                    link: Some(link), ..
                }) => self.deliver(&call.id, &what, &link),
                Some(CallRecord {
                    link: None,
                    started_at,
                }) if !self.config.recreate_lost => {
                    self.bump("calls_failed", 1);
                    self.problem(format!(
                        "{what}: calls.start was sent at {} (unix time) but its answer was lost, so the call may exist in Sferum without its link here. So as not to create a second call it is not started again: run the task once with recreate_lost=1 to start a new one",
                        started_at
                    ));
                }
                _ => {
                    if !self.start_call(&call.id, &what)? {
                        break;
                    }
                }
            }
        }
        self.save()
    }

    /// Starts one call; false when calls must stop for this run.
    fn start_call(&mut self, id: &str, what: &str) -> Result<bool, String> {
        self.state.calls.insert(
            id.to_string(),
            CallRecord {
                started_at: self.now,
                link: None,
            },
        );
        self.save()?;
        let answer = self
            .client
            .call(&Call::new("calls.start", json!({"group_id": self.group()})));
        match answer {
            Ok(v) => match v.get("join_link").and_then(Value::as_str) {
                Some(link) => {
                    self.state.calls.insert(
                        id.to_string(),
                        CallRecord {
                            started_at: self.now,
                            link: Some(link.to_string()),
                        },
                    );
                    self.save()?;
                    self.deliver(id, what, link);
                }
                None => {
                    self.bump("calls_failed", 1);
                    self.problem(format!(
                        "{what}: calls.start answered without a join link: {v}"
                    ));
                }
            },
            Err(ApiError::Uncertain(m)) => {
                self.bump("calls_failed", 1);
                self.problem(format!(
                    "{what}: {m}; it is not started again on its own (see recreate_lost=1)"
                ));
            }
            Err(e) => {
                self.state.calls.remove(id);
                self.save()?;
                self.bump("calls_failed", 1);
                self.problem(format!(
                    "{what}: the Sferum call could not be started: {e}; the next run tries again"
                ));
                return Ok(!matches!(e, ApiError::Fatal(_) | ApiError::Quota(_)));
            }
        }
        Ok(true)
    }

    fn deliver(&mut self, id: &str, what: &str, link: &str) {
        match self.ctx.set_call_link(id, link) {
            Ok(()) => {
                self.bump("calls_published", 1);
                self.ctx.info(&format!("{what}: join link published"));
            }
            Err(e) => {
                self.bump("calls_failed", 1);
                self.problem(format!("{what}: the join link could not be written into the school data ({e}); the next run tries again"));
            }
        }
    }

    // ---- chats ----

    /// Brings the chats in step; the removal guard's reason if it held removals back.
    fn chats(&mut self, desired: &Desired) -> Result<Option<String>, String> {
        self.bump("chats", desired.chats.len() as u64);
        self.bump(
            "people_without_sferum_id",
            desired.without_sferum_id.len() as u64,
        );
        if !desired.without_sferum_id.is_empty() {
            let shown: Vec<_> = desired
                .without_sferum_id
                .iter()
                .take(NAMES_IN_LOG)
                .cloned()
                .collect();
            let more = desired.without_sferum_id.len() - shown.len();
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            self.ctx.info(&format!(
                "{} people have no Sferum ID and are left out: {}{tail}",
                desired.without_sferum_id.len(),
                shown.join(", ")
            ));
        }
        let mut pass = 0;
        loop {
            if self.ctx.is_cancelled() {
                return Err("the run was cancelled".into());
            }
            let listed = self.list()?;
            let pairs: Vec<(u64, String)> = listed
                .iter()
                .map(|l| (l.chat_id, l.title.clone()))
                .collect();
            let resolved = plan::resolve(desired, &self.state, &pairs);
            let found = self.read(&resolved, &listed)?;
            let plan = plan::plan(desired, &self.state, &resolved, &found, &self.options());
            if self.config.dry_run {
                self.ctx
                    .info("dry run: nothing is changed in Sferum; the plan:");
                for line in plan.render(desired) {
                    self.ctx.info(&line);
                }
                return Ok(plan.guard);
            }
            let missing: Vec<&ChatPlan> = plan
                .chats
                .iter()
                .filter(|c| matches!(c.action, ChatAction::Create { .. }))
                .collect();
            let creates: Vec<&ChatPlan> = missing
                .iter()
                .copied()
                .filter(|c| !self.uncertain.contains(&c.purpose))
                .collect();
            if !creates.is_empty() && pass < CREATE_PASSES {
                self.create(&creates)?;
                pass += 1;
                continue;
            }
            for c in missing {
                self.problem(if self.uncertain.contains(&c.purpose) {
                    format!("«{}»: the answer to its creation was lost and the chat is not among the community's chats yet; the next run looks for it again before creating it", c.title)
                } else {
                    format!("«{}»: the chat could not be created in this run; the next run tries again", c.title)
                });
            }
            self.update(&plan, &resolved, desired)?;
            return Ok(plan.guard);
        }
    }

    fn options(&self) -> Options {
        Options {
            community_id: self.group(),
            max_removals_percent: self.config.max_removals_percent,
            force: self.config.force,
            recreate_lost: self.config.recreate_lost,
            now: self.now,
        }
    }

    /// The community's chats (`messages.getConversations`, paged).
    fn list(&mut self) -> Result<Vec<Listed>, String> {
        let mut out = Vec::new();
        let mut offset = 0;
        loop {
            let params = json!({"group_id": self.group(), "offset": offset, "count": 200});
            let v = self
                .client
                .call(&Call::new("messages.getConversations", params))
                .map_err(|e| format!("cannot read the community's chats: {e}"))?;
            let items = v
                .get("items")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for item in &items {
                let conv = &item["conversation"];
                if conv["peer"]["type"] != "chat" {
                    continue;
                }
                let chat_id = conv["peer"]["local_id"].as_u64().or_else(|| {
                    conv["peer"]["id"]
                        .as_u64()
                        .map(|p| p.saturating_sub(PEER_BASE))
                });
                let Some(chat_id) = chat_id else { continue };
                let settings = &conv["chat_settings"];
                out.push(Listed {
                    chat_id,
                    title: settings["title"].as_str().unwrap_or("").to_string(),
                    owner: settings["owner_id"].as_i64().unwrap_or(0),
                    admins: settings["admin_ids"]
                        .as_array()
                        .map(|a| a.iter().filter_map(Value::as_i64).collect())
                        .unwrap_or_default(),
                });
            }
            offset += items.len() as u64;
            let count = v.get("count").and_then(Value::as_u64).unwrap_or(0);
            if items.is_empty() || offset >= count {
                return Ok(out);
            }
        }
    }

    /// Reads the members of every resolved chat (`execute`-batched).
    fn read(
        &mut self,
        resolved: &BTreeMap<String, Resolved>,
        listed: &[Listed],
    ) -> Result<BTreeMap<u64, Found>, String> {
        let ids: BTreeSet<u64> = resolved.values().map(|r| r.chat_id).collect();
        let mut found = BTreeMap::new();
        let mut chats: BTreeMap<u64, ActualChat> = BTreeMap::new();
        let mut pages: Vec<(u64, u64)> = ids.iter().map(|&id| (id, 0)).collect();
        while !pages.is_empty() {
            let calls: Vec<Call> = pages
                .iter()
                .map(|&(id, offset)| {
                    let params = json!({"peer_id": PEER_BASE + id, "group_id": self.group(), "offset": offset, "count": 1000});
                    Call::new("messages.getConversationMembers", params)
                })
                .collect();
            let results = self.client.batch(&calls).map_err(|e| e.to_string())?;
            let mut next = Vec::new();
            for (&(id, offset), r) in pages.iter().zip(results) {
                let v = match r {
                    Ok(v) => v,
                    Err(e) => {
                        let f = match e.code() {
                            Some(927) => Found::Gone,
                            Some(917) => Found::Lost,
                            _ => Found::Failed(e.to_string()),
                        };
                        found.insert(id, f);
                        continue;
                    }
                };
                let chat = chats.entry(id).or_insert_with(|| {
                    let l = listed.iter().find(|l| l.chat_id == id);
                    ActualChat {
                        chat_id: id,
                        title: l.map(|l| l.title.clone()).unwrap_or_default(),
                        owner: l.map(|l| l.owner).unwrap_or(0),
                        admins: l.map(|l| l.admins.clone()).unwrap_or_default(),
                        members: BTreeSet::new(),
                    }
                });
                let items = v
                    .get("items")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for m in &items {
                    let Some(member) = m["member_id"].as_i64() else {
                        continue;
                    };
                    chat.members.insert(member);
                    if m["is_admin"] == true {
                        chat.admins.insert(member);
                    }
                    if m["is_owner"] == true {
                        chat.owner = member;
                    }
                }
                let count = v.get("count").and_then(Value::as_u64).unwrap_or(0);
                let read = offset + items.len() as u64;
                if !items.is_empty() && read < count {
                    next.push((id, read));
                }
            }
            pages = next;
        }
        found.extend(chats.into_iter().map(|(id, c)| (id, Found::Present(c))));
        self.ctx
            .progress("read", found.len() as u64, ids.len() as u64);
        Ok(found)
    }

    /// Creates chats with their initial members, each after recording the intent.
    fn create(&mut self, creates: &[&ChatPlan]) -> Result<(), String> {
        for c in creates {
            if let ChatAction::Create { note: Some(note) } = &c.action {
                self.ctx.warn(&format!("«{}»: {note}", c.title));
            }
            let intent = ChatRecord {
                chat_id: None,
                title: c.title.clone(),
                link: None,
                skipped: BTreeMap::new(),
            };
            self.state.chats.insert(c.purpose.clone(), intent);
        }
        self.save()?;
        let calls: Vec<Call> = creates
            .iter()
            .map(|c| {
                let users: Vec<String> = c.add.iter().map(u64::to_string).collect();
                Call::new("messages.createChat", json!({"title": c.title, "user_ids": users.join(","), "group_id": self.group()}))
            })
            .collect();
        let results = self.client.batch(&calls).map_err(|e| e.to_string())?;
        for (c, r) in creates.iter().zip(results) {
            match r {
                Ok(v) => {
                    let Some(chat_id) = v.get("chat_id").and_then(Value::as_u64) else {
                        self.problem(format!(
                            "«{}»: messages.createChat answered without a chat id: {v}",
                            c.title
                        ));
                        continue;
                    };
                    let added = v
                        .get("peer_ids")
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len);
                    if let Some(record) = self.state.chats.get_mut(&c.purpose) {
                        record.chat_id = Some(chat_id);
                    }
                    self.bump("chats_created", 1);
                    self.bump("members_added", added as u64);
                    self.ctx.info(&format!(
                        "«{}»: created (chat {chat_id}) with {added} of {} members",
                        c.title,
                        c.add.len()
                    ));
                }
                Err(ApiError::Uncertain(m)) => {
                    self.ctx.warn(&format!(
                        "«{}»: {m}; looking for the chat by its title before creating another",
                        c.title
                    ));
                    self.uncertain.insert(c.purpose.clone());
                }
                Err(e) => {
                    self.problem(format!("«{}»: the chat could not be created: {e}", c.title))
                }
            }
        }
        self.ctx
            .progress("create", creates.len() as u64, creates.len() as u64);
        self.save()
    }

    /// Applies the updates of existing chats: writes first, then admin grants and link reads.
    fn update(
        &mut self,
        plan: &Plan,
        resolved: &BTreeMap<String, Resolved>,
        desired: &Desired,
    ) -> Result<(), String> {
        let names: BTreeMap<SferumId, &str> = desired
            .chats
            .iter()
            .flat_map(|c| c.members.iter().map(|(id, n)| (*id, n.as_str())))
            .collect();
        let person = |id: i64| match u64::try_from(id).ok().and_then(|u| names.get(&u)) {
            Some(n) => format!("{n} [{id}]"),
            None => format!("[{id}]"),
        };
        let mut logs: Vec<Vec<String>> = vec![Vec::new(); plan.chats.len()];
        for (i, c) in plan.chats.iter().enumerate() {
            match &c.action {
                ChatAction::Hold { reason, .. } => self.problem(format!("«{}»: {reason}", c.title)),
                ChatAction::Update {
                    chat_id,
                    adopted: true,
                    ..
                } => {
                    let pending = self
                        .state
                        .chats
                        .get(&c.purpose)
                        .is_some_and(|r| r.chat_id.is_none());
                    if pending {
                        self.bump("chats_created", 1);
                    }
                    let record = self.state.chats.entry(c.purpose.clone()).or_default();
                    *record = ChatRecord {
                        chat_id: Some(*chat_id),
                        title: c.title.clone(),
                        link: None,
                        skipped: BTreeMap::new(),
                    };
                    logs[i].push(if pending {
                        "found by its title after a lost answer".into()
                    } else {
                        "found by its title and taken over".into()
                    });
                }
                _ => {}
            }
        }
        self.save()?;
        let chat_of = |c: &ChatPlan| match c.action {
            ChatAction::Update { chat_id, .. } => Some(chat_id),
            _ => None,
        };
        let mut writes: Vec<(usize, Op, Call)> = Vec::new();
        for (i, c) in plan.chats.iter().enumerate() {
            let Some(chat_id) = chat_of(c) else { continue };
            let peer = PEER_BASE + chat_id;
            if let ChatAction::Update {
                retitle_from: Some(_),
                ..
            } = c.action
            {
                writes.push((
                    i,
                    Op::Retitle,
                    Call::new(
                        "messages.editChat",
                        json!({"chat_id": chat_id, "title": c.title}),
                    ),
                ));
            }
            for &id in &c.add {
                writes.push((
                    i,
                    Op::Add(id),
                    Call::new(
                        "messages.addChatUser",
                        json!({"chat_id": chat_id, "user_id": id}),
                    ),
                ));
            }
            for &id in &c.revoke {
                let params = json!({"peer_id": peer, "member_id": id, "role": "member"});
                writes.push((
                    i,
                    Op::Revoke(id),
                    Call::new("messages.setMemberRole", params),
                ));
            }
            if plan.guard.is_none() {
                for &id in &c.remove {
                    writes.push((
                        i,
                        Op::Remove(id),
                        Call::new(
                            "messages.removeChatUser",
                            json!({"chat_id": chat_id, "member_id": id}),
                        ),
                    ));
                }
            }
        }
        let mut added: BTreeSet<(usize, SferumId)> = BTreeSet::new();
        let mut new_skips: Vec<(usize, SferumId, String)> = Vec::new();
        let results = self
            .client
            .batch(&writes.iter().map(|(_, _, c)| c.clone()).collect::<Vec<_>>())
            .map_err(|e| e.to_string())?;
        for ((i, op, _), r) in writes.iter().zip(results) {
            let c = &plan.chats[*i];
            match (op, r) {
                (Op::Retitle, Ok(_)) => {
                    self.bump("chats_retitled", 1);
                    if let ChatAction::Update {
                        retitle_from: Some(from),
                        ..
                    } = &c.action
                    {
                        logs[*i].push(format!("renamed from «{from}»"));
                    }
                    if let Some(r) = self.state.chats.get_mut(&c.purpose) {
                        r.title = c.title.clone();
                    }
                }
                (Op::Add(id), Ok(_)) => {
                    self.bump("members_added", 1);
                    added.insert((*i, *id));
                    logs[*i].push(format!("added {}", person(*id as i64)));
                }
                (Op::Add(id), Err(e)) if e.code().and_then(skip_reason).is_some() => {
                    let reason = e.code().and_then(skip_reason).unwrap_or_default();
                    logs[*i].push(format!(
                        "could not add {} ({reason}); retried after a day",
                        person(*id as i64)
                    ));
                    new_skips.push((*i, *id, reason.to_string()));
                }
                (Op::Revoke(id), Ok(_)) => {
                    self.bump("admins_revoked", 1);
                    logs[*i].push(format!("admin rights taken from {}", person(*id)));
                }
                (Op::Remove(id), Ok(_)) => {
                    self.bump("members_removed", 1);
                    logs[*i].push(format!("removed {}", person(*id)));
                }
                (Op::Remove(id), Err(e)) if e.code() == Some(935) => {
                    self.bump("members_removed", 1);
                    logs[*i].push(format!("removed {} (already gone)", person(*id)));
                }
                (op, Err(e)) => self.problem(format!(
                    "«{}»: {} failed: {e}",
                    c.title,
                    describe_op(*op, &person)
                )),
                (_, Ok(_)) => {}
            }
        }
        for (i, c) in plan.chats.iter().enumerate() {
            if chat_of(c).is_none() {
                continue;
            }
            let keep: BTreeSet<SferumId> = c.skipped.iter().map(|(id, _)| *id).collect();
            let record = self.state.chats.entry(c.purpose.clone()).or_default();
            record.skipped.retain(|id, _| keep.contains(id));
            for (_, id, reason) in new_skips.iter().filter(|(j, _, _)| *j == i) {
                record.skipped.insert(
                    *id,
                    Skip {
                        reason: reason.clone(),
                        at: self.now,
                    },
                );
            }
        }
        self.save()?;

        let mut reads: Vec<(usize, Op, Call)> = Vec::new();
        for (i, c) in plan.chats.iter().enumerate() {
            let Some(chat_id) = chat_of(c) else { continue };
            let peer = PEER_BASE + chat_id;
            for &id in &c.grant {
                if c.add.contains(&id) && !added.contains(&(i, id)) {
                    continue;
                }
                let params = json!({"peer_id": peer, "member_id": id, "role": "admin"});
                reads.push((
                    i,
                    Op::Grant(id),
                    Call::new("messages.setMemberRole", params),
                ));
            }
            if c.fetch_link {
                let params = json!({"peer_id": peer, "group_id": self.group(), "reset": 0});
                reads.push((i, Op::Link, Call::new("messages.getInviteLink", params)));
            }
        }
        let results = self
            .client
            .batch(&reads.iter().map(|(_, _, c)| c.clone()).collect::<Vec<_>>())
            .map_err(|e| e.to_string())?;
        for ((i, op, _), r) in reads.iter().zip(results) {
            let c = &plan.chats[*i];
            match (op, r) {
                (Op::Grant(id), Ok(_)) => {
                    self.bump("admins_granted", 1);
                    logs[*i].push(format!("admin rights given to {}", person(*id as i64)));
                }
                (Op::Link, Ok(v)) => match v.get("link").and_then(Value::as_str) {
                    Some(link) => {
                        if let Some(r) = self.state.chats.get_mut(&c.purpose) {
                            r.link = Some(link.to_string());
                        }
                    }
                    None => self.problem(format!(
                        "«{}»: messages.getInviteLink answered without a link: {v}",
                        c.title
                    )),
                },
                (op, Err(e)) => self.problem(format!(
                    "«{}»: {} failed: {e}",
                    c.title,
                    describe_op(*op, &person)
                )),
                (_, Ok(_)) => {}
            }
        }
        self.save()?;

        let mut skipped: BTreeMap<String, u64> = BTreeMap::new();
        for (i, c) in plan.chats.iter().enumerate() {
            if !logs[i].is_empty() {
                let id = resolved
                    .get(&c.purpose)
                    .map(|r| format!(" (chat {})", r.chat_id))
                    .unwrap_or_default();
                self.ctx
                    .info(&format!("«{}»{id}: {}", c.title, logs[i].join("; ")));
            }
            let reasons = c.skipped.iter().map(|(_, r)| r.clone()).chain(
                new_skips
                    .iter()
                    .filter(|(j, _, _)| *j == i)
                    .map(|(_, _, r)| r.clone()),
            );
            for reason in reasons {
                *skipped.entry(reason).or_default() += 1;
            }
        }
        for (reason, n) in skipped {
            self.bump(&format!("skipped.{reason}"), n);
            self.bump("skipped", n);
        }
        Ok(())
    }

    /// Publishes the "Sferum chats" table (not in a dry run).
    fn publish(&mut self, desired: &Desired) -> Result<(), String> {
        let link = |purpose: &str| self.state.chats.get(purpose).and_then(|r| r.link.clone());
        let mut rows = vec![LinksRow {
            title: STAFF_TITLE.into(),
            links: vec![link(STAFF), None],
        }];
        rows.extend(desired.rows.iter().map(|r| LinksRow {
            title: r.name.clone(),
            links: vec![link(&r.parents), link(&r.students)],
        }));
        let table = LinksTable {
            columns: COLUMNS.iter().map(|c| c.to_string()).collect(),
            rows,
        };
        if self.config.dry_run {
            return Ok(());
        }
        self.ctx
            .publish_links(&table)
            .map_err(|e| format!("cannot publish the Sferum chats table: {e}"))?;
        let links = table
            .rows
            .iter()
            .flat_map(|r| &r.links)
            .filter(|l| l.is_some())
            .count();
        self.bump("links_published", links as u64);
        Ok(())
    }

    fn summary(mut self, guard: Option<String>, desired: &Desired) -> RunSummary {
        self.counters
            .insert("api_requests".into(), self.client.requests());
        self.counters
            .insert("api_calls".into(), self.client.calls());
        let n = |k: &str| self.counters.get(k).copied().unwrap_or(0);
        let done = format!(
            "{} chats: {} created, {} renamed; members +{} −{}; admins +{} −{}; {} video calls published",
            desired.chats.len(),
            n("chats_created"),
            n("chats_retitled"),
            n("members_added"),
            n("members_removed"),
            n("admins_granted"),
            n("admins_revoked"),
            n("calls_published"),
        );
        let (status, message) = if self.config.dry_run {
            let guard = guard
                .map(|g| format!(" The real run would stop: {g}"))
                .unwrap_or_default();
            (
                RunStatus::Ok,
                format!("dry run: the plan is in the log; nothing was changed.{guard}"),
            )
        } else if let Some(g) = guard {
            self.ctx.log(exchange_sdk::LogLevel::Error, &g);
            (RunStatus::Failed, g)
        } else if !self.problems.is_empty() {
            let first = &self.problems[0];
            let more = if self.problems.len() > 1 {
                format!(
                    " (and {} more problems, see the log)",
                    self.problems.len() - 1
                )
            } else {
                String::new()
            };
            (RunStatus::Partial, format!("{done}. {first}{more}"))
        } else {
            (RunStatus::Ok, done)
        };
        RunSummary {
            status,
            message,
            counters: self.counters,
        }
    }
}

fn describe_op(op: Op, person: &dyn Fn(i64) -> String) -> String {
    match op {
        Op::Retitle => "renaming".into(),
        Op::Add(id) => format!("adding {}", person(id as i64)),
        Op::Revoke(id) => format!("taking admin rights from {}", person(id)),
        Op::Remove(id) => format!("removing {}", person(id)),
        Op::Grant(id) => format!("giving admin rights to {}", person(id as i64)),
        Op::Link => "reading the invite link".into(),
    }
}

fn class_name<'s>(school: &'s SchoolData, id: &'s str) -> &'s str {
    school.class(id).map(|c| c.name.as_str()).unwrap_or(id)
}
