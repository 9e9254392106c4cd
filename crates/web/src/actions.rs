//! What the console changes: tasks and Links base values. Input is checked exactly as the
//! CLI checks it ([`task_config`], [`params::check`]) before anything is saved; refused input
//! comes back as a 422 [`ApiError`] with the problems by field, secrets scrubbed.

use super::app::App;
use super::error::ApiError;
use super::views::{self, OrgView, TaskView};
use exchange_core::params;
use exchange_core::redact::Redactor;
use exchange_core::task_config;
use exchange_core::tr;
use exchange_sdk::manifest::{ParamProblem, Params};
use exchange_store::tasks::{Removal, Task, TaskSettings};
use exchange_store::{Schedule, Store};
use std::collections::BTreeMap;

/// A parameter value as JSON may carry it: text, a number, or a flag (`true` is `1`).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Text(String),
    Number(serde_json::Number),
    Flag(bool),
}

impl Scalar {
    fn text(&self) -> String {
        match self {
            Scalar::Text(text) => text.clone(),
            Scalar::Number(n) => n.to_string(),
            Scalar::Flag(b) => if *b { "1" } else { "0" }.into(),
        }
    }
}

/// `key: value` pairs where `null` (like an empty value) removes the key.
fn texts(values: &BTreeMap<String, Option<Scalar>>) -> Vec<(String, String)> {
    values
        .iter()
        .map(|(k, v)| (k.clone(), v.as_ref().map(Scalar::text).unwrap_or_default()))
        .collect()
}

/// A task's configuration as the API and the forms send it. On a change, what is left out
/// stays as it is.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    /// The organization (when adding).
    pub org: Option<String>,
    /// The task type (when adding).
    #[serde(rename = "type")]
    pub type_id: Option<String>,
    /// E.g. `every 30m`, `каждые 30 минут`, `manual`.
    pub schedule: Option<String>,
    /// E.g. `1h`.
    pub max_run_time: Option<String>,
    /// E.g. `5m`.
    pub random_delay: Option<String>,
    pub enabled: Option<bool>,
    /// Parameters to set; an empty value or `null` removes one.
    #[serde(default)]
    pub params: BTreeMap<String, Option<Scalar>>,
    /// Parameters to remove.
    #[serde(default)]
    pub unset: Vec<String>,
}

/// A configuration that passed every check.
struct Checked {
    org: String,
    type_id: String,
    settings: TaskSettings,
    params: Params,
    warnings: Vec<String>,
}

/// The field a problem is shown beside: CLI flags become form field names.
fn field_of(key: &str) -> String {
    match key {
        "--schedule" => "schedule".into(),
        "--max-run-time" => "max_run_time".into(),
        "--random-delay" => "random_delay".into(),
        other => other.to_string(),
    }
}

fn problem(key: &str, message: impl Into<String>) -> ParamProblem {
    ParamProblem {
        key: Some(key.into()),
        message: message.into(),
    }
}

