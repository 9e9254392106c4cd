//! What the console shows, shaped once for both the JSON API and the pages. Every value that
//! could be a secret is masked here, and text written by plugins (run messages, log lines)
//! has the task's and organization's secrets scrubbed out, so no answer can carry one.

use super::app::App;
use super::error::{require_run, require_task, ApiError};
use super::launcher::Progress;
use exchange_core::i18n::{self, Lang};
use exchange_core::params;
use exchange_core::redact::Redactor;
use exchange_core::school::coverage::{self, Coverage};
use exchange_core::school::staff::{staff_files, StaffFile};
use exchange_core::task_config;
use exchange_core::tr;
use exchange_sdk::plugin::LinksRow;
use exchange_sdk::{LogLevel, ParamSpec, ParamType};
use exchange_store::orgs::Org;
use exchange_store::runs::{RunRecord, RunStatus, Trigger};
use exchange_store::school::StoredSchool;
use exchange_store::tasks::Task;
use exchange_store::{show_time, Schedule, Store};
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

/// The secrets of an organization and, optionally, of one of its tasks.
pub fn org_redactor(
    app: &App,
    store: &Store,
    org_id: &str,
    task: Option<&Task>,
) -> Result<Redactor, ApiError> {
    let mut redactor = Redactor::of(&app.org_key_specs(), &store.org_values(org_id)?);
    if let Some(task) = task {
        redactor.add(&task_specs(app, task), &task.params);
    }
    Ok(redactor)
}

/// The secrets of a run's task and organization.
pub fn run_redactor(app: &App, store: &Store, run: &RunRecord) -> Result<Redactor, ApiError> {
    org_redactor(app, store, &run.org_id, store.task(run.task_id)?.as_ref())
}

/// One declared parameter (or Links base key), as a form is generated from it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ParamView {
    pub key: String,
    /// Its short name in the console's language (the key when the plugin gives none).
    pub label: String,
    #[serde(rename = "type")]
    pub kind: ParamType,
    /// What values are accepted, in words.
    pub hint: String,
    pub required: bool,
    /// The value used when none is set (masked for secrets).
    pub default: Option<String>,
    /// What it means, in the console's language when the plugin says it in it.
    pub description: String,
    /// Shown as a password field, never echoed.
    pub secret: bool,
}

/// Declared parameters (or Links base keys) as forms are generated from them, in `lang`.
pub fn param_views(specs: &[ParamSpec], lang: Lang) -> Vec<ParamView> {
    specs.iter().map(|spec| ParamView::of(spec, lang)).collect()
}

impl ParamView {
    fn of(spec: &ParamSpec, lang: Lang) -> ParamView {
        let secret = spec.kind.is_secret();
        ParamView {
            key: spec.key.clone(),
            label: exchange_sdk::manifest::localized(&spec.label, lang.code(), &spec.key)
                .to_string(),
            kind: spec.kind.clone(),
            hint: params::describe_type(&spec.kind, lang),
            required: spec.required,
            default: spec
                .default
                .as_deref()
                .map(|d| params::shown(std::slice::from_ref(spec), &spec.key, d)),
            description: params::description(spec, lang).to_string(),
            secret,
        }
    }
}

/// A task type.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PluginView {
    #[serde(rename = "type")]
    pub type_id: String,
    pub name: String,
    pub description: String,
    pub version: String,
    /// The schedule a new task gets when none is given.
    pub default_schedule: Schedule,
    pub params: Vec<ParamView>,
    /// The Links base keys it reads.
    pub org_keys: Vec<ParamView>,
    /// The rules between its parameters (checked when a task is saved).
    pub requires: Vec<exchange_sdk::Dependency>,
}

/// The plugins, and the files that were refused.
#[derive(Debug, serde::Serialize)]
pub struct PluginsView {
    pub plugins: Vec<PluginView>,
    pub skipped: Vec<SkippedView>,
}

/// A refused plugin file and why, in the console's language.
#[derive(Debug, serde::Serialize)]
pub struct SkippedView {
    pub path: std::path::PathBuf,
    pub reason: String,
}

/// Every loaded task type, and the refused files.
pub fn plugins(app: &App) -> PluginsView {
    PluginsView {
        plugins: app
            .registry
            .plugins
            .keys()
            .filter_map(|t| plugin_view(app, t))
            .collect(),
        skipped: app
            .registry
            .skipped
            .iter()
            .map(|s| SkippedView {
                path: s.path.clone(),
                reason: s.reason.message(app.lang),
            })
            .collect(),
    }
}

