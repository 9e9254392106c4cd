//! An example task type for exchange-host: copy this crate to start a plugin.
//!
//! A plugin is a `cdylib` crate that depends on `exchange-sdk`, implements
//! [`exchange_sdk::TaskPlugin`] on a `Default` type, and exports it with
//! [`exchange_sdk::export_plugin!`]. Build it, drop the shared library into the host's plugins
//! folder, and `exchange-host plugins show example` lists its parameters.
//!
//! This example also serves the host's own tests: its `mode` parameter makes a run succeed,
//! fail, sleep, panic, abort, crash or hang, so the host's isolation can be shown to work.
//! Setting the environment variable `EXAMPLE_PLUGIN_PANIC_IN_MANIFEST=1` makes even its manifest
//! entry point panic (a broken plugin for the discovery tests), and
//! `EXAMPLE_PLUGIN_MIN_HOST_ABI=1.N` makes it declare that it needs a host of plugin ABI 1.N
//! (a plugin built for a newer host than the one it is put in).

use exchange_sdk::manifest::{ParamProblem, Params};
use exchange_sdk::{
    AbiVersion, Context, Manifest, ParamSpec, ParamType, RunStatus, RunSummary, TaskPlugin,
};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The example task type.
#[derive(Default)]
pub struct ExamplePlugin;

impl TaskPlugin for ExamplePlugin {
    fn manifest(&self) -> Manifest {
        if std::env::var_os("EXAMPLE_PLUGIN_PANIC_IN_MANIFEST").is_some() {
            panic!("manifest failure requested by EXAMPLE_PLUGIN_PANIC_IN_MANIFEST");
        }
        Manifest {
            type_id: "example".into(),
            display_name: "Пример задачи обмена".into(),
            description:
                "Counts the school's people and writes a greeting; a template for plugin authors."
                    .into(),
            version: env!("CARGO_PKG_VERSION").into(),
            abi_version: String::new(),
            default_schedule: Some("manual".into()),
            several_tasks_per_org: true,
            params: vec![
                ParamSpec::optional(
                    "mode",
                    ParamType::Enum {
                        values: ["ok", "fail", "panic", "abort", "segfault", "exit", "hang"]
                            .map(String::from)
                            .to_vec(),
                    },
                    Some("ok"),
                    "How the run behaves (the host's tests use the failing ones).",
                )
                .with_label("ru", "Поведение запуска")
                .with_description(
                    "ru",
                    "Как ведёт себя запуск (тесты программы используют режимы со сбоями).",
                ),
                ParamSpec::optional(
                    "sleep",
                    ParamType::Duration,
                    Some("0s"),
                    "How long the run works before it ends.",
                )
                .with_label("ru", "Длительность работы")
                .with_description("ru", "Сколько времени запуск работает до завершения."),
                ParamSpec::optional(
                    "greeting",
                    ParamType::String,
                    Some("Здравствуйте"),
                    "The text written to the log.",
                )
                .with_label("ru", "Приветствие")
                .with_description("ru", "Текст, который пишется в журнал."),
                ParamSpec::optional(
                    "repeat",
                    ParamType::Integer { min: 1, max: 100 },
                    Some("1"),
                    "How many log lines to write.",
                )
                .with_label("ru", "Число повторов")
                .with_description("ru", "Сколько строк написать в журнал."),
                ParamSpec::optional(
                    "api_key",
                    ParamType::Secret,
                    None,
                    "A secret, to show how secrets are handled.",
                )
                .with_label("ru", "Ключ API")
                .with_description("ru", "Секрет: показывает, как обращаются с секретами."),
            ],
            org_keys: vec![ParamSpec::optional(
                "example.greeting_name",
                ParamType::String,
                None,
                "Whom the greeting addresses (an organization-level value).",
            )
            .with_label("ru", "Кого приветствовать")
            .with_description(
                "ru",
                "К кому обращается приветствие (значение организации).",
            )],
            description_i18n: ru(
                "Считает людей школы и пишет приветствие; образец для авторов модулей.",
            ),
            counter_labels: [
                ("runs", "запусков этой задачи"),
                ("staff", "сотрудников"),
                ("students", "учеников"),
            ]
            .into_iter()
            .map(|(counter, label)| (counter.to_string(), ru(label)))
            .collect(),
            ..Manifest::default()
        }
    }

