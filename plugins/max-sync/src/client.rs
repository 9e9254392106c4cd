//! The MAX Bot API transport: JSON over HTTPS with the token in the `Authorization` header
//! (no `Bearer`), a limiter under the service's 30 requests/s, retries with backoff of 429,
//! server errors, lost answers and `success: false` with `internal.error`, the task's proxy
//! (environment proxies never apply) and an extra trusted CA file.

use crate::texts::Lang;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use task_proxy::ProxySettings;

/// The API address.
pub const BASE: &str = "https://platform-api2.max.ru";
/// The environment variable that replaces [`BASE`] (tests point it at the emulator).
pub const BASE_ENV: &str = "MAX_API_BASE";
/// Requests per second at most: below the service's 30.
pub const RATE_PER_SECOND: u32 = 25;
/// How many times a request is sent again after a passing failure.
const RETRIES: u32 = 4;

/// The API address: `MAX_API_BASE` when set, else [`BASE`].
pub fn base_from_env() -> String {
    std::env::var(BASE_ENV)
        .ok()
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| BASE.to_string())
}

/// What the client needs.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The API address.
    pub base: String,
    /// The bot token.
    pub token: String,
    /// The proxy, if any.
    pub proxy: Option<ProxySettings>,
    /// PEM text of extra trusted CA certificates.
    pub ca_pem: Option<Vec<u8>>,
    /// The first pause of the backoff (doubled per retry).
    pub pause: Duration,
    /// The language of the errors a person reads.
    pub lang: Lang,
}

/// Why a request failed.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The bot lacks the rights for this (403 or `success: false` with `chat.denied`).
    Denied(String),
    /// No such chat or object (404).
    NotFound(String),
    /// The run cannot go on: the token is refused, the service unreachable, an answer
    /// unreadable (the message says what to do).
    Fatal(String),
    /// Any other refusal of this one request (`code: message`).
    Other(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Denied(m)
            | ApiError::NotFound(m)
            | ApiError::Fatal(m)
            | ApiError::Other(m) => f.write_str(m),
        }
    }
}

/// The MAX Bot API client.
pub struct Client {
    http: reqwest::blocking::Client,
    pub(crate) settings: Settings,
    last: Mutex<Option<Instant>>,
    requests: AtomicU64,
}