/// Checks `input` as a new task, or as a change of `existing`.
fn check(
    app: &App,
    store: &Store,
    input: &TaskInput,
    existing: Option<&Task>,
    refused: &str,
) -> Result<Checked, ApiError> {
    let lang = app.lang;
    let mut problems = Vec::new();
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let (org, type_id) = match existing {
        Some(task) => {
            if given(&input.org).is_some_and(|o| o != task.org_id) {
                problems.push(problem("org", tr!(lang, "error-org-cannot-change")));
            }
            if given(&input.type_id).is_some_and(|t| t != task.type_id) {
                problems.push(problem("type", tr!(lang, "error-type-cannot-change")));
            }
            (task.org_id.clone(), task.type_id.clone())
        }
        None => {
            let org = given(&input.org).unwrap_or_default();
            if org.is_empty() {
                problems.push(problem("org", tr!(lang, "error-choose-org")));
            } else if store.org(&org)?.is_none() {
                problems.push(problem("org", tr!(lang, "error-no-org", org = &org)));
            }
            let type_id = given(&input.type_id).unwrap_or_default();
            if type_id.is_empty() {
                problems.push(problem("type", tr!(lang, "error-choose-type")));
            } else if app.registry.get(&type_id).is_none() {
                problems.push(problem("type", views::no_plugin_message(app, &type_id)));
            }
            (org, type_id)
        }
    };
    let plugin = app.registry.get(&type_id);
    if let (None, Some(plugin)) = (existing, plugin) {
        if store.org(&org)?.is_some() {
            problems.extend(task_config::second_task_problem(store, plugin, &org, lang)?);
        }
    }
    if existing.is_some() && plugin.is_none() {
        return Err(ApiError::conflict(tr!(
            lang,
            "error-cannot-change-task",
            task = existing.map(|t| t.id).unwrap_or_default(),
            reason = views::no_plugin_message(app, &type_id)
        )));
    }
    let args = task_config::SettingsInput {
        schedule: given(&input.schedule),
        max_run_time: given(&input.max_run_time),
        random_delay: given(&input.random_delay),
    };
    let mut settings = task_config::settings(&args, &mut problems, lang);
    settings.enabled = input.enabled;
    let submitted: BTreeMap<String, String> = texts(&input.params).into_iter().collect();
    // The secrets of the organization, the task and the input, scrubbed from what the
    // checks and the plugin say.
    let redactor = || -> Result<Redactor, ApiError> {
        let specs = plugin
            .map(|p| p.manifest.params.clone())
            .unwrap_or_default();
        let mut redactor = views::org_redactor(app, store, &org, existing)?;
        redactor.add(&specs, &submitted);
        Ok(redactor)
    };
    let mut checked_params = task_config::CheckedParams::default();
    // The parameters are checked even when the settings have problems: every problem is
    // shown at once.
    if let Some(plugin) = plugin {
        let assignments: Vec<String> = submitted.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let current = existing.map(|t| t.params.clone()).unwrap_or_default();
        let checked = task_config::checked_params(
            plugin,
            &current,
            &assignments,
            &input.unset,
            &mut problems,
            lang,
        );
        // The plugin's own failure (e.g. a panic message) may quote a value.
        checked_params = match checked {
            Ok(checked) => checked,
            Err(e) => {
                let error = redactor()?.clean(&format!("{e:#}"));
                return Err(ApiError::new(
                    axum::http::StatusCode::BAD_GATEWAY,
                    tr!(lang, "error-plugin-could-not-check", error = error),
                ));
            }
        };
    }
    if !problems.is_empty() {
        let redactor = redactor()?;
        for p in &mut problems {
            p.message = redactor.clean(&p.message);
        }
        return Err(ApiError::invalid(lang, refused, &problems, field_of));
    }
    Ok(Checked {
        org,
        type_id,
        settings,
        params: checked_params.values,
        warnings: checked_params.warnings,
    })
}

/// The answer to a successful change of a task.
#[derive(Debug, serde::Serialize)]
pub struct TaskSaved {
    pub task: TaskView,
    /// Notes that are not errors (e.g. a key typed in Cyrillic saved under its Latin key).
    pub warnings: Vec<String>,
}

/// A configuration that would be accepted, as it would be saved (secrets masked).
#[derive(Debug, serde::Serialize)]
pub struct Validated {
    pub ok: bool,
    pub org: String,
    #[serde(rename = "type")]
    pub type_id: String,
    pub schedule: Schedule,
    pub params: BTreeMap<String, String>,
    pub warnings: Vec<String>,
}

/// The schedule a new task of this type gets when none is given.
fn default_schedule(app: &App, type_id: &str) -> Schedule {
    app.registry
        .get(type_id)
        .map_or(Schedule::Manual, task_config::default_schedule)
}

/// Checks a configuration, of a new task or (with `task`) of a change, without saving it.
pub fn validate(app: &App, input: &TaskInput, task: Option<i64>) -> Result<Validated, ApiError> {
    let store = app.store()?;
    let existing = task
        .map(|id| crate::error::require_task(&store, id, app.lang))
        .transpose()?;
    let checked = check(
        app,
        &store,
        input,
        existing.as_ref(),
        &tr!(app.lang, "error-configuration-invalid"),
    )?;
    let specs = app
        .registry
        .get(&checked.type_id)
        .map(|p| p.manifest.params.clone())
        .unwrap_or_default();
    let schedule = checked
        .settings
        .schedule
        .or(existing.map(|t| t.schedule))
        .unwrap_or_else(|| default_schedule(app, &checked.type_id));
    Ok(Validated {
        ok: true,
        params: checked
            .params
            .iter()
            .map(|(k, v)| (k.clone(), params::shown(&specs, k, v)))
            .collect(),
        org: checked.org,
        type_id: checked.type_id,
        schedule,
        warnings: checked.warnings,
    })
}

