//! The task type's declaration: id, Russian display name, parameter schema, and the rules
//! between the proxy parameters (`task-proxy`'s, checked by the host and the SDK, not by the
//! plugin).

use exchange_sdk::{Manifest, ParamSpec, ParamType};

/// The stable task type id.
pub const TYPE_ID: &str = "sferum-sync";

/// The display name, as the administrator's instruction prints it.
pub const DISPLAY_NAME: &str = "Сервис выгрузки данных в Электронный дневник портала Петербургское образование - Синхронизация чатов и ВКС с платформой VK Сферум";

/// The Links base key of the school's community ID.
pub const COMMUNITY_ID_KEY: &str = "sferum.community_id";
/// The Links base key of the community access token (secret).
pub const ACCESS_TOKEN_KEY: &str = "sferum.access_token";

/// The manifest of the Sferum sync task type.
pub fn manifest() -> Manifest {
    Manifest {
        type_id: TYPE_ID.into(),
        display_name: DISPLAY_NAME.into(),
        description: "Keeps the school's VK Sferum chats (staff room, parents' and students' chat per class, subject chats), their admins and invite links, and video-call links in step with the school data. Needs sferum.community_id and sferum.access_token in the organization's Links base.".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        default_schedule: Some("every 30m".into()),
        // One community, one set of chats: a second task would fight the first.
        several_tasks_per_org: false,
        params: [task_proxy::params(), chat_rules::params(("Sferum", "Сферуме")), vec![
            ParamSpec::optional("recreate_lost", ParamType::Flag, Some("0"), "1 to create anew the chats the community lost access to (error 917).")
                .with_label("ru", "Пересоздать потерянные чаты")
                .with_description("ru", "1 — создать заново чаты, доступ к которым сообщество потеряло (ошибка 917)."),
        ]].concat(),
        org_keys: vec![
            ParamSpec::optional(COMMUNITY_ID_KEY, ParamType::Integer { min: 1, max: i64::MAX }, None, "The school's Sferum community ID («идентификатор сообщества»), issued by the Education Committee through the district coordinator.")
                .with_label("ru", "Идентификатор сообщества Сферум")
                .with_description("ru", "Идентификатор сообщества школы в Сферуме; выдаёт Комитет по образованию через районного координатора."),
            ParamSpec::optional(ACCESS_TOKEN_KEY, ParamType::Secret, None, "The community access token («токен доступа сообщества»), issued with the community ID.")
                .with_label("ru", "Токен доступа сообщества")
                .with_description("ru", "Токен доступа сообщества; выдаётся вместе с идентификатором сообщества."),
        ],
        description_i18n: [("ru".to_string(), "Поддерживает чаты школы в VK Сферум (учительская, чаты родителей и учеников каждого класса, чаты учебных групп), их администраторов и ссылки-приглашения, а также ссылки на видеозвонки в соответствии с данными школы. Нужны идентификатор сообщества и токен доступа в «Базе ссылок» организации.".to_string())].into(),
        counter_labels: crate::texts::counter_labels(),
        requires: task_proxy::rules(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use exchange_sdk::manifest::ParamProblem;
    use exchange_sdk::testing::params;

    fn keys(pairs: &[(&str, &str)]) -> Vec<String> {
        let m = manifest();
        let problems: Vec<ParamProblem> = m.dependency_problems(&m.with_defaults(&params(pairs)));
        problems.into_iter().filter_map(|p| p.key).collect()
    }

    #[test]
    fn the_manifest_is_sound() {
        let mut m = manifest();
        m.abi_version = exchange_sdk::abi::ABI_VERSION.into();
        assert_eq!(m.findings(), []);
    }

    #[test]
    fn every_counter_a_run_writes_has_a_russian_name() {
        let labels = manifest().counter_labels;
        let reasons = (0..2000).filter_map(crate::backend::vk::skip_reason);
        let keys = ["skipped".to_string(), "calls_restarted".to_string()]
            .into_iter()
            .chain(reasons.map(|r| format!("skipped.{r}")));
        for key in keys {
            let ru = labels.get(&key).and_then(|t| t.get("ru"));
            assert!(ru.is_some(), "{key}: no Russian name");
        }
        assert_eq!(
            labels["skipped.chat_full"]["ru"],
            "нельзя добавить: в чате нет мест"
        );
    }

    #[test]
    fn no_settings_is_valid() {
        assert!(keys(&[]).is_empty());
    }

    #[test]
    fn proxy_port_needs_server() {
        assert_eq!(keys(&[("proxy_port", "3128")]), ["proxy_port"]);
    }

    #[test]
    fn server_needs_port() {
        assert_eq!(keys(&[("proxy_server", "proxy.local")]), ["proxy_port"]);
    }

    #[test]
    fn auth_needs_username_and_password() {
        let p = [
            ("proxy_server", "p"),
            ("proxy_port", "3128"),
            ("proxy_auth", "1"),
        ];
        assert_eq!(keys(&p), ["proxy_username", "proxy_password"]);
        let ok = [
            ("proxy_server", "p"),
            ("proxy_port", "3128"),
            ("proxy_auth", "1"),
            ("proxy_username", "u"),
            ("proxy_password", "secret"),
        ];
        assert!(keys(&ok).is_empty());
        assert_eq!(
            keys(&[("proxy_auth", "1")]),
            ["proxy_auth", "proxy_username", "proxy_password"]
        );
    }

    #[test]
    fn five_proxy_parameters_declared() {
        let m = manifest();
        for key in [
            "proxy_server",
            "proxy_port",
            "proxy_username",
            "proxy_password",
            "proxy_auth",
        ] {
            assert!(m.param(key).is_some(), "{key} missing");
        }
        assert!(m.param("proxy_password").unwrap().kind.is_secret());
        assert_eq!(m.param("proxy_port").unwrap().kind, ParamType::Port);
    }
}
