//! Video calls: a Sferum call for every published call without a link, its join link
//! written back.
//!
//! A lesson must end up with a join link. A start is recorded as an intent before it is
//! sent; an intent found without its link (the answer was lost, or the run was killed before
//! or after sending) is started once more on the next run and logged as a possible orphan:
//! Sferum has no way to look a call up, so each lost answer costs at most one unused call,
//! which is better for a teacher than a lesson with no link.

use super::{Effect, Reconciler, Step, Then};
use crate::backend::{Failure, Op, Reply};
use crate::rules::class_name;
use crate::state::CallRecord;
use crate::texts::{self, Lang};
use exchange_sdk::school::SchoolData;

/// A published call without a join link in the school data.
#[derive(Clone, Debug, PartialEq)]
pub struct WantedCall {
    /// The school data's call id.
    pub id: String,
    /// How the log names it: title, class, subject, start.
    pub what: String,
}

/// The published calls of `school` that have no join link yet, named in `lang`.
pub fn wanted_calls(school: &SchoolData, lang: Lang) -> Vec<WantedCall> {
    school
        .video_calls
        .iter()
        .filter(|c| c.published && c.join_link.is_none())
        .map(|call| WantedCall {
            id: call.id.clone(),
            what: texts::video_call(
                lang,
                &call.title,
                class_name(school, &call.class),
                &call.subject,
                &call.starts_at,
            ),
        })
        .collect()
}

impl Reconciler {
    /// Starts a Sferum call for every wanted call without a recorded link and writes the
    /// links back; then the chats.
    pub(super) fn calls_phase(&mut self) {
        let wanted = self.calls.clone();
        self.state
            .calls
            .retain(|id, _| wanted.iter().any(|c| &c.id == id));
        let lang = self.settings.lang;
        let mut to_start = Vec::new();
        for call in &wanted {
            if self.settings.dry_run {
                self.info(texts::call_would_start(lang, &call.what));
                continue;
            }
            match self.state.calls.get(&call.id).cloned() {
                Some(CallRecord {
                    link: Some(link), ..
                }) => self.deliver(call, link),
                Some(CallRecord {
                    link: None,
                    started_at,
                }) => {
                    self.bump("calls_restarted", 1);
                    self.warn(texts::call_restart(lang, &call.what, started_at));
                    to_start.push(call.clone());
                }
                None => to_start.push(call.clone()),
            }
        }
        if to_start.is_empty() {
            self.calls_done();
            return;
        }
        for call in &to_start {
            let intent = CallRecord {
                started_at: self.settings.now,
                link: None,
            };
            self.state.calls.insert(call.id.clone(), intent);
        }
        self.save();
        let ops = vec![Op::StartCall; to_start.len()];
        self.send(ops, Step::Calls(to_start));
    }

    fn calls_done(&mut self) {
        let n = self.calls.len() as u64;
        self.progress("calls", n, n);
        self.save();
        self.chats_phase();
    }

    fn deliver(&mut self, call: &WantedCall, link: String) {
        let effect = Effect::SetCallLink {
            call: call.id.clone(),
            link,
        };
        self.queue
            .push_back((Some(effect), Then::CallLink(call.what.clone())));
    }

    /// The answers to the starts; a start not answered at all (the API kept failing, or
    /// refused the token) was not made: reported, and the next run tries again.
    pub(super) fn started(&mut self, calls: Vec<WantedCall>, replies: Vec<Reply>) {
        let lang = self.settings.lang;
        let mut started = Vec::new();
        for (call, reply) in calls.into_iter().zip(replies) {
            match reply {
                Reply::CallStarted { join_link } => {
                    let record = CallRecord {
                        started_at: self.settings.now,
                        link: Some(join_link.clone()),
                    };
                    self.state.calls.insert(call.id.clone(), record);
                    started.push((call, join_link));
                }
                Reply::Failed(Failure::Lost(m)) => {
                    self.bump("calls_failed", 1);
                    self.problem(texts::call_lost(lang, &call.what, &m));
                }
                Reply::Failed(e) => {
                    self.state.calls.remove(&call.id);
                    self.bump("calls_failed", 1);
                    self.problem(texts::call_failed(lang, &call.what, &e.text(lang)));
                }
                other => {
                    self.bump("calls_failed", 1);
                    let other = texts::other_answer(lang, &format!("{other:?}"));
                    self.problem(texts::call_odd(lang, &call.what, &other));
                }
            }
        }
        // The links are durable in the task state before they are written to the diary.
        self.save();
        for (call, link) in started {
            self.deliver(&call, link);
        }
        self.calls_done();
    }
}
