//! `exchange-host school …`: importing and inspecting school data.

use super::Env;
use crate::cli::SchoolCommand;
use crate::output::Table;
use crate::school::coverage::{self, percent};
use crate::school::staff::staff_files;
use crate::school::{diff::diff, sample};
use crate::store::show_time;
use exchange_sdk::school::SchoolData;
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
    let files = staff_files(data);
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
