//! The VK API transport of `spec/sferum-api.md`: form-encoded POST with `v=5.199` and the
//! token in the `Authorization` header, the error envelope, `execute` batching, a rate
//! limiter at the community limit, retries with backoff and jitter, and the proxy.
//!
//! The token never appears in a URL, a log line or an error message.

use crate::texts::Lang;
use serde_json::{Map, Value};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};
use task_proxy::ProxySettings;

/// The built-in API address (VK's current API host; `api.vk.com` still answers).
pub const DEFAULT_BASE: &str = "https://api.vk.ru";
/// The environment variable that overrides [`DEFAULT_BASE`] (tests and staging only).
pub const BASE_ENV: &str = "SFERUM_API_BASE";
/// The API schema version sent with every request.
pub const VERSION: &str = "5.199";
/// The most calls one `execute` request may carry.
pub const BATCH: usize = 25;
/// The community token's limit: requests per rolling second.
pub const RATE_PER_SECOND: usize = 20;

/// The API address: `SFERUM_API_BASE` when set, else the built-in one.
pub fn base_from_env() -> String {
    std::env::var(BASE_ENV)
        .ok()
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_BASE.to_string())
}

/// Retry timing.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Attempts per request, the first included.
    pub attempts: u32,
    /// The first backoff; it doubles with each retry, plus up to as much again of jitter.
    pub backoff: Duration,
    /// The pause before calls refused by flood control (error 9) or as "try later" (error
    /// 982) are tried once more; the reconciler waits it, the client never hot-retries them.
    pub flood_pause: Duration,
    /// A request's timeout.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            backoff: Duration::from_millis(300),
            flood_pause: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
        }
    }
}

/// How to reach the API.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The API address, e.g. [`DEFAULT_BASE`].
    pub base: String,
    /// The community access token (secret).
    pub token: String,
    /// The proxy, if any; without one, proxy environment variables are ignored.
    pub proxy: Option<ProxySettings>,
    /// Retry timing.
    pub retry: RetryPolicy,
    /// The language of the client's messages.
    pub lang: Lang,
}

/// One API call: a method and its parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The method, e.g. `messages.addChatUser`.
    pub method: &'static str,
    /// Its parameters (numbers or strings).
    pub params: Map<String, Value>,
}

impl Call {
    /// A call of `method` with `params` given as a JSON object.
    pub fn new(method: &'static str, params: Value) -> Call {
        let params = match params {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        Call { method, params }
    }

    /// Whether repeating the call after a lost answer is harmless.
    pub fn idempotent(&self) -> bool {
        !matches!(self.method, "messages.createChat" | "calls.start")
    }
}

/// Why a call did not succeed.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The API refused this call with an error code (a per-call failure).
    Api { code: i64, message: String },
    /// The request was sent but its answer was lost: it may or may not have taken effect.
    Uncertain(String),
    /// The run cannot go on: the message says why and what to do.
    Fatal(String),
}

impl ApiError {
    /// The API error code, for per-call failures.
    pub fn code(&self) -> Option<i64> {
        match self {
            ApiError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Api { code, message } => write!(f, "error {code}: {message}"),
            ApiError::Uncertain(m) | ApiError::Fatal(m) => f.write_str(m),
        }
    }
}

/// Codes after which the client tries the same call again with backoff (the server did
/// not do it). Flood control (9) and "try later" (982) are not hot-retried: the reconciler
/// reacts to them.
fn retryable(code: i64) -> bool {
    matches!(code, 1 | 6 | 10)
}

/// Requests per rolling second, and a shared pause after error 6.
struct Limiter {
    sent: VecDeque<Instant>,
    paused_until: Option<Instant>,
}

impl Limiter {
    /// A margin over one second, so that latency jitter never puts 21 requests in the
    /// server's window.
    const WINDOW: Duration = Duration::from_millis(1100);

    fn wait(&mut self) {
        if let Some(until) = self.paused_until.take() {
            std::thread::sleep(until.saturating_duration_since(Instant::now()));
        }
        if self.sent.len() == RATE_PER_SECOND {
            let oldest = self.sent.pop_front().expect("full window");
            std::thread::sleep((oldest + Self::WINDOW).saturating_duration_since(Instant::now()));
        }
        self.sent.push_back(Instant::now());
    }

