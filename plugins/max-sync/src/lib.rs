//! The MAX sync task type: «Синхронизация чатов Сферум в мессенджере MAX».
//!
//! Keeps a school's chats in the MAX messenger (where Sferum's messaging moved in 2025) in
//! step with the school data, by the same rules as `sferum-sync` (crate `chat-rules`). A MAX
//! bot can neither create nor list chats, so the task adopts the chats people create and add
//! the bot to, and lists the missing ones for the administrator.
//!
//! Module map: [`adopt`] (the chat register from updates and adoption, pure), [`diff`] (one
//! chat's differences and the removal guard, pure), [`sync`] (the run), [`api`] (the Bot API
//! calls), [`client`] (the transport), [`config`], [`state`], [`manifest`], [`texts`] (the
//! run's texts in the host's language).

pub mod adopt;
pub mod api;
pub mod client;
pub mod config;
pub mod diff;
pub mod manifest;
pub mod state;
pub mod sync;
pub mod texts;

use config::Config;
use exchange_sdk::manifest::{ParamProblem, Params};
use exchange_sdk::{Context, Manifest, RunSummary, TaskPlugin};
use std::time::Duration;

/// The first pause of the transport's backoff.
const PAUSE: Duration = Duration::from_millis(500);

/// The plugin's entry type.
#[derive(Default)]
pub struct MaxSync;

/// Runs the sync against the API at `base`.
pub fn run_with(ctx: &Context<'_>, base: &str) -> Result<RunSummary, String> {
    let config = Config::from_ctx(ctx)?;
    let client = client::Client::new(config.settings(base, PAUSE))?;
    sync::run(ctx, &client, &config)
}

/// Checks the token, the bot's name and the connection against the API at `base`.
pub fn check_with(ctx: &Context<'_>, base: &str) -> Result<String, String> {
    let config = Config::from_ctx(ctx)?;
    let client = client::Client::new(config.settings(base, PAUSE))?;
    let me = client.me().map_err(|e| e.to_string())?;
    let (name, id, expected) = (
        me.username.unwrap_or_default(),
        me.user_id,
        &config.bot_name,
    );
    let lang = config.lang;
    if name != *expected {
        return Err(lang.pick(
            format!("the token opens the bot «{name}» (id {id}), but max.bot_name is «{expected}»: check both in the organization's Links base («База ссылок»)"),
            format!("токен открывает бота «{name}» (id {id}), а в max.bot_name указано «{expected}»: проверьте оба значения в «Базе ссылок» организации"),
        ));
    }
    Ok(lang.pick(
        format!("MAX answers: the token opens the bot «{name}» (id {id})"),
        format!("MAX отвечает: токен открывает бота «{name}» (id {id})"),
    ))
}

impl TaskPlugin for MaxSync {
    fn manifest(&self) -> Manifest {
        manifest::manifest()
    }

    fn validate_in(&self, params: &Params, locale: &str) -> Vec<ParamProblem> {
        manifest::validate(params, texts::Lang::of_locale(locale))
    }

    fn check(&self, ctx: &Context<'_>) -> Result<String, String> {
        check_with(ctx, &client::base_from_env())
    }

    fn run(&self, ctx: &Context<'_>) -> Result<RunSummary, String> {
        run_with(ctx, &client::base_from_env())
    }
}

exchange_sdk::export_plugin!(MaxSync);
