//! Exchange tasks («Задачи обмена данными»): the list, adding a task with a form generated
//! from its type's schema, and a task's page with its settings, actions and run history.

use super::form::{general_errors, ParamField, Submitted, TextField};
use super::layout::{
    blocking, csrf_field, notice, page, rich, saved_or_again, see_other, segment, status_text,
    AppState, PageResult, SavedQuery,
};
use super::runs::runs_table;
use crate::actions::{self, TaskInput};
use crate::app::App;
use crate::error::{ApiError, Path, Query, GENERAL};
use crate::sessions::Session;
use crate::views::{self, OrgSummary, PluginView, TaskView};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Extension, Router};
use exchange_core::i18n::{duration_phrase, schedule_phrase, Lang};
use exchange_core::tr;
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

/// Whether a task's schedule is on, or that its plugin is missing, in words.
fn state_label(lang: Lang, task: &TaskView) -> String {
    let id = match (task.type_name.is_some(), task.enabled) {
        (false, _) => "page-tasks-state-no-plugin",
        (true, true) => "page-tasks-state-enabled",
        (true, false) => "page-tasks-state-disabled",
    };
    tr!(lang, id)
}

/// Seconds as a short duration in the console's language, which the forms accept back
/// («1 ч», «30 мин»).
fn duration_text(lang: Lang, secs: i64) -> String {
    duration_phrase(lang, secs.max(0) as u64)
}

async fn list(
    state: AppState,
    Extension(session): Extension<Session>,
    Query(query): Query<ChoiceQuery>,
) -> PageResult {
    let app = state.0;
    let lang = app.lang;
    let org = query.org.filter(|o| !o.is_empty());
    let org_for_view = org.clone();
    let tasks = blocking(lang, move || {
        views::tasks(&app, &app.store()?, org_for_view.as_deref())
    })
    .await?;
    let new_link = match &org {
        Some(org) => format!("/tasks/new?org={}", segment(org)),
        None => "/tasks/new".into(),
    };
    let content = html! {
        p { a class="button" href=(new_link) id="add-task" { (tr!(lang, "button-add-task")) } }
        @if tasks.is_empty() {
            p { (tr!(lang, "page-tasks-none")) }
        } @else {
            table {
                thead { tr {
                    th { (tr!(lang, "page-tasks-column-number")) }
                    th { (tr!(lang, "page-tasks-column-org")) }
                    th { (tr!(lang, "page-tasks-column-type")) }
                    th { (tr!(lang, "page-tasks-column-schedule")) }
                    th { (tr!(lang, "page-tasks-column-state")) }
                    th { (tr!(lang, "page-tasks-column-last-run")) }
                    th { (tr!(lang, "page-tasks-column-status")) }
                } }
                tbody {
                    @for task in &tasks {
                        tr {
                            td { a href={ "/tasks/" (task.id) } { (task.id) } }
                            td { a href={ "/orgs/" (segment(&task.org)) } { (task.org) } }
                            td { (task.type_id) @if let Some(name) = &task.type_name { div class="hint" { (name) } } }
                            td { (task.schedule_text) }
                            td { (state_label(lang, task)) }
                            @match &task.last_run {
                                Some(run) => {
                                    td { a href={ "/runs/" (run.id) } { (run.started) } }
                                    td class={ "status " (run.status) } { (status_text(lang, run.status, run.dry_run)) }
                                }
                                None => { td { (tr!(lang, "page-tasks-never-run")) } td {} }
                            }
                        }
                    }
                }
            }
        }
    };
    let title = match &org {
        Some(org) => tr!(lang, "page-tasks-title-of-org", org = org),
        None => tr!(lang, "page-tasks-title"),
    };
    Ok(page(lang, &title, &session, content).into_response())
}

