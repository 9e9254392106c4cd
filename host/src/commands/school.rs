//! `exchange-host school …`: importing and inspecting school data.

use super::Env;
use crate::cli::SchoolCommand;
use anyhow::Result;
use exchange_core::i18n::Lang;
use exchange_core::output::escape_controls;
use exchange_core::output::Table;
use exchange_core::school::coverage::{self, percent};
use exchange_core::school::diff::diff;
use exchange_core::school::read_text;
use exchange_core::school::shrink::shrinks;
use exchange_core::school::staff::staff_files;
use exchange_sdk::school::SchoolData;
use exchange_sdk::school_validate::{parse_school_data, Problem};
use exchange_store::show_time;
use exchange_store::Store;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

/// Runs a `school` subcommand.
pub fn run(env: &Env, command: SchoolCommand) -> anyhow::Result<ExitCode> {
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
                std::fs::write(&path, json + "\n")
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
                eprintln!(
                    "Wrote a sample school ({} staff, {} classes, {} students, {} parents) to {}",
                    data.staff.len(),
                    data.classes.len(),
                    data.students.len(),
                    data.parents.len(),
                    path.display()
                );
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
        } => return import(&mut store, &org, &file, confirm_shrink),
        SchoolCommand::Show { org, json } => {
            let (org, school) = load(&store, &org)?;
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
                println!(
                    "{} ({}), academic year {}",
                    escape_controls(&data.organization.name),
                    escape_controls(&org),
                    escape_controls(&data.organization.academic_year)
                );
                println!(
                    "Imported {} ({} import(s) so far)",
                    show_time(school.imported_ms),
                    school.imports
                );
                let mut table = Table::new(["RECORDS", "COUNT"]);
                for key in [
                    "staff",
                    "classes",
                    "students",
                    "parents",
                    "subject_groups",
                    "video_calls",
                ] {
                    table.row([key.to_string(), counts[key].to_string()]);
                }
                print!("{table}");
            }
        }
        SchoolCommand::Staff { org, json } => {
            let (_, school) = load(&store, &org)?;
            staff(&school.data, json)?;
        }
        SchoolCommand::Coverage { org, json } => {
            let (_, school) = load(&store, &org)?;
            coverage(&school.data, json)?;
        }
        SchoolCommand::Calls {
            org,
            upcoming,
            json,
        } => {
            let (_, school) = load(&store, &org)?;
            calls(&school.data, upcoming, json)?;
        }
        SchoolCommand::MaxLinks { org, unbound, json } => {
            let (org, school) = load(&store, &org)?;
            max_links(&school.data, &store.max_bindings(&org)?, unbound, json)?;
        }
        SchoolCommand::Sample { .. } => unreachable!("handled above"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `school import`: reads, checks and saves the file, or says why not (exit code 2, nothing
/// saved).
fn import(store: &mut Store, org: &str, file: &Path, confirm_shrink: bool) -> Result<ExitCode> {
    let org = store.require_org(org)?;
    let shown = file.display().to_string();
    let shown = escape_controls(&shown);
    let refuse = |what: String, problems: &[Problem]| {
        eprintln!(
            "error: {shown} was not imported: {what} (the previous data of {} is unchanged)",
            org.id
        );
        for problem in problems {
            eprintln!("  {problem}");
        }
        ExitCode::from(2)
    };
    let bytes = std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {shown}: {e}"))?;
    let text = match read_text(&bytes) {
        Ok(text) => text,
        Err(problem) => return Ok(refuse("it is not UTF-8 text".into(), &[problem])),
    };
    if text.starts_with('\u{feff}') {
        eprintln!("note: {shown} starts with a UTF-8 byte order mark (BOM); it is ignored");
    }
    let data = match parse_school_data(text) {
        Ok(data) => data,
        Err(problems) => {
            let count = problems.len();
            let what = format!("{count} problem{}", if count == 1 { "" } else { "s" });
            return Ok(refuse(what, &problems));
        }
    };
    if data.organization.id != org.id {
        let problem = Problem {
            path: "organization.id".into(),
            message: format!(
                "this file is the data of {} («{}»), not of {}: import the file of {} instead, or this one into the organization it is for",
                escape_controls(&data.organization.id),
                escape_controls(&data.organization.name),
                org.id,
                org.id
            ),
        };
        return Ok(refuse(
            "it is another organization's data".into(),
            &[problem],
        ));
    }
    let previous = store.school(&org.id)?;
    if let Some(previous) = &previous {
        let shrinks = shrinks(&previous.data, &data);
        if !shrinks.is_empty() && !confirm_shrink {
            eprintln!(
                "error: {shown} was not imported: it would take away more than a third of the school (the previous data of {} is unchanged):",
                org.id
            );
            for shrink in &shrinks {
                eprintln!("  {shrink}");
            }
            eprintln!(
                "The next Sferum sync would remove those people from their chats. If the file is right (the school really is that much smaller), import it again with --confirm-shrink."
            );
            return Ok(ExitCode::from(2));
        }
    }
    let changes = diff(previous.as_ref().map(|p| &p.data), &data);
    store.import_school(&org.id, &data)?;
    println!("Imported {shown} into {}.", org.id);
    print!("{changes}");
    let due = store
        .tasks(Some(&org.id))?
        .into_iter()
        .filter(|t| t.enabled)
        .count();
    if due > 0 {
        println!(
            "{due} enabled task(s) of {} are now due and run at the next chance.",
            org.id
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn load(
    store: &exchange_store::Store,
    org: &str,
) -> anyhow::Result<(String, exchange_store::school::StoredSchool)> {
    let org = store.require_org(org)?;
    match store.school(&org.id)? {
        Some(school) => Ok((org.id, school)),
        None => anyhow::bail!(
            "{} has no school data yet: import it with: exchange-host school import {} FILE.json (a sample: exchange-host school sample -o sample.json)",
            org.id, org.id
        ),
    }
}

fn sferum(id: Option<u64>) -> String {
    id.map(|id| id.to_string())
        .unwrap_or_else(|| "not linked".into())
}

fn staff(data: &SchoolData, json: bool) -> anyhow::Result<()> {
    let files = staff_files(data, Lang::from_env());
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
    let mut table = Table::new([
        "NAME",
        "CURRENT POSITIONS",
        "ROLES",
        "ACTING HEAD",
        "SFERUM ID",
    ]);
    for s in &files {
        table.row([
            s.full_name.clone(),
            s.positions.join("; "),
            s.access_roles.join(", "),
            if s.acting_head {
                "yes".into()
            } else {
                String::new()
            },
            sferum(s.sferum_id),
        ]);
    }
    print!("{table}");
    let linked = files.iter().filter(|s| s.sferum_id.is_some()).count();
    println!("{linked} of {} staff linked to Sferum.", files.len());
    Ok(())
}

fn coverage(data: &SchoolData, json: bool) -> anyhow::Result<()> {
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
    let mut table = Table::new(["CLASS", "STUDENTS LINKED", "", "PARENTS LINKED", ""]);
    let mut row = |class: &str, sl: usize, st: usize, pl: usize, pt: usize| {
        table.row([
            class.to_string(),
            format!("{sl} of {st}"),
            percent(sl, st),
            format!("{pl} of {pt}"),
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
        "Total",
        c.students_linked,
        c.students,
        c.parents_linked,
        c.parents,
    );
    print!("{table}");
    Ok(())
}

fn calls(data: &SchoolData, upcoming: bool, json: bool) -> anyhow::Result<()> {
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
        println!(
            "No published video calls{}.",
            if upcoming { " to come" } else { "" }
        );
        return Ok(());
    }
    let mut table = Table::new(["START", "CLASS", "SUBJECT", "TEACHER", "LINK"]);
    for r in &rows {
        let s = |k: &str| r[k].as_str().unwrap_or("").to_string();
        let link = r["join_link"]
            .as_str()
            .map(String::from)
            .unwrap_or_else(|| "waiting for the next run".into());
        table.row([s("starts_at"), s("class"), s("subject"), s("teacher"), link]);
    }
    print!("{table}");
    Ok(())
}

/// `school max-links`: each person's MAX deep link and bound MAX id, by the school data's name.
fn max_links(
    data: &SchoolData,
    bindings: &[exchange_sdk::negotiate::MaxBinding],
    unbound: bool,
    json: bool,
) -> anyhow::Result<()> {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for s in &data.staff {
        names.insert(
            format!("staff:{}", s.id),
            format!("{} (сотрудник)", s.full_name),
        );
    }
    for s in &data.students {
        let class = data
            .class(&s.class)
            .map(|c| c.name.as_str())
            .unwrap_or(&s.class);
        names.insert(
            format!("student:{}", s.id),
            format!("{} (ученик, {class})", s.full_name),
        );
    }
    for p in &data.parents {
        names.insert(
            format!("parent:{}", p.id),
            format!("{} (родитель)", p.full_name),
        );
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
        println!("No MAX deep links yet: a run of the MAX task (max-sync) hands them out to the people who have no MAX id.");
        return Ok(());
    }
    let mut table = Table::new(["PERSON", "NAME", "MAX ID", "DEEP LINK"]);
    for r in &rows {
        let text = |k: &str| {
            escape_controls(r[k].as_str().unwrap_or("(not in the school data)")).into_owned()
        };
        let id = r["max_id"]
            .as_u64()
            .map(|i| i.to_string())
            .unwrap_or_else(|| "not bound yet".into());
        table.row([text("person"), text("name"), id, text("link")]);
    }
    print!("{table}");
    Ok(())
}
