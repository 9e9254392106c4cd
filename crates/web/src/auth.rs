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
//! - Password guessing is throttled per client (`sessions::Throttle`): after a few failures the
//!   client is locked out for a while, and only a few Argon2 checks run at once (each takes
//!   memory), whoever asks.
//! - Cookies are `Secure` when the console is reached over HTTPS: `serve --https`, or a
//!   request a trusted reverse proxy forwarded with `X-Forwarded-Proto: https`.

use super::app::App;
use super::error::{blocking, ApiError, Json};
use super::password;
use super::sessions::{same_token, Session};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use exchange_core::i18n::{duration_phrase, Lang};
use exchange_core::tr;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// The header that carries the CSRF token of JSON API requests.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field that carries the CSRF token of HTML forms.
pub const CSRF_FIELD: &str = "csrf";
/// The largest form body read for its CSRF token.
const FORM_LIMIT: usize = 1 << 20;
/// How long a wrong password is answered late (slows down guessing).
const WRONG_PASSWORD_DELAY: Duration = Duration::from_secs(1);
/// How long a login waits for its turn to be checked before it is refused as busy.
const CHECK_QUEUE_WAIT: Duration = Duration::from_secs(10);
/// The name of this console's session cookie (per port: cookies do not tell ports apart).
fn cookie_name(app: &App) -> String {
    format!("exchange_session_{}", app.addr.port())
}

/// The `Set-Cookie` value that gives the browser session `id` (`Secure` over HTTPS).
fn session_cookie(app: &App, id: &str, secure: bool) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{}={id}; Path=/; HttpOnly; SameSite=Strict{}",
        cookie_name(app),
        if secure { "; Secure" } else { "" }
    ))
    .expect("session ids are hex")
}

/// Who sent a request: the peer, or, when the peer is a trusted proxy, the last client its
/// `X-Forwarded-For` names; and whether it came over HTTPS.
fn client_of(app: &App, peer: IpAddr, headers: &HeaderMap) -> (IpAddr, bool) {
    if !app.trusted_proxies.contains(&peer) {
        return (peer, app.https);
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|ip| ip.trim().parse::<IpAddr>().ok())
        .next_back()
        .unwrap_or(peer);
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
    (forwarded, app.https || https)
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
    (!loopback).then(|| tr!(app.lang, "error-host", url = format!("http://{}", app.addr)))
}

/// For a state-changing request: refuses another site's origin.
fn origin_problem(headers: &HeaderMap, lang: Lang) -> Option<String> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site != "same-origin" && site != "none" {
            return Some(tr!(lang, "error-other-site", site = site));
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
        Some(tr!(lang, "error-other-origin", origin = origin))
    }
}

