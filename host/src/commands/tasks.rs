//! `exchange-host task …`: adding and configuring tasks, with parameters checked against the
//! plugin's schema before anything is saved.

use super::plugins::display_name;
use super::{fail_with_problems, print_fields, print_warning, require_org, table, Env};
use crate::cli::TaskCommand;
use exchange_core::i18n::status_phrase;
use exchange_core::i18n::{duration_phrase, schedule_phrase, Lang};
use exchange_core::params;
use exchange_core::plugins::Plugin;
use exchange_core::task_config::{self, settings, SettingsInput};
use exchange_core::tr;
use exchange_sdk::manifest::{ParamProblem, Params};
use exchange_store::show_time;
use exchange_store::tasks::{Removal, Task, TaskSettings};
use std::process::ExitCode;

/// Checks assignments against the plugin and prints the warnings (see
/// [`task_config::checked_params`]).
fn checked_params(
    lang: Lang,
    plugin: &Plugin,
    current: &Params,
    values: &[String],
    unset: &[String],
    problems: &mut Vec<ParamProblem>,
) -> anyhow::Result<Params> {
    let checked = task_config::checked_params(plugin, current, values, unset, problems, lang)
        .map_err(|e| {
            let error = format!("{e:#}");
            anyhow::anyhow!(tr!(lang, "error-plugin-could-not-check", error = error))
        })?;
    for warning in &checked.warnings {
        print_warning(lang, warning);
    }
    Ok(checked.values)
}

/// What a task's schedule lets it do, as `task list` and `task show` say it.
#[derive(Clone, Copy)]
enum State {
    Enabled,
    Disabled,
    NoPlugin,
}

impl State {
    fn of(task: &Task, plugin: Option<&Plugin>) -> State {
        match (plugin, task.enabled) {
            (None, _) => State::NoPlugin,
            (Some(_), true) => State::Enabled,
            (Some(_), false) => State::Disabled,
        }
    }

    /// The state in the JSON output (the same in every language).
    fn as_str(self) -> &'static str {
        match self {
            State::Enabled => "enabled",
            State::Disabled => "disabled",
            State::NoPlugin => "plugin not found",
        }
    }

    /// The state in words.
    fn text(self, lang: Lang) -> String {
        match self {
            State::Enabled => tr!(lang, "cli-state-enabled"),
            State::Disabled => tr!(lang, "cli-state-disabled"),
            State::NoPlugin => tr!(lang, "cli-state-no-plugin"),
        }
    }
}

