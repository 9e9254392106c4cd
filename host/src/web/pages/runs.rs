//! Runs: the history («Журнал запусков») and one run with its summary counters and log,
//! followed live by `console.js` while it runs.

use super::{blocking, page, status_label, trigger_label, AppState, PageResult};
use crate::web::app::App;
use crate::web::auth::Session;
use crate::web::error::{Path, Query};
use crate::web::views::{self, RunView};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Extension, Router};
use exchange_sdk::LogLevel;
use maud::{html, Markup};
use std::sync::Arc;

/// The run pages' routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/runs", get(list))
        .route("/runs/{id}", get(show))
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
                            td class={ "status " (run.status) } { (status_label(&run.status)) @if run.dry_run { " (пробный)" } }
                            td { (trigger_label(&run.trigger)) }
                            td { (run.message) }
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
        section id="run" data-run=(run.id) data-status=(run.status) data-last-seq=(last_seq) {
            dl {
                dt { "Задача" } dd { a href={ "/tasks/" (run.task) } { "№ " (run.task) } }
                dt { "Статус" } dd id="run-status" class={ "status " (run.status) } {
                    (status_label(&run.status)) @if run.dry_run { " (пробный запуск: в Сферум ничего не менялось)" }
                }
                dt { "Начат" } dd { (run.started) " (" (trigger_label(&run.trigger)) ")" }
                dt { "Длительность" } dd { (took(&run)) }
                dt { "Итог" } dd id="run-message" { (run.message) }
            }
            div id="run-progress" hidden[run.progress.is_none()] {
                @if let Some(p) = &run.progress {
                    (p.stage) ": " (p.done) " из " (p.total)
                }
            }
            @if !run.counters.is_empty() {
                h2 { "Счётчики" }
                table id="counters" {
                    tbody {
                        @for (key, value) in &run.counters {
                            tr { td { code { (key) } } td { (value) } }
                        }
                    }
                }
            }
            h2 { "Журнал" }
            table id="log" {
                thead { tr { th { "Время" } th { "Уровень" } th { "Сообщение" } } }
                tbody id="log-lines" {
                    @for line in &lines {
                        tr class={ "level-" (line.level) } { td { (line.time) } td { (line.level) } td { (line.message) } }
                    }
                }
            }
        }
    };
    Ok(page(&format!("Запуск № {}", run.id), &session, content).into_response())
}
