//! Who may use the console and how requests are protected.
//!
//! - Every browser gets a session (a random id in an `HttpOnly`, `SameSite=Strict` cookie)
//!   with its own CSRF token.
//! - A login is required when the console listens beyond this machine (then a password must
//!   exist) or whenever an administrator password is set. Logging in replaces the session.
//! - Every state-changing request must come from the console's own origin (`Origin`,
//!   `Sec-Fetch-Site`) and carry the session's CSRF token: the `X-CSRF-Token` header for the
//!   JSON API, the `csrf` field for HTML forms.
//! - On loopback only loopback host names are served (no DNS rebinding).
//! - Every answer carries headers against framing, sniffing and caching.

use super::app::App;
use super::error::{blocking, ApiError, Json};
use super::password;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use rand::RngCore;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The header that carries the CSRF token of JSON API requests.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field that carries the CSRF token of HTML forms.
pub const CSRF_FIELD: &str = "csrf";
/// A session unused this long ends.
const IDLE: Duration = Duration::from_secs(8 * 3600);
/// At most this many sessions are kept; the least recently used go first.
const MAX_SESSIONS: usize = 1000;
/// The largest form body read for its CSRF token.
const FORM_LIMIT: usize = 1 << 20;
/// How long a wrong password is answered late (slows down guessing).
const WRONG_PASSWORD_DELAY: Duration = Duration::from_secs(1);

/// The session of the current request, as handlers see it.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    /// The token state-changing requests of this session must carry.
    pub csrf: String,
    /// Whether the administrator has logged in in this session.
    pub authenticated: bool,
    /// Whether this console asks for a login at all.
    pub login_required: bool,
}

struct Stored {
    csrf: String,
    authenticated: bool,
    last_seen: Instant,
}

/// The sessions of this console, in memory (a restart logs everyone out).
#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Stored>>,
}

/// A random token: 32 bytes from the operating system's generator, as hex.
fn token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two tokens in time that does not depend on where they differ.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Stored>> {
        self.map
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The session with this id, if it is still alive: `(csrf, authenticated)`.
    fn touch(&self, id: &str) -> Option<(String, bool)> {
        let mut map = self.lock();
        let alive = map.get(id).is_some_and(|s| s.last_seen.elapsed() < IDLE);
        if !alive {
            map.remove(id);
            return None;
        }
        let stored = map.get_mut(id)?;
        stored.last_seen = Instant::now();
        Some((stored.csrf.clone(), stored.authenticated))
    }

    /// A new session; returns its id and CSRF token.
    fn create(&self, authenticated: bool) -> (String, String) {
        let mut map = self.lock();
        map.retain(|_, s| s.last_seen.elapsed() < IDLE);
        while map.len() >= MAX_SESSIONS {
            let Some(oldest) = map
                .iter()
                .min_by_key(|(_, s)| (s.authenticated, s.last_seen))
                .map(|(id, _)| id.clone())
            else {
                break;
            };
            map.remove(&oldest);
        }
        let (id, csrf) = (token(), token());
        map.insert(
            id.clone(),
            Stored {
                csrf: csrf.clone(),
                authenticated,
                last_seen: Instant::now(),
            },
        );
        (id, csrf)
    }

    fn remove(&self, id: &str) {
        self.lock().remove(id);
    }
}

/// The name of this console's session cookie (per port: cookies do not tell ports apart).
fn cookie_name(app: &App) -> String {
    format!("exchange_session_{}", app.addr.port())
}

/// The `Set-Cookie` value that gives the browser session `id`.
fn session_cookie(app: &App, id: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{}={id}; Path=/; HttpOnly; SameSite=Strict",
        cookie_name(app)
    ))
    .expect("session ids are hex")
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// Whether the console asks for a login: beyond loopback always, else once a password is set.
async fn login_required(app: &Arc<App>) -> Result<bool, ApiError> {
    if !app.addr.ip().is_loopback() {
        return Ok(true);
    }
    let app = app.clone();
    blocking(move || Ok(app.store()?.admin_password_hash()?.is_some())).await
}

/// On loopback, only loopback host names: a page elsewhere that rebinds its own name to
/// 127.0.0.1 must not read the console.
fn host_problem(app: &App, headers: &HeaderMap) -> Option<String> {
    if !app.addr.ip().is_loopback() {
        return None;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok())?;
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    };
    let name = name.trim_start_matches('[').trim_end_matches(']');
    let loopback = name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    (!loopback).then(|| {
        format!(
            "this console answers only on this machine: open http://{} instead",
            app.addr
        )
    })
}

