//! `exchange-host task …`: adding and configuring tasks, with parameters checked against the
//! plugin's schema before anything is saved.

use super::{fail_with_problems, Env};
use crate::cli::TaskCommand;
use exchange_core::i18n::Lang;
use exchange_core::output::Table;
use exchange_core::params;
use exchange_core::plugins::Plugin;
use exchange_core::task_config::{self, settings, SettingsInput};
use exchange_sdk::manifest::{ParamProblem, Params};
use exchange_store::show_time;
use exchange_store::tasks::{Task, TaskSettings};
use std::process::ExitCode;

/// Checks assignments against the plugin and prints the warnings (see
/// [`task_config::checked_params`]).
fn checked_params(
    plugin: &Plugin,
    current: &Params,
    values: &[String],
    unset: &[String],
    problems: &mut Vec<ParamProblem>,
) -> anyhow::Result<Params> {
    let checked =
        task_config::checked_params(plugin, current, values, unset, problems, Lang::from_env())?;
    for warning in &checked.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(checked.values)
}

/// Runs a `task` subcommand.
pub fn run(env: &Env, command: TaskCommand) -> anyhow::Result<ExitCode> {
    let mut store = env.store()?;
    match command {
        TaskCommand::Add {
            org,
            type_id,
            settings: args,
            values,
        } => {
            let org = store.require_org(&org)?;
            let registry = env.registry();
            let Some(plugin) = registry.get(&type_id) else {
                anyhow::bail!(registry.not_found_message(&type_id));
            };
            let mut problems = Vec::new();
            let mut settings = settings(&args.into(), &mut problems, Lang::from_env());
            problems.extend(task_config::second_task_problem(
                &store,
                plugin,
                &org.id,
                Lang::from_env(),
            )?);
            let params = checked_params(plugin, &Params::new(), &values, &[], &mut problems)?;
            if !problems.is_empty() {
                return fail_with_problems("the task was not added", &problems);
            }
            let schedule = settings
                .schedule
                .take()
                .unwrap_or_else(|| task_config::default_schedule(plugin));
            let id = store.add_task(&org.id, &type_id, schedule, &params, &settings)?;
            println!("{id}");
            eprintln!(
                "Added task {id}: {} for {} ({schedule}).",
                plugin.manifest.type_id, org.id
            );
            eprintln!("Check it with: exchange-host task check {id}; run it now with: exchange-host run {id}");
        }
        TaskCommand::Set {
            id,
            settings: args,
            values,
        } => return update(env, &mut store, id, &args.into(), &values, &[]),
        TaskCommand::Unset { id, keys } => {
            return update(env, &mut store, id, &SettingsInput::default(), &[], &keys)
        }
        TaskCommand::List { org, json } => {
            if let Some(org) = &org {
                store.require_org(org)?;
            }
            let tasks = store.tasks(org.as_deref())?;
            let registry = env.registry();
            if json {
                let out: Vec<_> = tasks
                    .iter()
                    .map(|t| task_json(t, registry.get(&t.type_id), &store))
                    .collect::<anyhow::Result<_>>()?;
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else if tasks.is_empty() {
                println!(
                    "No tasks. Add one with: exchange-host task add --org ORG --type sferum-sync"
                );
            } else {
                let mut table = Table::new(["ID", "ORG", "TYPE", "SCHEDULE", "STATE", "LAST RUN"]);
                for t in &tasks {
                    let last = store.runs(Some(t.id), 1)?.into_iter().next();
                    let last = last
                        .map(|r| format!("{} {}", show_time(r.started_ms), r.status))
                        .unwrap_or_else(|| "never".into());
                    table.row([
                        t.id.to_string(),
                        t.org_id.clone(),
                        t.type_id.clone(),
                        t.schedule.to_string(),
                        state(t, registry.get(&t.type_id)),
                        last,
                    ]);
                }
                print!("{table}");
            }
        }
        TaskCommand::Show { id, json } => {
            let task = store.require_task(id)?;
            let registry = env.registry();
            let plugin = registry.get(&task.type_id);
            let out = task_json(&task, plugin, &store)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!("Task {}: {} for {}", task.id, task.type_id, task.org_id);
                if let Some(p) = plugin {
                    println!("  Type:          {}", p.manifest.display_name);
                }
                println!("  State:         {}", state(&task, plugin));
                println!("  Schedule:      {}", task.schedule);
                println!("  Max run time:  {}s", task.max_run_time_s);
                if task.random_delay_s > 0 {
                    println!("  Random delay:  up to {}s", task.random_delay_s);
                }
                println!("  Parameters:");
                let shown = out["params"].as_object().cloned().unwrap_or_default();
                if shown.is_empty() {
                    println!("    (none)");
                }
                for (key, value) in shown {
                    println!("    {key} = {}", value.as_str().unwrap_or_default());
                }
            }
        }
        TaskCommand::Rm { id } => {
            let runs = store.remove_task(id)?;
            println!("Removed task {id} with its state and its {runs} recorded run(s).");
        }
        TaskCommand::Enable { id } | TaskCommand::Disable { id } => {
            let enable = matches!(command, TaskCommand::Enable { .. });
            let task = store.require_task(id)?;
            store.update_task(
                id,
                &task.params,
                &TaskSettings {
                    enabled: Some(enable),
                    ..Default::default()
                },
            )?;
            println!(
                "Task {id} {}.",
                if enable {
                    "enabled"
                } else {
                    "disabled: it runs only when started by hand"
                }
            );
        }
        TaskCommand::Check { .. } => unreachable!("dispatched to commands::run::check"),
    }
    Ok(ExitCode::SUCCESS)
}

