//! Checking a task's configuration before it is saved: the host-level settings (schedule,
//! max run time, random delay) and the plugin parameters (the schema first, then the
//! plugin's own rules). Shared by the CLI and the web console, so both refuse the same input
//! with the same messages.

use crate::i18n::{self, Lang};
use crate::params;
use crate::plugins::Plugin;
use crate::schedule::{self, Schedule};
use crate::tr;
use exchange_sdk::manifest::{ParamProblem, Params};
use exchange_store::tasks::TaskSettings;
use exchange_store::Store;

/// The host-level settings as given (`task add/set`'s options, the console's form), before
/// they are checked; `None` leaves a setting as it is.
#[derive(Debug, Default, Clone)]
pub struct SettingsInput {
    /// When it runs, e.g. "every 30m" or «каждые 30 минут».
    pub schedule: Option<String>,
    /// Longest a run may take before it is killed, e.g. 1h.
    pub max_run_time: Option<String>,
    /// Up to this much random delay before each scheduled run, e.g. 5m.
    pub random_delay: Option<String>,
}

/// Parses the host-level settings; problems are collected (keyed by the CLI flag, e.g.
/// `--schedule`), not thrown, in `lang`.
pub fn settings(
    args: &SettingsInput,
    problems: &mut Vec<ParamProblem>,
    lang: Lang,
) -> TaskSettings {
    let mut out = TaskSettings::default();
    if let Some(text) = &args.schedule {
        match schedule::parse_in(text, lang) {
            Ok(s) => out.schedule = Some(s),
            Err(message) => problems.push(ParamProblem {
                key: Some("--schedule".into()),
                message,
            }),
        }
    }
    let mut duration = |flag: &str, value: &Option<String>, range: Bound| -> Option<i64> {
        let text = value.as_ref()?;
        match i18n::parse_duration(text) {
            Ok(secs) if (range.min..=range.max).contains(&secs) => Some(secs as i64),
            Ok(_) => {
                problems.push(ParamProblem {
                    key: Some(flag.into()),
                    message: tr!(
                        lang,
                        "duration-out-of-range",
                        min = i18n::duration_phrase(lang, range.min),
                        max = i18n::duration_phrase(lang, range.max),
                        typed_min = range.min_text,
                        typed_max = range.max_text,
                        value = text
                    ),
                });
                None
            }
            Err(_) => {
                problems.push(ParamProblem {
                    key: Some(flag.into()),
                    message: tr!(lang, "duration-invalid", value = text),
                });
                None
            }
        }
    };
    out.max_run_time_s = duration("--max-run-time", &args.max_run_time, MAX_RUN_TIME);
    out.random_delay_s = duration("--random-delay", &args.random_delay, RANDOM_DELAY);
    out
}

/// The allowed range of a duration setting, in seconds, and its ends as typed on the command
/// line (what the English refusal names; other languages say the ends in their own units).
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    pub min: u64,
    pub max: u64,
    pub min_text: &'static str,
    pub max_text: &'static str,
}

/// How long one run may take before it is stopped: a second to a day.
pub const MAX_RUN_TIME: Bound = Bound {
    min: 1,
    max: 86_400,
    min_text: "1s",
    max_text: "24h",
};

/// The longest random delay before a scheduled run: half a day.
pub const RANDOM_DELAY: Bound = Bound {
    min: 0,
    max: 43_200,
    min_text: "0s",
    max_text: "12h",
};

/// Parameters that passed the checks, with notes that are not errors.
#[derive(Debug, Default)]
pub struct CheckedParams {
    /// The values to store, by canonical key (defaults not filled in).
    pub values: Params,
    /// E.g. a key typed with Cyrillic letters that was saved under its Latin key.
    pub warnings: Vec<String>,
}

/// Checks `key=value` assignments and removals on top of `current`: the schema first, then
/// (when the schema is satisfied) the rules between parameters the manifest declares, then
/// (when those hold) the plugin's own rules, on the values with defaults. Problems are
/// appended to `problems` (in `lang`, the plugin's rules too if it speaks `lang`); an error means
/// the plugin could not be asked, and says why in `lang` (the caller frames it, e.g. with
/// `error-plugin-could-not-check`). Problems already in `problems` (e.g. of the schedule) do not
/// stop these checks: every problem is reported at once.
pub fn checked_params(
    plugin: &Plugin,
    current: &Params,
    values: &[String],
    unset: &[String],
    problems: &mut Vec<ParamProblem>,
    lang: Lang,
) -> anyhow::Result<CheckedParams> {
    let (pairs, split_problems) = params::split_assignments(values, lang);
    let mut own = split_problems;
    let checked = params::check(&plugin.manifest.params, current, &pairs, unset, lang);
    own.extend(checked.problems);
    let all = params::with_defaults(&plugin.manifest.params, &checked.values);
    if own.is_empty() {
        own.extend(plugin.manifest.dependency_problems_in(&all, lang.code()));
    }
    if own.is_empty() {
        problems.extend(
            plugin
                .validate(&all, lang)
                .map_err(|reason| anyhow::anyhow!(reason.message(lang)))?,
        );
    }
    problems.extend(own);
    Ok(CheckedParams {
        values: checked.values,
        warnings: checked.warnings,
    })
}

/// The problem with adding a task of `plugin`'s type to organization `org`, if its type
/// allows one task per organization and the organization has one already.
pub fn second_task_problem(
    store: &Store,
    plugin: &Plugin,
    org: &str,
    lang: Lang,
) -> anyhow::Result<Option<ParamProblem>> {
    if plugin.manifest.several_tasks_per_org {
        return Ok(None);
    }
    let type_id = &plugin.manifest.type_id;
    Ok(store
        .tasks(Some(org))?
        .into_iter()
        .find(|t| &t.type_id == type_id)
        .map(|first| ParamProblem {
            key: Some("type".into()),
            message: tr!(
                lang,
                "task-second-of-type",
                org = org,
                type = type_id,
                task = first.id
            ),
        }))
}

/// The schedule a new task of this type gets when none is given: the plugin's default, else
/// `manual`.
pub fn default_schedule(plugin: &Plugin) -> Schedule {
    plugin
        .manifest
        .default_schedule
        .as_deref()
        .and_then(|text| schedule::parse_in(text, Lang::En).ok())
        .unwrap_or(Schedule::Manual)
}