    fn validate(&self, params: &Params) -> Vec<ParamProblem> {
        let mut problems = Vec::new();
        let sleeps = params
            .get("sleep")
            .is_some_and(|s| exchange_sdk::manifest::parse_duration(s).is_ok_and(|n| n > 0));
        if params.get("mode").map(String::as_str) == Some("hang") && sleeps {
            problems.push(ParamProblem {
                key: Some("sleep".into()),
                message: "has no effect with mode=hang: remove it".into(),
            });
        }
        problems
    }

    fn check(&self, ctx: &Context<'_>) -> Result<String, String> {
        // A service newer than ABI 1.0 is asked for first: older hosts do not have it.
        let host = match ctx.host_info() {
            Some(info) => format!("{}, plugin ABI {}", info.host, info.abi_version),
            None => format!("a host of plugin ABI {}", ctx.host_abi()),
        };
        match ctx.param("mode") {
            Some("fail") => Err("the example service refuses (mode=fail)".into()),
            _ => Ok(format!(
                "the example service needs nothing and is always reachable (running in {host})"
            )),
        }
    }

    fn min_host_abi(&self) -> AbiVersion {
        std::env::var("EXAMPLE_PLUGIN_MIN_HOST_ABI")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(AbiVersion::V1_0)
    }

    fn run(&self, ctx: &Context<'_>) -> Result<RunSummary, String> {
        let runs = ctx
            .state_get("runs")
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            + 1;
        ctx.state_set("runs", Some(&runs.to_string()))?;
        let greeting = ctx.param("greeting").unwrap_or("Здравствуйте");
        // Texts follow the host's language; Russian when it does not say.
        let english = ctx.locale().starts_with("en");
        let repeat: u64 = ctx
            .param("repeat")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        for i in 0..repeat {
            ctx.info(&match english {
                true => format!("{greeting} ({} of {repeat})", i + 1),
                false => format!("{greeting} ({} из {repeat})", i + 1),
            });
            ctx.progress("greeting", i + 1, repeat);
        }
        let sleep = ctx
            .param("sleep")
            .and_then(|v| exchange_sdk::manifest::parse_duration(v).ok())
            .unwrap_or(0);
        let deadline = Instant::now() + Duration::from_secs(sleep);
        while Instant::now() < deadline {
            if ctx.is_cancelled() {
                return Err(match english {
                    true => "cancelled by the host".into(),
                    false => "остановлен по запросу".into(),
                });
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        match ctx.param("mode").unwrap_or("ok") {
            "fail" => return Err("failure requested (mode=fail)".into()),
            "panic" => panic!("panic requested (mode=panic)"),
            "abort" => std::process::abort(),
            "exit" => std::process::exit(3),
            // SAFETY: not safe at all: this mode exists to show that a crashing plugin only
            // fails its own run.
            "segfault" => unsafe {
                let null: *mut u8 = std::ptr::null_mut();
                std::ptr::write_volatile(null, 1);
            },
            "hang" => loop {
                std::thread::sleep(Duration::from_secs(1));
            },
            _ => {}
        }
        let school = ctx.request().school.as_ref();
        let mut counters = BTreeMap::new();
        counters.insert("runs".to_string(), runs);
        counters.insert(
            "staff".to_string(),
            school.map_or(0, |s| s.staff.len() as u64),
        );
        counters.insert(
            "students".to_string(),
            school.map_or(0, |s| s.students.len() as u64),
        );
        Ok(RunSummary {
            status: RunStatus::Ok,
            message: match english {
                true => format!("greeted {repeat} time(s); run number {runs} of this task"),
                false => format!("приветствий: {repeat}; запуск № {runs} этой задачи"),
            },
            counters,
        })
    }
}

/// One text in Russian (the language this plugin translates its texts to).
fn ru(text: &str) -> exchange_sdk::manifest::Texts {
    [("ru".to_string(), text.to_string())].into()
}

exchange_sdk::export_plugin!(ExamplePlugin);
