//! Organizations: the list (and adding one), and per organization its name (renaming,
//! removing), its school data (importing a file: problems by place, or a preview to
//! confirm), its Links base with the «Чаты Сферум» table, the staff personal files, the
//! Sferum coverage per class, and its video calls.

use super::form::{general_errors, ParamField, Submitted, TextField};
use super::layout::{
    blocking, notice, page, rich, saved_or_again, see_other, segment, AppState, PageError,
    PageResult, SavedQuery,
};
use crate::actions::{self, LinksBaseInput};
use crate::app::App;
use crate::error::{ApiError, Path, Query, GENERAL};
use crate::organizations::{self, ImportPreview, OrgInput, MAX_FILE_MB};
use crate::sessions::Session;
use crate::views::{self, LinksView};
use axum::extract::{DefaultBodyLimit, Multipart};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Extension, Router};
use exchange_core::i18n::{role_label, Arg, Lang};
use exchange_core::school::coverage::percent;
use exchange_core::tr;
use exchange_store::orgs::Org;
use exchange_store::school::StoredSchool;
use maud::{html, Markup};
use std::sync::Arc;

/// The organization pages' routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(list))
        .route("/orgs", post(create))
        .route("/orgs/{org}", get(show))
        .route("/orgs/{org}/rename", post(rename))
        .route("/orgs/{org}/delete", post(delete))
        .route(
            "/orgs/{org}/school",
            post(upload).layer(DefaultBodyLimit::max(MAX_FILE_MB << 20)),
        )
        .route("/orgs/{org}/school/confirm", post(confirm))
        .route("/orgs/{org}/calls", get(calls))
        .route("/orgs/{org}/links-base", post(save_links_base))
        .route("/orgs/{org}/staff", get(staff))
        .route("/orgs/{org}/coverage", get(coverage))
}

async fn list(
    state: AppState,
    Extension(session): Extension<Session>,
    Query(query): Query<SavedQuery>,
) -> PageResult {
    let app = state.0;
    let markup = blocking(app.lang, move || {
        render_list(&app, &session, None, query.saved.is_some())
    })
    .await?;
    Ok(markup.into_response())
}

/// The list of organizations with the form that adds one.
fn render_list(
    app: &App,
    session: &Session,
    refused: Option<(&Submitted, &ApiError)>,
    removed: bool,
) -> Result<Markup, ApiError> {
    let lang = app.lang;
    let orgs = views::orgs(&app.store()?)?;
    let errors = |field: &str| refused.map(|(_, e)| e.field_messages(field)).unwrap_or(&[]);
    let typed = |field: &str| {
        refused
            .and_then(|(s, _)| s.get(field))
            .unwrap_or("")
            .to_string()
    };
    let content = html! {
        @if removed { (notice(&tr!(lang, "page-orgs-removed"))) }
        @if orgs.is_empty() {
            p { (tr!(lang, "page-orgs-none")) }
        } @else {
            table {
                thead { tr {
                    th { (tr!(lang, "page-orgs-column-id")) }
                    th { (tr!(lang, "page-orgs-column-name")) }
                    th { (tr!(lang, "page-orgs-column-tasks")) }
                    th { (tr!(lang, "page-orgs-column-school")) }
                } }
                tbody {
                    @for org in &orgs {
                        tr {
                            td { a href={ "/orgs/" (segment(&org.id)) } { (org.id) } }
                            td { (org.name) }
                            td { a href={ "/tasks?org=" (segment(&org.id)) } { (org.tasks) } }
                            td { @match &org.school_imported {
                                Some(time) => { (tr!(lang, "page-orgs-school-imported", time = time)) }
                                None => { (tr!(lang, "page-orgs-school-not-imported")) }
                            } }
                        }
                    }
                }
            }
        }
        section id="add-org" {
            h2 { (tr!(lang, "page-orgs-add")) }
            form method="post" action="/orgs" id="org-form" {
                (super::layout::csrf_field(session))
                @if let Some((_, error)) = refused {
                    p class="error" id="form-summary" role="alert" { (error.message) }
                }
                (TextField {
                    name: "id", label: &tr!(lang, "page-orgs-id"),
                    value: &typed("id"), placeholder: "school-239",
                    hint: &tr!(lang, "page-orgs-id-hint"),
                    errors: errors("id"),
                }.render())
                (TextField {
                    name: "name", label: &tr!(lang, "page-orgs-name"),
                    value: &typed("name"), placeholder: &tr!(lang, "page-orgs-name-placeholder"),
                    hint: &tr!(lang, "page-orgs-name-hint"),
                    errors: errors("name"),
                }.render())
                button type="submit" id="add-org-button" { (tr!(lang, "page-orgs-add")) }
            }
        }
    };
    Ok(page(lang, &tr!(lang, "page-orgs-title"), session, content))
}

