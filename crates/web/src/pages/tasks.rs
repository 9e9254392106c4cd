//! Exchange tasks («Задачи обмена данными»): the list, adding a task with a form generated
//! from its type's schema, and a task's page with its settings, actions and run history.

use super::form::{general_errors, ParamField, Submitted, TextField};
use super::layout::{
    blocking, csrf_field, notice, page, saved_or_again, see_other, segment, status_label, AppState,
    PageResult, SavedQuery,
};
use super::runs::runs_table;
use crate::actions::{self, TaskInput};
use crate::app::App;
use crate::error::{ApiError, Form, Path, Query, GENERAL};
use crate::sessions::Session;
use crate::views::{self, OrgSummary, PluginView, TaskView};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use maud::{html, Markup};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The task pages' routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/tasks", get(list).post(create))
        .route("/tasks/new", get(new))
        .route("/tasks/{id}", get(show).post(update))
        .route("/tasks/{id}/enable", post(enable))
        .route("/tasks/{id}/disable", post(disable))
        .route("/tasks/{id}/run", post(run))
        .route("/tasks/{id}/delete", post(delete))
}

/// `?org=ID&type=TYPE`
#[derive(serde::Deserialize)]
pub struct ChoiceQuery {
    org: Option<String>,
    #[serde(rename = "type")]
    type_id: Option<String>,
}

fn state_label(task: &TaskView) -> &'static str {
    match (task.type_name.is_some(), task.enabled) {
        (false, _) => "модуль не найден",
        (true, true) => "включена",
        (true, false) => "выключена",
    }
}

/// Seconds as a short duration in the console's language, which the forms accept back
/// («1 ч», «30 мин»).
fn duration_text(app: &App, secs: i64) -> String {
    exchange_core::i18n::duration_phrase(app.lang, secs.max(0) as u64)
}

async fn list(
    state: AppState,
    Extension(session): Extension<Session>,
    Query(query): Query<ChoiceQuery>,
) -> PageResult {
    let app = state.0;
    let org = query.org.filter(|o| !o.is_empty());
    let org_for_view = org.clone();
    let tasks =
        blocking(move || views::tasks(&app, &app.store()?, org_for_view.as_deref())).await?;
    let new_link = match &org {
        Some(org) => format!("/tasks/new?org={}", segment(org)),
        None => "/tasks/new".into(),
    };
    let content = html! {
        p { a class="button" href=(new_link) id="add-task" { "Добавить задачу" } }
        @if tasks.is_empty() {
            p { "Задач пока нет." }
        } @else {
            table {
                thead { tr {
                    th { "№" } th { "Организация" } th { "Тип" } th { "Расписание" }
                    th { "Состояние" } th { "Последний запуск" } th { "Статус" }
                } }
                tbody {
                    @for task in &tasks {
                        tr {
                            td { a href={ "/tasks/" (task.id) } { (task.id) } }
                            td { a href={ "/orgs/" (segment(&task.org)) } { (task.org) } }
                            td { (task.type_id) @if let Some(name) = &task.type_name { div class="hint" { (name) } } }
                            td { (task.schedule_text) }
                            td { (state_label(task)) }
                            @match &task.last_run {
                                Some(run) => {
                                    td { a href={ "/runs/" (run.id) } { (run.started) } }
                                    td class={ "status " (run.status) } { (status_label(run.status)) @if run.dry_run { " (пробный)" } }
                                }
                                None => { td { "не запускалась" } td {} }
                            }
                        }
                    }
                }
            }
        }
    };
    let title = match &org {
        Some(org) => format!("Задачи обмена данными: {org}"),
        None => "Задачи обмена данными".into(),
    };
    Ok(page(&title, &session, content).into_response())
}

/// The settings and parameters of a task form.
struct TaskForm<'a> {
    action: String,
    /// For a new task: the organizations to choose from.
    orgs: Option<&'a [OrgSummary]>,
    org: &'a str,
    plugin: &'a PluginView,
    schedule: String,
    max_run_time: String,
    random_delay: String,
    /// The parameters set now (secrets masked).
    current: BTreeMap<String, String>,
    refused: Option<(&'a Submitted, &'a ApiError)>,
    submit: &'a str,
}

