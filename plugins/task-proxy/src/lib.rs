//! The proxy settings the messenger task types share (`sferum-sync` on VK, `max-sync` on
//! MAX): the five task parameters with their labels per language ([`params`]), the rules
//! between them ([`rules`], checked by the host and the SDK), reading them typed
//! ([`ProxySettings::from_params`]) and an HTTP client builder that sends through the proxy
//! and never through one from the environment ([`configure`]; its refusals, [`ProxyError`],
//! in English and Russian).
//!
//! A crate of its own for the reason `chat-rules` is one: one plugin cannot link the other.

use exchange_sdk::manifest::{Condition, Dependency};
use exchange_sdk::typed::TypedParams;
use exchange_sdk::{ParamSpec, ParamType};
use reqwest::blocking::ClientBuilder;
use reqwest::header::HeaderValue;

/// The proxy parameters, in the order forms show them.
pub fn params() -> Vec<ParamSpec> {
    vec![
        ParamSpec::optional("proxy_server", ParamType::String, None, "Proxy server address (host name or IP), if the school reaches the internet through one.")
            .with_label("ru", "Прокси-сервер")
            .with_description("ru", "Адрес прокси-сервера (имя или IP-адрес), если школа выходит в интернет через него."),
        ParamSpec::optional("proxy_port", ParamType::Port, None, "Proxy server port.")
            .with_label("ru", "Порт прокси-сервера")
            .with_description("ru", "Порт прокси-сервера, например 3128."),
        ParamSpec::optional("proxy_username", ParamType::String, None, "Proxy user name (with proxy_auth=1).")
            .with_label("ru", "Имя пользователя прокси")
            .with_description("ru", "Имя пользователя прокси-сервера (если прокси требует авторизации)."),
        ParamSpec::optional("proxy_password", ParamType::Secret, None, "Proxy password (with proxy_auth=1).")
            .with_label("ru", "Пароль прокси")
            .with_description("ru", "Пароль прокси-сервера (если прокси требует авторизации)."),
        ParamSpec::optional("proxy_auth", ParamType::Flag, Some("0"), "1 if the proxy requires authorization, 0 if not.")
            .with_label("ru", "Прокси требует авторизации")
            .with_description("ru", "1 — прокси требует имя пользователя и пароль, 0 — не требует."),
    ]
}

/// The rules between the proxy parameters: the others only with a server, a port with a
/// server, a user name and a password with `proxy_auth=1`.
pub fn rules() -> Vec<Dependency> {
    vec![
        Dependency::only_with(
            &[
                "proxy_port",
                "proxy_username",
                "proxy_password",
                "proxy_auth",
            ],
            Condition::set("proxy_server"),
        ),
        Dependency::required_with(&["proxy_port"], Condition::set("proxy_server")),
        Dependency::required_with(
            &["proxy_username", "proxy_password"],
            Condition::equals("proxy_auth", "1"),
        ),
    ]
}

/// The proxy a task's parameters name.
#[derive(Clone, Debug, PartialEq)]
pub struct ProxySettings {
    /// Host name or address (a scheme such as `http://` may be given).
    pub server: String,
    /// Port.
    pub port: u16,
    /// User name and password when the proxy needs authorization (`proxy_auth=1`).
    pub auth: Option<(String, String)>,
}

impl ProxySettings {
    /// The proxy of a run's parameters, `None` without `proxy_server`. The manifest's
    /// [`rules`] held before the run: a port with a server, a user and a password with auth.
    pub fn from_params(params: &TypedParams<'_>) -> Option<ProxySettings> {
        params.text("proxy_server").map(|server| ProxySettings {
            server: server.to_string(),
            port: params.port("proxy_port").unwrap_or_default(),
            auth: params.flag("proxy_auth").then(|| {
                let user = params.text("proxy_username").unwrap_or_default();
                let pass = params.secret("proxy_password").unwrap_or_default();
                (user.to_string(), pass.to_string())
            }),
        })
    }
}

/// Why a task's proxy settings make no usable proxy. The messages name the parameters to
/// check and never carry the password; a plugin shows them in the run's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProxyError {
    /// `proxy_server` and `proxy_port` make no proxy address (the address they make).
    NoAddress(String),
    /// `proxy_username` contains `:`, which Basic authorization cannot carry.
    ColonInUsername,
}

impl ProxyError {
    /// The message in English.
    pub fn english(&self) -> String {
        match self {
            ProxyError::NoAddress(address) => format!(
                "proxy_server and proxy_port make no proxy address ({address}): check in the \
                 task's parameters that proxy_server is the proxy's host name or IP address \
                 (http:// may precede it) and proxy_port its port"
            ),
            ProxyError::ColonInUsername => "proxy_username contains «:», which a proxy's Basic \
                authorization cannot carry: check the user name in the task's parameters, or ask \
                the proxy's administrator for a user name without «:»"
                .into(),
        }
    }

    /// The message in Russian.
    pub fn russian(&self) -> String {
        match self {
            ProxyError::NoAddress(address) => format!(
                "из параметров proxy_server и proxy_port не получается адрес прокси-сервера \
                 ({address}): проверьте в параметрах задачи, что proxy_server — имя или IP-адрес \
                 прокси-сервера (перед ним можно указать http://), а proxy_port — его порт"
            ),
            ProxyError::ColonInUsername => {
                "имя пользователя прокси (proxy_username) содержит «:», \
                а при базовой авторизации на прокси-сервере имя не может его содержать: проверьте \
                имя в параметрах задачи или попросите администратора прокси-сервера выдать имя \
                без «:»"
                    .into()
            }
        }
    }
}