async fn create(
    state: AppState,
    Extension(session): Extension<Session>,
    submitted: Submitted,
) -> PageResult {
    let app = state.0;
    blocking(app.lang, move || {
        let input = OrgInput {
            id: submitted.get("id").map(str::to_string),
            name: submitted.get("name").map(str::to_string),
        };
        saved_or_again(
            organizations::create_org(&app, &input),
            |org| format!("/orgs/{}?saved=1", segment(&org.id)),
            |e| render_list(&app, &session, Some((&submitted, e)), false),
        )
    })
    .await
}

async fn rename(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(org): Path<String>,
    submitted: Submitted,
) -> PageResult {
    let app = state.0;
    blocking(app.lang, move || {
        let input = OrgInput {
            id: None,
            name: submitted.get("name").map(str::to_string),
        };
        saved_or_again(
            organizations::rename_org(&app, &org, &input),
            |_| format!("/orgs/{}?saved=1", segment(&org)),
            |e| render_main(&app, &session, &org, Refused::Rename(&submitted, e), None),
        )
    })
    .await
}

async fn delete(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(org): Path<String>,
    submitted: Submitted,
) -> PageResult {
    let app = state.0;
    blocking(app.lang, move || {
        let confirm = submitted.get("confirm").unwrap_or("");
        saved_or_again(
            organizations::delete_org(&app, &org, confirm),
            |()| "/?saved=1".to_string(),
            |e| render_main(&app, &session, &org, Refused::Delete(e), None),
        )
    })
    .await
}

/// The school data file an administrator uploads.
async fn upload(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(org): Path<String>,
    mut multipart: Multipart,
) -> PageResult {
    let app = state.0;
    let lang = app.lang;
    let mut bytes = Vec::new();
    loop {
        let field = multipart.next_field().await.map_err(|e| {
            let error = tr!(lang, "error-bad-request", error = e.body_text());
            PageError::new(lang, ApiError::bad_request(error))
        })?;
        let Some(field) = field else { break };
        if field.name() == Some("file") {
            let data = field.bytes().await.map_err(|_| {
                let message = tr!(lang, "error-file-too-large", limit = MAX_FILE_MB);
                PageError::new(lang, ApiError::field(lang, "file", message))
            })?;
            bytes = data.to_vec();
        }
    }
    blocking(lang, move || {
        let store = app.store()?;
        let current = views::require_org(&store, &org, lang)?;
        let (status, content) = match organizations::check_import(&app, &org, &bytes) {
            Ok(preview) => (
                StatusCode::OK,
                preview_markup(lang, &session, &current.id, &preview),
            ),
            Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
                (e.status, problems_markup(lang, &current.id, &e))
            }
            Err(e) => return Err(e),
        };
        let title = tr!(lang, "page-import-title", org = &current.name);
        Ok((status, page(lang, &title, &session, content)).into_response())
    })
    .await
}

/// A file with problems: every problem by its place in the file; nothing was saved.
fn problems_markup(lang: Lang, org: &str, error: &ApiError) -> Markup {
    html! {
        p class="error" id="import-problems-summary" role="alert" { (error.message) "." }
        table id="import-problems" {
            thead { tr {
                th { (tr!(lang, "page-import-column-place")) }
                th { (tr!(lang, "page-import-column-problem")) }
            } }
            tbody {
                @for (path, messages) in &error.fields {
                    @for message in messages {
                        tr { td { code { (path) } } td { (message) } }
                    }
                }
            }
        }
        p { (tr!(lang, "page-import-fix")) " "
            a href={ "/orgs/" (segment(org)) "#school" } { (tr!(lang, "link-to-org")) } }
    }
}

