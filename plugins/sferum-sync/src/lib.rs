//! The Sferum sync task type: «Синхронизация чатов и ВКС с платформой VK Сферум».
//!
//! Keeps a school's VK Sferum chats (staff room, parents' and students' chat per class,
//! subject chats), their admins and invite links, and the video-call links of the diary in
//! step with the school data the host holds.
//!
//! Module map: [`rules`] (school data → desired chats, pure), [`plan`] (desired vs. actual →
//! operations, pure), [`reconcile`] (a run as a state machine without I/O: discovery,
//! creation with crash-safe intents, updates, the links table, video calls), [`backend`]
//! (the messenger boundary; [`backend::vk`] is VK's call shapes, answers and error codes),
//! [`client`] (the VK API transport), [`apply`] (the I/O driver of the reconciler),
//! [`config`] (settings from the Links base and the task parameters), [`state`] (what the
//! task remembers between runs), [`texts`] (the run's texts in the host's language).

pub mod apply;
pub mod backend;
pub mod client;
pub mod config;
mod manifest;
pub mod plan;
pub mod reconcile;
/// The chat rules, shared with the MAX task type (crate `chat-rules`).
pub use chat_rules as rules;
pub mod state;
pub mod texts;

use client::{Client, RetryPolicy};
use config::Config;
use exchange_sdk::{Context, Manifest, RunSummary, TaskPlugin};

/// The plugin's entry type.
#[derive(Default)]
pub struct SferumSync;

/// Runs the sync against the API at `base` with the given retry timing (the plugin's `run`
/// uses the built-in address or `SFERUM_API_BASE`, and the default timing).
pub fn run_with(ctx: &Context<'_>, base: &str, retry: RetryPolicy) -> Result<RunSummary, String> {
    let config = Config::from_ctx(ctx)?;
    let client = Client::new(config.settings(base, retry))?;
    apply::run(ctx, &client, &config, retry.flood_pause)
}

/// Checks the token, the community and the proxy against the API at `base`; changes nothing.
pub fn check_with(ctx: &Context<'_>, base: &str, retry: RetryPolicy) -> Result<String, String> {
    let config = Config::from_ctx(ctx)?;
    let client = Client::new(config.settings(base, retry))?;
    let verdict = apply::check(&client, &config)?;
    Ok(match &config.proxy {
        Some(p) => texts::through_proxy(config.lang, &verdict, &p.server, p.port),
        None => verdict,
    })
}

impl TaskPlugin for SferumSync {
    fn manifest(&self) -> Manifest {
        manifest::manifest()
    }

    fn check(&self, ctx: &Context<'_>) -> Result<String, String> {
        check_with(ctx, &client::base_from_env(), RetryPolicy::default())
    }

    fn run(&self, ctx: &Context<'_>) -> Result<RunSummary, String> {
        run_with(ctx, &client::base_from_env(), RetryPolicy::default())
    }
}

exchange_sdk::export_plugin!(SferumSync);
