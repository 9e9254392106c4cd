//! The console's HTML pages, rendered on the server (maud escapes every value) in the
//! console's language (`serve --lang`, Russian by default): every text comes from Fluent
//! (`crates/core/locales/*/console.ftl`), and the labels the script shows come with each
//! page. Forms post back to the server, which checks them like the API and shows the
//! problems beside their fields; a little script follows running runs live.
//!
//! - [`orgs`]: organizations, the Links base with «Чаты Сферум», staff files, coverage.
//! - [`tasks`]: exchange tasks: list, the generated form, a task with its actions.
//! - [`runs`]: run history and one run with its counters and log.
//! - [`login`]: logging in and out.
//! - [`form`]: form fields generated from parameter schemas.
//! - [`layout`]: what every page shares (the frame, notices, errors as pages, labels); the
//!   pages import it and this module only assembles their routes, so none imports another
//!   in a circle.

mod form;
pub mod layout;
mod login;
mod orgs;
mod runs;
mod tasks;

use super::app::App;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

/// The pages' routes, and the style sheet and script they use.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/static/console.css", get(style))
        .route("/static/console.js", get(script))
        .merge(login::routes())
        .merge(orgs::routes())
        .merge(tasks::routes())
        .merge(runs::routes())
}

async fn style() -> Response {
    static_file(
        "text/css; charset=utf-8",
        include_str!("../static/console.css"),
    )
}

async fn script() -> Response {
    static_file(
        "text/javascript; charset=utf-8",
        include_str!("../static/console.js"),
    )
}

fn static_file(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The lines of code (comments and test modules left out) with a Cyrillic letter, in
    /// the `.rs` and `.js` files under `dir`.
    fn cyrillic_code(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                cyrillic_code(&path, found);
                continue;
            }
            if !matches!(path.extension().and_then(|e| e.to_str()), Some("rs" | "js")) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.lines().take_while(|l| l.trim() != "#[cfg(test)]");
            for (n, line) in code.enumerate() {
                let before_comment = line.split("//").next().unwrap_or("");
                if before_comment
                    .chars()
                    .any(|c| matches!(c, 'А'..='я' | 'Ё' | 'ё'))
                {
                    found.push(format!("{}:{}: {line}", path.display(), n + 1));
                }
            }
        }
    }

    #[test]
    fn the_console_has_no_russian_text_of_its_own() {
        let mut found = Vec::new();
        cyrillic_code(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(
            found.is_empty(),
            "texts people read belong in crates/core/locales/*/console.ftl:\n{}",
            found.join("\n")
        );
    }
}
