//! Organizations: the list, and per organization its Links base with the «Чаты Сферум»
//! table, the staff personal files, and the Sferum coverage per class.

use super::form::{general_errors, ParamField, Submitted};
use super::{blocking, notice, page, see_other, segment, AppState, PageResult, SavedQuery};
use crate::school::coverage::percent;
use crate::web::actions::{self, LinksBaseInput};
use crate::web::app::App;
use crate::web::auth::Session;
use crate::web::error::{ApiError, Form, Path, Query, GENERAL};
use crate::web::views::{self, LinksView};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Extension, Router};
use maud::{html, Markup};
use std::sync::Arc;

/// The organization pages' routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(list))
        .route("/orgs/{org}", get(show))
        .route("/orgs/{org}/links-base", post(save_links_base))
        .route("/orgs/{org}/staff", get(staff))
        .route("/orgs/{org}/coverage", get(coverage))
}

async fn list(state: AppState, Extension(session): Extension<Session>) -> PageResult {
    let app = state.0;
    let orgs = blocking(move || views::orgs(&app.store()?)).await?;
    let content = html! {
        @if orgs.is_empty() {
            p { "Организаций пока нет. Добавьте школу командой "
                code { "exchange-host org add school-239 --name \"ГБОУ школа № 239\"" } "." }
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
    };
    Ok(page("Организации", &session, content).into_response())
}

/// The tabs of an organization's pages.
#[derive(PartialEq)]
enum Tab {
    Main,
    Staff,
    Coverage,
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
            a href={ "/tasks?org=" (org) } { "Задачи обмена данными" }
        }
    }
}

async fn show(
    state: AppState,
    Extension(session): Extension<Session>,
    Path(org): Path<String>,
    Query(query): Query<SavedQuery>,
) -> PageResult {
    let app = state.0;
    let markup =
        blocking(move || render_main(&app, &session, &org, None, query.saved.is_some())).await?;
    Ok(markup.into_response())
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
        match actions::set_links_base(&app, &org, &LinksBaseInput { values, unset }) {
            Ok(_) => Ok(see_other(&format!("/orgs/{}?saved=1", segment(&org)))),
            Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
                let markup = render_main(&app, &session, &org, Some((&submitted, &e)), false)?;
                Ok((e.status, markup).into_response())
            }
            Err(e) => Err(e),
        }
    })
    .await
}

/// The main tab: the organization, its Links base form and its «Чаты Сферум» table.
fn render_main(
    app: &App,
    session: &Session,
    org_id: &str,
    refused: Option<(&Submitted, &ApiError)>,
    saved: bool,
) -> Result<Markup, ApiError> {
    let store = app.store()?;
    let org = views::org(app, &store, org_id)?;
    let specs = views::param_views(&app.org_key_specs(), app.lang);
    let links = views::links(&store, org_id, app.lang)?;
    let school = store.school(org_id)?.map(|s| views::school_summary(&s));
    let no_errors: &[String] = &[];
    let content = html! {
        (tabs(&org.id, Tab::Main))
        @if saved { (notice("Сохранено.")) }
        section {
            h2 { "Организация" }
            dl {
                dt { "Идентификатор" } dd { (org.id) }
                dt { "Наименование" } dd { (org.name) }
                @if let Some(s) = &school {
                    dt { "Наименование в данных школы" } dd { (s.organization) }
                    dt { "Текущий учебный год" } dd { (s.academic_year) }
                    dt { "Данные школы" } dd {
                        "импортированы " (s.imported) ": сотрудников " (s.staff) ", классов " (s.classes)
                        ", учеников " (s.students) ", родителей " (s.parents)
                    }
                } @else {
                    dt { "Данные школы" } dd {
                        "не импортированы: " code { "exchange-host school import " (org.id) " FILE.json" }
                    }
                }
            }
        }
        section id="links-base" {
            h2 { "База ссылок" }
            p class="hint" { "Идентификатор сообщества и токен доступа выдаёт Комитет по образованию: обратитесь к районному координатору." }
            form method="post" action={ "/orgs/" (segment(&org.id)) "/links-base" } {
                (super::csrf_field(session))
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
                        td { (file.access_roles.join(", ")) }
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
