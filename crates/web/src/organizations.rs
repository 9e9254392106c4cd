//! What the console changes about organizations and their school data: adding, renaming and
//! removing an organization, and importing school data in two steps (check and preview,
//! then confirm), with the same rules as `org add` and `school import`.

use super::app::App;
use super::error::ApiError;
use super::pending::{Pending, MAX_PENDING, PENDING_FOR};
use super::views::{self, OrgView};
use exchange_core::i18n::Lang;
use exchange_core::school::diff::{diff, SchoolDiff};
use exchange_core::school::problems;
use exchange_core::school::shrink::{shrinks, Shrink};
use exchange_core::tr;
use exchange_sdk::manifest::ParamProblem;
use exchange_sdk::school_validate::{
    parse_school_data, Problem, DOCUMENT_PATH, MAX_ORGANIZATION_NAME_CHARS,
};
use exchange_sdk::text::name_problem;
use exchange_store::school::StoredSchool;
use std::time::Instant;

/// An organization's id and name as the forms and the API send them.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgInput {
    /// The new organization's id (when adding).
    pub id: Option<String>,
    /// Its name.
    pub name: Option<String>,
}

fn problem(key: &str, message: String) -> ParamProblem {
    ParamProblem {
        key: Some(key.into()),
        message,
    }
}

/// The problem with an organization id typed in the console, if any: Latin letters,
/// digits, `-` and `_`, at most 64 characters.
fn id_problem(id: &str, lang: Lang) -> Option<String> {
    if id.is_empty() {
        return Some(tr!(lang, "error-org-id-empty"));
    }
    let ok = id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    (!ok).then(|| tr!(lang, "error-org-id-invalid", id = id))
}

fn checked_name(input: &OrgInput, lang: Lang, problems: &mut Vec<ParamProblem>) -> String {
    let name = input.name.as_deref().unwrap_or("").trim().to_string();
    if name.is_empty() {
        problems.push(problem("name", tr!(lang, "error-org-name-empty")));
    } else if let Some(p) = name_problem(&name, MAX_ORGANIZATION_NAME_CHARS) {
        let p = problems::text_message(&p, lang);
        problems.push(problem(
            "name",
            tr!(lang, "error-org-name-invalid", problem = p),
        ));
    }
    name
}

/// Adds an organization.
pub fn create_org(app: &App, input: &OrgInput) -> Result<OrgView, ApiError> {
    let lang = app.lang;
    let mut store = app.store()?;
    let mut problems = Vec::new();
    let id = input.id.as_deref().unwrap_or("").trim().to_string();
    if let Some(p) = id_problem(&id, lang) {
        problems.push(problem("id", p));
    } else if store.org(&id)?.is_some() {
        problems.push(problem("id", tr!(lang, "error-org-exists", id = &id)));
    }
    let name = checked_name(input, lang, &mut problems);
    if !problems.is_empty() {
        let summary = tr!(lang, "error-nothing-saved");
        return Err(ApiError::invalid(lang, &summary, &problems, str::to_string));
    }
    store.add_org(&id, &name)?;
    views::org(app, &store, &id)
}

/// Renames an organization.
pub fn rename_org(app: &App, id: &str, input: &OrgInput) -> Result<OrgView, ApiError> {
    let lang = app.lang;
    let mut store = app.store()?;
    let org = views::require_org(&store, id, lang)?;
    let mut problems = Vec::new();
    let name = checked_name(input, lang, &mut problems);
    if !problems.is_empty() {
        let summary = tr!(lang, "error-nothing-saved");
        return Err(ApiError::invalid(lang, &summary, &problems, str::to_string));
    }
    store.rename_org(&org.id, &name)?;
    views::org(app, &store, &org.id)
}

/// Removes an organization with everything it holds; `confirm` must repeat its id. A
/// running run of it is refused (409).
pub fn delete_org(app: &App, id: &str, confirm: &str) -> Result<(), ApiError> {
    let lang = app.lang;
    let mut store = app.store()?;
    let org = views::require_org(&store, id, lang)?;
    if confirm.trim() != org.id {
        let message = tr!(lang, "error-org-confirm", org = &org.id);
        return Err(ApiError::field(lang, "confirm", message));
    }
    store.interrupt_orphaned_runs(&exchange_core::runs::runner::orphaned(lang))?;
    if let Some(run) = store.remove_org(&org.id)? {
        return Err(ApiError::conflict(tr!(
            lang,
            "error-org-has-running",
            org = &org.id,
            run = run
        )));
    }
    Ok(())
}