/// Adds a task.
pub fn create_task(app: &App, input: &TaskInput) -> Result<TaskSaved, ApiError> {
    let mut store = app.store()?;
    let mut checked = check(
        app,
        &store,
        input,
        None,
        &tr!(app.lang, "error-task-not-added"),
    )?;
    let schedule = checked
        .settings
        .schedule
        .take()
        .unwrap_or_else(|| default_schedule(app, &checked.type_id));
    let id = store.add_task(
        &checked.org,
        &checked.type_id,
        schedule,
        &checked.params,
        &checked.settings,
    )?;
    let task = crate::error::require_task(&store, id, app.lang)?;
    Ok(TaskSaved {
        task: views::task_view(app, &store, &task)?,
        warnings: checked.warnings,
    })
}

/// Changes a task's settings and parameters.
pub fn update_task(app: &App, id: i64, input: &TaskInput) -> Result<TaskSaved, ApiError> {
    let mut store = app.store()?;
    let task = crate::error::require_task(&store, id, app.lang)?;
    let checked = check(
        app,
        &store,
        input,
        Some(&task),
        &tr!(app.lang, "error-nothing-changed"),
    )?;
    store.update_task(id, &checked.params, &checked.settings)?;
    let task = crate::error::require_task(&store, id, app.lang)?;
    Ok(TaskSaved {
        task: views::task_view(app, &store, &task)?,
        warnings: checked.warnings,
    })
}

/// Removes a task with its state and run history; a running task is refused (409).
pub fn delete_task(app: &App, id: i64) -> Result<(), ApiError> {
    let mut store = app.store()?;
    crate::error::require_task(&store, id, app.lang)?;
    store.interrupt_orphaned_runs(&exchange_core::runs::runner::orphaned(app.lang))?;
    match store.remove_task(id)? {
        Removal::Removed { .. } => Ok(()),
        Removal::Running { run } => Err(ApiError::conflict(tr!(
            app.lang,
            "error-task-running-not-removed",
            task = id,
            run = run
        ))),
    }
}

/// Links base values to set (an empty value or `null` removes one) and keys to remove.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinksBaseInput {
    #[serde(default)]
    pub values: BTreeMap<String, Option<Scalar>>,
    #[serde(default)]
    pub unset: Vec<String>,
}

/// The answer to a change of the Links base.
#[derive(Debug, serde::Serialize)]
pub struct LinksBaseSaved {
    pub org: OrgView,
    pub warnings: Vec<String>,
}

/// Sets and removes an organization's Links base values, checked against the keys the
/// plugins declare (as `exchange-host org set` does).
pub fn set_links_base(
    app: &App,
    org_id: &str,
    input: &LinksBaseInput,
) -> Result<LinksBaseSaved, ApiError> {
    let mut store = app.store()?;
    let org = views::require_org(&store, org_id, app.lang)?;
    let specs = app.org_key_specs();
    let current = store.org_values(&org.id)?;
    let pairs = texts(&input.values);
    let mut checked = params::check(&specs, &current, &pairs, &input.unset, app.lang);
    if !checked.problems.is_empty() {
        let mut redactor = Redactor::of(&specs, &current);
        redactor.add(&specs, &pairs.iter().cloned().collect());
        for p in &mut checked.problems {
            p.message = redactor.clean(&p.message);
        }
        return Err(ApiError::invalid(
            app.lang,
            &tr!(app.lang, "error-nothing-saved"),
            &checked.problems,
            str::to_string,
        ));
    }
    store.replace_org_values(&org.id, &checked.values)?;
    Ok(LinksBaseSaved {
        org: views::org(app, &store, &org.id)?,
        warnings: checked.warnings,
    })
}
