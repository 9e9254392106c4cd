//! An in-memory host for plugins' unit tests: it keeps the task state, the log, progress,
//! the published links table and the call links, can be cancelled, and answers `host_info`
//! like a host of this SDK's ABI (or, made with [`TestHost::of_abi_1_0`], like a 1.0 host).
//!
//! [`TestHost::run`], [`TestHost::check`] and [`TestHost::validate`] (or
//! [`TestHost::validate_in`], in a language) go through the same entry points as the real
//! host (the manifest's defaults applied, the parameters checked against it, the host's ABI
//! against [`TaskPlugin::min_host_abi`], panics caught), without a library or a process in
//! between:
//!
//! ```
//! use exchange_sdk::testing::{params, TestHost};
//! use exchange_sdk::{Context, Manifest, ParamSpec, ParamType, RunRequest, RunStatus, RunSummary, TaskPlugin};
//!
//! #[derive(Default)]
//! struct Counter;
//!
//! impl TaskPlugin for Counter {
//!     fn manifest(&self) -> Manifest {
//!         Manifest {
//!             type_id: "counter".into(),
//!             params: vec![ParamSpec::optional("step", ParamType::Integer { min: 1, max: 10 }, Some("1"), "")],
//!             ..Default::default()
//!         }
//!     }
//!     fn check(&self, _: &Context<'_>) -> Result<String, String> {
//!         Ok("ok".into())
//!     }
//!     fn run(&self, ctx: &Context<'_>) -> Result<RunSummary, String> {
//!         let before: i64 = ctx.state_get("count").and_then(|v| v.parse().ok()).unwrap_or(0);
//!         let count = before + ctx.params().integer("step").unwrap_or(1);
//!         ctx.state_set("count", Some(&count.to_string()))?;
//!         ctx.info(&format!("counted to {count}"));
//!         Ok(RunSummary { status: RunStatus::Ok, message: format!("{count}"), counters: Default::default() })
//!     }
//! }
//!
//! let host = TestHost::new();
//! let request = RunRequest { params: params(&[("step", "5")]), ..Default::default() };
//! assert_eq!(host.run::<Counter>(request.clone()).unwrap().message, "5");
//! assert_eq!(host.run::<Counter>(request).unwrap().message, "10");
//! assert_eq!(host.state_value("count").as_deref(), Some("10"));
//! assert_eq!(host.log_lines(), ["info: counted to 5", "info: counted to 10"]);
//! // Parameters that do not fit the manifest never reach the plugin.
//! let bad = RunRequest { params: params(&[("step", "50")]), ..Default::default() };
//! assert!(host.run::<Counter>(bad).unwrap_err().contains("step: expected a whole number 1-10"));
//! ```

use crate::abi::{Host, HostServices, HostServices_TO};
use crate::manifest::{ParamProblem, Params};
use crate::negotiate::{services, unknown_host_service, AbiVersion, HostInfo};
use crate::plugin::{self, Context, LinksTable, LogLevel, RunRequest, RunSummary, TaskPlugin};
use abi_stable::sabi_trait::TD_Opaque;
use abi_stable::std_types::{ROption, RResult, RStr, RString};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// One `progress` report: the stage, done and total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The stage, e.g. `greeting`.
    pub stage: String,
    /// Items done.
    pub done: u64,
    /// Items in all.
    pub total: u64,
}

/// The in-memory host (see the [module](self) documentation). Its fields are what the plugin
/// did; tests read them directly or through the accessors.
#[derive(Debug)]
pub struct TestHost {
    /// The task's persistent state, by key.
    pub state: Mutex<BTreeMap<String, String>>,
    /// The links table published last, if any.
    pub links: Mutex<Option<LinksTable>>,
    /// The video calls' join links the plugin wrote back, by call id.
    pub call_links: Mutex<BTreeMap<String, String>>,
    /// The log lines, in order.
    pub logs: Mutex<Vec<(LogLevel, String)>>,
    /// The progress reports, in order.
    pub progress: Mutex<Vec<Progress>>,
    /// Whether the host asks the run to stop ([`Self::cancel`]).
    pub cancelled: AtomicBool,
    /// Simulates a host that dies during a run: after this many successful state writes,
    /// every further one fails (`None`: never).
    pub crash_after: Mutex<Option<usize>>,
    /// What `host_info` answers; `None` for a host of ABI 1.0, which has no named services.
    pub host_info: Option<HostInfo>,
}