/// Runs a `task` subcommand.
pub fn run(env: &Env, command: TaskCommand) -> anyhow::Result<ExitCode> {
    let lang = env.lang;
    let mut store = env.store()?;
    match command {
        TaskCommand::Add {
            org,
            type_id,
            settings: args,
            values,
        } => {
            let org = require_org(&store, &org, lang)?;
            let registry = env.registry();
            let Some(plugin) = registry.get(&type_id) else {
                anyhow::bail!(registry.not_found_message(&type_id, lang));
            };
            let mut problems = Vec::new();
            let mut settings = settings(&args.into(), &mut problems, lang);
            problems.extend(task_config::second_task_problem(
                &store, plugin, &org.id, lang,
            )?);
            let params = checked_params(lang, plugin, &Params::new(), &values, &[], &mut problems)?;
            if !problems.is_empty() {
                return fail_with_problems(lang, &tr!(lang, "cli-task-not-added"), &problems);
            }
            let schedule = settings
                .schedule
                .take()
                .unwrap_or_else(|| task_config::default_schedule(plugin));
            let id = store.add_task(&org.id, &type_id, schedule, &params, &settings)?;
            println!("{id}");
            let added = tr!(
                lang,
                "cli-task-added",
                task = id,
                type = &plugin.manifest.type_id,
                org = &org.id,
                schedule = schedule_phrase(lang, schedule)
            );
            eprintln!("{added}");
            eprintln!("{}", tr!(lang, "cli-task-added-next", task = id));
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
                require_org(&store, org, lang)?;
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
                println!("{}", tr!(lang, "cli-no-tasks"));
            } else {
                let mut table = table(
                    lang,
                    &[
                        "cli-col-id",
                        "cli-col-org",
                        "cli-col-type",
                        "cli-col-schedule",
                        "cli-col-state",
                        "cli-col-last-run",
                    ],
                );
                for t in &tasks {
                    let last = store.runs(Some(t.id), 1)?.into_iter().next();
                    let last = last.map_or_else(
                        || tr!(lang, "cli-never"),
                        |r| {
                            let status = status_phrase(lang, r.status);
                            format!("{} {status}", show_time(r.started_ms))
                        },
                    );
                    table.row([
                        t.id.to_string(),
                        t.org_id.clone(),
                        t.type_id.clone(),
                        schedule_phrase(lang, t.schedule),
                        State::of(t, registry.get(&t.type_id)).text(lang),
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
                print_task(lang, &task, plugin, &out);
            }
        }
        TaskCommand::Rm { id } => {
            store.require_task(id)?;
            match store.remove_task(id)? {
                Removal::Removed { runs } => {
                    println!("{}", tr!(lang, "cli-task-removed", task = id, runs = runs))
                }
                Removal::Running { run } => {
                    anyhow::bail!(tr!(
                        lang,
                        "cli-task-running-not-removed",
                        task = id,
                        run = run
                    ))
                }
            }
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
            let said = match enable {
                true => "cli-task-enabled",
                false => "cli-task-disabled",
            };
            println!("{}", tr!(lang, said, task = id));
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
    let lang = env.lang;
    let task = store.require_task(id)?;
    let registry = env.registry();
    let Some(plugin) = registry.get(&task.type_id) else {
        let reason = registry.not_found_message(&task.type_id, lang);
        anyhow::bail!(tr!(
            lang,
            "cli-cannot-change-task",
            task = id,
            reason = reason
        ));
    };
    let mut problems = Vec::new();
    let settings = settings(args, &mut problems, lang);
    let params = checked_params(lang, plugin, &task.params, values, unset, &mut problems)?;
    if !problems.is_empty() {
        return fail_with_problems(lang, &tr!(lang, "cli-nothing-changed"), &problems);
    }
    store.update_task(id, &params, &settings)?;
    println!("{}", tr!(lang, "cli-task-updated", task = id));
    Ok(ExitCode::SUCCESS)
}

/// `task show` as text: the settings, then the parameters as `out` (the JSON) shows them.
fn print_task(lang: Lang, task: &Task, plugin: Option<&Plugin>, out: &serde_json::Value) {
    let heading = tr!(
        lang,
        "cli-task-heading",
        task = task.id,
        type = &task.type_id,
        org = &task.org_id
    );
    println!("{heading}");
    let mut fields = Vec::new();
    if let Some(p) = plugin {
        fields.push(("cli-field-type", display_name(lang, &p.manifest)));
    }
    fields.push(("cli-field-state", State::of(task, plugin).text(lang)));
    fields.push(("cli-field-schedule", schedule_phrase(lang, task.schedule)));
    let max_run_time = duration_phrase(lang, task.max_run_time_s as u64);
    fields.push(("cli-field-max-run-time", max_run_time));
    if task.random_delay_s > 0 {
        let delay = duration_phrase(lang, task.random_delay_s as u64);
        fields.push((
            "cli-field-random-delay",
            tr!(lang, "cli-up-to", duration = delay),
        ));
    }
    print_fields(lang, "  ", 2, &fields);
    println!("  {}", tr!(lang, "cli-parameters"));
    let shown = out["params"].as_object().cloned().unwrap_or_default();
    if shown.is_empty() {
        println!("    {}", tr!(lang, "cli-parameters-none"));
    }
    for (key, value) in shown {
        println!("    {key} = {}", value.as_str().unwrap_or_default());
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
        "enabled": task.enabled, "state": State::of(task, plugin).as_str(), "max_run_time_s": task.max_run_time_s,
        "random_delay_s": task.random_delay_s, "params": shown,
        "last_run": last.map(|r| serde_json::json!({"id": r.id, "status": r.status, "started": show_time(r.started_ms)})),
    }))
}
