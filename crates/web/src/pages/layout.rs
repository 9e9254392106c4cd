//! What every page shares: the frame, the CSRF field, notices, errors as pages, redirects,
//! messages with links inside, and run states with the dry-run mark. Every text comes from the
//! console's language (`serve --lang`) through Fluent (`crates/core/locales/*/console.ftl`).
//! The page modules import it; it imports none of them.

use crate::app::App;
use crate::auth::CSRF_FIELD;
use crate::error::ApiError;
use crate::sessions::Session;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use exchange_core::i18n::{self, Arg, Lang};
use exchange_core::tr;
use exchange_sdk::LogLevel;
use exchange_store::runs::RunStatus;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use std::sync::Arc;

/// A whole page in `lang`: the header with the sections, the title, the content, and the
/// labels the script shows.
pub fn page(lang: Lang, title: &str, session: &Session, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (tr!(lang, "console-title", page = title)) }
                link rel="stylesheet" href="/static/console.css";
                (script_labels(lang))
                script src="/static/console.js" defer {}
            }
            body {
                header {
                    nav {
                        a href="/" { (tr!(lang, "nav-orgs")) }
                        a href="/tasks" { (tr!(lang, "nav-tasks")) }
                        a href="/runs" { (tr!(lang, "nav-runs")) }
                    }
                    @if session.authenticated {
                        form method="post" action="/logout" class="logout" {
                            (csrf_field(session))
                            button type="submit" { (tr!(lang, "button-log-out")) }
                        }
                    }
                }
                main {
                    h1 { (title) }
                    (content)
                }
            }
        }
    }
}

/// What `console.js` shows while it follows a run, in `lang`, as JSON the script reads
/// (`#console-labels`): the names of the progress stages and log levels, and the progress
/// line with `{stage}`, `{done}` and `{total}` to fill in.
fn script_labels(lang: Lang) -> Markup {
    let stages: serde_json::Map<String, serde_json::Value> = STAGES
        .iter()
        .map(|stage| (stage.to_string(), stage_label(lang, stage).into()))
        .collect();
    let levels: serde_json::Map<String, serde_json::Value> = LEVELS
        .iter()
        .map(|level| (level.as_str().to_string(), level_label(lang, *level).into()))
        .collect();
    let progress = tr!(
        lang,
        "console-progress",
        stage = "{stage}",
        done = "{done}",
        total = "{total}"
    );
    let labels = serde_json::json!({"stages": stages, "levels": levels, "progress": progress});
    // No text may close the script element early.
    let json = labels.to_string().replace('<', "\\u003c");
    html! { script type="application/json" id="console-labels" { (PreEscaped(json)) } }
}

/// The progress stages plugins report, by their short keys.
const STAGES: [&str; 4] = ["read", "create", "calls", "greeting"];

/// The levels of log lines.
const LEVELS: [LogLevel; 4] = [
    LogLevel::Debug,
    LogLevel::Info,
    LogLevel::Warn,
    LogLevel::Error,
];

/// A progress stage in words; a stage the console does not know keeps its key.
pub fn stage_label(lang: Lang, stage: &str) -> String {
    if STAGES.contains(&stage) {
        tr!(lang, &format!("console-stage-{stage}"))
    } else {
        stage.to_string()
    }
}

/// A log level in words.
pub fn level_label(lang: Lang, level: LogLevel) -> String {
    tr!(lang, &format!("console-level-{}", level.as_str()))
}

/// A message with elements inside it (links, code): the message `id` with `args`, where each
/// of `slots` names a variable the element stands for. The text around the elements is
/// escaped as any text.
pub fn rich(lang: Lang, id: &str, args: &[(&str, Arg)], slots: &[(&str, Markup)]) -> Markup {
    // Private-use characters, one per slot, mark where the elements go.
    let marker =
        |i: usize| char::from_u32(SLOT_MARKER + i as u32).expect("a private-use character");
    let mut all = args.to_vec();
    all.extend(
        slots
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (*name, Arg::Text(marker(i).to_string()))),
    );
    let text = i18n::text(lang, id, &all);
    let mut out = String::new();
    let mut plain = String::new();
    for c in text.chars() {
        match (c as u32).checked_sub(SLOT_MARKER).map(|i| i as usize) {
            Some(i) if i < slots.len() => {
                out.push_str(&html! { (plain) }.into_string());
                out.push_str(&slots[i].1 .0);
                plain.clear();
            }
            _ => plain.push(c),
        }
    }
    out.push_str(&html! { (plain) }.into_string());
    PreEscaped(out)
}

/// The first of the characters [`rich`] marks its slots with (Unicode's private use area).
const SLOT_MARKER: u32 = 0xE000;

/// The hidden field every state-changing form carries.
pub fn csrf_field(session: &Session) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(session.csrf); }
}

/// A notice above the content (e.g. «Сохранено.»).
pub fn notice(text: &str) -> Markup {
    html! { p class="notice" role="status" { (text) } }
}

/// An error as a page in the console's language, with its status.
pub struct PageError {
    /// The console's language.
    pub lang: Lang,
    /// What went wrong.
    pub error: ApiError,
}