impl TaskForm<'_> {
    fn errors(&self, field: &str) -> &[String] {
        self.refused
            .map(|(_, e)| e.field_messages(field))
            .unwrap_or(&[])
    }

    /// A settings field's value: what was sent, else the current one.
    fn setting(&self, name: &str, current: &str) -> String {
        match self.refused {
            Some((submitted, _)) => submitted.get(name).unwrap_or("").to_string(),
            None => current.to_string(),
        }
    }

    fn render(&self, session: &Session) -> Markup {
        let plugin = self.plugin;
        html! {
            form method="post" action=(self.action) id="task-form" {
                (csrf_field(session))
                @if let Some((_, error)) = self.refused {
                    p class="error" id="form-summary" role="alert" { (error.message) }
                    (general_errors(error.field_messages(GENERAL)))
                    @for field in ["org", "type"] {
                        @for message in error.field_messages(field) { p class="error" { (message) } }
                    }
                }
                @if let Some(orgs) = self.orgs {
                    div class="field" {
                        label for="f-org" { "Организация" }
                        select id="f-org" name="org" {
                            @for org in orgs {
                                option value=(org.id) selected[org.id == self.org] { (org.id) " — " (org.name) }
                            }
                        }
                    }
                    input type="hidden" name="type" value=(plugin.type_id);
                }
                div class="field" {
                    span class="label" { "Тип задачи" }
                    div { strong { (plugin.name) } " " code { (plugin.type_id) } }
                    div class="hint" { (plugin.description) }
                }
                fieldset {
                    legend { "Расписание" }
                    (TextField {
                        name: "schedule", label: "Периодичность",
                        value: &self.setting("schedule", &self.schedule),
                        placeholder: &format!("по умолчанию: {}", exchange_core::i18n::schedule_phrase(exchange_core::i18n::Lang::Ru, plugin.default_schedule)),
                        hint: "каждые 30 минут, постоянно, ежедневно 07:30, вручную. Рекомендуется «каждые 30 минут»; для видеозвонков перед уроком — чаще, вплоть до «постоянно».",
                        errors: self.errors("schedule"),
                    }.render())
                    (TextField {
                        name: "max_run_time", label: "Наибольшая длительность запуска",
                        value: &self.setting("max_run_time", &self.max_run_time),
                        placeholder: "по умолчанию: 1 ч",
                        hint: "дольше — запуск останавливается; например 30 мин, 1 ч",
                        errors: self.errors("max_run_time"),
                    }.render())
                    (TextField {
                        name: "random_delay", label: "Случайная задержка",
                        value: &self.setting("random_delay", &self.random_delay),
                        placeholder: "по умолчанию: 0 с",
                        hint: "до стольких перед каждым запуском по расписанию, например 5 мин",
                        errors: self.errors("random_delay"),
                    }.render())
                    @if self.orgs.is_some() {
                        label class="inline" {
                            input type="checkbox" name="enabled" value="1"
                                checked[self.refused.is_none_or(|(s, _)| s.get("enabled").is_some())];
                            " включить расписание сразу"
                        }
                    }
                }
                fieldset {
                    legend { "Параметры" }
                    @if plugin.params.is_empty() { p { "У этого типа задач нет параметров." } }
                    @if plugin.params.iter().any(|p| p.secret) && self.refused.is_some() {
                        p class="hint" { "Секреты не возвращаются в форму: введите их заново." }
                    }
                    @for spec in &plugin.params {
                        @let current = self.current.get(&spec.key).map(String::as_str);
                        (ParamField {
                            spec,
                            prefix: "p.",
                            value: match self.refused {
                                Some((submitted, _)) => submitted.echo("p.", spec),
                                None if !spec.secret => current,
                                None => None,
                            },
                            secret_set: if spec.secret { current } else { None },
                            errors: self.errors(&spec.key),
                        }.render())
                    }
                }
                button type="submit" id="save-task" { (self.submit) }
            }
        }
    }
}

/// What a submitted task form asks for.
fn task_input(submitted: &Submitted, plugin: &PluginView, new: bool) -> TaskInput {
    let (params, unset) = submitted.params("p.", &plugin.params);
    let text = |name: &str| submitted.get(name).map(str::to_string);
    TaskInput {
        org: text("org"),
        type_id: text("type"),
        schedule: text("schedule"),
        max_run_time: text("max_run_time"),
        random_delay: text("random_delay"),
        enabled: new.then(|| submitted.get("enabled").is_some()),
        params,
        unset,
    }
}

