//! The reconciler: one run of the sync as a state machine without I/O. It takes the desired
//! chats, the task's state, the clock and the messenger's replies, and hands out effects: a
//! batch of operations to send, the state to save, log lines, progress, the links table, call
//! links to write, a pause, and at last the run's summary. The driver (`crate::apply`) carries
//! the effects out and feeds their outcomes back; the property tests drive it against an
//! in-memory model of Sferum.
//!
//! Protocol: [`Reconciler::poll`] gives the next effect; [`Reconciler::resume`] must follow
//! with that effect's outcome before the next poll, until [`Effect::Finish`].
//!
//! Crash safety, the rules every effect order keeps:
//! - **intent before create**: a chat's creation is saved as an intent (purpose and exact
//!   title, no chat id) before the creation is sent; a later pass or run looks for a chat of
//!   that title before creating another, and a creation whose answer was lost is not repeated
//!   in the same run;
//! - a call's start is saved before it is sent; a start whose answer was lost is started once
//!   more by the next run and logged as a possible orphan (a lesson must get a link);
//! - the join link is saved before it is written into the school data.

mod calls;
mod chats;
#[cfg(test)]
mod model;
#[cfg(test)]
mod props;

pub use calls::{wanted_calls, WantedCall};

use crate::backend::{Failure, Op, OpKind, Reply};
use crate::plan::Options;
use crate::rules::Desired;
use crate::state::TaskState;
use crate::texts;
use exchange_sdk::plugin::LinksTable;
use exchange_sdk::school::SferumId;
use exchange_sdk::{LogLevel, RunStatus, RunSummary};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

/// How many times a run creates missing chats before it reports them as failed.
const CREATE_PASSES: usize = 2;
/// How many more times operations refused with "try later" are sent in one run.
const LATER_ROUNDS: u32 = 2;
/// How many more times operations refused by flood control are sent in one run.
const FLOOD_ROUNDS: u32 = 1;

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

/// What one run is set to do.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The community's id.
    pub community_id: u64,
    /// The organization, for advice in messages.
    pub org_id: String,
    /// The task, for advice in messages.
    pub task_id: String,
    /// Plan and print only: nothing is sent but reads, nothing is saved or published.
    pub dry_run: bool,
    /// The removal guard's threshold.
    pub max_removals_percent: u64,
    /// Removals above the threshold are confirmed for this run.
    pub force: bool,
    /// Create anew the chats the community lost access to.
    pub recreate_lost: bool,
    /// Unix seconds now.
    pub now: u64,
    /// The pause before operations refused by flood control or "try later" are sent again.
    pub pause: Duration,
    /// The language of the run's summary, log lines and problems.
    pub lang: texts::Lang,
}

/// One thing the driver must do; each is followed by [`Reconciler::resume`].
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Send these operations; resume with [`Outcome::Replies`] (one per operation, in
    /// order) or [`Outcome::Failed`] when the run cannot go on.
    Send(Vec<Op>),
    /// Save the task's state document durably; resume with `Done` or `Failed`.
    Save(String),
    /// Write a log line.
    Log(LogLevel, String),
    /// Report progress of a stage.
    Progress {
        /// The stage.
        stage: &'static str,
        /// Done so far.
        done: u64,
        /// In all.
        total: u64,
    },
    /// Publish the "Sferum chats" table; resume with `Done` or `Failed`.
    Publish(LinksTable),
    /// Write a video call's join link into the school data; resume with `Done` or `Failed`.
    SetCallLink {
        /// The school data's call id.
        call: String,
        /// The join link.
        link: String,
    },
    /// Wait this long before the next effect.
    Wait(Duration),
    /// The run is over: its summary, or why it could not do its job.
    Finish(Result<RunSummary, String>),
}

/// How an effect went.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Done (every effect but `Send`).
    Done,
    /// The replies to a `Send`.
    Replies(Vec<Reply>),
    /// It failed; the text says why.
    Failed(String),
}

/// What to do with the outcome of the effect handed out last.
enum Then {
    Nothing,
    Save,
    Publish(u64),
    CallLink(String),
    Send(Box<Pending>),
    /// The run's end: its summary is made when it is handed out, after every effect before
    /// it was resumed; the removal guard's reason, if it held removals back.
    Summary(Option<String>),
}

/// Operations sent (maybe again, after "try later" or flood control) and what follows.
struct Pending {
    ops: Vec<Op>,
    replies: Vec<Option<Reply>>,
    /// Indices of `ops` the last `Send` carried.
    asked: Vec<usize>,
    round: u32,
    step: Step,
}