impl Default for TestHost {
    fn default() -> Self {
        TestHost {
            state: Mutex::default(),
            links: Mutex::default(),
            call_links: Mutex::default(),
            logs: Mutex::default(),
            progress: Mutex::default(),
            cancelled: AtomicBool::new(false),
            crash_after: Mutex::default(),
            host_info: Some(HostInfo {
                host: "exchange_sdk::testing".into(),
                abi_version: AbiVersion::current(),
                services: vec![services::HOST_INFO.into()],
            }),
        }
    }
}

/// Task parameters from pairs, for a [`RunRequest`] or [`TestHost::validate`].
pub fn params(pairs: &[(&str, &str)]) -> Params {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl TestHost {
    /// A host of this SDK's ABI with empty state.
    pub fn new() -> TestHost {
        TestHost::default()
    }

    /// A host of ABI 1.0: no `host_info`, no named services.
    pub fn of_abi_1_0() -> TestHost {
        TestHost {
            host_info: None,
            ..TestHost::default()
        }
    }

    /// The host services as a plugin receives them.
    pub fn services(&self) -> Host<'_> {
        HostServices_TO::from_ptr(self, TD_Opaque)
    }

    /// A context for calling a plugin's own functions directly, with `P`'s parameter schema
    /// (so [`Context::params`] applies its defaults and types). Unlike [`Self::run`], the
    /// parameters are not checked against the manifest first.
    pub fn context<P: TaskPlugin>(&self, request: RunRequest) -> Context<'_> {
        let manifest = P::default().manifest();
        let mut request = request;
        request.params = manifest.with_defaults(&request.params);
        Context::new(request, self.services()).with_schema(manifest.params)
    }

    /// Runs the plugin `P` as the host would (through its `run` entry point).
    pub fn run<P: TaskPlugin>(&self, request: RunRequest) -> Result<RunSummary, String> {
        let json = serde_json::to_string(&request).map_err(|e| e.to_string())?;
        let answer = plugin::run_entry::<P>(json.as_str().into(), self.services());
        let summary = answer.into_result().map_err(String::from)?;
        serde_json::from_str(summary.as_str()).map_err(|e| e.to_string())
    }

    /// Asks the plugin `P` to check its service, as the host would.
    pub fn check<P: TaskPlugin>(&self, request: RunRequest) -> Result<String, String> {
        let json = serde_json::to_string(&request).map_err(|e| e.to_string())?;
        plugin::check_entry::<P>(json.as_str().into(), self.services())
            .into_result()
            .map(String::from)
            .map_err(String::from)
    }

    /// The problems the host would report for a task's parameters of type `P` before saving
    /// them: each value against its type, required keys, the manifest's rules between
    /// parameters, then the plugin's own checks without a language (as a host older than ABI
    /// 1.3 asks them: [`TaskPlugin::validate_in`] with the locale `""`).
    pub fn validate<P: TaskPlugin>(&self, values: &Params) -> Vec<ParamProblem> {
        self.validate_in::<P>(values, "")
    }

    /// [`Self::validate`] as a host of ABI 1.3 or later asks it for a person who reads
    /// `locale` (`ru`, `en`): the plugin's own checks ([`TaskPlugin::validate_in`]) answer in
    /// that language; the manifest's problems are the SDK's English ones (the host words
    /// those itself).
    pub fn validate_in<P: TaskPlugin>(&self, values: &Params, locale: &str) -> Vec<ParamProblem> {
        let plugin = P::default();
        let manifest = plugin.manifest();
        let all = manifest.with_defaults(values);
        let problems = manifest.param_problems(&all);
        if !problems.is_empty() {
            return problems;
        }
        plugin.validate_in(&all, locale)
    }

    /// Asks the running plugin to stop ([`Context::is_cancelled`] turns true).
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    /// The log as `level: message` lines.
    pub fn log_lines(&self) -> Vec<String> {
        self.logs
            .lock()
            .unwrap()
            .iter()
            .map(|(level, message)| format!("{}: {message}", level.as_str()))
            .collect()
    }

    /// The task state's value under `key`.
    pub fn state_value(&self, key: &str) -> Option<String> {
        self.state.lock().unwrap().get(key).cloned()
    }

    /// The links table published last.
    pub fn published_links(&self) -> Option<LinksTable> {
        self.links.lock().unwrap().clone()
    }
}

impl HostServices for TestHost {
    fn log(&self, level: u8, message: RStr<'_>) {
        self.logs
            .lock()
            .unwrap()
            .push((LogLevel::from_u8(level), message.to_string()));
    }

    fn progress(&self, stage: RStr<'_>, done: u64, total: u64) {
        self.progress.lock().unwrap().push(Progress {
            stage: stage.to_string(),
            done,
            total,
        });
    }