/// A good file: what would change, the warning when many people disappear, and the button
/// that saves it.
fn preview_markup(lang: Lang, session: &Session, org: &str, preview: &ImportPreview) -> Markup {
    html! {
        (notice(&tr!(lang, "page-import-checked")))
        dl id="import-counts" {
            dt { (tr!(lang, "page-import-staff")) } dd { (preview.staff) }
            dt { (tr!(lang, "page-import-classes")) } dd { (preview.classes) }
            dt { (tr!(lang, "page-import-students")) } dd { (preview.students) }
            dt { (tr!(lang, "page-import-parents")) } dd { (preview.parents) }
        }
        h2 { (tr!(lang, "page-import-changes")) }
        @if preview.first_import {
            p { (tr!(lang, "page-import-first")) }
        } @else if preview.changes.is_empty() {
            p { (tr!(lang, "page-import-no-changes")) }
        }
        ul id="import-changes" {
            @for line in &preview.changes { li { (line) } }
        }
        form method="post" action={ "/orgs/" (segment(org)) "/school/confirm" } id="import-confirm" {
            (super::layout::csrf_field(session))
            input type="hidden" name="token" value=(preview.token);
            @if !preview.shrinks.is_empty() {
                div class="warning" id="shrink-warning" role="alert" {
                    p { strong { (tr!(lang, "page-import-shrink-warning")) } }
                    ul {
                        @for s in &preview.shrinks {
                            li { (tr!(lang, "page-import-shrink-line", list = &s.list, before = s.before, after = s.after)) }
                        }
                    }
                    p { (tr!(lang, "page-import-shrink-explained")) }
                    label class="inline" {
                        input type="checkbox" name="confirm_shrink" value="1" id="f-confirm_shrink";
                        " " (tr!(lang, "page-import-shrink-confirm"))
                    }
                }
            }
            button type="submit" id="import-save" { (tr!(lang, "button-save-school")) }
            " "
            a href={ "/orgs/" (segment(org)) } { (tr!(lang, "link-cancel")) }
        }
    }
}

async fn confirm(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(org): Path<String>,
    submitted: Submitted,
) -> PageResult {
    let app = state.0;
    blocking(app.lang, move || {
        let token = submitted.get("token").unwrap_or("");
        let confirm_shrink = submitted.get("confirm_shrink").is_some();
        match organizations::confirm_import(&app, &org, token, confirm_shrink) {
            Ok(()) => Ok(see_other(&format!(
                "/orgs/{}?imported=1#school",
                segment(&org)
            ))),
            Err(e)
                if e.status == StatusCode::UNPROCESSABLE_ENTITY
                    || e.status == StatusCode::CONFLICT =>
            {
                let lang = app.lang;
                let content = html! {
                    p class="error" id="import-refused" role="alert" {
                        @for m in e.field_messages("confirm_shrink") { (m) " " }
                        @if e.fields.is_empty() { (e.message) }
                    }
                    p { (tr!(lang, "page-import-upload-again")) " "
                        a href={ "/orgs/" (segment(&org)) "#school" } { (tr!(lang, "link-to-org")) } }
                };
                let title = tr!(lang, "page-import-refused-title");
                Ok((e.status, page(lang, &title, &session, content)).into_response())
            }
            Err(e) => Err(e),
        }
    })
    .await
}

/// The tabs of an organization's pages.
#[derive(PartialEq)]
enum Tab {
    Main,
    Staff,
    Coverage,
    Calls,
}

/// Which form of the main tab was refused.
enum Refused<'a> {
    None,
    LinksBase(&'a Submitted, &'a ApiError),
    Rename(&'a Submitted, &'a ApiError),
    Delete(&'a ApiError),
}

/// The tabs of an organization's pages, `active` marked, in `lang`.
fn tabs(lang: Lang, org: &str, active: Tab) -> Markup {
    let org = segment(org);
    let tab = |tab: Tab, href: String, label_id: &str| {
        html! { a href=(href) class=[(tab == active).then_some("active")] { (tr!(lang, label_id)) } }
    };
    html! {
        nav class="tabs" {
            (tab(Tab::Main, format!("/orgs/{org}"), "page-org-tab-main"))
            (tab(Tab::Staff, format!("/orgs/{org}/staff"), "page-org-tab-staff"))
            (tab(Tab::Coverage, format!("/orgs/{org}/coverage"), "page-org-tab-coverage"))
            (tab(Tab::Calls, format!("/orgs/{org}/calls"), "page-org-tab-calls"))
            a href={ "/tasks?org=" (org) } { (tr!(lang, "nav-tasks")) }
        }
    }
}

async fn show(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(org): Path<String>,
    Query(query): Query<OrgQuery>,
) -> PageResult {
    let app = state.0;
    let markup = blocking(app.lang, move || {
        let notice = match (query.saved.is_some(), query.imported.is_some()) {
            (_, true) => Some("page-org-imported"),
            (true, _) => Some("notice-saved"),
            _ => None,
        };
        render_main(&app, &session, &org, Refused::None, notice)
    })
    .await?;
    Ok(markup.into_response())
}

