//! Organizations: the list (and adding one), and per organization its name (renaming,
//! removing), its school data (importing a file: problems by place, or a preview to
//! confirm), its Links base with the «Чаты Сферум» table, the staff personal files, the
//! Sferum coverage per class, and its video calls.

use super::form::{general_errors, ParamField, Submitted, TextField};
use super::layout::{
    blocking, notice, page, saved_or_again, see_other, segment, AppState, PageResult, SavedQuery,
};
use crate::actions::{self, LinksBaseInput};
use crate::app::App;
use crate::error::{ApiError, Form, Path, Query, GENERAL};
use crate::organizations::{self, ImportPreview, OrgInput, MAX_FILE_MB};
use crate::sessions::Session;
use crate::views::{self, LinksView};
use axum::extract::{DefaultBodyLimit, Multipart};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Extension, Router};
use exchange_core::i18n::role_label;
use exchange_core::school::coverage::percent;
use exchange_core::tr;
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
    let markup = blocking(move || render_list(&app, &session, None, query.saved.is_some())).await?;
    Ok(markup.into_response())
}

/// The list of organizations with the form that adds one.
fn render_list(
    app: &App,
    session: &Session,
    refused: Option<(&Submitted, &ApiError)>,
    removed: bool,
) -> Result<Markup, ApiError> {
    let orgs = views::orgs(&app.store()?)?;
    let errors = |field: &str| refused.map(|(_, e)| e.field_messages(field)).unwrap_or(&[]);
    let typed = |field: &str| {
        refused
            .and_then(|(s, _)| s.get(field))
            .unwrap_or("")
            .to_string()
    };
    let content = html! {
        @if removed { (notice("Организация удалена.")) }
        @if orgs.is_empty() {
            p { "Организаций пока нет. Добавьте школу формой ниже." }
        } @else {
            table {
                thead { tr { th { "Организация" } th { "Наименование" } th { "Задачи обмена" } th { "Данные школы" } } }
                tbody {
                    @for org in &orgs {
                        tr {
                            td { a href={ "/orgs/" (segment(&org.id)) } { (org.id) } }
                            td { (org.name) }
                            td { a href={ "/tasks?org=" (segment(&org.id)) } { (org.tasks) } }
                            td { @match &org.school_imported {
                                Some(time) => { "импортированы " (time) }
                                None => { "не импортированы" }
                            } }
                        }
                    }
                }
            }
        }
        section id="add-org" {
            h2 { "Добавить организацию" }
            form method="post" action="/orgs" id="org-form" {
                (super::layout::csrf_field(session))
                @if let Some((_, error)) = refused {
                    p class="error" id="form-summary" role="alert" { (error.message) }
                }
                (TextField {
                    name: "id", label: "Идентификатор",
                    value: &typed("id"), placeholder: "school-239",
                    hint: "короткое имя латинскими буквами, цифрами и дефисами; потом не меняется",
                    errors: errors("id"),
                }.render())
                (TextField {
                    name: "name", label: "Наименование",
                    value: &typed("name"), placeholder: "ГБОУ школа № 239",
                    hint: "полное наименование, как в документах",
                    errors: errors("name"),
                }.render())
                button type="submit" id="add-org-button" { "Добавить организацию" }
            }
        }
    };
    Ok(page("Организации", session, content))
}