fn update(
    env: &Env,
    store: &mut exchange_store::Store,
    id: i64,
    args: &SettingsInput,
    values: &[String],
    unset: &[String],
) -> anyhow::Result<ExitCode> {
    let task = store.require_task(id)?;
    let registry = env.registry();
    let Some(plugin) = registry.get(&task.type_id) else {
        anyhow::bail!(
            "cannot change task {id}: {}",
            registry.not_found_message(&task.type_id)
        );
    };
    let mut problems = Vec::new();
    let settings = settings(args, &mut problems, Lang::from_env());
    let params = checked_params(plugin, &task.params, values, unset, &mut problems)?;
    if !problems.is_empty() {
        return fail_with_problems("nothing was changed", &problems);
    }
    store.update_task(id, &params, &settings)?;
    println!("Task {id} updated.");
    Ok(ExitCode::SUCCESS)
}

fn state(task: &Task, plugin: Option<&Plugin>) -> String {
    match (plugin, task.enabled) {
        (None, _) => "plugin not found".into(),
        (Some(_), true) => "enabled".into(),
        (Some(_), false) => "disabled".into(),
    }
}

fn task_json(
    task: &Task,
    plugin: Option<&Plugin>,
    store: &exchange_store::Store,
) -> anyhow::Result<serde_json::Value> {
    let specs = plugin
        .map(|p| p.manifest.params.clone())
        .unwrap_or_default();
    let shown: serde_json::Map<String, serde_json::Value> = task
        .params
        .iter()
        .map(|(k, v)| (k.clone(), params::shown(&specs, k, v).into()))
        .collect();
    let last = store.runs(Some(task.id), 1)?.into_iter().next();
    Ok(serde_json::json!({
        "id": task.id, "org": task.org_id, "type": task.type_id, "schedule": task.schedule,
        "enabled": task.enabled, "state": state(task, plugin), "max_run_time_s": task.max_run_time_s,
        "random_delay_s": task.random_delay_s, "params": shown,
        "last_run": last.map(|r| serde_json::json!({"id": r.id, "status": r.status, "started": show_time(r.started_ms)})),
    }))
}