/// The CSRF token a request carries: the header, else the form field (the body is read and
/// put back).
async fn carried_token(
    request: Request,
    lang: Lang,
) -> Result<(Option<String>, Request), ApiError> {
    if let Some(value) = request.headers().get(CSRF_HEADER) {
        let value = value.to_str().ok().map(str::to_string);
        return Ok((value, request));
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // A file upload carries the token in its address (`?csrf=`): its body is not read here.
    if content_type.starts_with("multipart/form-data") {
        let token = form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
            .find(|(key, _)| key == CSRF_FIELD)
            .map(|(_, value)| value.into_owned());
        return Ok((token, request));
    }
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    if !is_form {
        return Ok((None, request));
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, FORM_LIMIT).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            tr!(lang, "error-form-too-large"),
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
fn login_first(path: &str, method: &Method, query: Option<&str>, lang: Lang) -> Response {
    if path.starts_with("/api/") {
        return ApiError::new(StatusCode::UNAUTHORIZED, tr!(lang, "error-login-first"))
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
    let lang = app.lang;
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |info| info.0.ip());
    let (client, secure) = client_of(app, peer, request.headers());
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
                client,
                secure,
            },
            None,
        ),
        None => {
            let (id, csrf) = app.sessions.create(false);
            let cookie = session_cookie(app, &id, secure);
            (
                Session {
                    id,
                    csrf,
                    authenticated: false,
                    login_required,
                    client,
                    secure,
                },
                Some(cookie),
            )
        }
    };
    let path = request.uri().path().to_string();
    if login_required && !session.authenticated && !public(&path) {
        let mut response = login_first(&path, request.method(), request.uri().query(), lang);
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
        if let Some(problem) = origin_problem(request.headers(), lang) {
            return Err(refuse(problem));
        }
        if cookie.is_some() {
            return Err(refuse(tr!(lang, "error-no-session")));
        }
        let (token, rebuilt) = carried_token(request, lang)
            .await
            .map_err(|e| e.into_response())?;
        request = rebuilt;
        if !token.is_some_and(|t| same_token(&t, &session.csrf)) {
            return Err(refuse(tr!(lang, "error-csrf")));
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
/// and its cookie. A client locked out by too many failures is refused (429) before any
/// check, and checks wait for their turn (`sessions::CONCURRENT_CHECKS` at once).
pub async fn log_in(
    app: &Arc<App>,
    old: &Session,
    password: String,
) -> Result<(Session, HeaderValue), ApiError> {
    let lang = app.lang;
    if let Some(wait) = app.throttle.locked(old.client) {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            tr!(
                lang,
                "error-too-many-attempts",
                wait = duration_phrase(lang, minutes * 60)
            ),
        ));
    }
    let store_app = app.clone();
    let hash = blocking(move || Ok(store_app.store()?.admin_password_hash()?)).await?;
    let Some(hash) = hash else {
        return Err(ApiError::conflict(tr!(lang, "error-no-password")));
    };
    let turn = tokio::time::timeout(CHECK_QUEUE_WAIT, app.throttle.checks.acquire()).await;
    let Ok(Ok(_turn)) = turn else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            tr!(lang, "error-busy"),
        ));
    };
    let matches = blocking(move || Ok(password::verify(&password, &hash))).await?;
    if !matches {
        app.throttle.failed(old.client);
        tokio::time::sleep(WRONG_PASSWORD_DELAY).await;
        return Err(ApiError::field(
            lang,
            "password",
            tr!(lang, "error-wrong-password"),
        ));
    }
    app.throttle.succeeded(old.client);
    app.sessions.remove(&old.id);
    let (id, csrf) = app.sessions.create(true);
    let cookie = session_cookie(app, &id, old.secure);
    Ok((
        Session {
            id,
            csrf,
            authenticated: true,
            ..old.clone()
        },
        cookie,
    ))
}

/// Ends a session and starts a fresh anonymous one; returns its cookie.
pub fn log_out(app: &App, old: &Session) -> (Session, HeaderValue) {
    app.sessions.remove(&old.id);
    let (id, csrf) = app.sessions.create(false);
    let cookie = session_cookie(app, &id, old.secure);
    (
        Session {
            id,
            csrf,
            authenticated: false,
            ..old.clone()
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
    fn origins_of_other_sites_are_refused() {
        assert!(origin_problem(&headers(&[("host", "127.0.0.1:8080")]), Lang::En).is_none());
        assert!(origin_problem(
            &headers(&[
                ("host", "127.0.0.1:8080"),
                ("origin", "http://127.0.0.1:8080")
            ]),
            Lang::En
        )
        .is_none());
        assert!(origin_problem(
            &headers(&[
                ("host", "127.0.0.1:8080"),
                ("origin", "http://evil.example")
            ]),
            Lang::En
        )
        .is_some());
        assert!(origin_problem(
            &headers(&[("host", "127.0.0.1:8080"), ("origin", "null")]),
            Lang::En
        )
        .is_some());
        assert!(origin_problem(
            &headers(&[("host", "127.0.0.1:8080"), ("sec-fetch-site", "cross-site")]),
            Lang::En
        )
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
}
