//! Video calls: a Sferum call for every published call without a link, its join link
//! written back.
//!
//! A lesson must end up with a join link. A start is recorded as an intent before it is
//! sent; an intent found without its link (the answer was lost, or the run was killed before
//! or after sending) is started once more on the next run and logged as a possible orphan:
//! Sferum has no way to look a call up, so each lost answer costs at most one unused call,
//! which is better for a teacher than a lesson with no link.

use super::Sync;
use crate::client::{ApiError, Call};
use crate::rules::class_name;
use crate::state::CallRecord;
use exchange_sdk::school::SchoolData;
use serde_json::{json, Value};

impl Sync<'_, '_> {
    /// Starts a Sferum call for every published call without a link and writes the link back.
    pub(super) fn calls(&mut self, school: &SchoolData) -> Result<(), String> {
        let wanted: Vec<_> = school
            .video_calls
            .iter()
            .filter(|c| c.published && c.join_link.is_none())
            .collect();
        self.state
            .calls
            .retain(|id, _| wanted.iter().any(|c| &c.id == id));
        let mut to_start: Vec<(String, String)> = Vec::new();
        for call in &wanted {
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
                }) => {
                    self.bump("calls_restarted", 1);
                    self.ctx.warn(&format!(
                        "{what}: the start sent at {started_at} (unix time) got no answer, so a call may exist in Sferum without its link (a possible orphan, never used). Starting it again so that the lesson gets a link"
                    ));
                    to_start.push((call.id.clone(), what));
                }
                None => to_start.push((call.id.clone(), what)),
            }
        }
        if !to_start.is_empty() {
            self.start_calls(&to_start)?;
        }
        self.ctx
            .progress("calls", wanted.len() as u64, wanted.len() as u64);
        self.save()
    }

    /// Starts calls (`execute`-batched), each after recording its intent.
    fn start_calls(&mut self, calls: &[(String, String)]) -> Result<(), String> {
        for (id, _) in calls {
            let intent = CallRecord {
                started_at: self.now,
                link: None,
            };
            self.state.calls.insert(id.clone(), intent);
        }
        self.save()?;
        let requests: Vec<Call> = calls
            .iter()
            .map(|_| Call::new("calls.start", json!({"group_id": self.group()})))
            .collect();
        let answers = match self.client.batch(&requests) {
            Ok(answers) => answers,
            Err(e) => {
                // Not answered at all (the API kept failing, or refused the token): nothing
                // was started; the chats are unaffected and the next run tries again.
                for (id, what) in calls {
                    self.state.calls.remove(id);
                    self.bump("calls_failed", 1);
                    self.problem(format!(
                        "{what}: the Sferum call could not be started: {e}; the next run tries again"
                    ));
                }
                return self.save();
            }
        };
        let mut started: Vec<(&str, &str, String)> = Vec::new();
        for ((id, what), answer) in calls.iter().zip(answers) {
            match answer {
                Ok(v) => match v.get("join_link").and_then(Value::as_str) {
                    Some(link) => {
                        let record = CallRecord {
                            started_at: self.now,
                            link: Some(link.to_string()),
                        };
                        self.state.calls.insert(id.clone(), record);
                        started.push((id, what, link.to_string()));
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
                    self.problem(format!("{what}: {m}; the next run starts it again"));
                }
                Err(e) => {
                    self.state.calls.remove(id);
                    self.bump("calls_failed", 1);
                    self.problem(format!(
                        "{what}: the Sferum call could not be started: {e}; the next run tries again"
                    ));
                }
            }
        }
        // The links are durable in the task state before they are written to the diary.
        self.save()?;
        for (id, what, link) in started {
            self.deliver(id, what, &link);
        }
        Ok(())
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
}