/// `?saved=1` or `?imported=1`.
#[derive(serde::Deserialize)]
pub struct OrgQuery {
    saved: Option<String>,
    imported: Option<String>,
}

async fn save_links_base(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(org): Path<String>,
    submitted: Submitted,
) -> PageResult {
    let app = state.0;
    blocking(app.lang, move || {
        let specs = views::param_views(&app.org_key_specs(), app.lang);
        let (values, unset) = submitted.params("v.", &specs);
        saved_or_again(
            actions::set_links_base(&app, &org, &LinksBaseInput { values, unset }),
            |_| format!("/orgs/{}?saved=1", segment(&org)),
            |e| {
                render_main(
                    &app,
                    &session,
                    &org,
                    Refused::LinksBase(&submitted, e),
                    None,
                )
            },
        )
    })
    .await
}

/// The main tab: the organization (rename, remove), its school data (upload), its Links
/// base form and its «Чаты Сферум» table; `shown_notice` is the id of the notice on top.
fn render_main(
    app: &App,
    session: &Session,
    org_id: &str,
    refused_form: Refused<'_>,
    shown_notice: Option<&str>,
) -> Result<Markup, ApiError> {
    let lang = app.lang;
    let refused = match refused_form {
        Refused::LinksBase(submitted, error) => Some((submitted, error)),
        _ => None,
    };
    let rename_errors: &[String] = match &refused_form {
        Refused::Rename(_, e) => e.field_messages("name"),
        _ => &[],
    };
    let rename_value = match &refused_form {
        Refused::Rename(s, _) => s.get("name").map(str::to_string),
        _ => None,
    };
    let delete_errors: &[String] = match &refused_form {
        Refused::Delete(e) => e.field_messages("confirm"),
        _ => &[],
    };
    let store = app.store()?;
    let org = views::org(app, &store, org_id)?;
    let specs = views::param_views(&app.org_key_specs(), app.lang);
    let links = views::links(&store, org_id, app.lang)?;
    let school = store.school(org_id)?.map(|s| views::school_summary(&s));
    let no_errors: &[String] = &[];
    let remove_hint = tr!(lang, "page-org-remove-hint", org = &org.id);
    let content = html! {
        (tabs(lang, &org.id, Tab::Main))
        @if let Some(id) = shown_notice { (notice(&tr!(lang, id))) }
        section {
            h2 { (tr!(lang, "page-org-heading")) }
            dl {
                dt { (tr!(lang, "page-org-id")) } dd { (org.id) }
                dt { (tr!(lang, "page-org-name")) } dd { (org.name) }
                @if let Some(s) = &school {
                    dt { (tr!(lang, "page-org-school-name")) } dd { (s.organization) }
                    dt { (tr!(lang, "page-org-academic-year")) } dd { (s.academic_year) }
                }
            }
            details class="org-edit" open[!rename_errors.is_empty() || !delete_errors.is_empty()] {
                summary { (tr!(lang, "page-org-edit")) }
                form method="post" action={ "/orgs/" (segment(&org.id)) "/rename" } id="rename-form" {
                    (super::layout::csrf_field(session))
                    (TextField {
                        name: "name", label: &tr!(lang, "page-org-new-name"),
                        value: rename_value.as_deref().unwrap_or(&org.name), placeholder: "",
                        hint: "", errors: rename_errors,
                    }.render())
                    button type="submit" id="rename-org" { (tr!(lang, "button-rename")) }
                }
                form method="post" action={ "/orgs/" (segment(&org.id)) "/delete" } id="delete-form" {
                    (super::layout::csrf_field(session))
                    (TextField {
                        name: "confirm", label: &tr!(lang, "page-org-remove"),
                        value: "", placeholder: &org.id,
                        hint: &remove_hint,
                        errors: delete_errors,
                    }.render())
                    button type="submit" id="delete-org" class="danger" { (tr!(lang, "page-org-remove")) }
                }
            }
        }
        section id="school" {
            h2 { (tr!(lang, "page-org-school")) }
            @if let Some(s) = &school {
                p id="school-summary" {
                    (tr!(lang, "page-org-school-summary", time = &s.imported, staff = s.staff,
                        classes = s.classes, students = s.students, parents = s.parents,
                        calls = s.video_calls))
                }
            } @else {
                p id="school-summary" { (tr!(lang, "page-org-school-none")) }
            }
            form method="post" enctype="multipart/form-data" id="upload-form"
                action={ "/orgs/" (segment(&org.id)) "/school?csrf=" (session.csrf) } {
                div class="field" {
                    label for="f-file" { (tr!(lang, "page-org-school-file")) }
                    input type="file" id="f-file" name="file" accept=".json,application/json";
                    div class="hint" { (tr!(lang, "page-org-school-file-hint")) }
                }
                button type="submit" id="upload" { (tr!(lang, "button-check-file")) }
            }
        }
        section id="links-base" {
            h2 { (tr!(lang, "page-org-links-base")) }
            p class="hint" { (tr!(lang, "page-org-links-base-hint")) }
            form method="post" action={ "/orgs/" (segment(&org.id)) "/links-base" } {
                (super::layout::csrf_field(session))
                @if let Some((_, error)) = refused {
                    (general_errors(error.field_messages(GENERAL)))
                }
                @for spec in &specs {
                    @let current = org.links_base.iter().find(|v| v.key == spec.key).and_then(|v| v.value.as_deref());
                    (ParamField {
                        spec,
                        prefix: "v.",
                        value: match refused {
                            Some((submitted, _)) => submitted.echo("v.", spec),
                            None if !spec.secret => current,
                            None => None,
                        },
                        secret_set: if spec.secret { current } else { None },
                        errors: refused.map(|(_, e)| e.field_messages(&spec.key)).unwrap_or(no_errors),
                    }.render(lang))
                }
                @for value in org.links_base.iter().filter(|v| !v.declared) {
                    p class="hint" { code { (value.key) } " = " (value.value.as_deref().unwrap_or("")) " (" (value.description) ")" }
                }
                @if specs.is_empty() {
                    p { (tr!(lang, "page-org-links-base-none")) }
                } @else {
                    button type="submit" { (tr!(lang, "button-save")) }
                }
            }
        }
        (chats(lang, &org.id, &links))
    };
    Ok(page(lang, &org.name, session, content))
}