async fn new(
    state: AppState,
    Extension(session): Extension<Session>,
    Query(query): Query<ChoiceQuery>,
) -> PageResult {
    let app = state.0;
    blocking(move || {
        let org = query.org.unwrap_or_default();
        let type_id = query.type_id.unwrap_or_default();
        Ok(render_new(&app, &session, &org, &type_id, None)?.into_response())
    })
    .await
}

/// The form for a new task: first the type (and organization), then its parameters.
fn render_new(
    app: &App,
    session: &Session,
    org: &str,
    type_id: &str,
    refused: Option<(&Submitted, &ApiError)>,
) -> Result<Markup, ApiError> {
    let orgs = views::orgs(&app.store()?)?;
    let plugins = views::plugins(app).plugins;
    if orgs.is_empty() {
        let content = html! { p { "Сначала " a href="/#add-org" { "добавьте организацию" } "." } };
        return Ok(page("Новая задача", session, content));
    }
    let Some(plugin) = plugins.iter().find(|p| p.type_id == type_id) else {
        let content = html! {
            form method="get" action="/tasks/new" id="choose-type" {
                div class="field" {
                    label for="f-org" { "Организация" }
                    select id="f-org" name="org" {
                        @for o in &orgs { option value=(o.id) selected[o.id == org] { (o.id) " — " (o.name) } }
                    }
                }
                div class="field" {
                    label for="f-type" { "Тип задачи" }
                    select id="f-type" name="type" {
                        @for p in &plugins { option value=(p.type_id) { (p.name) " (" (p.type_id) ")" } }
                    }
                }
                @if plugins.is_empty() {
                    p class="error" { "Модули задач не найдены: положите библиотеки модулей в папку plugins рядом с exchange-host." }
                }
                button type="submit" id="choose" { "Далее" }
            }
        };
        return Ok(page("Новая задача", session, content));
    };
    let form = TaskForm {
        action: "/tasks".into(),
        orgs: Some(&orgs),
        org,
        plugin,
        schedule: String::new(),
        max_run_time: String::new(),
        random_delay: String::new(),
        current: BTreeMap::new(),
        refused,
        submit: "Добавить задачу",
    };
    let content = html! {
        p { a href={ "/tasks/new?org=" (segment(org)) } { "Выбрать другой тип" } }
        (form.render(session))
    };
    Ok(page("Новая задача", session, content))
}

async fn create(
    state: AppState,
    Extension(session): Extension<Session>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let app = state.0;
    blocking(move || {
        let submitted = Submitted(fields);
        let type_id = submitted.get("type").unwrap_or("").to_string();
        let plugin = views::plugin(&app, &type_id)?;
        saved_or_again(
            actions::create_task(&app, &task_input(&submitted, &plugin, true)),
            |saved| format!("/tasks/{}?saved=1", saved.task.id),
            |e| {
                let org = submitted.get("org").unwrap_or("");
                render_new(&app, &session, org, &type_id, Some((&submitted, e)))
            },
        )
    })
    .await
}

async fn show(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(query): Query<SavedQuery>,
) -> PageResult {
    let app = state.0;
    blocking(move || {
        Ok(render_task(&app, &session, id, None, query.saved.is_some())?.into_response())
    })
    .await
}

