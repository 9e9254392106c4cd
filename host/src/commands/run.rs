//! `exchange-host run`, `task check`, `runs` and `logs`, and the hidden worker mode.

use super::Env;
use exchange_core::output::Table;
use exchange_core::runs::protocol::Event;
use exchange_core::runs::runner::{check_task, run_task, Outcome, RunOptions, RunnerConfig};
use exchange_core::runs::worker;
use exchange_sdk::LogLevel;
use exchange_store::runs::RunStatus;
use exchange_store::show_time;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

impl Env {
    /// The runner settings for this host process.
    pub fn runner(&self) -> anyhow::Result<RunnerConfig> {
        let exe = std::env::current_exe()
            .map_err(|e| anyhow::anyhow!("cannot find the host's own executable: {e}"))?;
        Ok(RunnerConfig::new(exe, self.db_path(), self.registry_dirs()))
    }
}

/// Shows a run's events live: a progress line on a terminal, plain lines otherwise.
struct LiveOutput {
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
                    let _ = writeln!(err, "progress: {stage} {done}/{total}");
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

/// Prints a run's result and counters.
fn print_outcome(task: i64, outcome: &Outcome) {
    println!(
        "Run {} of task {task}: {} — {}",
        outcome.run_id, outcome.status, outcome.message
    );
    if !outcome.counters.is_empty() {
        let mut table = Table::new(["COUNTER", "VALUE"]);
        for (key, value) in &outcome.counters {
            table.row([key.clone(), value.to_string()]);
        }
        print!("{table}");
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
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let _ = ctrlc_flag(flag);
    let mut live = LiveOutput {
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
    print_outcome(task_id, &outcome);
    Ok(exit_code(&outcome))
}

/// Sets `flag` on SIGINT/SIGTERM (the run is then asked to stop).
fn ctrlc_flag(flag: Arc<AtomicBool>) -> std::io::Result<()> {
    crate::signals::on_termination(move || flag.store(true, Ordering::Relaxed))
}

/// `exchange-host task check ID`.
pub fn check(env: &Env, task_id: i64) -> anyhow::Result<ExitCode> {
    let (ok, message) = check_task(&env.runner()?, task_id, Duration::from_secs(120))?;
    if ok {
        println!("OK: {message}");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("FAILED: {message}");
        Ok(ExitCode::FAILURE)
    }
}

/// `exchange-host runs`.
pub fn runs(env: &Env, task: Option<i64>, last: i64, json: bool) -> anyhow::Result<ExitCode> {
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
        println!("No runs yet. Start one with: exchange-host run TASK");
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = Table::new([
        "RUN", "TASK", "ORG", "STARTED", "TOOK", "STATUS", "TRIGGER", "MESSAGE",
    ]);
    for r in runs {
        let took = r
            .ended_ms
            .map(|e| format!("{:.1}s", (e - r.started_ms) as f64 / 1000.0))
            .unwrap_or_else(|| "…".into());
        let status = if r.dry_run {
            format!("{} (dry run)", r.status)
        } else {
            r.status.to_string()
        };
        table.row([
            r.id.to_string(),
            r.task_id.to_string(),
            r.org_id,
            show_time(r.started_ms),
            took,
            status,
            r.trigger.to_string(),
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
        other => anyhow::bail!("--level {other:?} is not a level: use debug, info, warn or error"),
    };
    let store = env.store()?;
    let Some(run) = store.run_record(run_id)? else {
        anyhow::bail!("no run {run_id} (list runs with: exchange-host runs)");
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
    println!(
        "Run {} of task {}: {} — {}",
        run.id, run.task_id, run.status, run.message
    );
    for (key, value) in &run.counters {
        println!("  {key}: {value}");
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