/// `builder` sending through `proxy`, or directly without one; proxies of the environment
/// (`HTTP_PROXY`, …) never apply. Err when the settings make no proxy.
pub fn configure(
    builder: ClientBuilder,
    proxy: Option<&ProxySettings>,
) -> Result<ClientBuilder, ProxyError> {
    let Some(p) = proxy else {
        return Ok(builder.no_proxy());
    };
    let url = if p.server.contains("://") {
        format!("{}:{}", p.server.trim_end_matches('/'), p.port)
    } else {
        format!("http://{}:{}", p.server, p.port)
    };
    // reqwest says only "builder error": the message says what to check instead.
    let mut proxy = reqwest::Proxy::all(&url).map_err(|_| ProxyError::NoAddress(url))?;
    if let Some((user, password)) = &p.auth {
        proxy = proxy.custom_http_auth(proxy_authorization(user, password)?);
    }
    // No idle connections through a proxy: a proxy that closes a connection after an answer
    // (tinyproxy does) races a reuse of it, and a POST lost that way may be a write whose
    // answer is lost.
    Ok(builder.proxy(proxy).pool_max_idle_per_host(0))
}

/// The `Proxy-Authorization` value for Basic authorization with exactly these user name and
/// password (UTF-8). Not [`reqwest::Proxy::basic_auth`]: it puts them into the proxy's URL,
/// which is percent-decoded on the way out, so a password with `%41` reached the proxy as `A`.
fn proxy_authorization(user: &str, password: &str) -> Result<HeaderValue, ProxyError> {
    use base64::Engine as _;
    if user.contains(':') {
        return Err(ProxyError::ColonInUsername);
    }
    let credentials =
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let mut value = HeaderValue::from_str(&format!("Basic {credentials}"))
        .expect("base64 is a valid header value");
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use exchange_sdk::testing::params as values;
    use exchange_sdk::Manifest;

    #[test]
    fn the_declaration_is_sound_and_every_parameter_speaks_russian() {
        let m = Manifest {
            type_id: "proxy".into(),
            display_name: "Прокси".into(),
            description: "proxy".into(),
            version: "1".into(),
            abi_version: exchange_sdk::abi::ABI_VERSION.into(),
            params: params(),
            requires: rules(),
            ..Default::default()
        };
        assert_eq!(m.findings(), []);
        for spec in &m.params {
            assert!(spec.label.contains_key("ru") && spec.description_i18n.contains_key("ru"));
        }
        assert!(m.param("proxy_password").unwrap().kind.is_secret());
    }

    #[test]
    fn settings_are_read_typed() {
        let specs = params();
        let none = values(&[("proxy_auth", "0")]);
        assert_eq!(
            ProxySettings::from_params(&TypedParams::new(&specs, &none)),
            None
        );
        let plain = values(&[
            ("proxy_server", " proxy.school "),
            ("proxy_port", "3128"),
            ("proxy_username", "ignored without auth"),
        ]);
        assert_eq!(
            ProxySettings::from_params(&TypedParams::new(&specs, &plain)),
            Some(ProxySettings {
                server: "proxy.school".into(),
                port: 3128,
                auth: None
            })
        );
        let auth = values(&[
            ("proxy_server", "p"),
            ("proxy_port", "8080"),
            ("proxy_auth", "1"),
            ("proxy_username", "u"),
            ("proxy_password", " pw "),
        ]);
        let read = ProxySettings::from_params(&TypedParams::new(&specs, &auth)).unwrap();
        assert_eq!(
            read.auth,
            Some(("u".into(), " pw ".into())),
            "a password is not trimmed"
        );
    }

    /// Both messages of a refusal: each says what to check, neither carries the password,
    /// and the Russian one has no English sentence.
    fn refusal(settings: &ProxySettings) -> (String, String) {
        let error = configure(reqwest::blocking::Client::builder(), Some(settings)).unwrap_err();
        let (en, ru) = (error.english(), error.russian());
        for text in [&en, &ru] {
            assert!(!text.contains("secret-pw"), "{text}");
        }
        assert_eq!(exchange_sdk::testing::latin_sentence(&ru), None, "{ru}");
        (en, ru)
    }

    #[test]
    fn unusable_settings_are_refused_in_both_languages() {
        let bad = ProxySettings {
            server: "http://[::1".into(),
            port: 3128,
            auth: Some(("u".into(), "secret-pw".into())),
        };
        let (en, ru) = refusal(&bad);
        assert!(
            en.starts_with(
                "proxy_server and proxy_port make no proxy address (http://[::1:3128): check"
            ),
            "{en}"
        );
        assert!(
            ru.starts_with("из параметров proxy_server и proxy_port не получается адрес прокси-сервера (http://[::1:3128): проверьте"),
            "{ru}"
        );
        let colon = ProxySettings {
            server: "p".into(),
            port: 3128,
            auth: Some(("a:b".into(), "secret-pw".into())),
        };
        let (en, ru) = refusal(&colon);
        assert!(en.starts_with("proxy_username contains «:»"), "{en}");
        assert!(
            ru.starts_with("имя пользователя прокси (proxy_username) содержит «:»"),
            "{ru}"
        );
    }

    #[test]
    fn proxy_credentials_are_sent_exactly_as_typed() {
        let value = proxy_authorization("school", "p%41ss@:/#").unwrap();
        // base64("school:p%41ss@:/#")
        assert_eq!(value.to_str().unwrap(), "Basic c2Nob29sOnAlNDFzc0A6LyM=");
        assert!(value.is_sensitive());
        let value = proxy_authorization("школа", "пароль").unwrap();
        assert_eq!(
            value.to_str().unwrap(),
            "Basic 0YjQutC+0LvQsDrQv9Cw0YDQvtC70Yw="
        );
    }
}
