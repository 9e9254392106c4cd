//! One run of the sync: the I/O driver of the [reconciler](crate::reconcile). It builds the
//! reconciler from the school data, the task's state and the clock, then carries out each
//! effect through the VK backend and the host, feeding the outcomes back, until the run ends.

use crate::backend::vk::Vk;
use crate::backend::{Messenger, Op};
use crate::client::Client;
use crate::config::Config;
use crate::reconcile::{self, community_verdict, Effect, Outcome, Reconciler, Settings};
use crate::state::KEY;
use crate::texts;
use exchange_sdk::{Context, RunSummary};
use std::time::Duration;

/// Runs the sync once; the summary says how it went. Err when the run could not do its job.
pub fn run(
    ctx: &Context<'_>,
    client: &Client,
    config: &Config,
    pause: Duration,
) -> Result<RunSummary, String> {
    let lang = config.lang;
    let school = ctx
        .request()
        .school
        .as_ref()
        .ok_or_else(|| texts::no_school_data(lang))?;
    let settings = Settings {
        community_id: config.community_id,
        org_id: ctx.request().org_id.clone(),
        task_id: ctx.request().task_id.clone(),
        dry_run: config.dry_run,
        max_removals_percent: config.max_removals_percent,
        force: config.force,
        recreate_lost: config.recreate_lost,
        now: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        pause,
        lang,
    };
    let desired = crate::rules::desired(school, config.subject_chats);
    let calls = reconcile::wanted_calls(school, lang);
    let saved = ctx.state_get(KEY);
    let mut reconciler = Reconciler::new(desired, calls, saved.as_deref(), settings)?;
    let mut vk = Vk::new(client, config.community_id, lang);
    loop {
        let outcome = match reconciler.poll() {
            Effect::Send(ops) => {
                if ctx.is_cancelled() {
                    return Err(texts::cancelled(lang));
                }
                match vk.send(&ops) {
                    Ok(replies) => Outcome::Replies(replies),
                    Err(e) => Outcome::Failed(e),
                }
            }
            Effect::Save(json) => done(ctx.state_set(KEY, Some(&json))),
            Effect::Log(level, text) => {
                ctx.log(level, &text);
                Outcome::Done
            }
            Effect::Progress { stage, done, total } => {
                ctx.progress(stage, done, total);
                Outcome::Done
            }
            Effect::Publish(table) => done(ctx.publish_links(&table)),
            Effect::SetCallLink { call, link } => done(ctx.set_call_link(&call, &link)),
            Effect::Wait(d) => {
                std::thread::sleep(d);
                Outcome::Done
            }
            Effect::Finish(result) => {
                return result.map(|mut summary| {
                    summary
                        .counters
                        .insert("api_requests".into(), client.requests());
                    summary.counters.insert("api_calls".into(), client.calls());
                    // The host exports these as API errors by code (`api_errors.CODE`).
                    for (code, n) in client.errors_by_code() {
                        summary.counters.insert(format!("api_errors.{code}"), n);
                    }
                    summary
                });
            }
        };
        reconciler.resume(outcome);
    }
}

fn done<E: std::fmt::Display>(r: Result<(), E>) -> Outcome {
    match r {
        Ok(()) => Outcome::Done,
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

/// Checks that the token and community work; the community's name on success.
pub fn check(client: &Client, config: &Config) -> Result<String, String> {
    let (id, lang) = (config.community_id, config.lang);
    let replies = Vk::new(client, id, lang).send(&[Op::Community])?;
    let name = community_verdict(replies.into_iter().next(), id, lang)?;
    Ok(texts::check_passed(lang, &name, id))
}
