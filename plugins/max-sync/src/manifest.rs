//! The task type's declaration: id, Russian display name, and parameter schema.

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
        abi_version: String::new(),
        default_schedule: Some("every 30m".into()),
        // One bot, one set of chats: a second task would fight the first.
        several_tasks_per_org: false,
        params: vec![
            ParamSpec::optional("proxy_server", ParamType::String, None, "Proxy server address (host name or IP), if the school reaches the internet through one."),
            ParamSpec::optional("proxy_port", ParamType::Port, None, "Proxy server port."),
            ParamSpec::optional("proxy_username", ParamType::String, None, "Proxy user name (with proxy_auth=1)."),
            ParamSpec::optional("proxy_password", ParamType::Secret, None, "Proxy password (with proxy_auth=1)."),
            ParamSpec::optional("proxy_auth", ParamType::Flag, Some("0"), "1 if the proxy requires authorization, 0 if not."),
            ParamSpec::optional("ca_file", ParamType::String, None, "A PEM file of extra trusted CA certificates, e.g. the Russian Ministry of Digital Development's root CA that MAX's TLS chain needs when the system does not trust it."),
            ParamSpec::optional("subject_chats", ParamType::Flag, Some("0"), "1 to keep a chat per subject group as well."),
            ParamSpec::optional("dry_run", ParamType::Flag, Some("0"), "1 to plan and report only, changing nothing in MAX."),
            ParamSpec::optional("max_removals_percent", ParamType::Integer { min: 0, max: 100 }, Some("20"), "Stop before removing more than this share of a chat's members (or of all managed members)."),
            ParamSpec::optional("bind_chats", ParamType::String, None, "Chats bound to purposes by hand, for chats whose title is not the purpose's: CHAT_ID=PURPOSE pairs separated by ';', the purpose as its title («5 а — родители») or key (class:<id>:parents), e.g. -70000000000001=Учительская."),
        ],
        org_keys: vec![
            ParamSpec::optional(BOT_TOKEN_KEY, ParamType::Secret, None, "The school's MAX bot token (MAX for partners: only verified organizations get bots)."),
            ParamSpec::optional(BOT_NAME_KEY, ParamType::String, None, "The bot's name in MAX, as in its link https://max.ru/<name>; people open the bot's deep links to bind their MAX account."),
        ],
        ..Default::default()
    }
}

/// The value under `key`, trimmed, when it is set and not blank.
pub(crate) fn set<'a>(params: &'a Params, key: &str) -> Option<&'a str> {
    params.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn problem(key: &str, message: impl Into<String>) -> ParamProblem {
    ParamProblem {
        key: Some(key.into()),
        message: message.into(),
    }
}

/// Checks the rules between parameters (the host already checked each value's type).
pub fn validate(params: &Params) -> Vec<ParamProblem> {
    let mut problems = Vec::new();
    let server = set(params, "proxy_server");
    if server.is_none() {
        for key in ["proxy_port", "proxy_username", "proxy_password"] {
            if set(params, key).is_some() {
                problems.push(problem(
                    key,
                    "is set but proxy_server is not: set proxy_server too, or remove it",
                ));
            }
        }
    } else if set(params, "proxy_port").is_none() {
        problems.push(problem(
            "proxy_port",
            "is required with proxy_server: set the proxy's port, e.g. proxy_port=3128",
        ));
    }
    if set(params, "proxy_auth") == Some("1") {
        for key in ["proxy_username", "proxy_password"] {
            if set(params, key).is_none() {
                problems.push(problem(key, "is required with proxy_auth=1"));
            }
        }
        if server.is_none() {
            problems.push(problem("proxy_auth", "is 1 but proxy_server is not set"));
        }
    }
    if let Some(text) = set(params, "bind_chats") {
        if let Err(e) = crate::adopt::parse_bindings(text) {
            problems.push(problem("bind_chats", e));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn keys(problems: Vec<ParamProblem>) -> Vec<String> {
        problems.into_iter().filter_map(|p| p.key).collect()
    }

    #[test]
    fn proxy_rules_and_chat_bindings_are_checked() {
        assert!(validate(&Params::new()).is_empty());
        assert_eq!(
            keys(validate(&params(&[("proxy_port", "3128")]))),
            ["proxy_port"]
        );
        assert_eq!(
            keys(validate(&params(&[
                ("proxy_server", "p"),
                ("proxy_auth", "1"),
                ("proxy_port", "1")
            ]))),
            ["proxy_username", "proxy_password"]
        );
        assert!(validate(&params(&[(
            "bind_chats",
            "-7=Учительская; -8=class:c:parents"
        )]))
        .is_empty());
        assert_eq!(
            keys(validate(&params(&[("bind_chats", "Учительская")]))),
            ["bind_chats"]
        );
    }

    #[test]
    fn one_task_per_organization_with_the_sferum_sync_proxy_keys() {
        let m = manifest();
        assert!(!m.several_tasks_per_org);
        assert!(m.param("proxy_password").unwrap().kind.is_secret());
        assert!(m
            .org_keys
            .iter()
            .any(|k| k.key == BOT_TOKEN_KEY && k.kind.is_secret()));
    }
}
