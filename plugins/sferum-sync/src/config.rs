//! A run's settings, read from the organization's Links base and the task's parameters.

use crate::client::{RetryPolicy, Settings};
use crate::manifest::{ACCESS_TOKEN_KEY as TOKEN_KEY, COMMUNITY_ID_KEY as COMMUNITY_KEY};
use crate::texts::Lang;
use exchange_sdk::Context;
use task_proxy::ProxySettings;

/// What a run needs to know before it starts.
#[derive(Clone, Debug)]
pub struct Config {
    /// The school's Sferum community.
    pub community_id: u64,
    /// The community access token (secret).
    pub token: String,
    /// The proxy from the task's parameters.
    pub proxy: Option<ProxySettings>,
    /// Keep a chat per subject group too.
    pub subject_chats: bool,
    /// Plan and print only.
    pub dry_run: bool,
    /// The removal guard's threshold.
    pub max_removals_percent: u64,
    /// Removals above the threshold are confirmed, for this run only (`run --force`).
    pub force: bool,
    /// Create anew the chats the community lost access to.
    pub recreate_lost: bool,
    /// The language of the run's texts.
    pub lang: Lang,
}

fn where_to_enter(org: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "Enter the school's Sferum community ID and community access token in the organization's Links base («База ссылок»): exchange-host org set {org} sferum.community_id=<ID> sferum.access_token=<token>. Both are issued by the Education Committee (Комитет по образованию): ask the district coordinator"
        ),
        Lang::Ru => format!(
            "Введите идентификатор сообщества школы в Сферуме и ключ доступа сообщества в базе ссылок организации («База ссылок»): exchange-host org set {org} sferum.community_id=<ID> sferum.access_token=<ключ>. Оба значения выдаёт Комитет по образованию: обратитесь к районному координатору"
        ),
    }
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
        let community = org_value(ctx, COMMUNITY_KEY);
        let token = org_value(ctx, TOKEN_KEY);
        let missing: Vec<&str> = [
            (COMMUNITY_KEY, community.is_none()),
            (TOKEN_KEY, token.is_none()),
        ]
        .into_iter()
        .filter_map(|(k, m)| m.then_some(k))
        .collect();
        if !missing.is_empty() {
            let verb = if missing.len() > 1 { "are" } else { "is" };
            let place = where_to_enter(org, lang);
            return Err(match lang {
                Lang::En => format!("{} {verb} not set. {place}", missing.join(" and ")),
                Lang::Ru => format!("Не задано: {}. {place}", missing.join(" и ")),
            });
        }
        let (community, token) = (community.unwrap_or_default(), token.unwrap_or_default());
        let community_id = community.parse::<u64>().ok().filter(|&id| id > 0).ok_or_else(|| {
            let place = where_to_enter(org, lang);
            match lang {
                Lang::En => format!("{COMMUNITY_KEY} must be the community's ID, a positive whole number, not «{community}». {place}"),
                Lang::Ru => format!("{COMMUNITY_KEY} должен быть идентификатором сообщества — целым положительным числом, а не «{community}». {place}"),
            }
        })?;
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) || !token.is_ascii() {
            let place = where_to_enter(org, lang);
            return Err(match lang {
                Lang::En => format!("{TOKEN_KEY} is malformed (an access token is one word of letters and digits). {place}"),
                Lang::Ru => format!("{TOKEN_KEY} записан неверно (ключ доступа — одно слово из латинских букв и цифр). {place}"),
            });
        }
        let params = ctx.params();
        Ok(Config {
            community_id,
            token: token.to_string(),
            proxy: ProxySettings::from_params(&params),
            subject_chats: params.flag("subject_chats"),
            dry_run: ctx.dry_run() || params.flag("dry_run"),
            max_removals_percent: params
                .integer("max_removals_percent")
                .unwrap_or_default()
                .unsigned_abs(),
            force: ctx.force(),
            recreate_lost: params.flag("recreate_lost"),
            lang,
        })
    }

    /// The client settings for the API at `base`.
    pub fn settings(&self, base: &str, retry: RetryPolicy) -> Settings {
        Settings {
            base: base.to_string(),
            token: self.token.clone(),
            proxy: self.proxy.clone(),
            retry,
            lang: self.lang,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use exchange_sdk::testing::{params, TestHost};
    use exchange_sdk::RunRequest;

    fn config(
        org: &[(&str, &str)],
        task: &[(&str, &str)],
        dry_run: bool,
    ) -> Result<Config, String> {
        config_in("en", org, task, dry_run)
    }

    fn config_in(
        locale: &str,
        org: &[(&str, &str)],
        task: &[(&str, &str)],
        dry_run: bool,
    ) -> Result<Config, String> {
        let request = RunRequest {
            org_id: "s1".into(),
            org_values: params(org),
            params: params(task),
            dry_run,
            locale: locale.into(),
            ..Default::default()
        };
        Config::from_ctx(&TestHost::new().context::<crate::SferumSync>(request))
    }

    const ORG: [(&str, &str); 2] = [
        ("sferum.community_id", " 239 "),
        ("sferum.access_token", "vk1.a.tok"),
    ];

    #[test]
    fn defaults_without_parameters() {
        let c = config(&ORG, &[], false).unwrap();
        assert_eq!((c.community_id, c.token.as_str()), (239, "vk1.a.tok"));
        assert_eq!(c.proxy, None);
        assert_eq!(c.max_removals_percent, 20);
        assert!(!(c.dry_run || c.force || c.subject_chats || c.recreate_lost));
        assert!(config(&ORG, &[], true).unwrap().dry_run);
        assert!(config(&ORG, &[("dry_run", "1")], false).unwrap().dry_run);
    }

    #[test]
    fn proxy_with_and_without_authorization() {
        let c = config(
            &ORG,
            &[
                ("proxy_server", "proxy.school"),
                ("proxy_port", "3128"),
                ("proxy_username", "u"),
            ],
            false,
        )
        .unwrap();
        assert_eq!(
            c.proxy,
            Some(ProxySettings {
                server: "proxy.school".into(),
                port: 3128,
                auth: None
            })
        );
        let with_auth = [
            ("proxy_server", "p"),
            ("proxy_port", "8080"),
            ("proxy_auth", "1"),
            ("proxy_username", "u"),
            ("proxy_password", " pw "),
        ];
        let c = config(&ORG, &with_auth, false).unwrap();
        assert_eq!(c.proxy.unwrap().auth, Some(("u".into(), " pw ".into())));
        // Parameters that break the manifest's rules never reach the plugin.
        let e = TestHost::new()
            .check::<crate::SferumSync>(RunRequest {
                org_values: params(&ORG),
                params: params(&[
                    ("proxy_server", "p"),
                    ("proxy_port", "8080"),
                    ("proxy_auth", "1"),
                ]),
                ..Default::default()
            })
            .unwrap_err();
        assert!(
            e.contains("proxy_username: is required with proxy_auth=1"),
            "{e}"
        );
    }

    #[test]
    fn missing_values_say_what_where_and_who() {
        let e = config(&ORG[..1], &[], false).unwrap_err();
        assert!(e.starts_with("sferum.access_token is not set"), "{e}");
        assert!(
            e.contains("exchange-host org set s1")
                && e.contains("База ссылок")
                && e.contains("Education Committee"),
            "{e}"
        );
        let e = config(&[("sferum.access_token", "t")], &[], false).unwrap_err();
        assert!(e.starts_with("sferum.community_id is not set"), "{e}");
        // Russian unless the host asks for English.
        let e = config_in("", &[], &[], false).unwrap_err();
        assert!(
            e.starts_with("Не задано: sferum.community_id и sferum.access_token. Введите")
                && e.contains("exchange-host org set s1")
                && e.contains("Комитет по образованию"),
            "{e}"
        );
    }

    #[test]
    fn malformed_values_are_refused() {
        for bad in ["0", "-239", "club239", "2.5"] {
            let e = config(
                &[("sferum.community_id", bad), ("sferum.access_token", "t")],
                &[],
                false,
            )
            .unwrap_err();
            assert!(e.contains("positive whole number"), "{bad}: {e}");
        }
        let e = config(
            &[
                ("sferum.community_id", "1"),
                ("sferum.access_token", "two words"),
            ],
            &[],
            false,
        )
        .unwrap_err();
        assert!(e.contains("malformed") && !e.contains("two words"), "{e}");
        let e = config_in(
            "ru-RU",
            &[
                ("sferum.community_id", "club239"),
                ("sferum.access_token", "t"),
            ],
            &[],
            false,
        )
        .unwrap_err();
        assert!(
            e.starts_with("sferum.community_id должен быть идентификатором сообщества")
                && e.contains("«club239»"),
            "{e}"
        );
    }
}
