//! The task type's declaration: id, Russian display name, parameter schema with labels and
//! descriptions per language, the counters' names, and the rules between the proxy parameters
//! (`task-proxy`'s, checked by the host and the SDK, not by the plugin).

use crate::texts::Lang;
use exchange_sdk::manifest::{ParamProblem, Params};
use exchange_sdk::{Manifest, ParamSpec, ParamType};

/// The stable task type id.
pub const TYPE_ID: &str = "max-sync";

/// The display name, in the style of the Sferum sync's.
pub const DISPLAY_NAME: &str = "Сервис выгрузки данных в Электронный дневник портала Петербургское образование - Синхронизация чатов Сферум в мессенджере MAX";

/// The Links base key of the bot's access token (secret).
pub const BOT_TOKEN_KEY: &str = "max.bot_token";
/// The Links base key of the bot's name, as in its deep link `https://max.ru/<name>`.
pub const BOT_NAME_KEY: &str = "max.bot_name";

/// The manifest of the MAX sync task type.
pub fn manifest() -> Manifest {
    Manifest {
        type_id: TYPE_ID.into(),
        display_name: DISPLAY_NAME.into(),
        description: "Keeps the school's Sferum chats in the MAX messenger (staff room, parents' and students' chat per class, subject chats) in step with the school data, by the same rules as sferum-sync: a MAX bot cannot create chats, so people create them and add the bot as an admin, and the task adopts them by their exact titles. Needs max.bot_token and max.bot_name in the organization's Links base.".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        default_schedule: Some("every 30m".into()),
        // One bot, one set of chats: a second task would fight the first.
        several_tasks_per_org: false,
        params: [task_proxy::params(), vec![
            ParamSpec::optional("ca_file", ParamType::String, None, "A PEM file of extra trusted CA certificates, e.g. the Russian Ministry of Digital Development's root CA that MAX's TLS chain needs when the system does not trust it.")
                .with_label("ru", "Файл корневых сертификатов")
                .with_description("ru", "Путь к файлу PEM с дополнительными доверенными сертификатами, например корневым сертификатом Минцифры России, если система ему не доверяет, а MAX его требует."),
        ], chat_rules::params(("MAX", "MAX")), vec![
            ParamSpec::optional("bind_chats", ParamType::String, None, "Chats bound to purposes by hand, for chats whose title is not the purpose's: CHAT_ID=PURPOSE pairs separated by ';', the purpose as its title («5 а — родители») or key (class:<id>:parents), e.g. -70000000000001=Учительская.")
                .with_label("ru", "Привязка чатов вручную")
                .with_description("ru", "Чаты, назначенные вручную, если название чата не совпадает с нужным: пары ИДЕНТИФИКАТОР_ЧАТА=НАЗНАЧЕНИЕ через «;», назначение — название («5 а — родители») или ключ (class:<id>:parents), например -70000000000001=Учительская."),
        ]].concat(),
        org_keys: vec![
            ParamSpec::optional(BOT_TOKEN_KEY, ParamType::Secret, None, "The school's MAX bot token (MAX for partners: only verified organizations get bots).")
                .with_label("ru", "Токен бота MAX")
                .with_description("ru", "Токен бота школы в MAX; выдаётся на платформе «MAX для партнёров» (business.max.ru) только проверенным организациям."),
            ParamSpec::optional(BOT_NAME_KEY, ParamType::String, None, "The bot's name in MAX, as in its link https://max.ru/<name>; people open the bot's deep links to bind their MAX account.")
                .with_label("ru", "Имя бота MAX")
                .with_description("ru", "Имя бота в MAX, как в его ссылке https://max.ru/<имя>; по персональным ссылкам на бота люди привязывают свой аккаунт MAX."),
        ],
        description_i18n: [("ru".to_string(), "Поддерживает чаты школы в мессенджере MAX (учительская, чаты родителей и учеников каждого класса, чаты учебных групп) в соответствии с данными школы по тем же правилам, что и синхронизация с VK Сферум. Бот MAX не может создавать чаты: их создают люди и добавляют бота администратором, а задача принимает чаты по точному названию и сообщает, каких не хватает. Нужны токен и имя бота в «Базе ссылок» организации.".to_string())].into(),
        counter_labels: crate::texts::counter_labels(),
        requires: task_proxy::rules(),
        ..Default::default()
    }
}