/// What the replies of a `Send` continue.
enum Step {
    Community,
    Calls(Vec<WantedCall>),
    List(chats::Listing),
    Members(chats::Reading),
    Created(chats::Creation),
    Writes(chats::Update),
    Reads(chats::Update),
}

/// One run of the sync as a state machine; see the module documentation.
pub struct Reconciler {
    desired: Desired,
    calls: Vec<WantedCall>,
    settings: Settings,
    state: TaskState,
    saved: String,
    counters: BTreeMap<String, u64>,
    problems: Vec<String>,
    /// Purposes whose creation answer was lost: not created again in this run, since a late
    /// commit may still land; the next run looks for them by title first.
    uncertain: BTreeSet<String>,
    /// Purposes whose creation was refused because of an initial member: created empty.
    create_empty: BTreeSet<String>,
    create_passes: usize,
    /// Kinds of operation that cannot go on in this run, with why.
    stopped: BTreeMap<OpKind, String>,
    /// People by Sferum ID, for log lines.
    names: BTreeMap<SferumId, String>,
    /// Effects to hand out, each with what its outcome continues; `None` is the run's end,
    /// whose summary is made when it is handed out.
    queue: VecDeque<(Option<Effect>, Then)>,
    awaiting: Option<Then>,
}

impl Reconciler {
    /// A run for these desired chats and calls from the saved state (`None`: none yet).
    /// Err when the saved state cannot be read.
    pub fn new(
        desired: Desired,
        calls: Vec<WantedCall>,
        saved: Option<&str>,
        settings: Settings,
    ) -> Result<Reconciler, String> {
        let state = TaskState::parse(saved, settings.lang)?;
        let names = desired
            .chats
            .iter()
            .flat_map(|c| c.members.iter().map(|(id, n)| (*id, n.clone())))
            .collect();
        let mut r = Reconciler {
            desired,
            calls,
            settings,
            state,
            saved: saved.unwrap_or_default().to_string(),
            counters: COUNTERS.iter().map(|k| (k.to_string(), 0)).collect(),
            problems: Vec::new(),
            uncertain: BTreeSet::new(),
            create_empty: BTreeSet::new(),
            create_passes: 0,
            stopped: BTreeMap::new(),
            names,
            queue: VecDeque::new(),
            awaiting: None,
        };
        r.send(vec![Op::Community], Step::Community);
        Ok(r)
    }

    /// The next effect. Panics when the last one was not resumed or the run finished.
    pub fn poll(&mut self) -> Effect {
        assert!(self.awaiting.is_none(), "resume the last effect first");
        let (effect, then) = self
            .queue
            .pop_front()
            .expect("a reconciler has a next effect until it finishes");
        self.awaiting = Some(Then::Nothing);
        match (effect, then) {
            (Some(effect), then) => {
                self.awaiting = Some(then);
                effect
            }
            (None, Then::Summary(Some(guard))) if !self.settings.dry_run => {
                let summary = self.summary(Some(guard.clone()));
                self.finish(Ok(summary));
                Effect::Log(LogLevel::Error, guard)
            }
            (None, Then::Summary(guard)) => Effect::Finish(Ok(self.summary(guard))),
            (None, _) => unreachable!("only the run's end has no effect"),
        }
    }

    /// The outcome of the effect [`poll`](Self::poll) gave last.
    pub fn resume(&mut self, outcome: Outcome) {
        let then = self.awaiting.take().expect("resume follows a poll");
        match (then, outcome) {
            (Then::Send(p), Outcome::Replies(replies)) => self.replies(*p, replies),
            (Then::Send(p), Outcome::Failed(e)) => self.send_failed(*p, e),
            (Then::Send(_), Outcome::Done) => panic!("a Send is resumed with its replies"),
            (Then::Save, Outcome::Failed(e)) => {
                self.queue.clear();
                self.finish(Err(texts::cannot_save(self.settings.lang, &e)));
            }
            (Then::Publish(_), Outcome::Failed(e)) => {
                self.fail(texts::cannot_publish(self.settings.lang, &e))
            }
            (Then::Publish(links), _) => self.bump("links_published", links),
            (Then::CallLink(what), Outcome::Failed(e)) => {
                self.bump("calls_failed", 1);
                self.problem(texts::call_link_failed(self.settings.lang, &what, &e));
            }
            (Then::CallLink(what), _) => {
                self.bump("calls_published", 1);
                self.info(texts::call_link_published(self.settings.lang, &what));
            }
            (Then::Nothing | Then::Save | Then::Summary(_), _) => {}
        }
    }