    fn pause(&mut self, d: Duration) {
        self.paused_until = Some(Instant::now() + d);
    }
}

/// The API client of one run. Counts HTTP requests, API calls and API errors by code.
pub struct Client {
    http: reqwest::blocking::Client,
    base: String,
    token: String,
    retry: RetryPolicy,
    limiter: RefCell<Limiter>,
    requests: Cell<u64>,
    calls: Cell<u64>,
    errors: RefCell<BTreeMap<i64, u64>>,
    /// Whether requests go through a proxy (which then may answer 401/407 itself).
    proxied: bool,
    lang: Lang,
}

impl Client {
    /// A client for these settings.
    pub fn new(settings: Settings) -> Result<Client, String> {
        let builder = reqwest::blocking::Client::builder()
            .timeout(settings.retry.timeout)
            .connect_timeout(settings.retry.timeout.min(Duration::from_secs(15)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "exchange-host-sferum-sync/",
                env!("CARGO_PKG_VERSION")
            ));
        let lang = settings.lang;
        // Requests are few (batched, 20/s at most): no idle connections through a proxy
        // (`task_proxy::configure`) cost little.
        let builder =
            task_proxy::configure(builder, settings.proxy.as_ref()).map_err(|e| match lang {
                Lang::En => e.english(),
                Lang::Ru => e.russian(),
            })?;
        let proxied = settings.proxy.is_some();
        let http = builder.build().map_err(|e| match lang {
            Lang::En => format!("cannot set up the HTTP client: {e}"),
            Lang::Ru => format!("не удалось настроить HTTP-клиент: {e}"),
        })?;
        Ok(Client {
            http,
            base: settings.base.trim_end_matches('/').to_string(),
            token: settings.token,
            retry: settings.retry,
            proxied,
            lang,
            limiter: RefCell::new(Limiter {
                sent: VecDeque::new(),
                paused_until: None,
            }),
            requests: Cell::new(0),
            calls: Cell::new(0),
            errors: RefCell::new(BTreeMap::new()),
        })
    }

    /// HTTP requests sent so far, retries included.
    pub fn requests(&self) -> u64 {
        self.requests.get()
    }

    /// API calls made so far (the calls inside `execute` each count; `execute` does not).
    pub fn calls(&self) -> u64 {
        self.calls.get()
    }

    /// API errors met so far by error code: a request's error (retried ones included) and
    /// each failed call inside `execute`.
    pub fn errors_by_code(&self) -> BTreeMap<i64, u64> {
        self.errors.borrow().clone()
    }

    fn count_error(&self, code: i64) {
        *self.errors.borrow_mut().entry(code).or_default() += 1;
    }

    /// Makes one call in its own request, with retries.
    pub fn call(&self, call: &Call) -> Result<Value, ApiError> {
        self.calls.set(self.calls.get() + 1);
        let form: Vec<(String, String)> = call
            .params
            .iter()
            .map(|(k, v)| (k.clone(), form_value(v)))
            .collect();
        self.send(call.method, &form, call.idempotent(), &|| describe(call))
            .map(|a| a.response)
    }

    /// Makes many calls, `execute`-batched by [`BATCH`], retrying calls that failed for
    /// passing reasons; one result per call, in order. Err only when the run must stop.
    pub fn batch(&self, calls: &[Call]) -> Result<Vec<Result<Value, ApiError>>, ApiError> {
        let mut results: Vec<Option<Result<Value, ApiError>>> = vec![None; calls.len()];
        let mut pending: Vec<usize> = (0..calls.len()).collect();
        for round in 0..self.retry.attempts {
            if round > 0 && !pending.is_empty() {
                self.backoff(round - 1);
            }
            let mut again = Vec::new();
            for chunk in pending.chunks(BATCH) {
                let outcome = if chunk.len() == 1 {
                    vec![self.call(&calls[chunk[0]])]
                } else {
                    match self.execute(chunk.iter().map(|&i| &calls[i]).collect()) {
                        Ok(outcome) => outcome,
                        Err(ApiError::Fatal(m)) => return Err(ApiError::Fatal(m)),
                        Err(e) => vec![Err(e); chunk.len()],
                    }
                };
                for (&i, r) in chunk.iter().zip(outcome) {
                    match r {
                        Err(ApiError::Fatal(m)) => return Err(ApiError::Fatal(m)),
                        Err(ApiError::Api { code, .. })
                            if retryable(code) && round + 1 < self.retry.attempts =>
                        {
                            again.push(i)
                        }
                        r => results[i] = Some(r),
                    }
                }
            }
            pending = again;
        }
        Ok(results
            .into_iter()
            .map(|r| r.expect("every call answered"))
            .collect())
    }

