//! Runs: the history («Журнал запусков») and one run with its counters by name, its log
//! (long lists collapsed with a count) and a stop button while it runs, followed live by
//! `console.js`.

use super::layout::{
    blocking, csrf_field, level_label, notice, page, see_other, stage_label, status_text, AppState,
    PageResult,
};
use crate::app::App;
use crate::error::{Path, Query};
use crate::sessions::Session;
use crate::views::{self, LogView, RunView};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Extension, Router};
use exchange_core::i18n::{status_phrase, trigger_phrase, Lang};
use exchange_core::tr;
use exchange_sdk::LogLevel;
use exchange_store::runs::RunStatus;
use maud::{html, Markup};
use std::sync::Arc;

/// The run pages' routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/runs", get(list))
        .route("/runs/{id}", get(show))
        .route("/runs/{id}/stop", axum::routing::post(stop))
}

/// A table of runs, newest first.
pub fn runs_table(lang: Lang, runs: &[RunView]) -> Markup {
    html! {
        @if runs.is_empty() {
            p { (tr!(lang, "page-runs-none")) }
        } @else {
            table class="runs" {
                thead { tr {
                    th { (tr!(lang, "page-runs-column-run")) }
                    th { (tr!(lang, "page-runs-column-task")) }
                    th { (tr!(lang, "page-runs-column-started")) }
                    th { (tr!(lang, "page-runs-column-took")) }
                    th { (tr!(lang, "page-runs-column-status")) }
                    th { (tr!(lang, "page-runs-column-trigger")) }
                    th { (tr!(lang, "page-runs-column-result")) }
                } }
                tbody {
                    @for run in runs {
                        tr {
                            td { a href={ "/runs/" (run.id) } { (tr!(lang, "link-number", number = run.id)) } }
                            td { a href={ "/tasks/" (run.task) } { (run.task) } }
                            td { (run.started) }
                            td { (took(lang, run)) }
                            td class={ "status " (run.status) } { (status_text(lang, run.status, run.dry_run)) }
                            td { (trigger_phrase(lang, run.trigger)) }
                            td class="plugin-text" { (run.message) }
                        }
                    }
                }
            }
        }
    }
}

/// How long a run took, or «…» while it runs.
fn took(lang: Lang, run: &RunView) -> String {
    run.took_s
        .map(|s| tr!(lang, "page-runs-seconds", seconds = format!("{s:.1}")))
        .unwrap_or_else(|| "…".into())
}

/// `?task=ID`
#[derive(serde::Deserialize)]
pub struct RunsQuery {
    task: Option<i64>,
}

async fn list(
    state: AppState,
    Extension(session): Extension<Session>,
    Query(query): Query<RunsQuery>,
) -> PageResult {
    let app = state.0;
    let lang = app.lang;
    let task = query.task;
    let runs = blocking(lang, move || views::runs(&app, &app.store()?, task, 100)).await?;
    let title = match task {
        Some(task) => tr!(lang, "page-runs-title-of-task", task = task),
        None => tr!(lang, "page-runs-title"),
    };
    Ok(page(lang, &title, &session, runs_table(lang, &runs)).into_response())
}