/// For a state-changing request: refuses another site's origin.
fn origin_problem(headers: &HeaderMap) -> Option<String> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site != "same-origin" && site != "none" {
            return Some(format!(
                "the request came from another site ({site}): use the console's own pages"
            ));
        }
    }
    let origin = headers.get(header::ORIGIN)?.to_str().unwrap_or("?");
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if origin == format!("http://{host}") || origin == format!("https://{host}") {
        None
    } else {
        Some(format!(
            "the request came from {origin}, not from this console: use the console's own pages"
        ))
    }
}

/// The CSRF token a request carries: the header, else the form field (the body is read and
/// put back).
async fn carried_token(request: Request) -> Result<(Option<String>, Request), ApiError> {
    if let Some(value) = request.headers().get(CSRF_HEADER) {
        let value = value.to_str().ok().map(str::to_string);
        return Ok((value, request));
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok((None, request));
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, FORM_LIMIT).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the form is too large: send less",
        )
    })?;
    let token = form_urlencoded::parse(&bytes)
        .find(|(key, _)| key == CSRF_FIELD)
        .map(|(_, value)| value.into_owned());
    Ok((token, Request::from_parts(parts, Body::from(bytes))))
}

/// Paths anyone may reach before logging in.
fn public(path: &str) -> bool {
    matches!(path, "/login" | "/api/session" | "/api/login") || path.starts_with("/static/")
}

/// The answer to a request that needs a login first.
fn login_first(path: &str, method: &Method, query: Option<&str>) -> Response {
    if path.starts_with("/api/") {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "log in first: POST /api/login with {\"password\": \"…\"} and the X-CSRF-Token from GET /api/session",
        )
        .into_response();
    }
    let next = match (method, query) {
        (&Method::GET, Some(query)) => format!("{path}?{query}"),
        (&Method::GET, None) => path.to_string(),
        _ => "/".to_string(),
    };
    let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    Redirect::to(&format!("/login?next={next}")).into_response()
}

fn add_security_headers(headers: &mut HeaderMap) {
    let set = |headers: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(headers, header::CACHE_CONTROL, "no-store");
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    );
}

