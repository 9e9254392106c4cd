//! Chats: the read-plan-apply passes, creation with recorded intent, and the updates of
//! existing chats (writes first, then admin grants and invite links).

use super::read::Listed;
use super::{Sync, CREATE_PASSES, PEER_BASE};
use crate::client::{skip_reason, ApiError, Call};
use crate::plan::{self, ActualChat, ChatAction, ChatPlan, Found, Options, Plan, Resolved};
use crate::rules::Desired;
use crate::state::{ChatRecord, Skip};
use exchange_sdk::school::SferumId;
use exchange_sdk::LogLevel;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

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

impl Sync<'_, '_> {
    /// Brings the chats in step; the removal guard's reason if it held removals back.
    pub(super) fn chats(&mut self, desired: &Desired) -> Result<Option<String>, String> {
        self.bump("chats", desired.chats.len() as u64);
        self.bump(
            "people_without_sferum_id",
            desired.without_sferum_id.len() as u64,
        );
        if !desired.without_sferum_id.is_empty() {
            let roles: Vec<String> = desired
                .without_sferum_id_by_role
                .iter()
                .map(|(role, n)| format!("{role}: {n}"))
                .collect();
            self.ctx.info(&format!(
                "{} people have no Sferum ID and are left out of the chats ({}; names at debug level). Enter their Sferum IDs in the school data and import it again; the next run adds them (exchange-host school coverage {org} shows how many are linked per class)",
                desired.without_sferum_id.len(),
                roles.join(", "),
                org = self.ctx.request().org_id,
            ));
            self.ctx.log(
                LogLevel::Debug,
                &format!(
                    "without a Sferum ID: {}",
                    desired.without_sferum_id.join(", ")
                ),
            );
        }
        let mut pass = 0;
        // What the last read (plus the answers of the creations since) says Sferum holds.
        let mut known: Option<(Vec<Listed>, BTreeMap<u64, Found>)> = None;
        loop {
            if self.ctx.is_cancelled() {
                return Err("the run was cancelled".into());
            }
            let (listed, read) = match known.take() {
                Some((listed, found)) => (listed, Some(found)),
                None => (self.list()?, None),
            };
            let pairs: Vec<(u64, String)> = listed
                .iter()
                .map(|l| (l.chat_id, l.title.clone()))
                .collect();
            let resolved = plan::resolve(desired, &self.state, &pairs);
            let found = match read {
                Some(found) => found,
                None => self.read(&resolved, &listed)?,
            };
            let plan = plan::plan(desired, &self.state, &resolved, &found, &self.options());
            if self.config.dry_run {
                let lang = crate::texts::Lang::of(self.ctx);
                self.ctx.info(crate::texts::dry_run_heading(lang));
                crate::texts::count_plan(&plan.chats, &mut self.counters);
                for c in &plan.chats {
                    if let Some(line) = crate::texts::chat_totals(lang, c) {
                        self.ctx.info(&line);
                    }
                }
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
                let created = self.create(&creates)?;
                pass += 1;
                // When every creation was answered, its answer is what Sferum holds: plan the
                // rest without reading everything again. A lost answer needs a fresh read.
                if created.len() == creates.len() {
                    let (mut listed, mut found) = (listed, found);
                    let owner = -(self.group() as i64);
                    for (chat_id, title, members) in created {
                        listed.push(Listed {
                            chat_id,
                            title: title.clone(),
                            owner,
                            admins: BTreeSet::new(),
                        });
                        let members = members.into_iter().chain([owner]).collect();
                        let chat = ActualChat {
                            chat_id,
                            title,
                            owner,
                            admins: BTreeSet::new(),
                            members,
                        };
                        found.insert(chat_id, Found::Present(chat));
                    }
                    known = Some((listed, found));
                }
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

    /// Creates chats with their initial members, each after recording the intent. Returns
    /// the chats created, with the members their creation added.
    fn create(&mut self, creates: &[&ChatPlan]) -> Result<Vec<(u64, String, Vec<i64>)>, String> {
        let mut created = Vec::new();
        for c in creates {
            if let ChatAction::Create { note: Some(note) } = &c.action {
                self.ctx.warn(&format!("«{}»: {note}", c.title));
            }
            let intent = ChatRecord {
                title: c.title.clone(),
                ..Default::default()
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
                    let members: Vec<i64> = v
                        .get("peer_ids")
                        .and_then(Value::as_array)
                        .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
                        .unwrap_or_default();
                    let added = members.len();
                    created.push((chat_id, c.title.clone(), members));
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
        self.save()?;
        Ok(created)
    }

    /// Applies the updates of existing chats: writes first, then admin grants and link reads.
    fn update(
        &mut self,
        plan: &Plan,
        resolved: &BTreeMap<String, Resolved>,
        desired: &Desired,
    ) -> Result<(), String> {
        let person = desired.person_labels("");
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
                    let record = ChatRecord {
                        chat_id: Some(*chat_id),
                        title: c.title.clone(),
                        ..Default::default()
                    };
                    self.state.chats.insert(c.purpose.clone(), record);
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