async fn show(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(query): Query<StoppedQuery>,
) -> PageResult {
    let app = state.0;
    let lang = app.lang;
    let (run, lines) = blocking(lang, move || {
        let store = app.store()?;
        let run = views::run(&app, &store, id)?;
        let lines = views::logs(&app, &store, id, LogLevel::Debug, 0)?;
        Ok((run, lines))
    })
    .await?;
    let last_seq = lines.last().map(|l| l.seq).unwrap_or(0);
    let content = html! {
        @if query.stopping.is_some() && run.status == RunStatus::Running {
            (notice(&tr!(lang, "page-run-stopping")))
        }
        section id="run" data-run=(run.id) data-status=(run.status) data-last-seq=(last_seq) {
            dl {
                dt { (tr!(lang, "page-run-task")) }
                dd { a href={ "/tasks/" (run.task) } { (tr!(lang, "link-number", number = run.task)) } }
                dt { (tr!(lang, "page-run-status")) }
                dd id="run-status" class={ "status " (run.status) } {
                    (status_phrase(lang, run.status))
                    @if run.dry_run { " " (tr!(lang, "page-run-dry-run-note")) }
                }
                dt { (tr!(lang, "page-run-started")) }
                dd { (run.started) " (" (trigger_phrase(lang, run.trigger)) ")" }
                dt { (tr!(lang, "page-run-took")) } dd { (took(lang, &run)) }
                dt { (tr!(lang, "page-run-result")) } dd id="run-message" class="plugin-text" { (run.message) }
            }
            @if run.status == RunStatus::Running {
                form method="post" action={ "/runs/" (run.id) "/stop" } class="inline"
                    data-confirm=(tr!(lang, "page-run-stop-confirm")) {
                    (csrf_field(&session))
                    button type="submit" id="stop-run" class="danger" { (tr!(lang, "button-stop-run")) }
                }
            }
            div id="run-progress" hidden[run.progress.is_none()] {
                @if let Some(p) = &run.progress {
                    (tr!(lang, "console-progress", stage = stage_label(lang, &p.stage), done = p.done, total = p.total))
                }
            }
            @if !run.counters.is_empty() {
                h2 { (tr!(lang, "page-run-totals")) }
                table id="counters" {
                    tbody {
                        @for (key, value) in &run.counters {
                            tr {
                                td { (run.counter_labels.get(key).map_or(key.as_str(), String::as_str)) }
                                td class="number" { (value) }
                            }
                        }
                    }
                }
            }
            h2 { (tr!(lang, "page-run-log")) }
            div id="log" {
                div id="log-lines" {
                    @for group in log_groups(&lines) {
                        @match group {
                            LogGroup::Line(line) => { (log_line(lang, line)) }
                            LogGroup::Collapsed(head, rest) => {
                                details class="log-group" {
                                    summary {
                                        (log_line(lang, head))
                                        span class="count" { (tr!(lang, "page-run-log-more", count = rest.len())) }
                                    }
                                    @for line in rest { (log_line(lang, line)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let title = tr!(lang, "page-run-title", run = run.id);
    Ok(page(lang, &title, &session, content).into_response())
}

/// `?stopping=1`: the page a stop request redirected to.
#[derive(serde::Deserialize)]
pub struct StoppedQuery {
    stopping: Option<String>,
}

async fn stop(state: AppState, Path(id): Path<i64>) -> PageResult {
    let app = state.0;
    blocking(app.lang, move || {
        app.launcher.stop(&app.runner, id)?;
        Ok(see_other(&format!("/runs/{id}?stopping=1")))
    })
    .await
}

/// Lines longer than this run of indented lines under one heading are collapsed.
const COLLAPSE_AFTER: usize = 5;

/// Log lines as shown: a heading followed by more than [`COLLAPSE_AFTER`] indented lines
/// (a chat and its people, in a dry run) is collapsed behind the heading with a count.
enum LogGroup<'a> {
    Line(&'a LogView),
    Collapsed(&'a LogView, &'a [LogView]),
}

fn log_groups(lines: &[LogView]) -> Vec<LogGroup<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let rest = lines[i + 1..]
            .iter()
            .take_while(|l| l.message.starts_with("  "))
            .count();
        if rest > COLLAPSE_AFTER {
            out.push(LogGroup::Collapsed(&lines[i], &lines[i + 1..i + 1 + rest]));
            i += 1 + rest;
        } else {
            out.push(LogGroup::Line(&lines[i]));
            i += 1;
        }
    }
    out
}

fn log_line(lang: Lang, line: &LogView) -> Markup {
    html! {
        div class={ "log-line level-" (line.level.as_str()) } {
            span class="time" { (line.time) }
            span class="level" { (level_label(lang, line.level)) }
            span class="message plugin-text" { (line.message) }
        }
    }
}