impl PageError {
    /// `error` as a page in `lang`.
    pub fn new(lang: Lang, error: ApiError) -> PageError {
        PageError { lang, error }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let PageError { lang, error } = self;
        let heading = tr!(
            lang,
            match error.status {
                StatusCode::NOT_FOUND => "error-page-not-found",
                StatusCode::CONFLICT => "error-page-conflict",
                s if s.is_client_error() => "error-page-refused",
                _ => "error-page-server",
            }
        );
        let body = html! {
            (DOCTYPE)
            html lang=(lang.code()) {
                head {
                    meta charset="utf-8";
                    title { (heading) }
                    link rel="stylesheet" href="/static/console.css";
                }
                body {
                    main {
                        h1 { (heading) }
                        p class="error" id="page-error" { (error.message) }
                        @for (field, messages) in &error.fields {
                            @for message in messages {
                                p class="error" { (field) ": " (message) }
                            }
                        }
                        p { a href="/" { (tr!(lang, "link-to-orgs")) } }
                    }
                }
            }
        };
        (error.status, body).into_response()
    }
}

/// The page for an address that does not exist.
pub fn not_found_page(lang: Lang, path: &str) -> PageError {
    PageError::new(
        lang,
        ApiError::not_found(tr!(lang, "error-page-no-page", path = path)),
    )
}

/// A page answer or an error page.
pub type PageResult = Result<Response, PageError>;

/// Runs blocking work for a page; its error becomes a page in `lang`.
pub async fn blocking<T: Send + 'static>(
    lang: Lang,
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, PageError> {
    crate::error::blocking(work)
        .await
        .map_err(|error| PageError::new(lang, error))
}

/// "303 See Other" to `to`: the answer to a form that was accepted.
pub fn see_other(to: &str) -> Response {
    axum::response::Redirect::to(to).into_response()
}

/// The answer to a submitted form: accepted, a redirect to `saved(value)`; refused for its
/// input (422), the form's page again with the problems beside the fields (`again`); any
/// other error as it is.
pub fn saved_or_again<T>(
    result: Result<T, ApiError>,
    saved: impl FnOnce(T) -> String,
    again: impl FnOnce(&ApiError) -> Result<Markup, ApiError>,
) -> Result<Response, ApiError> {
    match result {
        Ok(value) => Ok(see_other(&saved(value))),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            Ok((e.status, again(&e)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `?saved=1`: the page a form redirected to after it was accepted («Сохранено.»).
#[derive(serde::Deserialize)]
pub struct SavedQuery {
    pub saved: Option<String>,
}

/// A value as one path segment of a link (`/orgs/{segment}`).
pub fn segment(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A run's status in words with a mark for a dry run.
pub fn status_text(lang: Lang, status: RunStatus, dry_run: bool) -> String {
    let label = i18n::status_phrase(lang, status);
    if dry_run {
        format!("{label} {}", tr!(lang, "dry-run-mark"))
    } else {
        label
    }
}

/// The shared state of a page handler.
pub type AppState = axum::extract::State<Arc<App>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rich_message_puts_its_elements_in_place_and_escapes_the_rest() {
        let code = || html! { code { "exchange-host admin password" } };
        let hint = |lang| {
            rich(
                lang,
                "page-login-password-hint",
                &[],
                &[("command", code())],
            )
        };
        assert_eq!(
            hint(Lang::Ru).into_string(),
            "Задаётся командой <code>exchange-host admin password</code>."
        );
        assert_eq!(
            hint(Lang::En).into_string(),
            "Set with <code>exchange-host admin password</code>."
        );
        let args = [("time", Arg::from("<b>")), ("type", Arg::from("a&b"))];
        let link = html! { a href="/tasks/3" { "№ 3" } };
        assert_eq!(
            rich(
                Lang::Ru,
                "page-org-chats-published-by",
                &args,
                &[("task", link)]
            )
            .into_string(),
            "Опубликовано &lt;b&gt; задачей <a href=\"/tasks/3\">№ 3</a> (a&amp;b)."
        );
    }

    #[test]
    fn the_script_gets_its_labels_in_the_page_language() {
        for (lang, stage, level, progress) in [
            (
                Lang::Ru,
                "чтение чатов",
                "внимание",
                "{stage}: {done} из {total}",
            ),
            (
                Lang::En,
                "reading chats",
                "warning",
                "{stage}: {done} of {total}",
            ),
        ] {
            let html = script_labels(lang).into_string();
            let json = html
                .strip_prefix(r#"<script type="application/json" id="console-labels">"#)
                .and_then(|rest| rest.strip_suffix("</script>"))
                .unwrap_or_else(|| panic!("{html}"));
            let labels: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(labels["stages"]["read"], stage);
            assert_eq!(labels["levels"]["warn"], level);
            assert_eq!(labels["progress"], progress);
        }
        assert_eq!(stage_label(Lang::En, "unknown-stage"), "unknown-stage");
        assert_eq!(
            i18n::trigger_phrase(Lang::Ru, exchange_store::runs::Trigger::Manual),
            "вручную"
        );
        assert_eq!(status_text(Lang::En, RunStatus::Ok, true), "ok (dry run)");
    }

    #[test]
    fn a_page_says_its_language() {
        let session = Session {
            id: String::new(),
            csrf: String::new(),
            authenticated: true,
            login_required: false,
            client: std::net::Ipv4Addr::LOCALHOST.into(),
            secure: false,
        };
        for (lang, nav, log_out) in [
            (Lang::Ru, "Журнал запусков", "Выйти"),
            (Lang::En, "Run history", "Log out"),
        ] {
            let html = page(lang, "T", &session, html! {}).into_string();
            assert!(
                html.contains(&format!("<html lang=\"{}\">", lang.code())),
                "{html}"
            );
            assert!(html.contains(nav) && html.contains(log_out), "{html}");
        }
    }
}
