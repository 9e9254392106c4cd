//! `exchange-host serve`: runs every enabled task on its schedule until stopped.
//!
//! The timing rules are in [`crate::scheduler`]; this module is the loop around them: it
//! notices changes made by other host processes, starts due runs in worker processes
//! (bounded by a global limit), and shuts down gracefully.

use super::Env;
use crate::cli::ServeArgs;
use crate::runs::runner::{run_task, Outcome};
use crate::schedule::Schedule;
use crate::scheduler::{next_due_ms, random_delay_ms, Rules, Timing};
use crate::store::tasks::Task;
use crate::store::{now_ms, Store};
use exchange_sdk::manifest::parse_duration;
use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// How often the loop looks at the clock and at finished runs.
const TICK: Duration = Duration::from_millis(250);
/// How often tasks are reloaded even when the database reports no change.
const RELOAD: Duration = Duration::from_secs(30);

fn seconds(flag: &str, text: &str) -> anyhow::Result<u64> {
    parse_duration(text).map_err(|e| anyhow::anyhow!("{flag}: {e}"))
}

/// The last runs of each task, as timing facts. A run still marked `running` for longer than
/// its task's max run time was left by a host that died: it is recorded `interrupted`.
fn load_timings(store: &mut Store, tasks: &[Task]) -> anyhow::Result<HashMap<i64, Timing>> {
    let mut timings = HashMap::new();
    for task in tasks {
        let recent = store.runs(Some(task.id), 20)?;
        if recent.first().is_some_and(|r| {
            r.status == "running" && now_ms() - r.started_ms > task.max_run_time_s * 1000
        }) {
            store.interrupt_stale_runs(task.id)?;
        }
        let failures = recent
            .iter()
            .take_while(|r| r.status != "ok" && r.status != "running")
            .count() as u32;
        let last = recent.first();
        timings.insert(
            task.id,
            Timing {
                last_start_ms: last.map(|r| r.started_ms),
                last_end_ms: last.and_then(|r| r.ended_ms),
                failures,
                running: false,
            },
        );
    }
    Ok(timings)
}

/// Runs the scheduler until SIGINT/SIGTERM.
pub fn serve(env: &Env, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let mut config = env.runner()?;
    config.grace = Duration::from_secs(seconds("--grace", &args.grace)?);
    let rules = Rules {
        constantly_floor_ms: seconds("--constantly-floor", &args.constantly_floor)? as i64 * 1000,
        ..Rules::default()
    };
    let max_concurrent = args
        .max_concurrent
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                * 4
        })
        .max(1);
    let mut store = env.store()?;

    let signals = Arc::new(AtomicUsize::new(0));
    let seen = signals.clone();
    crate::signals::on_termination(move || {
        if seen.fetch_add(1, Ordering::SeqCst) >= 1 {
            eprintln!("second signal: exiting at once");
            std::process::exit(130);
        }
    })?;

    let registry = env.registry();
    super::report_skipped(&registry);
    let web = match args.http {
        Some(addr) => {
            let web = crate::web::start(crate::web::WebConfig {
                addr,
                registry,
                runner: config.clone(),
            })?;
            eprintln!("web console: {}", web.url());
            Some(web)
        }
        None => None,
    };
    let mut tasks = store.tasks(None)?;
    let mut timings = load_timings(&mut store, &tasks)?;
    tracing::info!(db = %config.db.display(), tasks = tasks.len(), max_concurrent, "serving");
    eprintln!(
        "exchange-host serve: {} task(s) in {}, at most {max_concurrent} runs at once. Stop with Ctrl-C.",
        tasks.len(),
        config.db.display()
    );

    let mut running: HashMap<i64, Arc<AtomicBool>> = HashMap::new();
    let (done_tx, done_rx) = mpsc::channel::<(i64, anyhow::Result<Outcome>)>();
    let mut version = store.data_version()?;
    let mut loaded_at = Instant::now();
    let mut bad_schedules: std::collections::HashSet<i64> = Default::default();

    while signals.load(Ordering::SeqCst) == 0 {
        while let Ok((task_id, result)) = done_rx.try_recv() {
            finish(&mut running, &mut timings, task_id, result);
        }
        let current = store.data_version()?;
        if current != version || loaded_at.elapsed() > RELOAD {
            tasks = store.tasks(None)?;
            version = current;
            loaded_at = Instant::now();
        }
        let now = now_ms();
        for task in tasks.iter().filter(|t| t.enabled) {
            if running.len() >= max_concurrent {
                break;
            }
            if running.contains_key(&task.id) {
                continue;
            }
            let schedule: Schedule = match task.schedule.parse() {
                Ok(s) => s,
                Err(e) => {
                    if bad_schedules.insert(task.id) {
                        tracing::error!(
                            task = task.id,
                            "task {} has an unreadable schedule: {e}",
                            task.id
                        );
                    }
                    continue;
                }
            };
            let timing = timings.entry(task.id).or_default();
            let Some(due) = next_due_ms(schedule, task.due_now, timing, &rules, task.created_ms)
            else {
                continue;
            };
            let delay = if task.due_now {
                0
            } else {
                random_delay_ms(task.id, due, task.random_delay_s * 1000)
            };
            if due.saturating_add(delay) > now || store.running_run(task)?.is_some() {
                continue;
            }
            let trigger = match schedule {
                _ if task.due_now => "import",
                Schedule::Every(period) if due != i64::MIN && now - due > period as i64 * 1000 => {
                    "catch-up"
                }
                Schedule::Daily(..) if now - due > 3_600_000 => "catch-up",
                _ => "schedule",
            };
            timing.running = true;
            timing.last_start_ms = Some(now);
            let cancel = Arc::new(AtomicBool::new(false));
            running.insert(task.id, cancel.clone());
            let (config, tx, task_id, trigger) = (
                config.clone(),
                done_tx.clone(),
                task.id,
                trigger.to_string(),
            );
            tracing::info!(task = task_id, trigger = %trigger, "run starts");
            std::thread::spawn(move || {
                let result = run_task(&config, task_id, &trigger, false, &cancel, &mut |_| {});
                let _ = tx.send((task_id, result));
            });
        }
        std::thread::sleep(TICK);
    }

    eprintln!(
        "stopping: {} run(s) in progress are asked to stop (grace {}s)",
        running.len(),
        config.grace.as_secs()
    );
    for cancel in running.values() {
        cancel.store(true, Ordering::SeqCst);
    }
    if let Some(web) = web {
        web.stop();
    }
    while !running.is_empty() {
        match done_rx.recv() {
            Ok((task_id, result)) => finish(&mut running, &mut timings, task_id, result),
            Err(_) => break,
        }
    }
    eprintln!("stopped");
    Ok(ExitCode::SUCCESS)
}

fn finish(
    running: &mut HashMap<i64, Arc<AtomicBool>>,
    timings: &mut HashMap<i64, Timing>,
    task_id: i64,
    result: anyhow::Result<Outcome>,
) {
    running.remove(&task_id);
    let timing = timings.entry(task_id).or_default();
    timing.running = false;
    timing.last_end_ms = Some(now_ms());
    match result {
        Ok(outcome) => {
            timing.failures = if outcome.succeeded() {
                0
            } else {
                timing.failures + 1
            };
            tracing::info!(task = task_id, run = outcome.run_id, status = %outcome.status, "run ended: {}", outcome.message);
        }
        Err(e) => {
            timing.failures += 1;
            tracing::error!(task = task_id, "run could not be recorded: {e:#}");
        }
    }
}