/// A task: its settings, its actions, its edit form and its runs.
fn render_task(
    app: &App,
    session: &Session,
    id: i64,
    refused: Option<(&Submitted, &ApiError)>,
    saved: bool,
) -> Result<Markup, ApiError> {
    let store = app.store()?;
    let task = views::task_view(
        app,
        &store,
        &crate::error::require_task(&store, id, app.lang)?,
    )?;
    let runs = views::runs(app, &store, Some(id), 20)?;
    let plugin = views::plugin(app, &task.type_id).ok();
    let action = |path: &str,
                  label: &str,
                  id_attr: &str,
                  extra: Option<(&str, &str)>,
                  confirm: Option<&str>| {
        html! {
            form method="post" action={ "/tasks/" (task.id) "/" (path) } class="inline" data-confirm=[confirm] {
                (csrf_field(session))
                @if let Some((name, value)) = extra { input type="hidden" name=(name) value=(value); }
                button type="submit" id=(id_attr) { (label) }
            }
        }
    };
    let content = html! {
        @if saved { (notice("Сохранено.")) }
        dl {
            dt { "Тип" } dd { (task.type_name.as_deref().unwrap_or("модуль не найден")) " " code { (task.type_id) } }
            dt { "Организация" } dd { a href={ "/orgs/" (segment(&task.org)) } { (task.org) } }
            dt { "Расписание" } dd { (task.schedule_text) }
            dt { "Состояние" } dd id="task-state" { (state_label(&task)) }
            dt { "Наибольшая длительность" } dd { (duration_text(app, task.max_run_time_s)) }
            dt { "Случайная задержка" } dd { (duration_text(app, task.random_delay_s)) }
            dt { "Параметры" } dd {
                @if task.params.is_empty() { "не заданы (действуют значения по умолчанию)" }
                @for (key, value) in &task.params {
                    @let label = plugin.as_ref().and_then(|p| p.params.iter().find(|s| &s.key == key)).map(|s| s.label.clone());
                    div { (label.unwrap_or_default()) " " code { (key) "=" (value) } }
                }
            }
        }
        div class="actions" {
            (action("run", "Запустить сейчас", "run-now", None, None))
            (action("run", "Пробный запуск", "dry-run", Some(("dry_run", "1")), None))
            (action("run", "Запустить с подтверждением удалений", "run-force", Some(("force", "1")),
                Some("Защита от массового удаления будет отключена только для этого запуска: участники, которых нет в данных школы, будут удалены из чатов. Продолжить?")))
            @if task.enabled {
                (action("disable", "Выключить расписание", "disable", None, None))
            } @else {
                (action("enable", "Включить расписание", "enable", None, None))
            }
            (action("delete", "Удалить задачу", "delete", None, Some("Удалить задачу вместе с её историей запусков?")))
        }
        h2 { "История запусков" }
        (runs_table(&runs))
        @if let Some(plugin) = &plugin {
            h2 { "Изменить настройки" }
            (TaskForm {
                action: format!("/tasks/{}", task.id),
                orgs: None,
                org: &task.org,
                plugin,
                schedule: task.schedule_text.clone(),
                max_run_time: duration_text(app, task.max_run_time_s),
                random_delay: duration_text(app, task.random_delay_s),
                current: task.params.clone(),
                refused,
                submit: "Сохранить",
            }.render(session))
        }
    };
    Ok(page(&format!("Задача № {}", task.id), session, content))
}

async fn update(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let app = state.0;
    blocking(move || {
        let submitted = Submitted(fields);
        let store = app.store()?;
        let task = crate::error::require_task(&store, id, app.lang)?;
        let plugin = views::plugin(&app, &task.type_id)?;
        saved_or_again(
            actions::update_task(&app, id, &task_input(&submitted, &plugin, false)),
            |_| format!("/tasks/{id}?saved=1"),
            |e| render_task(&app, &session, id, Some((&submitted, e)), false),
        )
    })
    .await
}

/// Turns a task's schedule on or off.
async fn set_enabled(app: Arc<App>, id: i64, enabled: bool) -> PageResult {
    blocking(move || {
        let input = TaskInput {
            enabled: Some(enabled),
            ..TaskInput::default()
        };
        actions::update_task(&app, id, &input)?;
        Ok(see_other(&format!("/tasks/{id}?saved=1")))
    })
    .await
}

async fn enable(state: AppState, Path(id): Path<i64>) -> PageResult {
    set_enabled(state.0, id, true).await
}

async fn disable(state: AppState, Path(id): Path<i64>) -> PageResult {
    set_enabled(state.0, id, false).await
}

async fn run(
    state: AppState,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let app = state.0;
    let fields = Submitted(fields);
    let dry_run = fields.get("dry_run") == Some("1");
    let force = fields.get("force") == Some("1");
    blocking(move || {
        let run_id = app.launcher.start(&app.runner, id, dry_run, force)?;
        Ok(see_other(&format!("/runs/{run_id}")))
    })
    .await
}

async fn delete(
    state: AppState,
    Path(id): Path<i64>,
) -> Result<Response, super::layout::PageError> {
    let app = state.0;
    blocking(move || {
        let org = crate::error::require_task(&app.store()?, id, app.lang)?.org_id;
        actions::delete_task(&app, id)?;
        Ok(see_other(&format!("/tasks?org={}", segment(&org))))
    })
    .await
}
