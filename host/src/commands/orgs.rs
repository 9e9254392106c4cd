//! `exchange-host org …` and `exchange-host links`.

use super::{fail_with_problems, print_warning, require_org, table, Env};
use crate::cli::OrgCommand;
use exchange_core::output::escape_controls;
use exchange_core::params;
use exchange_core::school::problems::text_message;
use exchange_core::tr;
use exchange_sdk::manifest::localized as localized_text;
use exchange_sdk::school_validate::MAX_ORGANIZATION_NAME_CHARS;
use exchange_sdk::text::{name_problem, text_problem, MAX_NAME_CHARS};
use exchange_store::show_time;
use std::process::ExitCode;

/// Runs an `org` subcommand.
pub fn run(env: &Env, command: OrgCommand) -> anyhow::Result<ExitCode> {
    let lang = env.lang;
    let mut store = env.store()?;
    match command {
        OrgCommand::Add { org, name } => {
            let id = org.trim();
            if let Some(problem) = text_problem(id, MAX_NAME_CHARS) {
                let (org, problem) = (escape_controls(&org), text_message(&problem, lang));
                anyhow::bail!(tr!(
                    lang,
                    "cli-org-id-problem",
                    org = &*org,
                    problem = problem
                ));
            }
            if id.is_empty() || id.chars().any(char::is_whitespace) {
                anyhow::bail!(tr!(lang, "cli-org-id-one-word", org = &org));
            }
            if let Some(problem) = name_problem(&name, MAX_ORGANIZATION_NAME_CHARS) {
                let problem = text_message(&problem, lang);
                anyhow::bail!(tr!(lang, "cli-org-name-problem", problem = problem));
            }
            let name = name.trim();
            store.add_org(id, name)?;
            println!("{}", tr!(lang, "cli-org-added", org = id, name = name));
            println!("{}", tr!(lang, "cli-org-added-next", org = id));
        }
        OrgCommand::List { json } => {
            let orgs = store.orgs()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&orgs)?);
            } else if orgs.is_empty() {
                println!("{}", tr!(lang, "cli-no-orgs"));
            } else {
                let columns = [
                    "cli-col-org",
                    "cli-col-name",
                    "cli-col-tasks",
                    "cli-col-school-data",
                ];
                let mut table = table(lang, &columns);
                for org in orgs {
                    let tasks = store.tasks(Some(&org.id))?.len();
                    let school = match store.school_imported_ms(&org.id)? {
                        Some(ms) => tr!(lang, "cli-school-imported", time = show_time(ms)),
                        None => tr!(lang, "cli-school-not-imported"),
                    };
                    table.row([org.id, org.name, tasks.to_string(), school]);
                }
                print!("{table}");
            }
        }
        OrgCommand::Show { org, json } => {
            let org = require_org(&store, &org, lang)?;
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
                let (id, name) = (escape_controls(&org.id), escape_controls(&org.name));
                println!(
                    "{}",
                    tr!(lang, "cli-org-heading", org = &*id, name = &*name)
                );
                println!("{}", tr!(lang, "cli-links-base"));
                if shown.is_empty() {
                    println!("  {}", tr!(lang, "cli-links-base-empty", org = &org.id));
                }
                for (key, value) in shown {
                    println!("  {} = {}", escape_controls(&key), escape_controls(&value));
                }
                for spec in specs.iter().filter(|s| !values.contains_key(&s.key)) {
                    let description =
                        localized_text(&spec.description_i18n, lang.code(), &spec.description);
                    let line = tr!(
                        lang,
                        "cli-key-not-set",
                        key = &spec.key,
                        description = description
                    );
                    println!("  {line}");
                }
            }
        }
        OrgCommand::Set { org, values } => {
            let org = require_org(&store, &org, lang)?;
            let specs = env.org_key_specs();
            let (pairs, mut problems) = params::split_assignments(&values, lang);
            let current = store.org_values(&org.id)?;
            let checked = params::check(&specs, &current, &pairs, &[], lang);
            problems.extend(checked.problems);
            if !problems.is_empty() {
                return fail_with_problems(lang, &tr!(lang, "cli-nothing-saved"), &problems);
            }
            for warning in &checked.warnings {
                print_warning(lang, warning);
            }
            store.replace_org_values(&org.id, &checked.values)?;
            for (key, value) in &checked.values {
                if current.get(key) != Some(value) {
                    println!("{}: {key} = {}", org.id, params::shown(&specs, key, value));
                }
            }
        }
        OrgCommand::Unset { org, keys } => {
            let org = require_org(&store, &org, lang)?;
            let current = store.org_values(&org.id)?;
            let missing: Vec<&str> = keys
                .iter()
                .filter(|k| !current.contains_key(*k))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                let keys = missing.join(", ");
                anyhow::bail!(tr!(lang, "cli-org-no-value", org = &org.id, keys = keys));
            }
            store.update_org_values(&org.id, &Default::default(), &keys)?;
            let keys = keys.join(", ");
            println!(
                "{}",
                tr!(lang, "cli-org-removed-values", org = &org.id, keys = keys)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints an organization's published links tables.
pub fn links(env: &Env, org: &str, json: bool) -> anyhow::Result<ExitCode> {
    let lang = env.lang;
    let store = env.store()?;
    let org = require_org(&store, org, lang)?;
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
        println!("{}", tr!(lang, "cli-no-links", org = &org.id));
        println!("{}", tr!(lang, "cli-no-links-next", org = &org.id));
        return Ok(ExitCode::SUCCESS);
    }
    for (type_id, p) in published {
        let heading = tr!(
            lang,
            "cli-links-heading",
            org = &*escape_controls(&org.name),
            time = show_time(p.published_ms),
            task = p.task_id.unwrap_or(0),
            type = &*escape_controls(&type_id)
        );
        println!("{heading}");
        let mut table = exchange_core::output::Table::new(p.table.columns.clone());
        for row in &p.table.rows {
            let mut cells = vec![row.title.clone()];
            cells.extend(row.links.iter().map(|l| l.clone().unwrap_or_default()));
            table.row(cells);
        }
        print!("{table}");
    }
    Ok(ExitCode::SUCCESS)
}