fn plugin_view(app: &App, type_id: &str) -> Option<PluginView> {
    let plugin = app.registry.get(type_id)?;
    let m = &plugin.manifest;
    let code = app.lang.code();
    Some(PluginView {
        type_id: m.type_id.clone(),
        name: exchange_sdk::manifest::localized(&m.display_name_i18n, code, &m.display_name)
            .to_string(),
        description: exchange_sdk::manifest::localized(&m.description_i18n, code, &m.description)
            .to_string(),
        version: m.version.clone(),
        default_schedule: task_config::default_schedule(plugin),
        params: param_views(&m.params, app.lang),
        org_keys: param_views(&m.org_keys, app.lang),
        requires: m.requires.clone(),
    })
}

/// The message for a task type no loaded plugin declares, in the console's language.
pub fn no_plugin_message(app: &App, type_id: &str) -> String {
    app.registry.not_found_message(type_id, app.lang)
}

/// One task type, or 404.
pub fn plugin(app: &App, type_id: &str) -> Result<PluginView, ApiError> {
    plugin_view(app, type_id).ok_or_else(|| ApiError::not_found(no_plugin_message(app, type_id)))
}

/// The parameter schema of a task's type (empty when its plugin is missing: then every
/// value is masked).
pub fn task_specs(app: &App, task: &Task) -> Vec<ParamSpec> {
    app.registry
        .get(&task.type_id)
        .map(|p| p.manifest.params.clone())
        .unwrap_or_default()
}

/// An organization in the list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OrgSummary {
    pub id: String,
    pub name: String,
    pub tasks: usize,
    /// When its school data was last imported.
    pub school_imported: Option<String>,
}

/// All organizations.
pub fn orgs(store: &Store) -> Result<Vec<OrgSummary>, ApiError> {
    let mut out = Vec::new();
    for org in store.orgs()? {
        out.push(OrgSummary {
            tasks: store.tasks(Some(&org.id))?.len(),
            school_imported: store.school_imported_ms(&org.id)?.map(show_time),
            id: org.id,
            name: org.name,
        });
    }
    Ok(out)
}

/// The organization, or 404 with what to do.
pub fn require_org(store: &Store, id: &str, lang: Lang) -> Result<Org, ApiError> {
    store
        .org(id)?
        .ok_or_else(|| ApiError::not_found(tr!(lang, "error-no-org", org = id)))
}

/// One Links base value.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OrgValueView {
    pub key: String,
    /// The value, masked when secret or not declared by any plugin; `None` when unset.
    pub value: Option<String>,
    pub secret: bool,
    /// Whether a plugin declares the key.
    pub declared: bool,
    pub hint: String,
    pub description: String,
}

/// An organization with its Links base.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OrgView {
    pub id: String,
    pub name: String,
    /// The declared keys in the plugins' order, then stored keys no plugin declares.
    pub links_base: Vec<OrgValueView>,
}

/// An organization and its Links base, secrets masked.
pub fn org(app: &App, store: &Store, id: &str) -> Result<OrgView, ApiError> {
    let org = require_org(store, id, app.lang)?;
    let specs = app.org_key_specs();
    let values = store.org_values(&org.id)?;
    let mut links_base: Vec<OrgValueView> = specs
        .iter()
        .map(|spec| OrgValueView {
            key: spec.key.clone(),
            value: values
                .get(&spec.key)
                .map(|v| params::shown(&specs, &spec.key, v)),
            secret: spec.kind.is_secret(),
            declared: true,
            hint: params::describe_type(&spec.kind, app.lang),
            description: params::description(spec, app.lang).to_string(),
        })
        .collect();
    for (key, value) in values
        .iter()
        .filter(|(k, _)| !specs.iter().any(|s| &s.key == *k))
    {
        links_base.push(OrgValueView {
            key: key.clone(),
            value: Some(params::shown(&specs, key, value)),
            secret: true,
            declared: false,
            hint: String::new(),
            description: tr!(app.lang, "param-not-declared"),
        });
    }
    Ok(OrgView {
        id: org.id,
        name: org.name,
        links_base,
    })
}

/// A links table a task type published for the organization («Чаты Сферум»).
#[derive(Debug, Clone, serde::Serialize)]
pub struct LinksView {
    #[serde(rename = "type")]
    pub type_id: String,
    pub published: String,
    pub task: Option<i64>,
    /// Column headers; the first is the row title column.
    pub columns: Vec<String>,
    pub rows: Vec<LinksRow>,
}

