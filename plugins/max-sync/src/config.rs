//! A run's settings, read from the organization's Links base and the task's parameters.

use crate::adopt::parse_bindings;
use crate::api::ChatId;
use crate::client::{ProxySettings, Settings};
use crate::manifest::{set, BOT_NAME_KEY, BOT_TOKEN_KEY};
use exchange_sdk::Context;
use std::time::Duration;

/// What a run needs to know before it starts.
#[derive(Clone, Debug)]
pub struct Config {
    /// The bot token (secret).
    pub token: String,
    /// The bot's name in deep links.
    pub bot_name: String,
    /// The proxy from the task's parameters.
    pub proxy: Option<ProxySettings>,
    /// PEM text of the extra trusted CA certificates (`ca_file`).
    pub ca_pem: Option<Vec<u8>>,
    /// Keep a chat per subject group too.
    pub subject_chats: bool,
    /// Plan and print only.
    pub dry_run: bool,
    /// The removal guard's threshold.
    pub max_removals_percent: u64,
    /// Removals above the threshold are confirmed, for this run only (`run --force`).
    pub force: bool,
    /// Chats bound to purposes by hand (`bind_chats`).
    pub bind_chats: Vec<(ChatId, String)>,
}

fn where_to_enter(org: &str) -> String {
    format!(
        "Enter the school's MAX bot token and the bot's name in the organization's Links base («База ссылок»): exchange-host org set {org} max.bot_token=<token> max.bot_name=<name>. The token is in the bot's settings on the MAX for partners platform (business.max.ru), open to verified organizations"
    )
}

impl Config {
    /// Reads and checks the settings; the error says what to enter where.
    pub fn from_ctx(ctx: &Context<'_>) -> Result<Config, String> {
        let request = ctx.request();
        let org = request.org_id.as_str();
        let param = |k: &str| set(&request.params, k);
        let flag = |k: &str| param(k) == Some("1");
        let token = set(&request.org_values, BOT_TOKEN_KEY);
        let name = set(&request.org_values, BOT_NAME_KEY);
        let missing: Vec<&str> = [
            (BOT_TOKEN_KEY, token.is_none()),
            (BOT_NAME_KEY, name.is_none()),
        ]
        .into_iter()
        .filter_map(|(k, m)| m.then_some(k))
        .collect();
        if !missing.is_empty() {
            let verb = if missing.len() > 1 { "are" } else { "is" };
            return Err(format!(
                "{} {verb} not set. {}",
                missing.join(" and "),
                where_to_enter(org)
            ));
        }
        let (token, name) = (token.unwrap_or_default(), name.unwrap_or_default());
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) || !token.is_ascii() {
            return Err(format!(
                "{BOT_TOKEN_KEY} is malformed (a bot token is one word). {}",
                where_to_enter(org)
            ));
        }
        let bot_name = name.trim_start_matches('@').to_string();
        if !bot_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            return Err(format!("{BOT_NAME_KEY} must be the bot's name as in https://max.ru/<name>, not «{name}». {}", where_to_enter(org)));
        }
        let proxy = match param("proxy_server") {
            None => None,
            Some(server) => {
                let port = param("proxy_port")
                    .ok_or("proxy_port is required with proxy_server: set the proxy's port, e.g. proxy_port=3128")?
                    .parse::<u16>()
                    .map_err(|_| "proxy_port must be a port number 1-65535".to_string())?;
                let auth = if flag("proxy_auth") {
                    let user = param("proxy_username")
                        .ok_or("proxy_username is required with proxy_auth=1")?;
                    let pass = ctx
                        .param("proxy_password")
                        .filter(|p| !p.is_empty())
                        .ok_or("proxy_password is required with proxy_auth=1")?;
                    Some((user.to_string(), pass.to_string()))
                } else {
                    None
                };
                Some(ProxySettings {
                    server: server.to_string(),
                    port,
                    auth,
                })
            }
        };
        let ca_pem = match param("ca_file") {
            None => None,
            Some(path) => Some(std::fs::read(path).map_err(|e| {
                format!("ca_file {path} cannot be read ({e}): give the path of the PEM file of the Russian Ministry of Digital Development's root CA, readable by the host's user")
            })?),
        };
        let max_removals_percent = match param("max_removals_percent") {
            None => 20,
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|&p| p <= 100)
                .ok_or("max_removals_percent must be a whole number 0-100")?,
        };
        Ok(Config {
            token: token.to_string(),
            bot_name,
            proxy,
            ca_pem,
            subject_chats: flag("subject_chats"),
            dry_run: ctx.dry_run() || flag("dry_run"),
            max_removals_percent,
            force: ctx.force(),
            bind_chats: parse_bindings(param("bind_chats").unwrap_or(""))
                .map_err(|e| format!("bind_chats: {e}"))?,
        })
    }

    /// The client settings for the API at `base`.
    pub fn settings(&self, base: &str, pause: Duration) -> Settings {
        Settings {
            base: base.to_string(),
            token: self.token.clone(),
            proxy: self.proxy.clone(),
            ca_pem: self.ca_pem.clone(),
            pause,
        }
    }

    /// The deep link that binds the person with this payload.
    pub fn deep_link(&self, payload: &str) -> String {
        format!("https://max.ru/{}?start={payload}", self.bot_name)
    }
}
