//! The Sferum sync task type: «Синхронизация чатов и ВКС с платформой VK Сферум».
//!
//! Keeps a school's VK Sferum chats (staff room, parents' and students' chat per class,
//! subject chats), their admins and invite links, and the video-call links of the diary in
//! step with the school data the host holds.
//!
//! Module map: [`rules`] (school data → desired chats, pure), [`plan`] (desired vs. actual →
//! operations, pure), [`client`] (the VK API transport), [`apply`] (a run: reading Sferum,
//! creating and updating chats with crash-safe intents, the links table, video calls),
//! [`config`] (settings from the Links base and the task parameters), [`state`] (what the
//! task remembers between runs).

pub mod apply;
pub mod client;
pub mod config;
mod manifest;
pub mod plan;
pub mod rules;
pub mod state;

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
    apply::run(ctx, &client, &config)
}

/// Checks the token, the community and the proxy against the API at `base`; changes nothing.
pub fn check_with(ctx: &Context<'_>, base: &str, retry: RetryPolicy) -> Result<String, String> {
    let config = Config::from_ctx(ctx)?;
    let client = Client::new(config.settings(base, retry))?;
    let verdict = apply::check(&client, &config)?;
    Ok(match &config.proxy {
        Some(p) => format!("{verdict}, through the proxy {}:{}", p.server, p.port),
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