/// The largest school data file the console takes.
pub const MAX_FILE_MB: usize = 64;

/// One list that falls by more than a third, in words.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ShrinkView {
    pub list: String,
    pub before: usize,
    pub after: usize,
}

/// What an import would change, for the administrator to confirm.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportPreview {
    /// What the confirmation sends back.
    pub token: String,
    pub first_import: bool,
    /// One line per list that changes: what is added, removed and changed.
    pub changes: Vec<String>,
    /// The lists that fall by more than a third: confirming needs `confirm_shrink`.
    pub shrinks: Vec<ShrinkView>,
    pub staff: usize,
    pub classes: usize,
    pub students: usize,
    pub parents: usize,
}

/// A list of the school data in words.
fn list_name(list: &str, lang: Lang) -> String {
    tr!(lang, "page-import-list", list = list)
}

/// The changes of a diff, one line per list, with the first names.
fn change_lines(diff: &SchoolDiff, lang: Lang) -> Vec<String> {
    let names = |records: &mut dyn Iterator<Item = &str>| {
        let all: Vec<&str> = records.collect();
        let shown: Vec<&str> = all.iter().take(5).copied().collect();
        match all.len() > shown.len() {
            true => format!("{} …", shown.join(", ")),
            false => shown.join(", "),
        }
    };
    let mut out = Vec::new();
    for (list, changes) in diff.lists() {
        if changes.is_empty() {
            continue;
        }
        let mut parts = Vec::new();
        let mut part = |id: &str, count: usize, who: String| {
            if count > 0 {
                parts.push(tr!(lang, id, count = count, names = who));
            }
        };
        part(
            "page-import-added",
            changes.added.len(),
            names(&mut changes.added.iter().map(|r| r.name.as_str())),
        );
        part(
            "page-import-removed",
            changes.removed.len(),
            names(&mut changes.removed.iter().map(|r| r.name.as_str())),
        );
        part(
            "page-import-changed",
            changes.changed.len(),
            names(&mut changes.changed.iter().map(|c| c.record.name.as_str())),
        );
        out.push(tr!(
            lang,
            "page-import-list-changes",
            list = list_name(list, lang),
            changes = parts.join("; ")
        ));
    }
    out
}

/// Reads and checks a school data file for `org_id`. A file with problems is a 422 with the
/// problems by their place in the file (nothing is kept); a good one waits for its
/// confirmation under the preview's token.
pub fn check_import(app: &App, org_id: &str, bytes: &[u8]) -> Result<ImportPreview, ApiError> {
    let lang = app.lang;
    let store = app.store()?;
    let org = views::require_org(&store, org_id, lang)?;
    let refuse = |problems: Vec<ParamProblem>| {
        let summary = tr!(lang, "error-import-problems", count = problems.len());
        let mut error = ApiError::invalid(lang, &summary, &problems, str::to_string);
        error.message = summary;
        error
    };
    if bytes.is_empty() {
        return Err(ApiError::field(lang, "file", tr!(lang, "error-no-file")));
    }
    let text = exchange_core::school::read_text_in(bytes, lang)
        .map_err(|message| refuse(vec![problem(DOCUMENT_PATH, message)]))?;
    let data = parse_school_data(text).map_err(|problems| {
        let said = |p: &Problem| problem(&p.path, problems::problem_message(&p.kind, lang));
        refuse(problems.iter().map(said).collect())
    })?;
    if data.organization.id != org.id {
        let message = tr!(
            lang,
            "page-import-other-org",
            id = &data.organization.id,
            name = &data.organization.name,
            org = &org.id
        );
        return Err(refuse(vec![problem("organization.id", message)]));
    }
    let previous = store.school(&org.id)?;
    let changes = diff(previous.as_ref().map(|p| &p.data), &data);
    let shrinks: Vec<Shrink> = previous
        .as_ref()
        .map(|p| shrinks(&p.data, &data))
        .unwrap_or_default();
    let token = super::sessions::token();
    let preview = ImportPreview {
        token: token.clone(),
        first_import: changes.first_import,
        changes: change_lines(&changes, lang),
        shrinks: shrinks
            .iter()
            .map(|s| ShrinkView {
                list: list_name(s.list, lang),
                before: s.before,
                after: s.after,
            })
            .collect(),
        staff: data.staff.len(),
        classes: data.classes.len(),
        students: data.students.len(),
        parents: data.parents.len(),
    };
    let mut pending = app.imports.lock();
    pending.retain(|_, p| p.at.elapsed() < PENDING_FOR);
    while pending.len() >= MAX_PENDING {
        let Some(oldest) = pending
            .iter()
            .min_by_key(|(_, p)| p.at)
            .map(|(t, _)| t.clone())
        else {
            break;
        };
        pending.remove(&oldest);
    }
    pending.insert(
        token,
        Pending {
            org: org.id.clone(),
            data,
            base: previous.map_or(0, |p| p.imports),
            at: Instant::now(),
        },
    );
    Ok(preview)
}