impl Client {
    /// A client for the settings; Err when the proxy or the CA file is unusable.
    pub fn new(settings: Settings) -> Result<Client, String> {
        let builder = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .user_agent(concat!(
                "exchange-host max-sync/",
                env!("CARGO_PKG_VERSION")
            ));
        let lang = settings.lang;
        let mut builder = task_proxy::configure(builder, settings.proxy.as_ref())
            .map_err(|e| lang.pick(e.english(), e.russian()))?;
        if let Some(pem) = &settings.ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                lang.pick(
                    format!("ca_file holds no readable PEM certificate: {e}"),
                    format!("в файле ca_file нет читаемого сертификата PEM: {e}"),
                )
            })?;
            if certs.is_empty() {
                return Err(lang.pick(
                    "ca_file holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into(),
                    "в файле ca_file нет сертификата PEM (-----BEGIN CERTIFICATE-----)".into(),
                ));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder.build().map_err(|e| {
            lang.pick(
                format!("the HTTP client cannot start: {e}"),
                format!("HTTP-клиент не запускается: {e}"),
            )
        })?;
        Ok(Client {
            http,
            settings,
            last: Mutex::new(None),
            requests: AtomicU64::new(0),
        })
    }

    /// How many HTTP requests were sent.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    fn wait_turn(&self) {
        let gap = Duration::from_secs(1) / RATE_PER_SECOND;
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(at) = *last {
            let next = at + gap;
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            }
        }
        *last = Some(Instant::now());
    }

    /// Sends a request; retries passing failures with backoff. Every call the plugin makes
    /// is idempotent (adding a member who is in counts as added, removing one who is not
    /// succeeds), so a request whose answer was lost is simply sent again.
    pub fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        let url = format!("{}{path}", self.settings.base.trim_end_matches('/'));
        let mut pause = self.settings.pause;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let retry = match self.once(&method, &url, query, body) {
                Ok(v) => return Ok(v),
                Err(Attempt::Final(e)) => return Err(e),
                Err(Attempt::Again(why)) => why,
            };
            if attempt > RETRIES {
                return Err(ApiError::Fatal(self.settings.lang.pick(
                    format!("MAX did not answer {method} {path} after {attempt} attempts ({retry}): check the school's internet connection and proxy, or try later"),
                    format!("MAX не ответил на {method} {path} за {attempt} попыток ({retry}): проверьте подключение школы к интернету и прокси или повторите позже"),
                )));
            }
            std::thread::sleep(pause);
            pause *= 2;
        }
    }

    fn once(
        &self,
        method: &reqwest::Method,
        url: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Value, Attempt> {
        self.wait_turn();
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut request = self
            .http
            .request(method.clone(), url)
            .header("Authorization", &self.settings.token)
            .query(query);
        if let Some(b) = body {
            request = request.json(b);
        }
        let response = request.send().map_err(|e| {
            if e.is_connect() && !e.is_timeout() && attempt_is_tls(&e) {
                Attempt::Final(ApiError::Fatal(self.settings.lang.pick(
                    format!("the TLS connection to MAX failed ({e}): MAX's certificate chain needs the Russian Ministry of Digital Development's root CA; give its PEM file in the task's ca_file parameter"),
                    format!("не удалось установить TLS-соединение с MAX ({e}): цепочке сертификатов MAX нужен корневой сертификат Минцифры России; укажите его файл PEM в параметре задачи ca_file"),
                )))
            } else {
                Attempt::Again(
                    self.settings
                        .lang
                        .pick(format!("no answer: {e}"), format!("нет ответа: {e}")),
                )
            }
        })?;
        let status = response.status();
        let text = response.text().map_err(|e| {
            Attempt::Again(self.settings.lang.pick(
                format!("the answer was cut off: {e}"),
                format!("ответ оборван: {e}"),
            ))
        })?;
        classify(self.settings.lang, status.as_u16(), &text)
    }
}

/// Whether a connection error came from TLS (an untrusted certificate, mostly).
fn attempt_is_tls(e: &reqwest::Error) -> bool {
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        let text = s.to_string().to_lowercase();
        if text.contains("certificate") || text.contains("unknownissuer") {
            return true;
        }
        source = s.source();
    }
    false
}

/// One attempt's failure: send again, or give up with this error.
enum Attempt {
    Again(String),
    Final(ApiError),
}

