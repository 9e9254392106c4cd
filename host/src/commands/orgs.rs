//! `exchange-host org …` and `exchange-host links`.

use super::{fail_with_problems, Env};
use crate::cli::OrgCommand;
use exchange_core::i18n::Lang;
use exchange_core::output::{escape_controls, Table};
use exchange_core::params;
use exchange_sdk::school_validate::MAX_ORGANIZATION_NAME_CHARS;
use exchange_sdk::text::{name_problem, text_problem, MAX_NAME_CHARS};
use exchange_store::show_time;
use std::process::ExitCode;

/// Runs an `org` subcommand.
pub fn run(env: &Env, command: OrgCommand) -> anyhow::Result<ExitCode> {
    let mut store = env.store()?;
    match command {
        OrgCommand::Add { org, name } => {
            let id = org.trim();
            if let Some(problem) = text_problem(id, MAX_NAME_CHARS) {
                anyhow::bail!("the organization id {}: {problem}", escape_controls(&org));
            }
            if id.is_empty() || id.chars().any(char::is_whitespace) {
                anyhow::bail!(
                    "the organization id {org:?} must be one word without spaces, e.g. school-239"
                );
            }
            if let Some(problem) = name_problem(&name, MAX_ORGANIZATION_NAME_CHARS) {
                anyhow::bail!(
                    "the organization name (--name) {problem}; e.g. --name \"ГБОУ школа № 239\""
                );
            }
            let name = name.trim();
            store.add_org(id, name)?;
            println!("Added organization {id} ({name}).");
            println!("Next: enter its Links base values, e.g. exchange-host org set {id} sferum.community_id=… sferum.access_token=…");
        }
        OrgCommand::List { json } => {
            let orgs = store.orgs()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&orgs)?);
            } else if orgs.is_empty() {
                println!(
                    "No organizations yet. Add one with: exchange-host org add ORG --name \"…\""
                );
            } else {
                let mut table = Table::new(["ORG", "NAME", "TASKS", "SCHOOL DATA"]);
                for org in orgs {
                    let tasks = store.tasks(Some(&org.id))?.len();
                    let school = match store.school(&org.id)? {
                        Some(s) => format!("imported {}", show_time(s.imported_ms)),
                        None => "not imported".into(),
                    };
                    table.row([org.id, org.name, tasks.to_string(), school]);
                }
                print!("{table}");
            }
        }
        OrgCommand::Show { org, json } => {
            let org = store.require_org(&org)?;
            let specs = env.org_key_specs();
            let values = store.org_values(&org.id)?;
            let shown: Vec<(String, String)> = values
                .iter()
                .map(|(k, v)| (k.clone(), params::shown(&specs, k, v)))
                .collect();
            if json {
                let values: serde_json::Map<String, serde_json::Value> =
                    shown.into_iter().map(|(k, v)| (k, v.into())).collect();
                let out =
                    serde_json::json!({ "id": org.id, "name": org.name, "links_base": values });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!(
                    "Organization: {} ({})",
                    escape_controls(&org.id),
                    escape_controls(&org.name)
                );
                println!("Links base:");
                if shown.is_empty() {
                    println!(
                        "  (empty) set values with: exchange-host org set {} key=value",
                        org.id
                    );
                }
                for (key, value) in shown {
                    println!("  {} = {}", escape_controls(&key), escape_controls(&value));
                }
                for spec in specs.iter().filter(|s| !values.contains_key(&s.key)) {
                    println!("  {} is not set: {}", spec.key, spec.description);
                }
            }
        }
        OrgCommand::Set { org, values } => {
            let org = store.require_org(&org)?;
            let specs = env.org_key_specs();
            let (pairs, mut problems) = params::split_assignments(&values, Lang::from_env());
            let current = store.org_values(&org.id)?;
            let checked = params::check(&specs, &current, &pairs, &[], Lang::from_env());
            problems.extend(checked.problems);
            if !problems.is_empty() {
                return fail_with_problems("nothing was saved", &problems);
            }
            for warning in &checked.warnings {
                eprintln!("warning: {warning}");
            }
            store.replace_org_values(&org.id, &checked.values)?;
            for (key, value) in &checked.values {
                if current.get(key) != Some(value) {
                    println!("{}: {key} = {}", org.id, params::shown(&specs, key, value));
                }
            }
        }
        OrgCommand::Unset { org, keys } => {
            let org = store.require_org(&org)?;
            let current = store.org_values(&org.id)?;
            let missing: Vec<&String> = keys.iter().filter(|k| !current.contains_key(*k)).collect();
            if !missing.is_empty() {
                anyhow::bail!(
                    "{} has no value for {} (see: exchange-host org show {})",
                    org.id,
                    missing
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    org.id
                );
            }
            store.update_org_values(&org.id, &Default::default(), &keys)?;
            println!("{}: removed {}", org.id, keys.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints an organization's published links tables.
pub fn links(env: &Env, org: &str, json: bool) -> anyhow::Result<ExitCode> {
    let store = env.store()?;
    let org = store.require_org(org)?;
    let published = store.published_links(&org.id)?;
    if json {
        let out: serde_json::Map<String, serde_json::Value> = published
            .iter()
            .map(|(type_id, p)| {
                (type_id.clone(), serde_json::json!({ "published": show_time(p.published_ms), "task": p.task_id, "table": p.table }))
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    if published.is_empty() {
        println!("{} has no published links yet: they appear after the first successful run of its Sferum sync task", org.id);
        println!(
            "(see: exchange-host task list --org {}; run one with: exchange-host run TASK).",
            org.id
        );
        return Ok(ExitCode::SUCCESS);
    }
    for (type_id, p) in published {
        println!(
            "Чаты Сферум — {} (published {} by task {}, {})",
            escape_controls(&org.name),
            show_time(p.published_ms),
            p.task_id.unwrap_or(0),
            escape_controls(&type_id)
        );
        let mut table = Table::new(p.table.columns.clone());
        for row in &p.table.rows {
            let mut cells = vec![row.title.clone()];
            cells.extend(row.links.iter().map(|l| l.clone().unwrap_or_default()));
            table.row(cells);
        }
        print!("{table}");
    }
    Ok(ExitCode::SUCCESS)
}