/// The middleware in front of every route: host check, session, login, origin and CSRF
/// checks, then security headers (and the session cookie) on the answer.
pub async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let mut response = match checked(&app, request).await {
        Ok((request, cookie)) => {
            let mut response = next.run(request).await;
            if let Some(cookie) = cookie {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(error) => error,
    };
    add_security_headers(response.headers_mut());
    response
}

/// Checks a request; passes it on with its [`Session`], and the cookie of a new session.
async fn checked(
    app: &Arc<App>,
    mut request: Request,
) -> Result<(Request, Option<HeaderValue>), Response> {
    if let Some(problem) = host_problem(app, request.headers()) {
        return Err(ApiError::new(StatusCode::MISDIRECTED_REQUEST, problem).into_response());
    }
    let login_required = login_required(app).await.map_err(|e| e.into_response())?;
    let known = cookie_value(request.headers(), &cookie_name(app))
        .and_then(|id| app.sessions.touch(&id).map(|(csrf, auth)| (id, csrf, auth)));
    let (session, cookie) = match known {
        Some((id, csrf, authenticated)) => (
            Session {
                id,
                csrf,
                authenticated,
                login_required,
            },
            None,
        ),
        None => {
            let (id, csrf) = app.sessions.create(false);
            let cookie = session_cookie(app, &id);
            (
                Session {
                    id,
                    csrf,
                    authenticated: false,
                    login_required,
                },
                Some(cookie),
            )
        }
    };
    let path = request.uri().path().to_string();
    if login_required && !session.authenticated && !public(&path) {
        let mut response = login_first(&path, request.method(), request.uri().query());
        if let Some(cookie) = cookie {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        return Err(response);
    }
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe {
        let refuse = |message: String| {
            let mut response = ApiError::new(StatusCode::FORBIDDEN, message).into_response();
            if let Some(cookie) = cookie.clone() {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        };
        if let Some(problem) = origin_problem(request.headers()) {
            return Err(refuse(problem));
        }
        if cookie.is_some() {
            return Err(refuse(
                "no valid session: reload the page (or GET /api/session for a session cookie and its X-CSRF-Token), then try again".into(),
            ));
        }
        let (token, rebuilt) = carried_token(request)
            .await
            .map_err(|e| e.into_response())?;
        request = rebuilt;
        if !token.is_some_and(|t| same_token(&t, &session.csrf)) {
            return Err(refuse(
                "the CSRF token is missing or wrong: reload the page and try again (API: send the X-CSRF-Token header from GET /api/session)".into(),
            ));
        }
    }
    request.extensions_mut().insert(session);
    Ok((request, cookie))
}

/// What `GET /api/session` and a login answer.
#[derive(serde::Serialize)]
pub struct SessionInfo {
    pub login_required: bool,
    pub logged_in: bool,
    pub csrf_token: String,
}

/// `GET /api/session`: the session's CSRF token and whether a login is needed.
pub async fn api_session(Extension(session): Extension<Session>) -> axum::Json<SessionInfo> {
    axum::Json(SessionInfo {
        login_required: session.login_required,
        logged_in: session.authenticated,
        csrf_token: session.csrf,
    })
}

/// The body of `POST /api/login`.
#[derive(serde::Deserialize)]
pub struct LoginBody {
    pub password: String,
}

/// Checks the password and replaces the session by a logged-in one; returns the new session
/// and its cookie.
pub async fn log_in(
    app: &Arc<App>,
    old: &Session,
    password: String,
) -> Result<(Session, HeaderValue), ApiError> {
    let store_app = app.clone();
    let hash = blocking(move || Ok(store_app.store()?.admin_password_hash()?)).await?;
    let Some(hash) = hash else {
        return Err(ApiError::conflict(
            "no administrator password is set, so no login is needed; set one with: exchange-host admin password",
        ));
    };
    let matches = blocking(move || Ok(password::verify(&password, &hash))).await?;
    if !matches {
        tokio::time::sleep(WRONG_PASSWORD_DELAY).await;
        return Err(ApiError::field(
            "password",
            "wrong password: try again (it is set with: exchange-host admin password)",
        ));
    }
    app.sessions.remove(&old.id);
    let (id, csrf) = app.sessions.create(true);
    let cookie = session_cookie(app, &id);
    Ok((
        Session {
            id,
            csrf,
            authenticated: true,
            login_required: old.login_required,
        },
        cookie,
    ))
}

/// Ends a session and starts a fresh anonymous one; returns its cookie.
pub fn log_out(app: &App, old: &Session) -> (Session, HeaderValue) {
    app.sessions.remove(&old.id);
    let (id, csrf) = app.sessions.create(false);
    let cookie = session_cookie(app, &id);
    (
        Session {
            id,
            csrf,
            authenticated: false,
            login_required: old.login_required,
        },
        cookie,
    )
}

/// `POST /api/login`.
pub async fn api_login(
    State(app): State<Arc<App>>,
    Extension(session): Extension<Session>,
    Json(body): Json<LoginBody>,
) -> Result<Response, ApiError> {
    let (session, cookie) = log_in(&app, &session, body.password)
        .await
        .map_err(|mut e| {
            if e.status == StatusCode::UNPROCESSABLE_ENTITY {
                e.status = StatusCode::UNAUTHORIZED;
            }
            e
        })?;
    Ok((
        [(header::SET_COOKIE, cookie)],
        axum::Json(SessionInfo {
            login_required: session.login_required,
            logged_in: true,
            csrf_token: session.csrf,
        }),
    )
        .into_response())
}

/// `POST /api/logout`.
pub async fn api_logout(
    State(app): State<Arc<App>>,
    Extension(session): Extension<Session>,
) -> Response {
    let (session, cookie) = log_out(&app, &session);
    (
        [(header::SET_COOKIE, cookie)],
        axum::Json(SessionInfo {
            login_required: session.login_required,
            logged_in: false,
            csrf_token: session.csrf,
        }),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn tokens_are_long_random_and_compared_whole() {
        let (a, b) = (token(), token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(same_token(&a, &a.clone()));
        assert!(!same_token(&a, &b));
        assert!(!same_token(&a, &a[..63]));
    }

    #[test]
    fn origins_of_other_sites_are_refused() {
        assert!(origin_problem(&headers(&[("host", "127.0.0.1:8080")])).is_none());
        assert!(origin_problem(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ]))
        .is_none());
        assert!(origin_problem(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://evil.example")
        ]))
        .is_some());
        assert!(
            origin_problem(&headers(&[("host", "127.0.0.1:8080"), ("origin", "null")])).is_some()
        );
        assert!(origin_problem(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("sec-fetch-site", "cross-site")
        ]))
        .is_some());
    }

    #[test]
    fn cookies_are_found_by_name() {
        let h = headers(&[("cookie", "a=1; exchange_session_80=abc; b=2")]);
        assert_eq!(
            cookie_value(&h, "exchange_session_80").as_deref(),
            Some("abc")
        );
        assert_eq!(cookie_value(&h, "exchange_session_81"), None);
    }

    #[test]
    fn sessions_expire_when_removed_and_are_capped() {
        let sessions = Sessions::default();
        let (id, csrf) = sessions.create(false);
        assert_eq!(sessions.touch(&id), Some((csrf, false)));
        sessions.remove(&id);
        assert_eq!(sessions.touch(&id), None);
        for _ in 0..MAX_SESSIONS + 5 {
            sessions.create(false);
        }
        assert!(sessions.lock().len() <= MAX_SESSIONS);
    }
}