/// Reads an answer: the status, then `success: false` bodies by their `code`.
fn classify(lang: Lang, status: u16, text: &str) -> Result<Value, Attempt> {
    let body: Option<Value> = serde_json::from_str(text).ok();
    let field = |k: &str| {
        body.as_ref()
            .and_then(|b| b.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (code, message) = (field("code"), field("message"));
    let what = format!("{code}: {message}");
    match status {
        200..=299 => {
            let body = body.ok_or_else(|| {
                Attempt::Again(lang.pick(
                    "the answer is not JSON".into(),
                    "ответ не в формате JSON".into(),
                ))
            })?;
            if body.get("success") == Some(&Value::Bool(false))
                && body.get("failed_user_ids").is_none()
            {
                return Err(match code.as_str() {
                    "chat.denied" | "access.denied" => Attempt::Final(ApiError::Denied(what)),
                    "not.found" => Attempt::Final(ApiError::NotFound(what)),
                    "internal.error" | "" => Attempt::Again(format!("success: false ({what})")),
                    _ => Attempt::Final(ApiError::Other(what)),
                });
            }
            Ok(body)
        }
        401 => Err(Attempt::Final(ApiError::Fatal(lang.pick(
            format!("MAX refuses the bot token ({what}): check max.bot_token in the organization's Links base («База ссылок»)"),
            format!("MAX не принимает токен бота ({what}): проверьте max.bot_token в «Базе ссылок» организации"),
        )))),
        403 => Err(Attempt::Final(ApiError::Denied(what))),
        404 => Err(Attempt::Final(ApiError::NotFound(what))),
        429 => Err(Attempt::Again("429 too many requests".into())),
        500..=599 => Err(Attempt::Again(format!("HTTP {status} ({what})"))),
        _ => Err(Attempt::Final(ApiError::Other(format!("HTTP {status} {what}")))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(r: Result<Value, Attempt>) -> String {
        match r {
            Ok(_) => "ok".into(),
            Err(Attempt::Again(_)) => "again".into(),
            Err(Attempt::Final(e)) => format!("{e:?}").split('(').next().unwrap().to_string(),
        }
    }

    #[test]
    fn answers_are_read_by_status_then_success_and_code() {
        assert_eq!(kind(classify(Lang::En, 200, r#"{"success":true}"#)), "ok");
        assert_eq!(
            kind(classify(
                Lang::En,
                200,
                r#"{"success":false,"code":"chat.denied","message":"m"}"#
            )),
            "Denied"
        );
        assert_eq!(
            kind(classify(
                Lang::En,
                200,
                r#"{"success":false,"code":"internal.error"}"#
            )),
            "again"
        );
        assert_eq!(
            kind(classify(
                Lang::En,
                200,
                r#"{"success":false,"code":"weird"}"#
            )),
            "Other"
        );
        // A partly refused addMembers is an answer, not a failure.
        assert_eq!(
            kind(classify(
                Lang::En,
                200,
                r#"{"success":false,"failed_user_ids":[1]}"#
            )),
            "ok"
        );
        assert_eq!(
            kind(classify(Lang::En, 401, r#"{"code":"verify.token"}"#)),
            "Fatal"
        );
        let Err(Attempt::Final(ApiError::Fatal(refused))) = classify(
            Lang::Ru,
            401,
            r#"{"code":"verify.token","message":"Invalid"}"#,
        ) else {
            panic!("a refused token ends the run");
        };
        assert_eq!(refused, "MAX не принимает токен бота (verify.token: Invalid): проверьте max.bot_token в «Базе ссылок» организации");
        assert_eq!(
            kind(classify(Lang::En, 403, r#"{"code":"chat.denied"}"#)),
            "Denied"
        );
        assert_eq!(kind(classify(Lang::En, 404, "{}")), "NotFound");
        assert_eq!(kind(classify(Lang::En, 429, "{}")), "again");
        assert_eq!(kind(classify(Lang::En, 502, "")), "again");
        assert_eq!(kind(classify(Lang::En, 200, "<html>")), "again");
        let Err(Attempt::Again(why)) = classify(Lang::Ru, 200, "<html>") else {
            panic!("an answer that is not JSON is sent again");
        };
        assert_eq!(why, "ответ не в формате JSON");
    }

    #[test]
    fn an_unusable_proxy_is_refused_in_the_runs_language() {
        let refusal = |lang| {
            let settings = Settings {
                base: BASE.into(),
                token: "t".into(),
                proxy: Some(ProxySettings {
                    server: "proxy school".into(),
                    port: 3128,
                    auth: None,
                }),
                ca_pem: None,
                pause: Duration::ZERO,
                lang,
            };
            Client::new(settings).err().unwrap()
        };
        let address = "(http://proxy school:3128)";
        let en = refusal(Lang::En);
        assert!(
            en.starts_with("proxy_server and proxy_port make no proxy address")
                && en.contains(address),
            "{en}"
        );
        let ru = refusal(Lang::Ru);
        assert!(
            ru.starts_with("из параметров proxy_server и proxy_port") && ru.contains(address),
            "{ru}"
        );
    }
}
