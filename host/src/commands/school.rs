//! `exchange-host school …`: importing and inspecting school data.

use super::{print_error, require_org, table, Env};
use crate::cli::SchoolCommand;
use anyhow::Result;
use exchange_core::i18n::{role_label, Lang};
use exchange_core::output::{escape_controls, Table};
use exchange_core::school::coverage::{self, percent};
use exchange_core::school::diff::{diff, SchoolDiff, SferumLink, DETAIL_LINES};
use exchange_core::school::problems::problem_message;
use exchange_core::school::read_text_in;
use exchange_core::school::shrink::shrinks;
use exchange_core::school::staff::staff_files;
use exchange_core::tr;
use exchange_sdk::school::SchoolData;
use exchange_sdk::school_validate::{parse_school_data, Problem, DOCUMENT_PATH};
use exchange_store::show_time;
use exchange_store::Store;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

/// Runs a `school` subcommand.
pub fn run(env: &Env, command: SchoolCommand) -> anyhow::Result<ExitCode> {
    let lang = env.lang;
    if let SchoolCommand::Sample {
        students,
        org,
        seed,
        output,
    } = command
    {
        let students = usize::try_from(students)?;
        let mut data =
            sample_school::sample_school(&sample_school::SampleOptions { students, seed });
        data.organization.id = org;
        let json = serde_json::to_string_pretty(&data)?;
        match output {
            Some(path) => {
                let file = path.display().to_string();
                std::fs::write(&path, json + "\n").map_err(|e| {
                    anyhow::anyhow!(tr!(
                        lang,
                        "cli-cannot-write",
                        file = &file,
                        error = e.to_string()
                    ))
                })?;
                let said = tr!(
                    lang,
                    "cli-sample-written",
                    staff = data.staff.len(),
                    classes = data.classes.len(),
                    students = data.students.len(),
                    parents = data.parents.len(),
                    file = file
                );
                eprintln!("{said}");
            }
            None => println!("{json}"),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut store = env.store()?;
    match command {
        SchoolCommand::Import {
            org,
            file,
            confirm_shrink,
        } => return import(&mut store, lang, &org, &file, confirm_shrink),
        SchoolCommand::Show { org, json } => {
            let (org, school) = load(&store, &org, lang)?;
            let data = &school.data;
            let counts = serde_json::json!({
                "organization": data.organization.name, "academic_year": data.organization.academic_year,
                "imported": show_time(school.imported_ms), "imports": school.imports,
                "staff": data.staff.len(), "classes": data.classes.len(), "students": data.students.len(),
                "parents": data.parents.len(), "subject_groups": data.subject_groups.len(), "video_calls": data.video_calls.len(),
            });
            if json {
                println!("{}", serde_json::to_string_pretty(&counts)?);
            } else {
                let heading = tr!(
                    lang,
                    "cli-school-heading",
                    name = &*escape_controls(&data.organization.name),
                    org = &*escape_controls(&org),
                    year = &*escape_controls(&data.organization.academic_year)
                );
                println!("{heading}");
                let imports = tr!(
                    lang,
                    "cli-school-imports",
                    time = show_time(school.imported_ms),
                    imports = school.imports
                );
                println!("{imports}");
                let mut table = table(lang, &["cli-col-records", "cli-col-count"]);
                for key in [
                    "staff",
                    "classes",
                    "students",
                    "parents",
                    "subject_groups",
                    "video_calls",
                ] {
                    table.row([list_name(lang, key), counts[key].to_string()]);
                }
                print!("{table}");
            }
        }
        SchoolCommand::Staff { org, json } => {
            let (_, school) = load(&store, &org, lang)?;
            staff(lang, &school.data, json)?;
        }
        SchoolCommand::Coverage { org, json } => {
            let (_, school) = load(&store, &org, lang)?;
            coverage(lang, &school.data, json)?;
        }
        SchoolCommand::Calls {
            org,
            upcoming,
            json,
        } => {
            let (_, school) = load(&store, &org, lang)?;
            calls(lang, &school.data, upcoming, json)?;
        }
        SchoolCommand::MaxLinks { org, unbound, json } => {
            let (org, school) = load(&store, &org, lang)?;
            let bindings = store.max_bindings(&org)?;
            max_links(lang, &school.data, &bindings, unbound, json)?;
        }
        SchoolCommand::Sample { .. } => unreachable!("handled above"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `school import`: reads, checks and saves the file, or says why not (exit code 2, nothing
/// saved).
fn import(
    store: &mut Store,
    lang: Lang,
    org: &str,
    file: &Path,
    confirm_shrink: bool,
) -> Result<ExitCode> {
    let org = require_org(store, org, lang)?;
    let shown = file.display().to_string();
    let shown = escape_controls(&shown);
    let refuse = |reason: String, lines: &[String]| {
        let org = &org.id;
        print_error(
            lang,
            tr!(
                lang,
                "cli-not-imported",
                file = &*shown,
                reason = reason,
                org = org
            ),
        );
        for line in lines {
            eprintln!("  {line}");
        }
        ExitCode::from(2)
    };
    let problem_lines = |problems: &[Problem]| -> Vec<String> {
        problems
            .iter()
            .map(|p| format!("{}: {}", p.path, problem_message(&p.kind, lang)))
            .collect()
    };
    let bytes = std::fs::read(file).map_err(|e| {
        anyhow::anyhow!(tr!(
            lang,
            "cli-cannot-read",
            file = &*shown,
            error = e.to_string()
        ))
    })?;
    let text = match read_text_in(&bytes, lang) {
        Ok(text) => text,
        Err(problem) => {
            let reason = tr!(lang, "cli-not-utf8");
            return Ok(refuse(reason, &[format!("{DOCUMENT_PATH}: {problem}")]));
        }
    };
    if text.starts_with('\u{feff}') {
        let note = tr!(lang, "cli-bom", file = &*shown);
        eprintln!("{}", tr!(lang, "cli-note", note = note));
    }
    let data = match parse_school_data(text) {
        Ok(data) => data,
        Err(problems) => {
            let reason = tr!(lang, "cli-problem-count", count = problems.len());
            return Ok(refuse(reason, &problem_lines(&problems)));
        }
    };
    if data.organization.id != org.id {
        let problem = tr!(
            lang,
            "cli-other-org-problem",
            file_org = &*escape_controls(&data.organization.id),
            name = &*escape_controls(&data.organization.name),
            org = &org.id
        );
        let line = format!("organization.id: {problem}");
        return Ok(refuse(tr!(lang, "cli-other-org"), &[line]));
    }
    let previous = store.school(&org.id)?;
    if let Some(previous) = &previous {
        let shrinks = shrinks(&previous.data, &data);
        if !shrinks.is_empty() && !confirm_shrink {
            let lines: Vec<String> = shrinks
                .iter()
                .map(|s| {
                    let list = list_name(lang, s.list);
                    let fall = s.fall_percent();
                    format!("{list}: {} → {} (−{fall}%)", s.before, s.after)
                })
                .collect();
            let code = refuse(tr!(lang, "cli-shrinks"), &lines);
            eprintln!("{}", tr!(lang, "cli-shrink-hint"));
            return Ok(code);
        }
    }
    let changes = diff(previous.as_ref().map(|p| &p.data), &data);
    store.import_school(&org.id, &data)?;
    println!(
        "{}",
        tr!(lang, "cli-imported", file = &*shown, org = &org.id)
    );
    print_changes(lang, &changes);
    let due = store
        .tasks(Some(&org.id))?
        .into_iter()
        .filter(|t| t.enabled)
        .count();
    if due > 0 {
        println!("{}", tr!(lang, "cli-tasks-due", count = due, org = &org.id));
    }
    Ok(ExitCode::SUCCESS)
}

/// A list of the school data (`staff`, `subject_groups`, …) in words.
pub fn list_name(lang: Lang, list: &str) -> String {
    tr!(lang, &format!("cli-list-{}", list.replace('_', "-")))
}

/// Up to [`DETAIL_LINES`] indented lines, then "… and N more".
fn detail_lines<T>(lang: Lang, out: &mut Vec<String>, items: &[T], line: impl Fn(&T) -> String) {
    out.extend(
        items
            .iter()
            .take(DETAIL_LINES)
            .map(|item| format!("  {}", line(item))),
    );
    if items.len() > DETAIL_LINES {
        let more = tr!(lang, "cli-changes-more", count = items.len() - DETAIL_LINES);
        out.push(format!("  {more}"));
    }
}

/// What an import changed, for an administrator: a count line per list
/// (`students: +2 -1 ~3`) with detail lines, then the Sferum links. A first import shows
/// counts only.
fn change_lines(lang: Lang, diff: &SchoolDiff) -> Vec<String> {
    if diff.is_empty() {
        return vec![tr!(lang, "cli-changes-none")];
    }
    let mut out = Vec::new();
    let fields = |fields: &[String]| escape_controls(&fields.join(", ")).into_owned();
    if diff.first_import {
        out.push(tr!(lang, "cli-changes-first"));
    } else if !diff.organization.is_empty() {
        let fields = fields(&diff.organization);
        out.push(tr!(lang, "cli-changes-organization", fields = fields));
    }
    for (list, changes) in diff.lists() {
        let name = list_name(lang, list);
        let (added, removed, changed) = (&changes.added, &changes.removed, &changes.changed);
        if diff.first_import {
            if !added.is_empty() {
                out.push(format!("{name}: +{}", added.len()));
            }
        } else if changes.is_empty() {
            out.push(tr!(lang, "cli-changes-unchanged", list = name));
        } else {
            out.push(format!(
                "{name}: +{} -{} ~{}",
                added.len(),
                removed.len(),
                changed.len()
            ));
            detail_lines(lang, &mut out, added, |r| format!("+ {r}"));
            detail_lines(lang, &mut out, removed, |r| format!("- {r}"));
            detail_lines(lang, &mut out, changed, |c| {
                format!("~ {} ({})", c.record, fields(&c.fields))
            });
        }
    }
    let link_line =
        |l: &SferumLink| format!("{} {}: {}", list_name(lang, l.list), l.record, l.sferum_id);
    if !diff.linked.is_empty() {
        out.push(tr!(lang, "cli-changes-linked", count = diff.linked.len()));
        if !diff.first_import {
            detail_lines(lang, &mut out, &diff.linked, link_line);
        }
    }
    if !diff.unlinked.is_empty() {
        out.push(tr!(
            lang,
            "cli-changes-unlinked",
            count = diff.unlinked.len()
        ));
        detail_lines(lang, &mut out, &diff.unlinked, link_line);
    }
    out
}

/// Prints what an import changed, one line each.
pub fn print_changes(lang: Lang, diff: &SchoolDiff) {
    for line in change_lines(lang, diff) {
        println!("{line}");
    }
}

fn load(
    store: &exchange_store::Store,
    org: &str,
    lang: Lang,
) -> anyhow::Result<(String, exchange_store::school::StoredSchool)> {
    let org = require_org(store, org, lang)?;
    match store.school(&org.id)? {
        Some(school) => Ok((org.id, school)),
        None => anyhow::bail!(tr!(lang, "cli-no-school", org = &org.id)),
    }
}

fn sferum(lang: Lang, id: Option<u64>) -> String {
    id.map_or_else(|| tr!(lang, "cli-not-linked"), |id| id.to_string())
}

fn staff(lang: Lang, data: &SchoolData, json: bool) -> anyhow::Result<()> {
    let files = staff_files(data, lang);
    if json {
        let rows: Vec<serde_json::Value> = files
            .iter()
            .map(|s| {
                serde_json::json!({
                    "id": s.id, "full_name": s.full_name, "positions": s.positions, "access_roles": s.access_roles,
                    "acting_head": s.acting_head, "sferum_id": s.sferum_id,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    let mut table = table(
        lang,
        &[
            "cli-col-name",
            "cli-col-positions",
            "cli-col-roles",
            "cli-col-acting-head",
            "cli-col-sferum-id",
        ],
    );
    for s in &files {
        let roles: Vec<String> = s.access_roles.iter().map(|r| role_label(lang, r)).collect();
        table.row([
            s.full_name.clone(),
            s.positions.join("; "),
            roles.join(", "),
            match s.acting_head {
                true => tr!(lang, "cli-yes"),
                false => String::new(),
            },
            sferum(lang, s.sferum_id),
        ]);
    }
    print!("{table}");
    let linked = files.iter().filter(|s| s.sferum_id.is_some()).count();
    let total = files.len();
    println!(
        "{}",
        tr!(lang, "cli-staff-linked", linked = linked, total = total)
    );
    Ok(())
}

fn coverage(lang: Lang, data: &SchoolData, json: bool) -> anyhow::Result<()> {
    let c = coverage::coverage(data);
    if json {
        let rows: Vec<serde_json::Value> = c
            .classes
            .iter()
            .map(|k| {
                serde_json::json!({"class": k.class, "students_linked": k.students_linked, "students": k.students, "parents_linked": k.parents_linked, "parents": k.parents})
            })
            .collect();
        let out = serde_json::json!({"classes": rows, "students_linked": c.students_linked, "students": c.students,
            "parents_linked": c.parents_linked, "parents": c.parents});
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let mut table = Table::new([
        tr!(lang, "cli-col-class"),
        tr!(lang, "cli-col-students-linked"),
        String::new(),
        tr!(lang, "cli-col-parents-linked"),
        String::new(),
    ]);
    let of = |part: usize, total: usize| tr!(lang, "cli-of", part = part, total = total);
    let mut row = |class: &str, sl: usize, st: usize, pl: usize, pt: usize| {
        table.row([
            class.to_string(),
            of(sl, st),
            percent(sl, st),
            of(pl, pt),
            percent(pl, pt),
        ]);
    };
    for k in &c.classes {
        row(
            &k.class,
            k.students_linked,
            k.students,
            k.parents_linked,
            k.parents,
        );
    }
    row(
        &tr!(lang, "cli-total"),
        c.students_linked,
        c.students,
        c.parents_linked,
        c.parents,
    );
    print!("{table}");
    Ok(())
}

fn calls(lang: Lang, data: &SchoolData, upcoming: bool, json: bool) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let names: BTreeMap<&str, &str> = data
        .staff
        .iter()
        .map(|s| (s.id.as_str(), s.full_name.as_str()))
        .collect();
    let mut calls: Vec<_> = data
        .video_calls
        .iter()
        .filter(|c| c.published)
        .filter(|c| {
            !upcoming
                || chrono::DateTime::parse_from_rfc3339(&c.starts_at)
                    .map(|t| t > now)
                    .unwrap_or(true)
        })
        .collect();
    calls.sort_by(|a, b| a.starts_at.cmp(&b.starts_at));
    let rows: Vec<serde_json::Value> = calls
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.id, "class": data.class(&c.class).map(|k| k.name.as_str()).unwrap_or(&c.class),
                "subject": c.subject, "teacher": names.get(c.teacher.as_str()).copied().unwrap_or(&c.teacher),
                "starts_at": c.starts_at, "title": c.title, "join_link": c.join_link,
            })
        })
        .collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    if rows.is_empty() {
        let none = match upcoming {
            true => "cli-no-upcoming-calls",
            false => "cli-no-calls",
        };
        println!("{}", tr!(lang, none));
        return Ok(());
    }
    let mut table = table(
        lang,
        &[
            "cli-col-start",
            "cli-col-class",
            "cli-col-subject",
            "cli-col-teacher",
            "cli-col-link",
        ],
    );
    for r in &rows {
        let s = |k: &str| r[k].as_str().unwrap_or("").to_string();
        let link = r["join_link"]
            .as_str()
            .map_or_else(|| tr!(lang, "cli-link-after-run"), String::from);
        table.row([s("starts_at"), s("class"), s("subject"), s("teacher"), link]);
    }
    print!("{table}");
    Ok(())
}

/// `school max-links`: each person's MAX deep link and bound MAX id, by the school data's name.
fn max_links(
    lang: Lang,
    data: &SchoolData,
    bindings: &[exchange_sdk::negotiate::MaxBinding],
    unbound: bool,
    json: bool,
) -> anyhow::Result<()> {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for s in &data.staff {
        let name = tr!(lang, "cli-person-staff", name = &s.full_name);
        names.insert(format!("staff:{}", s.id), name);
    }
    for s in &data.students {
        let class = data
            .class(&s.class)
            .map(|c| c.name.as_str())
            .unwrap_or(&s.class);
        let name = tr!(
            lang,
            "cli-person-student",
            name = &s.full_name,
            class = class
        );
        names.insert(format!("student:{}", s.id), name);
    }
    for p in &data.parents {
        let name = tr!(lang, "cli-person-parent", name = &p.full_name);
        names.insert(format!("parent:{}", p.id), name);
    }
    let rows: Vec<serde_json::Value> = bindings
        .iter()
        .filter(|b| !unbound || b.max_id.is_none())
        .map(|b| {
            serde_json::json!({
                "person": b.person, "name": names.get(&b.person), "max_id": b.max_id, "link": b.link,
            })
        })
        .collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    if rows.is_empty() {
        println!("{}", tr!(lang, "cli-no-max-links"));
        return Ok(());
    }
    let mut table = table(
        lang,
        &[
            "cli-col-person",
            "cli-col-name",
            "cli-col-max-id",
            "cli-col-deep-link",
        ],
    );
    let missing = tr!(lang, "cli-not-in-school-data");
    for r in &rows {
        let text = |k: &str| escape_controls(r[k].as_str().unwrap_or(&missing)).into_owned();
        let id = r["max_id"]
            .as_u64()
            .map_or_else(|| tr!(lang, "cli-not-bound"), |i| i.to_string());
        table.row([text("person"), text("name"), id, text("link")]);
    }
    print!("{table}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sample_school::{sample_school, SampleOptions};

    fn school(students: usize) -> SchoolData {
        sample_school(&SampleOptions { students, seed: 1 })
    }

    #[test]
    fn long_lists_of_changes_are_cut_with_a_count() {
        let (old, new) = (school(300), school(315));
        let changes = diff(Some(&old), &new);
        let added = changes.students.added.len();
        assert!(added > DETAIL_LINES, "{changes:?}");
        let lines = change_lines(Lang::En, &changes);
        let plus_lines = lines.iter().filter(|l| l.starts_with("  + s-")).count();
        assert_eq!(plus_lines, DETAIL_LINES);
        let more = format!("  … and {} more", added - DETAIL_LINES);
        assert!(lines.contains(&more), "{lines:#?}");
        assert!(lines.len() < 120, "{lines:#?}");
    }

    #[test]
    fn control_characters_of_stored_data_are_shown_escaped() {
        // Data stored before the validator refused control characters.
        let mut old = school(30);
        old.students[0].full_name = "Петров\u{1b}[2J\nstudents: unchanged".to_owned();
        let mut new = old.clone();
        new.students.remove(0);
        new.staff[0].extra.insert("x\u{202e}".to_owned(), 1.into());
        let lines = change_lines(Lang::En, &diff(Some(&old), &new));
        let text = lines.join("\n");
        assert!(
            text.contains(r"Петров\u001b[2J\nstudents: unchanged"),
            "{text}"
        );
        assert!(text.contains(r"(x\u202e)"), "{text}");
        assert!(!text
            .chars()
            .any(|c| c != '\n' && exchange_sdk::text::is_control(c)));
    }
}