/// For a tab over the organization's school data: the organization and what `shape` makes of
/// its school data in the console's language; a missing organization or school data is an
/// error page that says what to do.
async fn school_tab<T: Send + 'static>(
    app: Arc<App>,
    org: String,
    shape: impl FnOnce(&StoredSchool, Lang) -> T + Send + 'static,
) -> Result<(Org, T), PageError> {
    blocking(app.lang, move || {
        let store = app.store()?;
        let org = views::require_org(&store, &org, app.lang)?;
        let school = views::school(&store, &org.id, app.lang)?;
        Ok((org, shape(&school, app.lang)))
    })
    .await
}

async fn calls(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(org): Path<String>,
) -> PageResult {
    let lang = state.lang;
    let (org, calls) = school_tab(state.0, org, |school, _| organizations::calls(school)).await?;
    let content = html! {
        (tabs(lang, &org.id, Tab::Calls))
        p { (tr!(lang, "page-calls-explained")) }
        @if calls.is_empty() {
            p { (tr!(lang, "page-calls-none")) }
        } @else {
            table id="calls" {
                thead { tr {
                    th { (tr!(lang, "page-calls-column-start")) }
                    th { (tr!(lang, "page-calls-column-class")) }
                    th { (tr!(lang, "page-calls-column-subject")) }
                    th { (tr!(lang, "page-calls-column-teacher")) }
                    th { (tr!(lang, "page-calls-column-topic")) }
                    th { (tr!(lang, "page-calls-column-link")) }
                } }
                tbody {
                    @for call in &calls {
                        tr {
                            td { (call.starts_at) } td { (call.class) } td { (call.subject) }
                            td { (call.teacher) } td { (call.title) }
                            td {
                                @match &call.join_link {
                                    Some(link) if is_web_link(link) => {
                                        a href=(link) target="_blank" rel="noopener noreferrer" class="join-link" { (link) }
                                    }
                                    Some(text) => { (text) }
                                    None => { span class="muted waiting" { (tr!(lang, "page-calls-waiting")) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let title = tr!(lang, "page-calls-title", org = &org.name);
    Ok(page(lang, &title, &session, content).into_response())
}

/// Only web addresses become links (never `javascript:` or the like).
fn is_web_link(text: &str) -> bool {
    text.starts_with("https://") || text.starts_with("http://")
}

/// The published tables, laid out as the instruction shows «Чаты Сферум».
fn chats(lang: Lang, org: &str, tables: &[LinksView]) -> Markup {
    html! {
        section id="sferum-chats" {
            h2 { (tr!(lang, "page-org-chats")) }
            @if tables.is_empty() {
                p {
                    (rich(lang, "page-org-chats-later", &[], &[("tasks", html! {
                        a href={ "/tasks?org=" (segment(org)) } { (tr!(lang, "page-org-chats-later-link")) }
                    })]))
                }
            }
            @for table in tables {
                p class="hint" { (published(lang, table)) }
                table class="links" data-type=(table.type_id) {
                    thead { tr { @for column in &table.columns { th { (column) } } } }
                    tbody {
                        @for row in &table.rows {
                            tr {
                                td { (row.title) }
                                @for cell in &row.links {
                                    td {
                                        @match cell {
                                            Some(link) if is_web_link(link) => {
                                                a href=(link) target="_blank" rel="noopener noreferrer" { (link) }
                                            }
                                            Some(text) => { (text) }
                                            None => {}
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// When a links table was published, by which task (a link to it) and its type.
fn published(lang: Lang, table: &LinksView) -> Markup {
    let args = [
        ("time", Arg::from(&table.published)),
        ("type", Arg::from(&table.type_id)),
    ];
    match table.task {
        Some(task) => {
            let link =
                html! { a href={ "/tasks/" (task) } { (tr!(lang, "link-number", number = task)) } };
            rich(
                lang,
                "page-org-chats-published-by",
                &args,
                &[("task", link)],
            )
        }
        None => rich(lang, "page-org-chats-published", &args, &[]),
    }
}

async fn staff(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(org): Path<String>,
) -> PageResult {
    let lang = state.lang;
    let (org, files) = school_tab(state.0, org, views::staff).await?;
    let linked = files.iter().filter(|f| f.sferum_id.is_some()).count();
    let content = html! {
        (tabs(lang, &org.id, Tab::Staff))
        p { (tr!(lang, "page-staff-linked", linked = linked, total = files.len())) }
        table {
            thead { tr {
                th { (tr!(lang, "page-staff-column-name")) }
                th { (tr!(lang, "page-staff-column-positions")) }
                th { (tr!(lang, "page-staff-column-roles")) }
                th { (tr!(lang, "page-staff-column-acting-head")) }
                th { (tr!(lang, "page-staff-column-sferum-id")) }
            } }
            tbody {
                @for file in &files {
                    tr {
                        td { (file.full_name) }
                        td { (file.positions.join("; ")) }
                        td { (file.access_roles.iter().map(|r| role_label(lang, r)).collect::<Vec<_>>().join(", ")) }
                        td { @if file.acting_head { (tr!(lang, "page-staff-acting-head")) } }
                        td { @match file.sferum_id {
                            Some(id) => { (id) }
                            None => { span class="muted" { (tr!(lang, "page-staff-not-linked")) } }
                        } }
                    }
                }
            }
        }
    };
    let title = tr!(lang, "page-staff-title", org = &org.name);
    Ok(page(lang, &title, &session, content).into_response())
}

async fn coverage(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(org): Path<String>,
) -> PageResult {
    let lang = state.lang;
    let (org, c) = school_tab(state.0, org, |school, _| views::coverage(school)).await?;
    let of = |part: usize, total: usize| tr!(lang, "part-of-total", part = part, total = total);
    let row = |class: &str, sl: usize, st: usize, pl: usize, pt: usize| {
        html! {
            td { (class) }
            td { (of(sl, st)) } td { (percent(sl, st)) }
            td { (of(pl, pt)) } td { (percent(pl, pt)) }
        }
    };
    let total = tr!(lang, "page-coverage-total");
    let content = html! {
        (tabs(lang, &org.id, Tab::Coverage))
        p { (tr!(lang, "page-coverage-explained")) }
        table {
            thead { tr {
                th { (tr!(lang, "page-coverage-column-class")) }
                th colspan="2" { (tr!(lang, "page-coverage-column-students")) }
                th colspan="2" { (tr!(lang, "page-coverage-column-parents")) }
            } }
            tbody {
                @for k in &c.classes {
                    tr { (row(&k.class, k.students_linked, k.students, k.parents_linked, k.parents)) }
                }
            }
            tfoot {
                tr { (row(&total, c.students_linked, c.students, c.parents_linked, c.parents)) }
            }
        }
    };
    let title = tr!(lang, "page-coverage-title", org = &org.name);
    Ok(page(lang, &title, &session, content).into_response())
}
