//! The `example` task type: greets the school in the run's log and counts its people.
//! A template for plugin authors (docs/plugin-guide.md): copy the crate, rename it, change
//! the manifest and `run`.

use exchange_sdk::manifest::{Condition, Dependency};
use exchange_sdk::{Context, Manifest, ParamSpec, ParamType, RunStatus, RunSummary, TaskPlugin};
use std::collections::BTreeMap;

/// The task type. The host makes one with `Default` for every call.
#[derive(Default)]
pub struct Example;

impl TaskPlugin for Example {
    fn manifest(&self) -> Manifest {
        Manifest {
            type_id: "example".into(),
            display_name: "Пример задачи обмена".into(),
            description:
                "Greets the school in the run's log and counts its classes, students and staff."
                    .into(),
            version: env!("CARGO_PKG_VERSION").into(),
            default_schedule: Some("manual".into()),
            several_tasks_per_org: true,
            params: vec![
                ParamSpec::optional(
                    "greeting",
                    ParamType::String,
                    Some("Hello"),
                    "The text written to the log.",
                ),
                ParamSpec::optional(
                    "repeat",
                    ParamType::Integer { min: 1, max: 10 },
                    Some("1"),
                    "How many times to write it.",
                ),
                ParamSpec::optional(
                    "sign",
                    ParamType::Flag,
                    Some("0"),
                    "1 to sign the greeting.",
                ),
                ParamSpec::optional(
                    "signature",
                    ParamType::String,
                    None,
                    "The signature (with sign=1).",
                ),
            ],
            requires: vec![
                Dependency::required_with(&["signature"], Condition::equals("sign", "1")),
                Dependency::only_with(&["signature"], Condition::equals("sign", "1")),
            ],
            ..Default::default()
        }
    }

    fn check(&self, _ctx: &Context<'_>) -> Result<String, String> {
        Ok("the example task needs no outside service".into())
    }

    fn run(&self, ctx: &Context<'_>) -> Result<RunSummary, String> {
        let params = ctx.params();
        let greeting = params.text("greeting").unwrap_or("Hello");
        let line = match params.flag("sign") {
            // The manifest's rule holds: with sign=1 there is a signature.
            true => format!(
                "{greeting}! — {}",
                params.text("signature").unwrap_or_default()
            ),
            false => format!("{greeting}!"),
        };
        let repeat = params.integer("repeat").unwrap_or(1).unsigned_abs();
        for done in 1..=repeat {
            if ctx.is_cancelled() {
                return Err("cancelled by the host".into());
            }
            ctx.info(&line);
            ctx.progress("greeting", done, repeat);
        }
        let runs = ctx
            .state_get("runs")
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            + 1;
        ctx.state_set("runs", Some(&runs.to_string()))?;
        let school = ctx.request().school.as_ref();
        let count = |n: fn(&exchange_sdk::school::SchoolData) -> usize| school.map_or(0, n) as u64;
        let counters = BTreeMap::from([
            ("runs".to_string(), runs),
            ("classes".to_string(), count(|s| s.classes.len())),
            ("students".to_string(), count(|s| s.students.len())),
            ("staff".to_string(), count(|s| s.staff.len())),
        ]);
        Ok(RunSummary {
            status: RunStatus::Ok,
            message: format!("greeted {repeat} time(s); run {runs} of this task"),
            counters,
        })
    }
}

exchange_sdk::export_plugin!(Example);
