//! A run's settings, read from the organization's Links base and the task's parameters.

use crate::adopt::parse_bindings;
use crate::api::ChatId;
use crate::client::Settings;
use crate::manifest::{BOT_NAME_KEY, BOT_TOKEN_KEY};
use crate::texts::Lang;
use exchange_sdk::Context;
use std::time::Duration;
use task_proxy::ProxySettings;

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
    /// The language of the texts a person reads (the host's; Russian unless English).
    pub lang: Lang,
}

fn where_to_enter(lang: Lang, org: &str) -> String {
    lang.pick(
        format!("Enter the school's MAX bot token and the bot's name in the organization's Links base («База ссылок»): exchange-host org set {org} max.bot_token=<token> max.bot_name=<name>. The token is in the bot's settings on the MAX for partners platform (business.max.ru), open to verified organizations"),
        format!("Введите токен и имя бота MAX школы в «Базе ссылок» организации: exchange-host org set {org} max.bot_token=<токен> max.bot_name=<имя>. Токен — в настройках бота на платформе «MAX для партнёров» (business.max.ru), она открыта проверенным организациям"),
    )
}

/// The Links base value under `key`, trimmed, when it is set and not blank.
fn org_value<'a>(ctx: &'a Context<'_>, key: &str) -> Option<&'a str> {
    ctx.org_value(key).map(str::trim).filter(|v| !v.is_empty())
}

