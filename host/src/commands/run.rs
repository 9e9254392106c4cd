//! `exchange-host run`, `task check`, `runs` and `logs`, and the hidden worker mode.

use super::{table, Env};
use exchange_core::i18n::{counter_label, status_phrase, trigger_phrase, Lang};
use exchange_core::runs::protocol::Event;
use exchange_core::runs::runner::{check_task, run_task, Outcome, RunOptions, RunnerConfig};
use exchange_core::runs::worker;
use exchange_core::tr;
use exchange_sdk::manifest::Texts;
use exchange_sdk::LogLevel;
use exchange_store::runs::RunStatus;
use exchange_store::show_time;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

impl Env {
    /// The runner settings for this host process.
    pub fn runner(&self) -> anyhow::Result<RunnerConfig> {
        let exe = std::env::current_exe()
            .map_err(|e| anyhow::anyhow!(tr!(self.lang, "cli-no-exe", error = e.to_string())))?;
        Ok(RunnerConfig::new(exe, self.db_path(), self.registry_dirs()))
    }

    /// The names of the counters the plugin of `type_id` reports, per language.
    pub fn counter_labels(&self, type_id: &str) -> BTreeMap<String, Texts> {
        self.registry()
            .get(type_id)
            .map(|p| p.manifest.counter_labels.clone())
            .unwrap_or_default()
    }
}

/// Shows a run's events live: a progress line on a terminal, plain lines otherwise.
struct LiveOutput {
    lang: Lang,
    terminal: bool,
    last_stage: String,
    progress_shown: bool,
}

impl LiveOutput {
    fn show(&mut self, event: &Event) {
        let mut err = std::io::stderr().lock();
        match event {
            Event::Log { level, message } => {
                if self.progress_shown {
                    let _ = write!(err, "\r\x1b[2K");
                    self.progress_shown = false;
                }
                let time = chrono::Local::now().format("%H:%M:%S");
                println!("{time} {:<5} {message}", level.as_str());
            }
            Event::Progress { stage, done, total } => {
                if self.terminal {
                    let width = 30usize;
                    let filled = if *total == 0 {
                        0
                    } else {
                        (*done as usize * width / *total as usize).min(width)
                    };
                    let bar: String = "█".repeat(filled) + &"░".repeat(width - filled);
                    let _ = write!(err, "\r\x1b[2K{stage} {bar} {done}/{total}");
                    let _ = err.flush();
                    self.progress_shown = true;
                } else if *stage != self.last_stage || done == total {
                    let line = tr!(
                        self.lang,
                        "cli-progress",
                        stage = stage,
                        done = *done,
                        total = *total
                    );
                    let _ = writeln!(err, "{line}");
                }
                self.last_stage = stage.clone();
            }
            _ => {}
        }
    }