/// The organization's published links tables.
pub fn links(store: &Store, org_id: &str, lang: Lang) -> Result<Vec<LinksView>, ApiError> {
    let org = require_org(store, org_id, lang)?;
    Ok(store
        .published_links(&org.id)?
        .into_iter()
        .map(|(type_id, p)| LinksView {
            type_id,
            published: show_time(p.published_ms),
            task: p.task_id,
            columns: p.table.columns,
            rows: p.table.rows,
        })
        .collect())
}

/// The organization's school data, or 404 with what to do.
pub fn school(store: &Store, org_id: &str, lang: Lang) -> Result<StoredSchool, ApiError> {
    let org = require_org(store, org_id, lang)?;
    store
        .school(&org.id)?
        .ok_or_else(|| ApiError::not_found(tr!(lang, "error-no-school", org = &org.id)))
}

/// What the imported school data holds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SchoolSummary {
    pub organization: String,
    pub academic_year: String,
    pub imported: String,
    pub imports: i64,
    pub staff: usize,
    pub classes: usize,
    pub students: usize,
    pub parents: usize,
    pub subject_groups: usize,
    pub video_calls: usize,
}

/// The counts of an organization's school data.
pub fn school_summary(school: &StoredSchool) -> SchoolSummary {
    let data = &school.data;
    SchoolSummary {
        organization: data.organization.name.clone(),
        academic_year: data.organization.academic_year.clone(),
        imported: show_time(school.imported_ms),
        imports: school.imports,
        staff: data.staff.len(),
        classes: data.classes.len(),
        students: data.students.len(),
        parents: data.parents.len(),
        subject_groups: data.subject_groups.len(),
        video_calls: data.video_calls.len(),
    }
}

/// Staff personal files.
pub fn staff(school: &StoredSchool, lang: Lang) -> Vec<StaffFile> {
    staff_files(&school.data, lang)
}

/// Sferum coverage per class.
pub fn coverage(school: &StoredSchool) -> Coverage {
    coverage::coverage(&school.data)
}

/// One run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunView {
    pub id: i64,
    pub task: i64,
    pub org: String,
    pub started: String,
    pub started_ms: i64,
    pub ended_ms: Option<i64>,
    /// Seconds from start to end, once ended.
    pub took_s: Option<f64>,
    pub status: RunStatus,
    pub dry_run: bool,
    pub trigger: Trigger,
    pub message: String,
    pub counters: BTreeMap<String, u64>,
    /// The counters' human names in the console's language (the key when unknown).
    pub counter_labels: BTreeMap<String, String>,
    /// The latest progress, while a run started from the console runs.
    pub progress: Option<Progress>,
}

/// A run for display; `redactor` scrubs its message.
pub fn run_view(app: &App, run: RunRecord, redactor: &Redactor) -> RunView {
    let progress = if run.status == RunStatus::Running {
        app.launcher.progress(run.task_id)
    } else {
        None
    };
    RunView {
        id: run.id,
        task: run.task_id,
        org: run.org_id,
        started: show_time(run.started_ms),
        started_ms: run.started_ms,
        ended_ms: run.ended_ms,
        took_s: run.ended_ms.map(|e| (e - run.started_ms) as f64 / 1000.0),
        status: run.status,
        dry_run: run.dry_run,
        trigger: run.trigger,
        message: redactor.clean(&run.message),
        counter_labels: counter_labels(app, &run.type_id, &run.counters),
        counters: run.counters,
        progress,
    }
}

/// The human names of a run's counters: the plugin's labels, else the host's.
fn counter_labels(
    app: &App,
    type_id: &str,
    counters: &BTreeMap<String, u64>,
) -> BTreeMap<String, String> {
    let none = BTreeMap::new();
    let labels = app
        .registry
        .get(type_id)
        .map_or(&none, |p| &p.manifest.counter_labels);
    counters
        .keys()
        .map(|key| (key.clone(), i18n::counter_label(app.lang, key, labels)))
        .collect()
}

/// A run with the secrets of its task and organization scrubbed.
pub fn run(app: &App, store: &Store, id: i64) -> Result<RunView, ApiError> {
    let run = require_run(store, id, app.lang)?;
    let redactor = run_redactor(app, store, &run)?;
    Ok(run_view(app, run, &redactor))
}