impl Config {
    /// Reads the settings: the task parameters as the manifest types them (the host and the
    /// SDK checked them and the rules between them), the Links base values checked here; the
    /// error says what to enter where.
    pub fn from_ctx(ctx: &Context<'_>) -> Result<Config, String> {
        let org = ctx.request().org_id.as_str();
        let lang = Lang::of(ctx);
        let token = org_value(ctx, BOT_TOKEN_KEY);
        let name = org_value(ctx, BOT_NAME_KEY);
        let missing: Vec<&str> = [
            (BOT_TOKEN_KEY, token.is_none()),
            (BOT_NAME_KEY, name.is_none()),
        ]
        .into_iter()
        .filter_map(|(k, m)| m.then_some(k))
        .collect();
        if !missing.is_empty() {
            let verb = if missing.len() > 1 { "are" } else { "is" };
            return Err(lang.pick(
                format!(
                    "{} {verb} not set. {}",
                    missing.join(" and "),
                    where_to_enter(lang, org)
                ),
                format!(
                    "Не заданы: {}. {}",
                    missing.join(", "),
                    where_to_enter(lang, org)
                ),
            ));
        }
        let (token, name) = (token.unwrap_or_default(), name.unwrap_or_default());
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) || !token.is_ascii() {
            return Err(lang.pick(
                format!(
                    "{BOT_TOKEN_KEY} is malformed (a bot token is one word). {}",
                    where_to_enter(lang, org)
                ),
                format!(
                    "{BOT_TOKEN_KEY} искажён (токен бота — одно слово). {}",
                    where_to_enter(lang, org)
                ),
            ));
        }
        let bot_name = name.trim_start_matches('@').to_string();
        if !bot_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            return Err(lang.pick(
                format!("{BOT_NAME_KEY} must be the bot's name as in https://max.ru/<name>, not «{name}». {}", where_to_enter(lang, org)),
                format!("{BOT_NAME_KEY} должно быть именем бота, как в ссылке https://max.ru/<имя>, а не «{name}». {}", where_to_enter(lang, org)),
            ));
        }
        let params = ctx.params();
        let ca_pem = match params.text("ca_file") {
            None => None,
            Some(path) => Some(std::fs::read(path).map_err(|e| {
                lang.pick(
                    format!("ca_file {path} cannot be read ({e}): give the path of the PEM file of the Russian Ministry of Digital Development's root CA, readable by the host's user"),
                    format!("файл ca_file {path} не прочитать ({e}): укажите путь к файлу PEM с корневым сертификатом Минцифры России, доступному пользователю хоста"),
                )
            })?),
        };
        Ok(Config {
            token: token.to_string(),
            bot_name,
            proxy: ProxySettings::from_params(&params),
            ca_pem,
            subject_chats: params.flag("subject_chats"),
            dry_run: ctx.dry_run() || params.flag("dry_run"),
            max_removals_percent: params
                .integer("max_removals_percent")
                .unwrap_or_default()
                .unsigned_abs(),
            force: ctx.force(),
            // The plugin's `validate_in` checked the form before the task was saved.
            bind_chats: parse_bindings(lang, params.text("bind_chats").unwrap_or(""))
                .map_err(|e| format!("bind_chats: {e}"))?,
            lang,
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
            lang: self.lang,
        }
    }

    /// The deep link that binds the person with this payload.
    pub fn deep_link(&self, payload: &str) -> String {
        format!("https://max.ru/{}?start={payload}", self.bot_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use exchange_sdk::testing::{params, TestHost};
    use exchange_sdk::RunRequest;

    fn config_in(
        locale: &str,
        org: &[(&str, &str)],
        task: &[(&str, &str)],
    ) -> Result<Config, String> {
        let request = RunRequest {
            org_id: "s1".into(),
            org_values: params(org),
            params: params(task),
            locale: locale.into(),
            ..Default::default()
        };
        Config::from_ctx(&TestHost::new().context::<crate::MaxSync>(request))
    }

    fn config(org: &[(&str, &str)], task: &[(&str, &str)]) -> Result<Config, String> {
        config_in("ru", org, task)
    }

    const ORG: [(&str, &str); 2] = [
        ("max.bot_token", " max-token-1 "),
        ("max.bot_name", "@school_bot"),
    ];

    #[test]
    fn defaults_without_parameters() {
        let c = config(&ORG, &[]).unwrap();
        assert_eq!(
            (c.token.as_str(), c.bot_name.as_str()),
            ("max-token-1", "school_bot")
        );
        assert_eq!(c.proxy, None);
        assert_eq!(c.ca_pem, None);
        assert_eq!(c.max_removals_percent, 20);
        assert!(c.bind_chats.is_empty());
        assert!(!(c.dry_run || c.force || c.subject_chats));
        assert_eq!(c.deep_link("ab12"), "https://max.ru/school_bot?start=ab12");
    }

    #[test]
    fn typed_parameters_are_read() {
        let c = config(
            &ORG,
            &[
                ("proxy_server", " proxy.school "),
                ("proxy_port", "3128"),
                ("proxy_auth", "1"),
                ("proxy_username", "u"),
                ("proxy_password", " pw "),
                ("subject_chats", "1"),
                ("dry_run", "1"),
                ("max_removals_percent", "100"),
                ("bind_chats", "-7=Учительская; -8=class:c:parents"),
            ],
        )
        .unwrap();
        assert_eq!(
            c.proxy,
            Some(ProxySettings {
                server: "proxy.school".into(),
                port: 3128,
                auth: Some(("u".into(), " pw ".into())),
            })
        );
        assert!(c.subject_chats && c.dry_run);
        assert_eq!(c.max_removals_percent, 100);
        assert_eq!(
            c.bind_chats,
            [
                (-7, "Учительская".to_string()),
                (-8, "class:c:parents".to_string())
            ]
        );
    }

    #[test]
    fn parameters_that_break_the_rules_never_reach_the_plugin() {
        let e = TestHost::new()
            .check::<crate::MaxSync>(RunRequest {
                org_values: params(&ORG),
                params: params(&[("proxy_server", "p"), ("proxy_auth", "1")]),
                ..Default::default()
            })
            .unwrap_err();
        assert!(
            e.contains("proxy_port: is required with proxy_server"),
            "{e}"
        );
        assert!(
            e.contains("proxy_username: is required with proxy_auth=1"),
            "{e}"
        );
    }

    #[test]
    fn missing_and_malformed_links_base_values_say_what_to_enter_where() {
        let e = config(&[], &[]).unwrap_err();
        assert!(
            e.starts_with("Не заданы: max.bot_token, max.bot_name.")
                && e.contains("exchange-host org set s1")
                && e.contains("Базе ссылок"),
            "{e}"
        );
        let e = config_in("en_US.UTF-8", &[], &[]).unwrap_err();
        assert!(
            e.starts_with("max.bot_token and max.bot_name are not set")
                && e.contains("exchange-host org set s1")
                && e.contains("База ссылок"),
            "{e}"
        );
        let e = config(&[("max.bot_token", "two words"), ORG[1]], &[]).unwrap_err();
        assert!(e.contains("искажён") && !e.contains("two words"), "{e}");
        let e = config_in("en", &[("max.bot_token", "two words"), ORG[1]], &[]).unwrap_err();
        assert!(e.contains("malformed") && !e.contains("two words"), "{e}");
        let e = config(&[ORG[0], ("max.bot_name", "https://max.ru/x")], &[]).unwrap_err();
        assert!(e.contains("max.bot_name должно быть именем бота"), "{e}");
    }

    #[test]
    fn an_unreadable_ca_file_is_named() {
        let e = config_in("en", &ORG, &[("ca_file", "/nonexistent/ca.pem")]).unwrap_err();
        assert!(
            e.contains("ca_file /nonexistent/ca.pem cannot be read"),
            "{e}"
        );
    }
}