/// The plugin's own check, of what the manifest cannot declare: the form of `bind_chats`
/// (the host already checked each value's type and the rules between parameters), in the
/// language of the person saving the parameters.
pub fn validate(params: &Params, lang: Lang) -> Vec<ParamProblem> {
    let bindings = params.get("bind_chats").map_or("", |v| v.as_str());
    match crate::adopt::parse_bindings(lang, bindings) {
        Ok(_) => Vec::new(),
        Err(message) => vec![ParamProblem {
            key: Some("bind_chats".into()),
            message,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MaxSync;
    use exchange_sdk::testing::{params, TestHost};

    /// The keys the host would report problems on, in order.
    fn keys(pairs: &[(&str, &str)]) -> Vec<String> {
        let problems = TestHost::new().validate::<MaxSync>(&params(pairs));
        problems.into_iter().filter_map(|p| p.key).collect()
    }

    #[test]
    fn the_manifest_is_sound() {
        let mut m = manifest();
        m.abi_version = exchange_sdk::abi::ABI_VERSION.into();
        assert_eq!(m.findings(), []);
    }

    #[test]
    fn proxy_rules_are_declared_and_checked_by_the_host() {
        assert!(keys(&[]).is_empty());
        assert_eq!(keys(&[("proxy_port", "3128")]), ["proxy_port"]);
        assert_eq!(keys(&[("proxy_server", "proxy.local")]), ["proxy_port"]);
        let auth = [
            ("proxy_server", "p"),
            ("proxy_port", "3128"),
            ("proxy_auth", "1"),
        ];
        assert_eq!(keys(&auth), ["proxy_username", "proxy_password"]);
        assert_eq!(
            keys(&[("proxy_auth", "1")]),
            ["proxy_auth", "proxy_username", "proxy_password"]
        );
        let ok = [
            ("proxy_server", "p"),
            ("proxy_port", "3128"),
            ("proxy_auth", "1"),
            ("proxy_username", "u"),
            ("proxy_password", "secret"),
        ];
        assert!(keys(&ok).is_empty());
    }

    #[test]
    fn chat_bindings_are_checked_by_the_plugin_in_the_persons_language() {
        assert!(keys(&[("bind_chats", "-7=Учительская; -8=class:c:parents")]).is_empty());
        let bad = params(&[("bind_chats", "Учительская")]);
        let lines = |locale: &str| -> Vec<String> {
            let problems = TestHost::new().validate_in::<MaxSync>(&bad, locale);
            problems.iter().map(ToString::to_string).collect()
        };
        assert_eq!(
            lines("en"),
            ["bind_chats: «Учительская» is not CHAT_ID=PURPOSE, e.g. -70000000000001=Учительская"]
        );
        let russian = ["bind_chats: «Учительская» — не пара ИДЕНТИФИКАТОР_ЧАТА=НАЗНАЧЕНИЕ, например -70000000000001=Учительская"];
        assert_eq!(lines("ru"), russian);
        // A host that does not say the language (older than ABI 1.3) gets Russian.
        assert_eq!(lines(""), russian);
    }

    #[test]
    fn one_task_per_organization_with_the_sferum_sync_proxy_keys() {
        let m = manifest();
        assert!(!m.several_tasks_per_org);
        assert!(m.param("proxy_password").unwrap().kind.is_secret());
        assert_eq!(m.param("proxy_port").unwrap().kind, ParamType::Port);
        assert!(m
            .org_keys
            .iter()
            .any(|k| k.key == BOT_TOKEN_KEY && k.kind.is_secret()));
    }

    #[test]
    fn every_parameter_and_links_base_key_speaks_russian() {
        let m = manifest();
        for spec in m.params.iter().chain(&m.org_keys) {
            assert!(
                spec.label.contains_key("ru"),
                "{}: no Russian label",
                spec.key
            );
            assert!(
                spec.description_i18n.contains_key("ru"),
                "{}: no Russian description",
                spec.key
            );
        }
        assert!(m.description_i18n.contains_key("ru"));
        assert!(m.counter_labels.contains_key("chats_missing"));
    }
}
