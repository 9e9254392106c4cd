//! The worker: a child process of the host that loads one plugin and runs (or checks) one
//! task. A plugin that crashes, aborts or hangs takes only this process down. It loads only
//! the task's own plugin library and hands it only the Links base keys that plugin declares.
//!
//! It writes [`Event`]s to standard output and persists state, links and call links to the
//! store directly, so they are durable the moment the plugin's call returns.

use super::protocol::{Event, CANCEL_LINE};
use crate::i18n::Lang;
use crate::params::with_defaults;
use crate::plugins::loader::host_calls;
use crate::plugins::scan::Scanner;
use crate::plugins::{loader, Registry};
use crate::redact::Redactor;
use crate::secrets::{self, SecretKind};
use crate::tr;
use abi_stable::sabi_trait::TD_Opaque;
use abi_stable::std_types::{ROption, RResult, RStr, RString};
use exchange_sdk::abi::{HostServices, HostServices_TO};
use exchange_sdk::plugin::LinksTable;
use exchange_sdk::{LogLevel, RunRequest, RunSummary};
use exchange_store::Store;
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// What the worker is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Run { dry_run: bool, force: bool },
    Check,
}

/// Writes one event as a JSON line to standard output.
fn emit(event: &Event) {
    let line = serde_json::to_string(event).expect("events serialize");
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// The host services backed by the store and standard output.
struct WorkerHost {
    store: Mutex<Store>,
    task_id: i64,
    org_id: String,
    type_id: String,
    cancelled: Arc<AtomicBool>,
    redactor: Redactor,
    /// The language of the errors the plugin gets from the host.
    lang: Lang,
}

impl WorkerHost {
    /// A store write's outcome for the plugin, an error in the run's language.
    fn result(&self, r: anyhow::Result<()>) -> RResult<(), RString> {
        match r {
            Ok(()) => RResult::ROk(()),
            Err(e) => RResult::RErr(crate::errors::message(self.lang, &e).into()),
        }
    }
}

impl HostServices for WorkerHost {
    fn log(&self, level: u8, message: RStr<'_>) {
        emit(&Event::Log {
            level: LogLevel::from_u8(level),
            message: self.redactor.clean(message.as_str()),
        });
    }

    fn progress(&self, stage: RStr<'_>, done: u64, total: u64) {
        emit(&Event::Progress {
            stage: stage.to_string(),
            done,
            total,
        });
    }

    fn state_get(&self, key: RStr<'_>) -> ROption<RString> {
        match self
            .store
            .lock()
            .unwrap()
            .state_get(self.task_id, key.as_str())
        {
            Ok(Some(v)) => ROption::RSome(v.into()),
            _ => ROption::RNone,
        }
    }

    fn state_set(&self, key: RStr<'_>, value: ROption<RStr<'_>>) -> RResult<(), RString> {
        let value = value.into_option().map(|v| v.to_string());
        self.result(self.store.lock().unwrap().state_set(
            self.task_id,
            key.as_str(),
            value.as_deref(),
        ))
    }

    fn publish_links(&self, table_json: RStr<'_>) -> RResult<(), RString> {
        let table: LinksTable = match serde_json::from_str(table_json.as_str()) {
            Ok(t) => t,
            Err(e) => {
                let message = tr!(self.lang, "run-links-unreadable", error = e.to_string());
                return RResult::RErr(message.into());
            }
        };
        self.result(self.store.lock().unwrap().publish_links(
            &self.org_id,
            &self.type_id,
            self.task_id,
            &table,
        ))
    }

    fn set_call_link(&self, call_id: RStr<'_>, link: RStr<'_>) -> RResult<(), RString> {
        self.result(self.store.lock().unwrap().set_call_link(
            &self.org_id,
            call_id.as_str(),
            link.as_str(),
        ))
    }

    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    fn call(&self, name: RStr<'_>, input_json: RStr<'_>) -> RResult<RString, RString> {
        let scope = host_calls::RunScope {
            store: &self.store,
            org_id: &self.org_id,
        };
        host_calls::answer(name.as_str(), input_json.as_str(), &scope)
            .map(RString::from)
            .map_err(RString::from)
            .into()
    }
}

/// Runs the worker: loads the task's plugin, runs or checks it, and reports events. Every
/// outcome, a failure to start the plugin included, is reported as an event; the host reads
/// a missing final event as a crash.
pub fn main(db: PathBuf, plugin_dirs: Vec<PathBuf>, task_id: i64, mode: Mode, locale: String) {
    let lang = Lang::of_locale(&locale);
    if let Err(e) = work(db, plugin_dirs, task_id, mode, locale) {
        emit(&Event::Failed {
            message: crate::errors::message(lang, &e),
        });
    }
}

fn work(
    db: PathBuf,
    plugin_dirs: Vec<PathBuf>,
    task_id: i64,
    mode: Mode,
    locale: String,
) -> anyhow::Result<()> {
    let lang = Lang::of_locale(&locale);
    let store = Store::open(&db)?;
    let task = store.require_task(task_id)?;
    // The manifests come from the scan cache or scanner children: the only plugin library
    // this process loads is the task's own, so no other plugin can crash or hang this run.
    let registry = Registry::discover(&plugin_dirs, &Scanner::beside_database(&db));
    let Some(found) = registry.get(&task.type_id) else {
        anyhow::bail!(registry.not_found_message(&task.type_id, lang));
    };
    let file = found.path.display().to_string();
    let plugin = loader::load(&found.path).map_err(|refusal| {
        let reason = refusal.message(lang);
        anyhow::anyhow!(tr!(
            lang,
            "run-plugin-not-loaded",
            file = &*file,
            reason = reason
        ))
    })?;
    if plugin.manifest.type_id != task.type_id {
        anyhow::bail!(tr!(
            lang,
            "run-plugin-replaced",
            file = file,
            now = &plugin.manifest.type_id,
            type = &task.type_id
        ));
    }
    if !plugin.manifest.several_tasks_per_org {
        // A database from before the rule may hold two such tasks: the first one runs.
        if let Some(first) = store
            .tasks(Some(&task.org_id))?
            .into_iter()
            .find(|t| t.type_id == task.type_id && t.id < task.id)
        {
            anyhow::bail!(tr!(
                lang,
                "run-second-task",
                org = &task.org_id,
                type = &task.type_id,
                first = first.id,
                task = task.id
            ));
        }
    }
    let all_org_values = store.org_values(&task.org_id)?;
    // Whatever the plugin writes is scrubbed of the task's and organization's secrets before
    // it reaches the host's output, database and web console.
    let mut redactor = Redactor::of(&registry.org_key_specs(), &all_org_values);
    redactor.add(&plugin.manifest.params, &task.params);
    // A plugin receives only the Links base keys it declares, never another plugin's.
    let org_keys = &plugin.manifest.org_keys;
    let org_values: BTreeMap<String, String> = all_org_values
        .into_iter()
        .filter(|(key, _)| org_keys.iter().any(|spec| &spec.key == key))
        .collect();
    // Secrets kept in files are read now, and scrubbed like the others.
    let org_values =
        secrets::resolve(org_keys, &org_values, SecretKind::OrgKey, lang).map_err(|e| {
            anyhow::anyhow!(tr!(lang, "run-org-problem", org = &task.org_id, error = e))
        })?;
    let params = with_defaults(&plugin.manifest.params, &task.params);
    let params = secrets::resolve(
        &plugin.manifest.params,
        &params,
        SecretKind::Parameter,
        lang,
    )
    .map_err(|e| anyhow::anyhow!(tr!(lang, "run-task-problem", task = task.id, error = e)))?;
    redactor.add(org_keys, &org_values);
    redactor.add(&plugin.manifest.params, &params);
    let school = store.school(&task.org_id)?.map(|s| s.data);
    let request = RunRequest {
        task_id: task.id.to_string(),
        org_id: task.org_id.clone(),
        params,
        org_values,
        school,
        dry_run: matches!(mode, Mode::Run { dry_run: true, .. }),
        force: matches!(mode, Mode::Run { force: true, .. }),
        locale,
    };
    let request_json = serde_json::to_string(&request)?;
    let cancelled = Arc::new(AtomicBool::new(false));
    let flag = cancelled.clone();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            match line {
                Ok(line) if line.trim() == CANCEL_LINE => flag.store(true, Ordering::Relaxed),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        // Standard input closed: the host that drives this run is gone. End at once, as a
        // killed worker would, so that no run of this task overlaps the next one.
        // SAFETY: _exit ends the process without running destructors or atexit handlers.
        unsafe { libc::_exit(137) }
    });
    let host = WorkerHost {
        store: Mutex::new(store),
        task_id,
        org_id: task.org_id.clone(),
        type_id: task.type_id.clone(),
        cancelled,
        redactor,
        lang,
    };
    let services = HostServices_TO::from_ptr(&host, TD_Opaque);
    let clean = |text: &str| host.redactor.clean(text);
    let event = match mode {
        Mode::Check => match plugin.check(&request_json, services) {
            Ok(message) => Event::Checked {
                ok: true,
                message: clean(&message),
            },
            Err(message) => Event::Checked {
                ok: false,
                message: clean(&message),
            },
        },
        Mode::Run { .. } => match plugin.run(&request_json, services) {
            Ok(summary_json) => match serde_json::from_str::<RunSummary>(&summary_json) {
                Ok(mut summary) => {
                    summary.message = clean(&summary.message);
                    Event::Finished { summary }
                }
                Err(e) => Event::Failed {
                    message: tr!(lang, "run-summary-unreadable", error = e.to_string()),
                },
            },
            Err(message) => Event::Failed {
                message: clean(&message),
            },
        },
    };
    emit(&event);
    Ok(())
}