    fn push(&mut self, effect: Effect) {
        self.queue.push_back((Some(effect), Then::Nothing));
    }

    fn bump(&mut self, key: &str, n: u64) {
        *self.counters.entry(key.to_string()).or_default() += n;
    }

    fn info(&mut self, text: String) {
        self.push(Effect::Log(LogLevel::Info, text));
    }

    fn warn(&mut self, text: String) {
        self.push(Effect::Log(LogLevel::Warn, text));
    }

    fn problem(&mut self, text: String) {
        self.warn(text.clone());
        self.problems.push(text);
    }

    fn progress(&mut self, stage: &'static str, done: u64, total: u64) {
        self.push(Effect::Progress { stage, done, total });
    }

    /// How the log names a member: «name [id]», or `[id]` for people no chat wants.
    fn person(&self, id: i64) -> String {
        match u64::try_from(id).ok().and_then(|u| self.names.get(&u)) {
            Some(n) => format!("{n} [{id}]"),
            None => format!("[{id}]"),
        }
    }

    /// Saves the state if it changed (never in a dry run).
    fn save(&mut self) {
        if self.settings.dry_run {
            return;
        }
        let json = self.state.to_json();
        if json != self.saved {
            self.saved = json.clone();
            self.queue.push_back((Some(Effect::Save(json)), Then::Save));
        }
    }

    fn finish(&mut self, result: Result<RunSummary, String>) {
        self.push(Effect::Finish(result));
    }

    /// Ends the run with an error after saving what it knows.
    fn fail(&mut self, message: String) {
        self.queue.clear();
        self.save();
        self.finish(Err(message));
    }

    fn options(&self) -> Options {
        Options {
            community_id: self.settings.community_id,
            max_removals_percent: self.settings.max_removals_percent,
            force: self.settings.force,
            recreate_lost: self.settings.recreate_lost,
            now: self.settings.now,
            lang: self.settings.lang,
            task_id: self.settings.task_id.clone(),
        }
    }

    /// Sends `ops`, then continues `step` with one reply per operation. Operations of a
    /// stopped kind are not sent; their reply is the reason. Nothing to send continues at once.
    fn send(&mut self, ops: Vec<Op>, step: Step) {
        let mut replies: Vec<Option<Reply>> = vec![None; ops.len()];
        let mut asked = Vec::new();
        for (i, op) in ops.iter().enumerate() {
            match self.stopped.get(&op.kind()) {
                Some(why) => replies[i] = Some(Reply::Failed(Failure::Stop(why.clone()))),
                None => asked.push(i),
            }
        }
        let pending = Pending {
            ops,
            replies,
            asked,
            round: 0,
            step,
        };
        self.ask(pending);
    }

    fn ask(&mut self, p: Pending) {
        if p.asked.is_empty() {
            self.replies(p, Vec::new());
        } else {
            let ops = p.asked.iter().map(|&i| p.ops[i].clone()).collect();
            self.queue
                .push_back((Some(Effect::Send(ops)), Then::Send(Box::new(p))));
        }
    }

    /// Takes the replies of the last `Send` of `p`: sends again what may be tried later in
    /// the run, stops kinds that cannot go on, then continues the step.
    fn replies(&mut self, mut p: Pending, replies: Vec<Reply>) {
        assert_eq!(replies.len(), p.asked.len(), "one reply per operation");
        let mut fatal = None;
        for (&i, r) in p.asked.iter().zip(replies) {
            match r {
                Reply::Failed(Failure::Fatal(m)) => fatal = Some(m),
                r => p.replies[i] = Some(r),
            }
        }
        if let Some(e) = fatal {
            return self.send_failed(p, e);
        }
        let again: Vec<usize> = p
            .replies
            .iter()
            .enumerate()
            .filter(|(_, r)| match r {
                Some(Reply::Failed(Failure::Later(_))) => p.round < LATER_ROUNDS,
                Some(Reply::Failed(Failure::Flood(_))) => p.round < FLOOD_ROUNDS,
                _ => false,
            })
            .map(|(i, _)| i)
            .collect();
        if !again.is_empty() {
            self.push(Effect::Wait(self.settings.pause));
            p.asked = again;
            p.round += 1;
            return self.ask(p);
        }
        let mut out = Vec::with_capacity(p.ops.len());
        for (op, r) in p.ops.iter().zip(p.replies) {
            let mut r = r.expect("every operation answered");
            if let Reply::Failed(Failure::Flood(m)) = &r {
                let why = texts::flood_stop(self.settings.lang, m, self.settings.pause.as_secs());
                r = Reply::Failed(Failure::Stop(why));
            }
            if let Reply::Failed(Failure::Stop(why)) = &r {
                if let std::collections::btree_map::Entry::Vacant(e) = self.stopped.entry(op.kind())
                {
                    e.insert(why.clone());
                    self.problem(why.clone());
                }
            }
            out.push(r);
        }
        match p.step {
            Step::Community => self.community(out),
            Step::Calls(calls) => self.started(calls, out),
            Step::List(l) => self.listed(l, out),
            Step::Members(r) => self.members(r, out),
            Step::Created(c) => self.created(c, out),
            Step::Writes(u) => self.written(u, out),
            Step::Reads(u) => self.read_done(u, out),
        }
    }