    /// One `execute` request for up to [`BATCH`] calls.
    fn execute(&self, calls: Vec<&Call>) -> Result<Vec<Result<Value, ApiError>>, ApiError> {
        self.calls.set(self.calls.get() + calls.len() as u64);
        let code = execute_code(&calls);
        let idempotent = calls.iter().all(|c| c.idempotent());
        let what = || {
            let methods = calls
                .iter()
                .map(|c| c.method)
                .collect::<Vec<_>>()
                .join(", ");
            match self.lang {
                Lang::En => format!("execute of {methods}"),
                Lang::Ru => format!("execute с вызовами {methods}"),
            }
        };
        let body = self.send("execute", &[("code".into(), code)], idempotent, &what)?;
        let mut slots = match body.response {
            Value::Array(slots) => slots.into_iter(),
            _ => Vec::new().into_iter(),
        };
        let mut errors = body.execute_errors.into_iter();
        let mut out = Vec::with_capacity(calls.len());
        for call in &calls {
            match slots.next() {
                Some(Value::Bool(false)) | None => {
                    let (code, message) = errors.next().unwrap_or_else(|| {
                        let message = match self.lang {
                            Lang::En => "the call failed without an error entry",
                            Lang::Ru => "вызов не выполнен, а записи об ошибке нет",
                        };
                        (1, message.into())
                    });
                    self.count_error(code);
                    out.push(Err(self.classify(code, message, &|| describe(call))));
                }
                Some(v) => out.push(Ok(v)),
            }
        }
        Ok(out)
    }

