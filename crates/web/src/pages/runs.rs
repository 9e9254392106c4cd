//! Runs: the history («Журнал запусков») and one run with its counters by name, its log
//! (long lists collapsed with a count) and a stop button while it runs, followed live by
//! `console.js`.

use super::layout::{
    blocking, csrf_field, notice, page, see_other, status_label, trigger_label, AppState,
    PageResult,
};
use crate::app::App;
use crate::error::{Path, Query};
use crate::sessions::Session;
use crate::views::{self, LogView, RunView};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Extension, Router};
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
pub fn runs_table(runs: &[RunView]) -> Markup {
    html! {
        @if runs.is_empty() {
            p { "Запусков пока не было." }
        } @else {
            table class="runs" {
                thead { tr {
                    th { "Запуск" } th { "Задача" } th { "Начат" } th { "Длительность" }
                    th { "Статус" } th { "Причина" } th { "Итог" }
                } }
                tbody {
                    @for run in runs {
                        tr {
                            td { a href={ "/runs/" (run.id) } { "№ " (run.id) } }
                            td { a href={ "/tasks/" (run.task) } { (run.task) } }
                            td { (run.started) }
                            td { (took(run)) }
                            td class={ "status " (run.status) } { (status_label(run.status)) @if run.dry_run { " (пробный)" } }
                            td { (trigger_label(run.trigger)) }
                            td class="plugin-text" { (run.message) }
                        }
                    }
                }
            }
        }
    }
}

fn took(run: &RunView) -> String {
    run.took_s
        .map(|s| format!("{s:.1} с"))
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
    let task = query.task;
    let runs = blocking(move || views::runs(&app, &app.store()?, task, 100)).await?;
    let title = match task {
        Some(task) => format!("Журнал запусков задачи № {task}"),
        None => "Журнал запусков".into(),
    };
    Ok(page(&title, &session, runs_table(&runs)).into_response())
}

async fn show(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(query): Query<StoppedQuery>,
) -> PageResult {
    let app = state.0;
    let (run, lines) = blocking(move || {
        let store = app.store()?;
        let run = views::run(&app, &store, id)?;
        let lines = views::logs(&app, &store, id, LogLevel::Debug, 0)?;
        Ok((run, lines))
    })
    .await?;
    let last_seq = lines.last().map(|l| l.seq).unwrap_or(0);
    let content = html! {
        @if query.stopping.is_some() && run.status == RunStatus::Running {
            (notice("Остановка запрошена: запуск завершится в течение нескольких секунд."))
        }
        section id="run" data-run=(run.id) data-status=(run.status) data-last-seq=(last_seq) {
            dl {
                dt { "Задача" } dd { a href={ "/tasks/" (run.task) } { "№ " (run.task) } }
                dt { "Статус" } dd id="run-status" class={ "status " (run.status) } {
                    (status_label(run.status)) @if run.dry_run { " (пробный запуск: в Сферуме ничего не менялось)" }
                }
                dt { "Начат" } dd { (run.started) " (" (trigger_label(run.trigger)) ")" }
                dt { "Длительность" } dd { (took(&run)) }
                dt { "Итог" } dd id="run-message" class="plugin-text" { (run.message) }
            }
            @if run.status == RunStatus::Running {
                form method="post" action={ "/runs/" (run.id) "/stop" } class="inline"
                    data-confirm="Остановить запуск? То, что уже сделано, останется сделанным." {
                    (csrf_field(&session))
                    button type="submit" id="stop-run" class="danger" { "Остановить запуск" }
                }
            }
            div id="run-progress" hidden[run.progress.is_none()] {
                @if let Some(p) = &run.progress {
                    (stage_label(&p.stage)) ": " (p.done) " из " (p.total)
                }
            }
            @if !run.counters.is_empty() {
                h2 { "Итоги" }
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
            h2 { "Журнал" }
            div id="log" {
                div id="log-lines" {
                    @for group in log_groups(&lines) {
                        @match group {
                            LogGroup::Line(line) => { (log_line(line)) }
                            LogGroup::Collapsed(head, rest) => {
                                details class="log-group" {
                                    summary { (log_line(head)) span class="count" { "ещё строк: " (rest.len()) " — нажмите, чтобы раскрыть" } }
                                    @for line in rest { (log_line(line)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&format!("Запуск № {}", run.id), &session, content).into_response())
}

/// `?stopping=1`: the page a stop request redirected to.
#[derive(serde::Deserialize)]
pub struct StoppedQuery {
    stopping: Option<String>,
}

async fn stop(state: AppState, Path(id): Path<i64>) -> PageResult {
    let app = state.0;
    blocking(move || {
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

/// A progress stage in words (plugins name their stages with short keys).
fn stage_label(stage: &str) -> &str {
    match stage {
        "read" => "чтение чатов",
        "create" => "создание чатов",
        "calls" => "видеозвонки",
        "greeting" => "приветствие",
        other => other,
    }
}

/// A log level in words.
fn level_label(level: LogLevel) -> &'static str {
    match level {
        LogLevel::Debug => "отладка",
        LogLevel::Info => "сведения",
        LogLevel::Warn => "внимание",
        LogLevel::Error => "ошибка",
    }
}

fn log_line(line: &LogView) -> Markup {
    html! {
        div class={ "log-line level-" (line.level.as_str()) } {
            span class="time" { (line.time) }
            span class="level" { (level_label(line.level)) }
            span class="message plugin-text" { (line.message) }
        }
    }
}
