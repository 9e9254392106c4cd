//! `exchange-host school …`: importing and inspecting school data.

use super::Env;
use crate::cli::SchoolCommand;
use crate::output::Table;
use crate::school::{diff::diff, sample};
use crate::store::show_time;
use exchange_sdk::school::{Level, SchoolData};
use exchange_sdk::school_validate::parse_school_data;
use std::collections::BTreeMap;
use std::process::ExitCode;

/// Runs a `school` subcommand.
pub fn run(env: &Env, command: SchoolCommand) -> anyhow::Result<ExitCode> {
    if let SchoolCommand::Sample {
        students,
        seed,
        output,
    } = command
    {
        let data = sample::sample_school(&sample::SampleOptions { students, seed });
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
        SchoolCommand::Import { org, file } => {
            let org = store.require_org(&org)?;
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let data = match parse_school_data(&text) {
                Ok(data) => data,
                Err(problems) => {
                    eprintln!(
                        "error: {} was not imported: {} problem{} (the previous data of {} is unchanged)",
                        file.display(), problems.len(), if problems.len() == 1 { "" } else { "s" }, org.id
                    );
                    for problem in &problems {
                        eprintln!("  {problem}");
                    }
                    return Ok(ExitCode::from(2));
                }
            };
            let previous = store.school(&org.id)?;
            let changes = diff(previous.as_ref().map(|p| &p.data), &data);
            store.import_school(&org.id, &data)?;
            println!("Imported {} into {}.", file.display(), org.id);
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
        }
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
                    data.organization.name, org, data.organization.academic_year
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
        SchoolCommand::Sample { .. } => unreachable!("handled above"),
    }
    Ok(ExitCode::SUCCESS)
}

fn load(
    store: &crate::store::Store,
    org: &str,
) -> anyhow::Result<(String, crate::store::school::StoredSchool)> {
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
    let rows: Vec<serde_json::Value> = data
        .staff
        .iter()
        .map(|s| {
            let positions: Vec<String> = s
                .current_positions()
                .map(|p| match p.level {
                    Level::Head1 => format!("{} (Руководитель 1 уровня)", p.title),
                    Level::Head2 => format!("{} (Руководитель 2 уровня)", p.title),
                    _ => p.title.clone(),
                })
                .collect();
            serde_json::json!({
                "id": s.id, "full_name": s.full_name, "positions": positions, "access_roles": s.access_roles,
                "acting_head": s.acting_head, "sferum_id": s.sferum_id,
            })
        })
        .collect();
    if json {
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
    for (s, row) in data.staff.iter().zip(&rows) {
        let positions: Vec<&str> = row["positions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str())
            .collect();
        table.row([
            s.full_name.clone(),
            positions.join("; "),
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
    let linked = data.staff.iter().filter(|s| s.sferum_id.is_some()).count();
    println!("{linked} of {} staff linked to Sferum.", data.staff.len());
    Ok(())
}

fn coverage(data: &SchoolData, json: bool) -> anyhow::Result<()> {
    let mut students_by_class: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut parents_by_class: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let class_of: BTreeMap<&str, &str> = data
        .students
        .iter()
        .map(|s| (s.id.as_str(), s.class.as_str()))
        .collect();
    for s in &data.students {
        let e = students_by_class.entry(&s.class).or_default();
        e.1 += 1;
        e.0 += usize::from(s.sferum_id.is_some());
    }
    for p in &data.parents {
        let mut classes: Vec<&str> = p
            .children
            .iter()
            .filter_map(|c| class_of.get(c.as_str()).copied())
            .collect();
        classes.sort();
        classes.dedup();
        for class in classes {
            let e = parents_by_class.entry(class).or_default();
            e.1 += 1;
            e.0 += usize::from(p.sferum_id.is_some());
        }
    }
    let mut classes: Vec<_> = data.classes.iter().collect();
    classes.sort_by(|a, b| exchange_sdk::school::natural_class_order(&a.name, &b.name));
    let rows: Vec<serde_json::Value> = classes
        .iter()
        .map(|c| {
            let (sl, st) = students_by_class.get(c.id.as_str()).copied().unwrap_or_default();
            let (pl, pt) = parents_by_class.get(c.id.as_str()).copied().unwrap_or_default();
            serde_json::json!({"class": c.name, "students_linked": sl, "students": st, "parents_linked": pl, "parents": pt})
        })
        .collect();
    let total_students = (
        data.students
            .iter()
            .filter(|s| s.sferum_id.is_some())
            .count(),
        data.students.len(),
    );
    let total_parents = (
        data.parents
            .iter()
            .filter(|p| p.sferum_id.is_some())
            .count(),
        data.parents.len(),
    );
    if json {
        let out = serde_json::json!({"classes": rows, "students_linked": total_students.0, "students": total_students.1,
            "parents_linked": total_parents.0, "parents": total_parents.1});
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let pct = |a: usize, b: usize| {
        (a * 100)
            .checked_div(b)
            .map(|p| format!("{p}%"))
            .unwrap_or_else(|| "-".into())
    };
    let mut table = Table::new(["CLASS", "STUDENTS LINKED", "", "PARENTS LINKED", ""]);
    for r in &rows {
        let n = |k: &str| r[k].as_u64().unwrap_or(0) as usize;
        table.row([
            r["class"].as_str().unwrap_or("").to_string(),
            format!("{} of {}", n("students_linked"), n("students")),
            pct(n("students_linked"), n("students")),
            format!("{} of {}", n("parents_linked"), n("parents")),
            pct(n("parents_linked"), n("parents")),
        ]);
    }
    table.row([
        "Total".to_string(),
        format!("{} of {}", total_students.0, total_students.1),
        pct(total_students.0, total_students.1),
        format!("{} of {}", total_parents.0, total_parents.1),
        pct(total_parents.0, total_parents.1),
    ]);
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