/// The settings and parameters of a task form.
struct TaskForm<'a> {
    lang: Lang,
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
        let lang = self.lang;
        let plugin = self.plugin;
        let default = |value: String| tr!(lang, "field-default", value = value);
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
                        label for="f-org" { (tr!(lang, "page-task-form-org")) }
                        select id="f-org" name="org" {
                            @for org in orgs {
                                option value=(org.id) selected[org.id == self.org] { (org.id) " — " (org.name) }
                            }
                        }
                    }
                    input type="hidden" name="type" value=(plugin.type_id);
                }
                div class="field" {
                    span class="label" { (tr!(lang, "page-task-form-type")) }
                    div { strong { (plugin.name) } " " code { (plugin.type_id) } }
                    div class="hint" { (plugin.description) }
                }
                fieldset {
                    legend { (tr!(lang, "page-task-form-schedule")) }
                    (TextField {
                        name: "schedule", label: &tr!(lang, "page-task-form-period"),
                        value: &self.setting("schedule", &self.schedule),
                        placeholder: &default(schedule_phrase(lang, plugin.default_schedule)),
                        hint: &tr!(lang, "page-task-form-period-hint"),
                        errors: self.errors("schedule"),
                    }.render())
                    (TextField {
                        name: "max_run_time", label: &tr!(lang, "page-task-form-max-run-time"),
                        value: &self.setting("max_run_time", &self.max_run_time),
                        placeholder: &default(duration_text(lang, exchange_store::tasks::DEFAULT_MAX_RUN_TIME_S)),
                        hint: &tr!(lang, "page-task-form-max-run-time-hint"),
                        errors: self.errors("max_run_time"),
                    }.render())
                    (TextField {
                        name: "random_delay", label: &tr!(lang, "page-task-form-random-delay"),
                        value: &self.setting("random_delay", &self.random_delay),
                        placeholder: &default(duration_text(lang, 0)),
                        hint: &tr!(lang, "page-task-form-random-delay-hint"),
                        errors: self.errors("random_delay"),
                    }.render())
                    @if self.orgs.is_some() {
                        label class="inline" {
                            input type="checkbox" name="enabled" value="1"
                                checked[self.refused.is_none_or(|(s, _)| s.get("enabled").is_some())];
                            " " (tr!(lang, "page-task-form-enable-now"))
                        }
                    }
                }
                fieldset {
                    legend { (tr!(lang, "page-task-form-params")) }
                    @if plugin.params.is_empty() { p { (tr!(lang, "page-task-form-no-params")) } }
                    @if plugin.params.iter().any(|p| p.secret) && self.refused.is_some() {
                        p class="hint" { (tr!(lang, "page-task-form-secrets-again")) }
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
                        }.render(lang))
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
    blocking(app.lang, move || {
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
    let lang = app.lang;
    let orgs = views::orgs(&app.store()?)?;
    let plugins = views::plugins(app).plugins;
    let title = tr!(lang, "page-new-task-title");
    if orgs.is_empty() {
        let link = html! { a href="/#add-org" { (tr!(lang, "page-new-task-add-org-link")) } };
        let content =
            html! { p { (rich(lang, "page-new-task-add-org-first", &[], &[("link", link)])) } };
        return Ok(page(lang, &title, session, content));
    }
    let Some(plugin) = plugins.iter().find(|p| p.type_id == type_id) else {
        let content = html! {
            form method="get" action="/tasks/new" id="choose-type" {
                div class="field" {
                    label for="f-org" { (tr!(lang, "page-task-form-org")) }
                    select id="f-org" name="org" {
                        @for o in &orgs { option value=(o.id) selected[o.id == org] { (o.id) " — " (o.name) } }
                    }
                }
                div class="field" {
                    label for="f-type" { (tr!(lang, "page-task-form-type")) }
                    select id="f-type" name="type" {
                        @for p in &plugins { option value=(p.type_id) { (p.name) " (" (p.type_id) ")" } }
                    }
                }
                @if plugins.is_empty() {
                    p class="error" { (tr!(lang, "page-new-task-no-plugins")) }
                }
                button type="submit" id="choose" { (tr!(lang, "button-next")) }
            }
        };
        return Ok(page(lang, &title, session, content));
    };
    let submit = tr!(lang, "button-add-task");
    let form = TaskForm {
        lang,
        action: "/tasks".into(),
        orgs: Some(&orgs),
        org,
        plugin,
        schedule: String::new(),
        max_run_time: String::new(),
        random_delay: String::new(),
        current: BTreeMap::new(),
        refused,
        submit: &submit,
    };
    let content = html! {
        p { a href={ "/tasks/new?org=" (segment(org)) } { (tr!(lang, "page-new-task-other-type")) } }
        (form.render(session))
    };
    Ok(page(lang, &title, session, content))
}

async fn create(
    state: AppState,
    Extension(session): Extension<Session>,
    submitted: Submitted,
) -> PageResult {
    let app = state.0;
    blocking(app.lang, move || {
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
    blocking(app.lang, move || {
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
    let lang = app.lang;
    let store = app.store()?;
    let task = views::task_view(app, &store, &crate::error::require_task(&store, id, lang)?)?;
    let runs = views::runs(app, &store, Some(id), 20)?;
    let plugin = views::plugin(app, &task.type_id).ok();
    let action = |path: &str,
                  label_id: &str,
                  id_attr: &str,
                  extra: Option<(&str, &str)>,
                  confirm: Option<&str>| {
        html! {
            form method="post" action={ "/tasks/" (task.id) "/" (path) } class="inline" data-confirm=[confirm] {
                (csrf_field(session))
                @if let Some((name, value)) = extra { input type="hidden" name=(name) value=(value); }
                button type="submit" id=(id_attr) { (tr!(lang, label_id)) }
            }
        }
    };
    let run_force_confirm = tr!(lang, "page-task-run-force-confirm");
    let delete_confirm = tr!(lang, "page-task-delete-confirm");
    let type_name = match &task.type_name {
        Some(name) => name.clone(),
        None => tr!(lang, "page-tasks-state-no-plugin"),
    };
    let content = html! {
        @if saved { (notice(&tr!(lang, "notice-saved"))) }
        dl {
            dt { (tr!(lang, "page-task-type")) } dd { (type_name) " " code { (task.type_id) } }
            dt { (tr!(lang, "page-task-org")) } dd { a href={ "/orgs/" (segment(&task.org)) } { (task.org) } }
            dt { (tr!(lang, "page-task-schedule")) } dd { (task.schedule_text) }
            dt { (tr!(lang, "page-task-state")) } dd id="task-state" { (state_label(lang, &task)) }
            dt { (tr!(lang, "page-task-max-run-time")) } dd { (duration_text(lang, task.max_run_time_s)) }
            dt { (tr!(lang, "page-task-random-delay")) } dd { (duration_text(lang, task.random_delay_s)) }
            dt { (tr!(lang, "page-task-params")) } dd {
                @if task.params.is_empty() { (tr!(lang, "page-task-params-none")) }
                @for (key, value) in &task.params {
                    @let label = plugin.as_ref().and_then(|p| p.params.iter().find(|s| &s.key == key)).map(|s| s.label.clone());
                    div { (label.unwrap_or_default()) " " code { (key) "=" (value) } }
                }
            }
        }
        div class="actions" {
            (action("run", "button-run-now", "run-now", None, None))
            (action("run", "button-dry-run", "dry-run", Some(("dry_run", "1")), None))
            (action("run", "button-run-force", "run-force", Some(("force", "1")), Some(&run_force_confirm)))
            @if task.enabled {
                (action("disable", "button-disable", "disable", None, None))
            } @else {
                (action("enable", "button-enable", "enable", None, None))
            }
            (action("delete", "button-delete-task", "delete", None, Some(&delete_confirm)))
        }
        h2 { (tr!(lang, "page-task-runs")) }
        (runs_table(lang, &runs))
        @if let Some(plugin) = &plugin {
            h2 { (tr!(lang, "page-task-edit")) }
            (TaskForm {
                lang,
                action: format!("/tasks/{}", task.id),
                orgs: None,
                org: &task.org,
                plugin,
                schedule: task.schedule_text.clone(),
                max_run_time: duration_text(lang, task.max_run_time_s),
                random_delay: duration_text(lang, task.random_delay_s),
                current: task.params.clone(),
                refused,
                submit: &tr!(lang, "button-save"),
            }.render(session))
        }
    };
    let title = tr!(lang, "page-task-title", task = task.id);
    Ok(page(lang, &title, session, content))
}

async fn update(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    submitted: Submitted,
) -> PageResult {
    let app = state.0;
    blocking(app.lang, move || {
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
    blocking(app.lang, move || {
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

async fn run(state: AppState, Path(id): Path<i64>, submitted: Submitted) -> PageResult {
    let app = state.0;
    let dry_run = submitted.get("dry_run") == Some("1");
    let force = submitted.get("force") == Some("1");
    blocking(app.lang, move || {
        let run_id = app.launcher.start(&app.runner, id, dry_run, force)?;
        Ok(see_other(&format!("/runs/{run_id}")))
    })
    .await
}

async fn delete(state: AppState, Path(id): Path<i64>) -> PageResult {
    let app = state.0;
    blocking(app.lang, move || {
        let org = crate::error::require_task(&app.store()?, id, app.lang)?.org_id;
        actions::delete_task(&app, id)?;
        Ok(see_other(&format!("/tasks?org={}", segment(&org))))
    })
    .await
}