    /// A `Send` that could not be carried out (maybe after earlier rounds were answered):
    /// the run cannot go on, but what was answered is kept. Video calls are the exception:
    /// the calls not started are reported and the chats still sync.
    fn send_failed(&mut self, p: Pending, e: String) {
        let answered = p.replies.into_iter();
        match p.step {
            Step::Calls(calls) => {
                let replies = answered
                    .map(|r| r.unwrap_or_else(|| Reply::Failed(Failure::Other(e.clone()))))
                    .collect();
                self.started(calls, replies)
            }
            Step::Created(c) => {
                self.record_created(&c, answered.collect());
                self.fail(e)
            }
            Step::List(_) => self.fail(texts::cannot_list(self.settings.lang, &e)),
            _ => self.fail(e),
        }
    }

    fn community(&mut self, replies: Vec<Reply>) {
        let (id, lang) = (self.settings.community_id, self.settings.lang);
        match community_verdict(replies.into_iter().next(), id, lang) {
            Ok(_) => self.calls_phase(),
            Err(e) => self.fail(e),
        }
    }

    /// Publishes the "Sferum chats" table (not in a dry run), saves, and finishes.
    fn end(&mut self, guard: Option<String>) {
        let table = crate::rules::links_table(&self.desired, |purpose| {
            self.state.chats.get(purpose).and_then(|r| r.link.clone())
        });
        if !self.settings.dry_run {
            let links = table.rows.iter().flat_map(|r| &r.links).flatten().count();
            self.queue
                .push_back((Some(Effect::Publish(table)), Then::Publish(links as u64)));
        }
        self.save();
        self.queue.push_back((None, Then::Summary(guard)));
    }

    /// The summary of a run that did its job; `guard` is the removal guard's reason.
    fn summary(&mut self, guard: Option<String>) -> RunSummary {
        let lang = self.settings.lang;
        let n = |k: &str| self.counters.get(k).copied().unwrap_or(0);
        let done = texts::done(
            lang,
            &texts::Figures {
                chats: self.desired.chats.len(),
                created: n("chats_created"),
                renamed: n("chats_retitled"),
                added: n("members_added"),
                removed: n("members_removed"),
                granted: n("admins_granted"),
                revoked: n("admins_revoked"),
                calls: n("calls_published"),
            },
        );
        let (status, message) = if self.settings.dry_run {
            // Counters of what was done are all zero in a dry run: only the plan's remain.
            self.counters.retain(|k, _| {
                k.starts_with("plan_")
                    || k.starts_with("api_")
                    || k == "chats"
                    || k == "people_without_sferum_id"
            });
            (
                RunStatus::Ok,
                texts::dry_run(lang, &self.counters, guard.as_deref()),
            )
        } else if let Some(g) = guard {
            (RunStatus::Failed, g)
        } else if let Some(first) = self.problems.first() {
            let more = match self.problems.len() {
                1 => String::new(),
                n => texts::more_problems(lang, n - 1),
            };
            (RunStatus::Partial, format!("{done}. {first}{more}"))
        } else {
            (RunStatus::Ok, done)
        };
        RunSummary {
            status,
            message,
            counters: self.counters.clone(),
        }
    }
}

/// The community the token opens, if it is `community_id`: its name; else what is wrong,
/// in `lang`.
pub fn community_verdict(
    reply: Option<Reply>,
    community_id: u64,
    lang: texts::Lang,
) -> Result<String, String> {
    match reply {
        Some(Reply::Community { id, name }) if id == community_id => Ok(name),
        Some(Reply::Community { id, name }) => {
            Err(texts::wrong_community(lang, &name, id, community_id))
        }
        Some(Reply::Failed(f)) => Err(f.text(lang)),
        _ => Err(texts::no_community(lang)),
    }
}