    /// Sends one request, retrying passing failures.
    fn send(
        &self,
        method: &'static str,
        form: &[(String, String)],
        idempotent: bool,
        what: &dyn Fn() -> String,
    ) -> Result<Answer, ApiError> {
        let url = format!("{}/method/{method}", self.base);
        let mut form = form.to_vec();
        form.push(("v".into(), VERSION.into()));
        let mut last = String::new();
        for attempt in 0..self.retry.attempts {
            if attempt > 0 {
                self.backoff(attempt - 1);
            }
            self.limiter.borrow_mut().wait();
            self.requests.set(self.requests.get() + 1);
            let sent = self
                .http
                .post(&url)
                .bearer_auth(&self.token)
                .form(&form)
                .send();
            let text = match sent {
                Err(e) if e.is_connect() || idempotent => {
                    last = self.mask(&network_error(&e, self.lang));
                    continue;
                }
                Err(e) => {
                    return Err(ApiError::Uncertain(
                        self.answer_lost(&what(), &network_error(&e, self.lang)),
                    ))
                }
                Ok(resp) if resp.status().is_server_error() => {
                    last = format!("HTTP {}", resp.status());
                    continue;
                }
                // The API answers errors inside HTTP 200; a 407 (or, from proxies such as
                // tinyproxy, a 401) through a proxy is the proxy refusing the credentials.
                Ok(resp)
                    if resp.status() == reqwest::StatusCode::PROXY_AUTHENTICATION_REQUIRED
                        || (self.proxied && resp.status() == reqwest::StatusCode::UNAUTHORIZED) =>
                {
                    let status = resp.status().as_u16();
                    return Err(ApiError::Fatal(match self.lang {
                        Lang::En => format!(
                            "the proxy refused the request (HTTP {status} from the proxy, not from Sferum): check proxy_auth, proxy_username and proxy_password of the task"
                        ),
                        Lang::Ru => format!(
                            "Прокси отклонил запрос (HTTP {status} от прокси, не от Сферума): проверьте параметры задачи proxy_auth, proxy_username и proxy_password"
                        ),
                    }));
                }
                // A 403 through a proxy is the proxy's own refusal (its access rules): the
                // API answers errors inside HTTP 200.
                Ok(resp) if self.proxied && resp.status() == reqwest::StatusCode::FORBIDDEN => {
                    return Err(ApiError::Fatal(match self.lang {
                        Lang::En => "the proxy refused the request (HTTP 403 from the proxy, not from Sferum): check proxy_server and proxy_port of the task, and ask the proxy's administrator to allow this computer to reach the Sferum API; with proxy_auth=1 also check proxy_username and proxy_password",
                        Lang::Ru => "Прокси отклонил запрос (HTTP 403 от прокси, не от Сферума): проверьте параметры задачи proxy_server и proxy_port и попросите администратора прокси разрешить этому компьютеру доступ к API Сферума; при proxy_auth=1 проверьте также proxy_username и proxy_password",
                    }.into()));
                }
                Ok(resp) if !resp.status().is_success() => {
                    let (base, status, what) = (&self.base, resp.status(), what());
                    return Err(ApiError::Fatal(match self.lang {
                        Lang::En => {
                            format!("the Sferum API at {base} answered HTTP {status} to {what}")
                        }
                        Lang::Ru => {
                            format!("API Сферума по адресу {base} ответил HTTP {status} на {what}")
                        }
                    }));
                }
                Ok(resp) => match resp.text() {
                    Ok(t) => t,
                    Err(e) if idempotent => {
                        last = self.mask(&network_error(&e, self.lang));
                        continue;
                    }
                    Err(e) => {
                        return Err(ApiError::Uncertain(
                            self.answer_lost(&what(), &network_error(&e, self.lang)),
                        ))
                    }
                },
            };
            let Ok(body) = serde_json::from_str::<Value>(&text) else {
                let (not_json, answer_not_json) = match self.lang {
                    Lang::En => ("the answer was not JSON", "an answer that is not JSON"),
                    Lang::Ru => ("ответ не в формате JSON", "ответ не в формате JSON"),
                };
                if !idempotent {
                    return Err(ApiError::Uncertain(format!("{}: {not_json}", what())));
                }
                last = answer_not_json.into();
                continue;
            };
            if let Some(err) = body.get("error") {
                let code = err.get("error_code").and_then(Value::as_i64).unwrap_or(0);
                self.count_error(code);
                let message = err
                    .get("error_msg")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                match code {
                    6 => self.limiter.borrow_mut().pause(Duration::from_secs(1)),
                    1 | 10 => {}
                    _ => return Err(self.classify(code, message, what)),
                }
                let message = self.mask(&message);
                last = match self.lang {
                    Lang::En => format!("error {code}: {message}"),
                    Lang::Ru => format!("ошибка {code}: {message}"),
                };
                continue;
            }
            let execute_errors = body
                .get("execute_errors")
                .and_then(Value::as_array)
                .map(|errs| {
                    errs.iter()
                        .map(|e| {
                            let code = e.get("error_code").and_then(Value::as_i64).unwrap_or(1);
                            (
                                code,
                                e.get("error_msg")
                                    .and_then(Value::as_str)
                                    .unwrap_or("")
                                    .to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            return Ok(Answer {
                response: body.get("response").cloned().unwrap_or(Value::Null),
                execute_errors,
            });
        }
        let (base, what, attempts) = (&self.base, what(), self.retry.attempts);
        Err(ApiError::Fatal(match self.lang {
            Lang::En => format!(
                "the Sferum API at {base} did not answer {what} after {attempts} attempts (last: {last}); check the network and the task's proxy settings"
            ),
            Lang::Ru => format!(
                "API Сферума по адресу {base} не ответил на {what} после попыток: {attempts} (последняя ошибка: {last}); проверьте сеть и настройки прокси задачи"
            ),
        }))
    }

    /// "`what`: the answer was lost (`why`)", the token masked.
    fn answer_lost(&self, what: &str, why: &str) -> String {
        let why = self.mask(why);
        match self.lang {
            Lang::En => format!("{what}: the answer was lost ({why})"),
            Lang::Ru => format!("{what}: ответ потерян ({why})"),
        }
    }

    /// Turns an error code into what the run does with it: the token refused and invalid
    /// requests stop the run; every other code is the call's own failure (see
    /// `backend::vk::failure` for the reactions).
    fn classify(&self, code: i64, message: String, what: &dyn Fn() -> String) -> ApiError {
        let message = self.mask(&message);
        match (code, self.lang) {
            (5, Lang::En) => ApiError::Fatal(format!(
                "Sferum refused the community's access token (error {code}: {message}). Check sferum.access_token (and sferum.community_id) in the organization's Links base («База ссылок»): exchange-host org set ORG sferum.access_token=...; the token is issued by the Education Committee through the district coordinator"
            )),
            (5, Lang::Ru) => ApiError::Fatal(format!(
                "Сферум отклонил ключ доступа сообщества (ошибка {code}: {message}). Проверьте sferum.access_token (и sferum.community_id) в базе ссылок организации («База ссылок»): exchange-host org set ORG sferum.access_token=...; ключ выдаёт Комитет по образованию через районного координатора"
            )),
            (100, Lang::En) => ApiError::Fatal(format!("Sferum rejected a request as invalid (error 100: {message}): {}. This is a bug of the plugin: please report it", self.mask(&what()))),
            (100, Lang::Ru) => ApiError::Fatal(format!("Сферум отклонил запрос как неверный (ошибка 100: {message}): {}. Это ошибка плагина: пожалуйста, сообщите о ней", self.mask(&what()))),
            _ => ApiError::Api { code, message },
        }
    }

    /// Sleeps before retry `n` (from 0): the backoff doubled `n` times plus jitter.
    fn backoff(&self, n: u32) {
        let base = self.retry.backoff * 2u32.saturating_pow(n.min(6));
        let jitter = base.mul_f64(random_fraction());
        std::thread::sleep(base + jitter);
    }

    /// `text` with the token replaced by `***`.
    fn mask(&self, text: &str) -> String {
        if self.token.is_empty() {
            text.to_string()
        } else {
            text.replace(&self.token, "***")
        }
    }
}

/// A successful answer: `response` and, for `execute`, the inner errors in order.
struct Answer {
    response: Value,
    execute_errors: Vec<(i64, String)>,
}

/// A form value: strings as they are, numbers as digits.
fn form_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The call and its parameters, for error messages (the token is never among them).
fn describe(call: &Call) -> String {
    format!("{} {}", call.method, Value::Object(call.params.clone()))
}

/// The spec's `execute` code form: `return [API.m({...}), ...];`.
pub fn execute_code(calls: &[&Call]) -> String {
    let parts: Vec<String> = calls
        .iter()
        .map(|c| format!("API.{}({})", c.method, Value::Object(c.params.clone())))
        .collect();
    format!("return [{}];", parts.join(","))
}

/// A network error with its causes, for messages (the causes in the library's words).
fn network_error(e: &reqwest::Error, lang: Lang) -> String {
    let mut text = if e.is_timeout() {
        match lang {
            Lang::En => "timed out",
            Lang::Ru => "время ожидания истекло",
        }
        .to_string()
    } else {
        e.to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// A random number in 0..1 for jitter.
fn random_fraction() -> f64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn execute_code_has_the_spec_form() {
        let a = Call::new(
            "messages.addChatUser",
            serde_json::json!({"chat_id": 1, "user_id": 2}),
        );
        let b = Call::new(
            "messages.editChat",
            serde_json::json!({"chat_id": 1, "title": "1 а — \"ученики\""}),
        );
        assert_eq!(
            execute_code(&[&a, &b]),
            r#"return [API.messages.addChatUser({"chat_id":1,"user_id":2}),API.messages.editChat({"chat_id":1,"title":"1 а — \"ученики\""})];"#
        );
    }

    #[test]
    fn only_passing_server_errors_are_hot_retried() {
        assert!(retryable(6) && retryable(10) && retryable(1));
        assert!(!retryable(9) && !retryable(982) && !retryable(100));
    }

    #[test]
    fn only_chat_creation_and_call_start_are_unsafe_to_repeat() {
        assert!(!Call::new("messages.createChat", Value::Null).idempotent());
        assert!(!Call::new("calls.start", Value::Null).idempotent());
        assert!(Call::new("messages.removeChatUser", Value::Null).idempotent());
    }

    fn client(token: &str, lang: Lang) -> Client {
        let settings = Settings {
            base: "http://127.0.0.1:9".into(),
            token: token.into(),
            proxy: None,
            retry: RetryPolicy::default(),
            lang,
        };
        Client::new(settings).unwrap()
    }

    #[test]
    fn the_token_is_masked_in_every_message() {
        let c = client("s3cr3t", Lang::En);
        assert_eq!(c.mask("bad token s3cr3t here"), "bad token *** here");
        let e = c.classify(100, "param s3cr3t".into(), &|| {
            "messages.editChat {\"x\":\"s3cr3t\"}".into()
        });
        assert!(
            matches!(&e, ApiError::Fatal(m) if !m.contains("s3cr3t") && m.contains("bug")),
            "{e:?}"
        );
        let e = c.classify(5, "User authorization failed".into(), &String::new);
        assert!(matches!(&e, ApiError::Fatal(m) if m.contains("sferum.access_token")));
        let e = client("s3cr3t", Lang::Ru).classify(5, "s3cr3t failed".into(), &String::new);
        assert!(
            matches!(&e, ApiError::Fatal(m) if m.starts_with("Сферум отклонил ключ доступа сообщества (ошибка 5: *** failed)") && m.contains("exchange-host org set ORG sferum.access_token=")),
            "{e:?}"
        );
    }

    #[test]
    fn an_unusable_proxy_is_refused_in_the_runs_language() {
        let refusal = |lang| {
            let settings = Settings {
                base: "http://127.0.0.1:9".into(),
                token: "t".into(),
                proxy: Some(ProxySettings {
                    server: "proxy.school".into(),
                    port: 3128,
                    auth: Some(("school:1".into(), "pw".into())),
                }),
                retry: RetryPolicy::default(),
                lang,
            };
            Client::new(settings).err().unwrap()
        };
        assert!(refusal(Lang::En).starts_with("proxy_username contains «:»"));
        assert!(refusal(Lang::Ru).starts_with("имя пользователя прокси (proxy_username)"));
    }

    #[test]
    fn a_method_refused_to_community_tokens_is_not_a_bad_token() {
        let c = client("t", Lang::En);
        let e = c.classify(27, "Group authorization failed".into(), &String::new);
        assert!(matches!(e, ApiError::Api { code: 27, .. }), "{e:?}");
    }

    #[test]
    fn limiter_keeps_twenty_requests_per_rolling_second() {
        let mut l = Limiter {
            sent: VecDeque::new(),
            paused_until: None,
        };
        let start = Instant::now();
        for _ in 0..RATE_PER_SECOND + 1 {
            l.wait();
        }
        assert!(start.elapsed() >= Limiter::WINDOW - Duration::from_millis(5));
    }

    #[test]
    fn an_unreachable_api_is_a_clear_error_after_bounded_attempts() {
        let settings = |lang| Settings {
            base: "http://127.0.0.1:9".into(),
            token: "t".into(),
            proxy: None,
            retry: RetryPolicy {
                attempts: 2,
                backoff: Duration::from_millis(1),
                flood_pause: Duration::ZERO,
                timeout: Duration::from_secs(2),
            },
            lang,
        };
        let c = Client::new(settings(Lang::En)).unwrap();
        let e = c
            .call(&Call::new("groups.getById", Value::Null))
            .unwrap_err();
        assert!(
            matches!(&e, ApiError::Fatal(m) if m.contains("after 2 attempts") && m.contains("proxy")),
            "{e:?}"
        );
        assert_eq!(c.requests(), 2);
        let c = Client::new(settings(Lang::Ru)).unwrap();
        let e = c
            .call(&Call::new("groups.getById", Value::Null))
            .unwrap_err();
        assert!(
            matches!(&e, ApiError::Fatal(m) if m.contains("не ответил на groups.getById") && m.contains("после попыток: 2") && m.contains("прокси")),
            "{e:?}"
        );
    }
}