    fn finish(&mut self) {
        if self.progress_shown {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}

/// The line that says how run `run` of `task` ended.
fn outcome_line(lang: Lang, run: i64, task: i64, status: RunStatus, message: &str) -> String {
    let status = status_phrase(lang, status);
    tr!(
        lang,
        "cli-run-outcome",
        run = run,
        task = task,
        status = status,
        message = message
    )
}

/// Prints a run's result and its counters, named by `labels` (the plugin's) in `lang`.
pub fn print_outcome(lang: Lang, task: i64, outcome: &Outcome, labels: &BTreeMap<String, Texts>) {
    let line = outcome_line(lang, outcome.run_id, task, outcome.status, &outcome.message);
    println!("{line}");
    if !outcome.counters.is_empty() {
        let mut counters = table(lang, &["cli-col-counter", "cli-col-value"]);
        for (key, value) in &outcome.counters {
            counters.row([counter_label(lang, key, labels), value.to_string()]);
        }
        print!("{counters}");
    }
}

/// The exit code of a finished run: 0 ok, 3 partial, 1 otherwise.
pub fn exit_code(outcome: &Outcome) -> ExitCode {
    match outcome.status {
        RunStatus::Ok => ExitCode::SUCCESS,
        RunStatus::Partial => ExitCode::from(3),
        _ => ExitCode::FAILURE,
    }
}

/// `exchange-host run TASK [--dry-run | --force]`.
pub fn run(env: &Env, task_id: i64, dry_run: bool, force: bool) -> anyhow::Result<ExitCode> {
    let task = env.store()?.require_task(task_id)?;
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let _ = ctrlc_flag(flag);
    let mut live = LiveOutput {
        lang: env.lang,
        terminal: std::io::stderr().is_terminal(),
        last_stage: String::new(),
        progress_shown: false,
    };
    let options = RunOptions {
        trigger: exchange_store::runs::Trigger::Manual,
        dry_run,
        force,
    };
    let outcome = run_task(&env.runner()?, task_id, options, &cancel, &mut |e| {
        live.show(e)
    })?;
    live.finish();
    let labels = env.counter_labels(&task.type_id);
    print_outcome(env.lang, task_id, &outcome, &labels);
    Ok(exit_code(&outcome))
}

/// Sets `flag` on SIGINT/SIGTERM (the run is then asked to stop).
fn ctrlc_flag(flag: Arc<AtomicBool>) -> std::io::Result<()> {
    crate::signals::on_termination(move || flag.store(true, Ordering::Relaxed))
}

/// `exchange-host task check ID`.
pub fn check(env: &Env, task_id: i64) -> anyhow::Result<ExitCode> {
    env.store()?.require_task(task_id)?;
    let (ok, message) = check_task(&env.runner()?, task_id, Duration::from_secs(120))?;
    let (id, code) = match ok {
        true => ("cli-check-ok", ExitCode::SUCCESS),
        false => ("cli-check-failed", ExitCode::FAILURE),
    };
    println!("{}", tr!(env.lang, id, message = message));
    Ok(code)
}

/// `exchange-host runs`.
pub fn runs(env: &Env, task: Option<i64>, last: i64, json: bool) -> anyhow::Result<ExitCode> {
    let lang = env.lang;
    let store = env.store()?;
    if let Some(task) = task {
        store.require_task(task)?;
    }
    let runs = store.runs(task, last.max(1))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&runs)?);
        return Ok(ExitCode::SUCCESS);
    }
    if runs.is_empty() {
        println!("{}", tr!(lang, "cli-no-runs"));
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = table(
        lang,
        &[
            "cli-col-run",
            "cli-col-task",
            "cli-col-org",
            "cli-col-started",
            "cli-col-took",
            "cli-col-status",
            "cli-col-trigger",
            "cli-col-message",
        ],
    );
    for r in runs {
        let took = r
            .ended_ms
            .map(|e| format!("{:.1}", (e - r.started_ms) as f64 / 1000.0))
            .map_or_else(
                || "…".into(),
                |seconds| tr!(lang, "cli-took", seconds = seconds),
            );
        let status = match r.dry_run {
            true => tr!(
                lang,
                "cli-dry-run-status",
                status = status_phrase(lang, r.status)
            ),
            false => status_phrase(lang, r.status),
        };
        let trigger = trigger_phrase(lang, r.trigger);
        table.row([
            r.id.to_string(),
            r.task_id.to_string(),
            r.org_id,
            show_time(r.started_ms),
            took,
            status,
            trigger,
            r.message,
        ]);
    }
    print!("{table}");
    Ok(ExitCode::SUCCESS)
}

/// `exchange-host logs RUN`.
pub fn logs(env: &Env, run_id: i64, level: &str, json: bool) -> anyhow::Result<ExitCode> {
    let min = match level {
        "debug" => LogLevel::Debug,
        "info" => LogLevel::Info,
        "warn" | "warning" => LogLevel::Warn,
        "error" => LogLevel::Error,
        other => anyhow::bail!(tr!(env.lang, "cli-bad-level", level = other)),
    };
    let store = env.store()?;
    let Some(run) = store.run_record(run_id)? else {
        anyhow::bail!(tr!(env.lang, "cli-no-run", run = run_id));
    };
    let lines = store.run_logs(run_id, min, 0)?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "run": run, "lines": lines }))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    for line in &lines {
        let time = show_time(line.at_ms);
        println!(
            "{} {:<5} {}",
            &time[11..],
            line.level.as_str(),
            line.message
        );
    }
    let line = outcome_line(env.lang, run.id, run.task_id, run.status, &run.message);
    println!("{line}");
    let labels = match store.task(run.task_id)? {
        Some(task) => env.counter_labels(&task.type_id),
        None => BTreeMap::new(),
    };
    for (key, value) in &run.counters {
        println!("  {}: {value}", counter_label(env.lang, key, &labels));
    }
    Ok(ExitCode::SUCCESS)
}

/// The hidden worker mode.
pub fn worker_main(
    env: &Env,
    mode: &str,
    task: i64,
    dry_run: bool,
    force: bool,
    locale: String,
) -> anyhow::Result<ExitCode> {
    let mode = match mode {
        "run" => worker::Mode::Run { dry_run, force },
        "check" => worker::Mode::Check,
        other => anyhow::bail!("unknown worker mode {other:?}"),
    };
    worker::main(env.db_path(), env.registry_dirs(), task, mode, locale);
    Ok(ExitCode::SUCCESS)
}