async fn create(
    state: AppState,
    Extension(session): Extension<Session>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let app = state.0;
    blocking(move || {
        let submitted = Submitted(fields);
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
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let app = state.0;
    blocking(move || {
        let submitted = Submitted(fields);
        let input = OrgInput {
            id: None,
            name: submitted.get("name").map(str::to_string),
        };
        saved_or_again(
            organizations::rename_org(&app, &org, &input),
            |_| format!("/orgs/{}?saved=1", segment(&org)),
            |e| render_main(&app, &session, &org, Refused::Rename(&submitted, e), false),
        )
    })
    .await
}

async fn delete(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(org): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let app = state.0;
    blocking(move || {
        let submitted = Submitted(fields);
        let confirm = submitted.get("confirm").unwrap_or("");
        saved_or_again(
            organizations::delete_org(&app, &org, confirm),
            |()| "/?saved=1".to_string(),
            |e| render_main(&app, &session, &org, Refused::Delete(e), false),
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
            ApiError::bad_request(tr!(lang, "error-bad-request", error = e.body_text()))
        })?;
        let Some(field) = field else { break };
        if field.name() == Some("file") {
            let data = field.bytes().await.map_err(|_| {
                ApiError::field(
                    lang,
                    "file",
                    tr!(lang, "error-file-too-large", limit = MAX_FILE_MB),
                )
            })?;
            bytes = data.to_vec();
        }
    }
    blocking(move || {
        let store = app.store()?;
        let current = views::require_org(&store, &org, lang)?;
        let (status, content) = match organizations::check_import(&app, &org, &bytes) {
            Ok(preview) => (
                StatusCode::OK,
                preview_markup(&session, &current.id, &preview),
            ),
            Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
                (e.status, problems_markup(&current.id, &e))
            }
            Err(e) => return Err(e),
        };
        let title = format!("{}: загрузка данных школы", current.name);
        Ok((status, page(&title, &session, content)).into_response())
    })
    .await
}

/// A file with problems: every problem by its place in the file; nothing was saved.
fn problems_markup(org: &str, error: &ApiError) -> Markup {
    html! {
        p class="error" id="import-problems-summary" role="alert" { (error.message) "." }
        table id="import-problems" {
            thead { tr { th { "Место в файле" } th { "Проблема" } } }
            tbody {
                @for (path, messages) in &error.fields {
                    @for message in messages {
                        tr { td { code { (path) } } td { (message) } }
                    }
                }
            }
        }
        p { "Исправьте файл (или выгрузите его заново) и загрузите ещё раз. "
            a href={ "/orgs/" (segment(org)) "#school" } { "К организации" } }
    }
}

/// A good file: what would change, the warning when many people disappear, and the button
/// that saves it.
fn preview_markup(session: &Session, org: &str, preview: &ImportPreview) -> Markup {
    html! {
        (notice("Файл проверен, ошибок нет. Данные ещё не сохранены: проверьте изменения и подтвердите."))
        dl id="import-counts" {
            dt { "Сотрудников" } dd { (preview.staff) }
            dt { "Классов" } dd { (preview.classes) }
            dt { "Учеников" } dd { (preview.students) }
            dt { "Родителей" } dd { (preview.parents) }
        }
        h2 { "Что изменится" }
        @if preview.first_import {
            p { "Это первая загрузка данных этой школы." }
        } @else if preview.changes.is_empty() {
            p { "Ничего: файл совпадает с загруженными данными." }
        }
        ul id="import-changes" {
            @for line in &preview.changes { li { (line) } }
        }
        form method="post" action={ "/orgs/" (segment(org)) "/school/confirm" } id="import-confirm" {
            (super::layout::csrf_field(session))
            input type="hidden" name="token" value=(preview.token);
            @if !preview.shrinks.is_empty() {
                div class="warning" id="shrink-warning" role="alert" {
                    p { strong { "Внимание: из данных школы исчезает больше трети записей." } }
                    ul {
                        @for s in &preview.shrinks { li { (s.list) ": было " (s.before) ", станет " (s.after) } }
                    }
                    p { "Следующая синхронизация удалит этих людей из чатов Сферума. Подтверждайте, только если школа действительно так уменьшилась, а не выгрузка неполная." }
                    label class="inline" {
                        input type="checkbox" name="confirm_shrink" value="1" id="f-confirm_shrink";
                        " да, школа действительно уменьшилась"
                    }
                }
            }
            button type="submit" id="import-save" { "Сохранить данные школы" }
            " "
            a href={ "/orgs/" (segment(org)) } { "Отмена" }
        }
    }
}

async fn confirm(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(org): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let app = state.0;
    blocking(move || {
        let submitted = Submitted(fields);
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
                let content = html! {
                    p class="error" id="import-refused" role="alert" {
                        @for m in e.field_messages("confirm_shrink") { (m) " " }
                        @if e.fields.is_empty() { (e.message) }
                    }
                    p { "Загрузите файл ещё раз и подтвердите уменьшение. "
                        a href={ "/orgs/" (segment(&org)) "#school" } { "К организации" } }
                };
                Ok((
                    e.status,
                    page("Данные школы не сохранены", &session, content),
                )
                    .into_response())
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

fn tabs(org: &str, active: Tab) -> Markup {
    let org = segment(org);
    let tab = |tab: Tab, href: String, label: &str| {
        html! { a href=(href) class=[(tab == active).then_some("active")] { (label) } }
    };
    html! {
        nav class="tabs" {
            (tab(Tab::Main, format!("/orgs/{org}"), "Главная и база ссылок"))
            (tab(Tab::Staff, format!("/orgs/{org}/staff"), "Личные дела сотрудников"))
            (tab(Tab::Coverage, format!("/orgs/{org}/coverage"), "Охват Сферум по классам"))
            (tab(Tab::Calls, format!("/orgs/{org}/calls"), "Видеозвонки"))
            a href={ "/tasks?org=" (org) } { "Задачи обмена данными" }
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
    let markup = blocking(move || {
        let notice = match (query.saved.is_some(), query.imported.is_some()) {
            (_, true) => Some("Данные школы сохранены. Включённые задачи организации запустятся в ближайшее время."),
            (true, _) => Some("Сохранено."),
            _ => None,
        };
        render_main_with(&app, &session, &org, Refused::None, notice)
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
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let app = state.0;
    blocking(move || {
        let submitted = Submitted(fields);
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
                    false,
                )
            },
        )
    })
    .await
}

/// The main tab after a refused form.
fn render_main(
    app: &App,
    session: &Session,
    org_id: &str,
    refused: Refused<'_>,
    saved: bool,
) -> Result<Markup, ApiError> {
    render_main_with(app, session, org_id, refused, saved.then_some("Сохранено."))
}

/// The main tab: the organization (rename, remove), its school data (upload), its Links
/// base form and its «Чаты Сферум» table.
fn render_main_with(
    app: &App,
    session: &Session,
    org_id: &str,
    refused_form: Refused<'_>,
    shown_notice: Option<&str>,
) -> Result<Markup, ApiError> {
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
    let content = html! {
        (tabs(&org.id, Tab::Main))
        @if let Some(text) = shown_notice { (notice(text)) }
        section {
            h2 { "Организация" }
            dl {
                dt { "Идентификатор" } dd { (org.id) }
                dt { "Наименование" } dd { (org.name) }
                @if let Some(s) = &school {
                    dt { "Наименование в данных школы" } dd { (s.organization) }
                    dt { "Текущий учебный год" } dd { (s.academic_year) }
                }
            }
            details class="org-edit" open[!rename_errors.is_empty() || !delete_errors.is_empty()] {
                summary { "Переименовать или удалить организацию" }
                form method="post" action={ "/orgs/" (segment(&org.id)) "/rename" } id="rename-form" {
                    (super::layout::csrf_field(session))
                    (TextField {
                        name: "name", label: "Новое наименование",
                        value: rename_value.as_deref().unwrap_or(&org.name), placeholder: "",
                        hint: "", errors: rename_errors,
                    }.render())
                    button type="submit" id="rename-org" { "Переименовать" }
                }
                form method="post" action={ "/orgs/" (segment(&org.id)) "/delete" } id="delete-form" {
                    (super::layout::csrf_field(session))
                    (TextField {
                        name: "confirm", label: "Удалить организацию",
                        value: "", placeholder: &org.id,
                        hint: &format!("вместе с данными школы, базой ссылок, задачами и историей запусков; для подтверждения введите идентификатор {}", org.id),
                        errors: delete_errors,
                    }.render())
                    button type="submit" id="delete-org" class="danger" { "Удалить организацию" }
                }
            }
        }
        section id="school" {
            h2 { "Данные школы" }
            @if let Some(s) = &school {
                p id="school-summary" {
                    "Загружены " (s.imported) ": сотрудников " (s.staff) ", классов " (s.classes)
                    ", учеников " (s.students) ", родителей " (s.parents) ", видеозвонков " (s.video_calls) "."
                }
            } @else {
                p id="school-summary" { "Данные школы ещё не загружены." }
            }
            form method="post" enctype="multipart/form-data" id="upload-form"
                action={ "/orgs/" (segment(&org.id)) "/school?csrf=" (session.csrf) } {
                div class="field" {
                    label for="f-file" { "Файл данных школы (JSON, формат school-data/1)" }
                    input type="file" id="f-file" name="file" accept=".json,application/json";
                    div class="hint" { "Файл проверяется целиком. Если в нём есть ошибки, ничего не сохраняется и все ошибки показываются с местом в файле; иначе вы увидите, что изменится, и подтвердите сохранение." }
                }
                button type="submit" id="upload" { "Проверить файл" }
            }
        }
        section id="links-base" {
            h2 { "База ссылок" }
            p class="hint" { "Идентификатор сообщества и токен доступа выдаёт Комитет по образованию: обратитесь к районному координатору." }
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
                    }.render())
                }
                @for value in org.links_base.iter().filter(|v| !v.declared) {
                    p class="hint" { code { (value.key) } " = " (value.value.as_deref().unwrap_or("")) " (" (value.description) ")" }
                }
                @if specs.is_empty() {
                    p { "Ни один загруженный модуль не объявляет значений базы ссылок." }
                } @else {
                    button type="submit" { "Сохранить" }
                }
            }
        }
        (chats(&org.id, &links))
    };
    Ok(page(&org.name, session, content))
}

async fn calls(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(org): Path<String>,
) -> PageResult {
    let app = state.0;
    let (org, calls) = blocking(move || {
        let store = app.store()?;
        let org = views::require_org(&store, &org, app.lang)?;
        Ok((org.clone(), organizations::calls(&app, &org.id)?))
    })
    .await?;
    let content = html! {
        (tabs(&org.id, Tab::Calls))
        p { "Опубликованные видеозвонки (ВКС). Ссылку для подключения задача синхронизации создаёт при ближайшем запуске и записывает обратно в данные школы, откуда её берёт электронный дневник." }
        @if calls.is_empty() {
            p { "Опубликованных видеозвонков нет." }
        } @else {
            table id="calls" {
                thead { tr { th { "Начало" } th { "Класс" } th { "Предмет" } th { "Учитель" } th { "Тема" } th { "Ссылка для подключения" } } }
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
                                    None => { span class="muted waiting" { "ожидает следующего запуска" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&format!("{}: видеозвонки", org.name), &session, content).into_response())
}

/// Only web addresses become links (never `javascript:` or the like).
fn is_web_link(text: &str) -> bool {
    text.starts_with("https://") || text.starts_with("http://")
}

/// The published tables, laid out as the instruction shows «Чаты Сферум».
fn chats(org: &str, tables: &[LinksView]) -> Markup {
    html! {
        section id="sferum-chats" {
            h2 { "Чаты Сферум" }
            @if tables.is_empty() {
                p { "Таблица появится после первого успешного запуска задачи синхронизации: "
                    a href={ "/tasks?org=" (segment(org)) } { "задачи обмена данными" } "." }
            }
            @for table in tables {
                p class="hint" {
                    "Опубликовано " (table.published)
                    @if let Some(task) = table.task { " задачей " a href={ "/tasks/" (task) } { "№ " (task) } }
                    " (" (table.type_id) ")."
                }
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

async fn staff(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(org): Path<String>,
) -> PageResult {
    let app = state.0;
    let app_lang = app.lang;
    let (org, files) = blocking(move || {
        let store = app.store()?;
        let org = views::require_org(&store, &org, app.lang)?;
        let school = views::school(&store, &org.id, app.lang)?;
        Ok((org, views::staff(&school)))
    })
    .await?;
    let linked = files.iter().filter(|f| f.sferum_id.is_some()).count();
    let content = html! {
        (tabs(&org.id, Tab::Staff))
        p { "Привязаны к Сферум: " (linked) " из " (files.len()) ". Идентификаторы поступают с Портала «Петербургское образование» при передаче данных электронного дневника." }
        table {
            thead { tr { th { "ФИО" } th { "Действующие должности" } th { "Роли доступа" } th { "ИО руководителя" } th { "Идентификатор VK Сферум" } } }
            tbody {
                @for file in &files {
                    tr {
                        td { (file.full_name) }
                        td { (file.positions.join("; ")) }
                        td { (file.access_roles.iter().map(|r| role_label(app_lang, r)).collect::<Vec<_>>().join(", ")) }
                        td { @if file.acting_head { "да" } }
                        td { @match file.sferum_id {
                            Some(id) => { (id) }
                            None => { span class="muted" { "не привязан" } }
                        } }
                    }
                }
            }
        }
    };
    Ok(page(
        &format!("{}: личные дела сотрудников", org.name),
        &session,
        content,
    )
    .into_response())
}

async fn coverage(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(org): Path<String>,
) -> PageResult {
    let app = state.0;
    let (org, c) = blocking(move || {
        let store = app.store()?;
        let org = views::require_org(&store, &org, app.lang)?;
        let school = views::school(&store, &org.id, app.lang)?;
        Ok((org, views::coverage(&school)))
    })
    .await?;
    let row = |class: &str, sl: usize, st: usize, pl: usize, pt: usize| {
        html! {
            td { (class) }
            td { (sl) " из " (st) } td { (percent(sl, st)) }
            td { (pl) " из " (pt) } td { (percent(pl, pt)) }
        }
    };
    let content = html! {
        (tabs(&org.id, Tab::Coverage))
        p { "Сколько учеников и родителей связали свой идентификатор на Портале с учётной записью VK Сферум: только они попадают в чаты класса." }
        table {
            thead { tr { th { "Класс" } th colspan="2" { "Ученики в Сферум" } th colspan="2" { "Родители в Сферум" } } }
            tbody {
                @for k in &c.classes {
                    tr { (row(&k.class, k.students_linked, k.students, k.parents_linked, k.parents)) }
                }
            }
            tfoot {
                tr { (row("Итого", c.students_linked, c.students, c.parents_linked, c.parents)) }
            }
        }
    };
    Ok(page(&format!("{}: охват Сферум", org.name), &session, content).into_response())
}
