//! One run of the sync: reads Sferum, plans, applies the plan through the client, keeps the
//! task's state, publishes the "Sferum chats" table and starts the published video calls.
//!
//! Crash safety: a chat's creation is recorded as an intent (purpose and exact title) before
//! `messages.createChat` is sent; a later pass or run looks for a chat of that title before
//! creating another. A call's start is recorded before `calls.start` is sent; a start whose
//! answer was lost is never repeated on its own.

use crate::client::{Call, Client};
use crate::config::Config;
use crate::rules::{Desired, STAFF, STAFF_TITLE};
use crate::state::{TaskState, KEY};
use exchange_sdk::plugin::{LinksRow, LinksTable};
use exchange_sdk::{Context, RunStatus, RunSummary};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

mod calls;
mod chats;
mod read;

/// Chat peer ids are this plus the chat id.
pub const PEER_BASE: u64 = 2_000_000_000;
/// The columns of the published table.
pub const COLUMNS: [&str; 3] = ["Учебный коллектив", "Родительский чат", "Чат учеников"];
/// How many times a run creates missing chats before it reports them as failed.
const CREATE_PASSES: usize = 2;

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
        // The host exports these as API errors by code (its metrics read `api_errors.CODE`).
        for (code, n) in self.client.errors_by_code() {
            self.counters.insert(format!("api_errors.{code}"), n);
        }
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