/// The newest `last` runs, of one task or of all, newest first.
pub fn runs(
    app: &App,
    store: &Store,
    task: Option<i64>,
    last: i64,
) -> Result<Vec<RunView>, ApiError> {
    if let Some(id) = task {
        require_task(store, id, app.lang)?;
    }
    // One redactor per task, not per run (a history is mostly runs of the same tasks).
    let mut redactors: BTreeMap<i64, Redactor> = BTreeMap::new();
    let mut out = Vec::new();
    for run in store.runs(task, last.clamp(1, 1000))? {
        let redactor = match redactors.entry(run.task_id) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(new) => new.insert(run_redactor(app, store, &run)?),
        };
        out.push(run_view(app, run, redactor));
    }
    Ok(out)
}

/// One log line of a run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LogView {
    pub seq: i64,
    /// Local time, e.g. `11:30:05`.
    pub time: String,
    pub at_ms: i64,
    pub level: LogLevel,
    pub message: String,
}

/// A log level by name, or 400.
pub fn log_level(name: &str, lang: Lang) -> Result<LogLevel, ApiError> {
    match name {
        "debug" => Ok(LogLevel::Debug),
        "info" => Ok(LogLevel::Info),
        "warn" | "warning" => Ok(LogLevel::Warn),
        "error" => Ok(LogLevel::Error),
        other => Err(ApiError::bad_request(tr!(
            lang,
            "error-bad-level",
            level = other
        ))),
    }
}

/// A run's log lines at `min` or above after line `after`, secrets scrubbed.
pub fn logs(
    app: &App,
    store: &Store,
    run_id: i64,
    min: LogLevel,
    after: i64,
) -> Result<Vec<LogView>, ApiError> {
    let run = require_run(store, run_id, app.lang)?;
    let redactor = run_redactor(app, store, &run)?;
    Ok(store
        .run_logs(run_id, min, after)?
        .into_iter()
        .map(|line| LogView {
            seq: line.seq,
            time: show_time(line.at_ms).get(11..).unwrap_or("").to_string(),
            at_ms: line.at_ms,
            level: line.level,
            message: redactor.clean(&line.message),
        })
        .collect())
}

/// A task with its parameters (secrets masked) and its last run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TaskView {
    pub id: i64,
    pub org: String,
    #[serde(rename = "type")]
    pub type_id: String,
    /// The task type's display name; `None` when its plugin is not loaded.
    pub type_name: Option<String>,
    pub schedule: Schedule,
    /// The schedule as a phrase in the console's language («каждые 30 минут»).
    pub schedule_text: String,
    pub enabled: bool,
    pub max_run_time_s: i64,
    pub random_delay_s: i64,
    /// The parameters set on the task (not the defaults), secrets masked.
    pub params: BTreeMap<String, String>,
    pub last_run: Option<RunView>,
}

/// A task for display.
pub fn task_view(app: &App, store: &Store, task: &Task) -> Result<TaskView, ApiError> {
    let specs = task_specs(app, task);
    let redactor = org_redactor(app, store, &task.org_id, Some(task))?;
    let last_run = store
        .runs(Some(task.id), 1)?
        .into_iter()
        .next()
        .map(|r| run_view(app, r, &redactor));
    Ok(TaskView {
        id: task.id,
        org: task.org_id.clone(),
        type_id: task.type_id.clone(),
        type_name: plugin_view(app, &task.type_id).map(|p| p.name),
        schedule_text: i18n::schedule_phrase(app.lang, task.schedule),
        schedule: task.schedule,
        enabled: task.enabled,
        max_run_time_s: task.max_run_time_s,
        random_delay_s: task.random_delay_s,
        params: task
            .params
            .iter()
            .map(|(k, v)| (k.clone(), params::shown(&specs, k, v)))
            .collect(),
        last_run,
    })
}

/// All tasks, or those of one organization.
pub fn tasks(app: &App, store: &Store, org: Option<&str>) -> Result<Vec<TaskView>, ApiError> {
    if let Some(org) = org {
        require_org(store, org, app.lang)?;
    }
    store
        .tasks(org)?
        .iter()
        .map(|t| task_view(app, store, t))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_defaults_are_masked_in_schemas() {
        let spec = ParamSpec::optional("key", ParamType::Secret, Some("default-secret-value"), "");
        let view = ParamView::of(&spec, Lang::En);
        assert!(view.secret);
        assert!(!view.default.unwrap().contains("default-secret"));
    }
}