    fn state_get(&self, key: RStr<'_>) -> ROption<RString> {
        self.state
            .lock()
            .unwrap()
            .get(key.as_str())
            .map(|v| RString::from(v.as_str()))
            .into()
    }

    fn state_set(&self, key: RStr<'_>, value: ROption<RStr<'_>>) -> RResult<(), RString> {
        match self.crash_after.lock().unwrap().as_mut() {
            Some(0) => return RResult::RErr("the host is gone (TestHost::crash_after)".into()),
            Some(left) => *left -= 1,
            None => {}
        }
        let mut state = self.state.lock().unwrap();
        match value.into_option() {
            Some(v) => state.insert(key.to_string(), v.to_string()),
            None => state.remove(key.as_str()),
        };
        RResult::ROk(())
    }

    fn publish_links(&self, table_json: RStr<'_>) -> RResult<(), RString> {
        match serde_json::from_str(table_json.as_str()) {
            Ok(table) => {
                *self.links.lock().unwrap() = Some(table);
                RResult::ROk(())
            }
            Err(e) => RResult::RErr(format!("the links table cannot be read: {e}").into()),
        }
    }

    fn set_call_link(&self, call_id: RStr<'_>, link: RStr<'_>) -> RResult<(), RString> {
        self.call_links
            .lock()
            .unwrap()
            .insert(call_id.to_string(), link.to_string());
        RResult::ROk(())
    }

    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    fn call(&self, name: RStr<'_>, _input_json: RStr<'_>) -> RResult<RString, RString> {
        match (name.as_str(), &self.host_info) {
            (services::HOST_INFO, Some(info)) => match serde_json::to_string(info) {
                Ok(json) => RResult::ROk(json.into()),
                Err(e) => RResult::RErr(e.to_string().into()),
            },
            (other, _) => RResult::RErr(unknown_host_service(other).into()),
        }
    }
}

/// The first run of three or more Latin words in a row on one line, which would be a
/// sentence in English where a person reads Russian. Identifiers (`school-data/1`,
/// `sferum.community_id`, `add_admins`) and anything with another letter or a digit end a
/// run. For tests that the texts a plugin shows are in the person's language.
pub fn latin_sentence(text: &str) -> Option<String> {
    sentence_of(text, |c| c.is_ascii_alphabetic())
}

/// The first run of three or more Cyrillic words in a row on one line, which would be a
/// sentence in Russian where a person reads English: [`latin_sentence`] the other way round.
/// Words with another letter or a digit (`5А`, `VK-Сферум`) end a run, so short names and
/// labels of data pass; for tests that the texts a person reads are in English.
pub fn cyrillic_sentence(text: &str) -> Option<String> {
    sentence_of(text, |c| {
        matches!(c, '\u{0400}'..='\u{04FF}') && c.is_alphabetic()
    })
}

/// The first run of three or more words in a row on one line whose letters are all
/// `letter`s; any other word ends the run.
fn sentence_of(text: &str, letter: impl Fn(char) -> bool) -> Option<String> {
    text.lines().find_map(|line| {
        let mut run: Vec<&str> = Vec::new();
        for chunk in line.split_whitespace() {
            let word = chunk.trim_matches(|c: char| !c.is_alphanumeric());
            if word.is_empty() {
                continue;
            }
            if word.chars().all(&letter) {
                run.push(word);
                if run.len() >= 3 {
                    return Some(run.join(" "));
                }
            } else {
                run.clear();
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cyrillic_check_finds_russian_sentences_only() {
        assert_eq!(
            cyrillic_sentence("Organization: ГБОУ школа № 239, class 5А — родители"),
            None
        );
        assert_eq!(cyrillic_sentence("Учебный коллектив\nЧат учеников"), None);
        assert_eq!(
            cyrillic_sentence("Result: «Запуск остановлен по запросу».").as_deref(),
            Some("Запуск остановлен по")
        );
        assert_eq!(
            cyrillic_sentence("Not found: Страницы нет"),
            None,
            "two words are a name, not a sentence"
        );
        assert_eq!(
            cyrillic_sentence("ещё, строк: 12 — нажмите, чтобы раскрыть").as_deref(),
            Some("нажмите чтобы раскрыть")
        );
    }

    #[test]
    fn the_latin_check_finds_english_sentences_only() {
        assert_eq!(
            latin_sentence("Чаты Сферум: VK Сферум, JSON, school-data/1"),
            None
        );
        assert_eq!(
            latin_sentence("ГБОУ школа № 239 — sferum.community_id add_admins"),
            None
        );
        assert_eq!(
            latin_sentence("Итог: «The run was stopped».").as_deref(),
            Some("The run was")
        );
        assert_eq!(latin_sentence("VK 5A Sferum chats"), None);
    }
}