/// Saves a checked file. Refused when the preview is unknown or out of date (the data was
/// imported again meanwhile), or when it shrinks the school and `confirm_shrink` is not set.
pub fn confirm_import(
    app: &App,
    org_id: &str,
    token: &str,
    confirm_shrink: bool,
) -> Result<(), ApiError> {
    let lang = app.lang;
    let mut store = app.store()?;
    let org = views::require_org(&store, org_id, lang)?;
    let mut pending = app.imports.lock();
    let expired = || ApiError::conflict(tr!(lang, "error-import-expired"));
    let Some(checked) = pending.get(token) else {
        return Err(expired());
    };
    let previous = store.school(&org.id)?;
    let current = previous.as_ref().map_or(0, |p| p.imports);
    if checked.org != org.id || checked.base != current || checked.at.elapsed() > PENDING_FOR {
        pending.remove(token);
        return Err(expired());
    }
    if let Some(previous) = &previous {
        let shrinks = shrinks(&previous.data, &checked.data);
        if !shrinks.is_empty() && !confirm_shrink {
            let details: Vec<String> = shrinks
                .iter()
                .map(|s| format!("{}: {} → {}", list_name(s.list, lang), s.before, s.after))
                .collect();
            let message = tr!(lang, "error-import-shrink", details = details.join(", "));
            return Err(ApiError::field(lang, "confirm_shrink", message));
        }
    }
    let checked = pending.remove(token).expect("found above");
    store.import_school(&org.id, &checked.data)?;
    Ok(())
}

/// One published video call of a school.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CallView {
    pub id: String,
    pub starts_at: String,
    pub class: String,
    pub subject: String,
    pub teacher: String,
    pub title: String,
    /// The join link, once a run started the call.
    pub join_link: Option<String>,
}

/// The published video calls of a school, by start time.
pub fn calls(school: &StoredSchool) -> Vec<CallView> {
    let data = &school.data;
    let class = |id: &str| {
        data.classes
            .iter()
            .find(|c| c.id == id)
            .map_or(id.to_string(), |c| c.name.clone())
    };
    let teacher = |id: &str| {
        data.staff
            .iter()
            .find(|s| s.id == id)
            .map_or(id.to_string(), |s| s.full_name.clone())
    };
    let mut published: Vec<_> = data.video_calls.iter().filter(|c| c.published).collect();
    published.sort_by(|a, b| a.starts_at.cmp(&b.starts_at));
    published
        .into_iter()
        .map(|c| CallView {
            id: c.id.clone(),
            starts_at: chrono::DateTime::parse_from_rfc3339(&c.starts_at)
                .map(|t| {
                    t.with_timezone(&chrono::Local)
                        .format("%d.%m.%Y %H:%M")
                        .to_string()
                })
                .unwrap_or_else(|_| c.starts_at.clone()),
            class: class(&c.class),
            subject: c.subject.clone(),
            teacher: teacher(&c.teacher),
            title: c.title.clone(),
            join_link: c.join_link.clone(),
        })
        .collect()
}
