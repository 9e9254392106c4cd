//! `exchange-host serve`: runs every enabled task on its schedule until stopped.
//!
//! The timing rules are in [`exchange_core::scheduler`]; this module is the loop around them: it
//! notices changes made by other host processes, starts due runs in worker processes
//! (bounded by a global limit), and shuts down gracefully. Under systemd it speaks the
//! notification protocol ([`crate::sd_notify`]: `READY=1`, `WATCHDOG=1` from the loop,
//! `STOPPING=1`) and feeds the scheduler's figures to [`exchange_core::metrics`].

use super::Env;
use crate::cli::ServeArgs;
use crate::sd_notify::Notifier;
use exchange_core::i18n::{self, duration_phrase, parse_duration, Lang};
use exchange_core::runs::runner::{begin_run, orphaned, AlreadyRunning, Outcome, RunOptions};
use exchange_core::schedule::Schedule;
use exchange_core::scheduler::{next_due_ms, pick_fairly, random_delay_ms, Due, Rules, Timing};
use exchange_core::tr;
use exchange_store::runs::{RunStatus, Trigger};
use exchange_store::tasks::Task;
use exchange_store::{now_ms, Store};
use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// How often the loop looks at the clock and at finished runs.
const TICK: Duration = Duration::from_millis(250);
/// How often tasks are reloaded even when the database reports no change.
const RELOAD: Duration = Duration::from_secs(30);
/// How often runs left `running` by a host process that is gone are ended `interrupted`.
const REAP: Duration = Duration::from_secs(2);
/// How long a task whose type runs for its organization in another process waits before
/// it is tried again.
const BUSY_RETRY_MS: i64 = 2_000;

/// A duration option of `serve` (English or Russian units), at most an hour.
fn seconds(lang: Lang, flag: &str, text: &str) -> anyhow::Result<u64> {
    match parse_duration(text) {
        Ok(secs) if secs <= 3600 => Ok(secs),
        Ok(_) => anyhow::bail!(tr!(lang, "cli-duration-range", flag = flag, value = text)),
        Err(_) => {
            let problem = tr!(lang, "duration-invalid", value = text);
            anyhow::bail!(tr!(
                lang,
                "cli-option-problem",
                flag = flag,
                problem = problem
            ))
        }
    }
}

/// Ends as `interrupted` the runs whose host process is gone (killed or crashed), so that
/// their tasks are due again and the history tells the truth; their records say so in `lang`.
fn reap(store: &mut Store, lang: Lang) -> anyhow::Result<()> {
    for run in store.interrupt_orphaned_runs(&orphaned(lang))? {
        tracing::warn!(
            run,
            "run {run} was left running by a host process that is gone: recorded as interrupted"
        );
    }
    Ok(())
}

/// The last runs of each task, as timing facts.
fn load_timings(store: &Store, tasks: &[Task]) -> anyhow::Result<HashMap<i64, Timing>> {
    let mut timings = HashMap::new();
    for task in tasks {
        let recent = store.runs(Some(task.id), 20)?;
        let failures = recent
            .iter()
            .take_while(|r| !matches!(r.status, RunStatus::Ok | RunStatus::Running))
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
    config.lang = exchange_core::i18n::Lang::from(args.lang);
    let lang = env.lang;
    config.grace = Duration::from_secs(seconds(lang, "--grace", &args.grace)?);
    let floor = seconds(lang, "--constantly-floor", &args.constantly_floor)?;
    let rules = Rules {
        constantly_floor_ms: floor as i64 * 1000,
        ..Rules::default()
    };
    let max_concurrent = args
        .max_concurrent
        .map(usize::from)
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                * 4
        })
        .max(1);
    // Not `env.store()`, which ends the orphaned runs silently: here each gets a log line.
    let mut store = Store::open(&config.db)?;
    reap(&mut store, config.lang)?;

    let signals = Arc::new(AtomicUsize::new(0));
    let seen = signals.clone();
    crate::signals::on_termination(move || {
        if seen.fetch_add(1, Ordering::SeqCst) >= 1 {
            eprintln!("{}", tr!(lang, "cli-second-signal"));
            std::process::exit(130);
        }
    })?;

    let registry = env.registry();
    super::report_skipped(&registry, lang);
    let web = match args.http {
        Some(addr) => {
            let web = exchange_web::start(
                exchange_web::WebConfig {
                    addr,
                    registry,
                    runner: config.clone(),
                    https: args.https,
                    trusted_proxies: args.trusted_proxy.clone(),
                },
                lang,
            )?;
            eprintln!("{}", tr!(lang, "cli-web-console", url = web.url()));
            Some(web)
        }
        None => None,
    };
    let mut tasks = store.tasks(None)?;
    let mut timings = load_timings(&store, &tasks)?;
    tracing::info!(db = %config.db.display(), tasks = tasks.len(), max_concurrent, "serving");
    let db = config.db.display().to_string();
    let serving = tr!(
        lang,
        "cli-serving",
        tasks = tasks.len(),
        db = db,
        max = max_concurrent
    );
    eprintln!("{serving}");

    let mut running: HashMap<i64, Arc<AtomicBool>> = HashMap::new();
    let (done_tx, done_rx) = mpsc::channel::<(i64, anyhow::Result<Outcome>)>();
    let mut version = store.data_version()?;
    let mut loaded_at = Instant::now();
    let mut reaped_at = Instant::now();
    // Tasks whose type runs for their organization in another process, until when to wait.
    let mut busy_until: HashMap<i64, i64> = HashMap::new();

    let mut watch = RunWatch::new(&store)?;
    let notifier = Notifier::from_env();
    let watchdog = notifier.as_ref().and_then(Notifier::watchdog_interval);
    let mut watchdog_at = Instant::now();
    if let Some(notifier) = &notifier {
        notifier.notify(&format!(
            "READY=1\nSTATUS=serving {} task(s), at most {max_concurrent} runs at once",
            tasks.len()
        ));
    }

    while signals.load(Ordering::SeqCst) == 0 {
        if let (Some(notifier), Some(every)) = (&notifier, watchdog) {
            if watchdog_at.elapsed() >= every {
                notifier.notify("WATCHDOG=1");
                watchdog_at = Instant::now();
            }
        }
        while let Ok((task_id, result)) = done_rx.try_recv() {
            finish(&mut running, &mut timings, task_id, result);
        }
        watch.print_changes(&store, exchange_core::i18n::Lang::from(args.lang))?;
        if reaped_at.elapsed() > REAP {
            reap(&mut store, config.lang)?;
            reaped_at = Instant::now();
        }
        let current = store.data_version()?;
        if current != version || loaded_at.elapsed() > RELOAD {
            tasks = store.tasks(None)?;
            version = current;
            loaded_at = Instant::now();
        }
        let now = now_ms();
        let mut due = Vec::new();
        for task in tasks.iter().filter(|t| t.enabled) {
            if running.contains_key(&task.id) || busy_until.get(&task.id).is_some_and(|&t| t > now)
            {
                continue;
            }
            let schedule = task.schedule;
            let timing = timings.entry(task.id).or_default();
            let Some(at) = next_due_ms(schedule, task.due_now, timing, &rules, task.created_ms)
            else {
                continue;
            };
            let delay = if task.due_now {
                0
            } else {
                random_delay_ms(task.id, at, task.random_delay_s * 1000)
            };
            let since_ms = at.saturating_add(delay);
            if since_ms <= now {
                due.push((
                    Due {
                        task_id: task.id,
                        since_ms,
                    },
                    at,
                    schedule,
                    task.due_now,
                ));
            }
        }
        let slots = max_concurrent.saturating_sub(running.len());
        let picked = pick_fairly(due.iter().map(|d| d.0).collect(), slots);
        let mut waiting = due.len();
        for (Due { task_id, .. }, at, schedule, due_now) in
            due.into_iter().filter(|d| picked.contains(&d.0.task_id))
        {
            let trigger = match schedule {
                _ if due_now => Trigger::Import,
                Schedule::Every(period) if at != i64::MIN && now - at > period as i64 * 1000 => {
                    Trigger::CatchUp
                }
                Schedule::Daily(..) if now - at > 3_600_000 => Trigger::CatchUp,
                _ => Trigger::Schedule,
            };
            let options = RunOptions {
                trigger,
                dry_run: false,
                force: false,
            };
            let started = match begin_run(&config, task_id, options) {
                Ok(started) => started,
                Err(e) if e.downcast_ref::<AlreadyRunning>().is_some() => {
                    tracing::debug!(task = task_id, "not started: {e}");
                    busy_until.insert(task_id, now + BUSY_RETRY_MS);
                    continue;
                }
                Err(e) => {
                    tracing::error!(task = task_id, "the run could not start: {e:#}");
                    busy_until.insert(task_id, now + BUSY_RETRY_MS);
                    continue;
                }
            };
            busy_until.remove(&task_id);
            waiting -= 1;
            let timing = timings.entry(task_id).or_default();
            timing.running = true;
            timing.last_start_ms = Some(now);
            let cancel = Arc::new(AtomicBool::new(false));
            running.insert(task_id, cancel.clone());
            let tx = done_tx.clone();
            tracing::info!(
                task = task_id,
                run = started.run_id(),
                trigger = trigger.as_str(),
                "run starts"
            );
            std::thread::spawn(move || {
                let result = started.execute(&cancel, &mut |_| {});
                let _ = tx.send((task_id, result));
            });
        }
        exchange_core::metrics::global().scheduler_tick(waiting, running.len());
        std::thread::sleep(TICK);
    }

    if let Some(notifier) = &notifier {
        notifier.notify("STOPPING=1");
    }

    let grace = duration_phrase(lang, config.grace.as_secs());
    let stopping = tr!(lang, "cli-stopping", count = running.len(), grace = grace);
    eprintln!("{stopping}");
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
    watch.print_changes(&store, exchange_core::i18n::Lang::from(args.lang))?;
    eprintln!("{}", tr!(lang, "cli-stopped"));
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

/// The runs `serve` has seen start, so that it prints one line when any run starts and one
/// when it ends, whoever started it (its scheduler, its console, another process).
struct RunWatch {
    /// The newest run id seen.
    last_id: i64,
    /// Runs seen running.
    running: std::collections::BTreeSet<i64>,
}

impl RunWatch {
    /// Starts watching after the runs recorded so far.
    fn new(store: &Store) -> anyhow::Result<RunWatch> {
        Ok(RunWatch {
            last_id: store.runs(None, 1)?.first().map_or(0, |r| r.id),
            running: Default::default(),
        })
    }

    /// Prints the starts and ends since the last look.
    fn print_changes(&mut self, store: &Store, lang: Lang) -> anyhow::Result<()> {
        let newest = store.runs(None, 1)?.first().map_or(0, |r| r.id);
        let mut new: Vec<_> = match newest > self.last_id {
            true => store.runs(None, 100)?,
            false => Vec::new(),
        };
        new.retain(|r| r.id > self.last_id);
        new.reverse();
        for run in &new {
            self.last_id = self.last_id.max(run.id);
            let trigger = i18n::trigger_phrase(lang, run.trigger);
            eprintln!(
                "{}",
                tr!(
                    lang,
                    "serve-run-started",
                    run = run.id,
                    task = run.task_id,
                    org = &run.org_id,
                    trigger = trigger
                )
            );
            self.running.insert(run.id);
        }
        let watched: Vec<i64> = self.running.iter().copied().collect();
        for id in watched {
            let Some(run) = store.run_record(id)? else {
                self.running.remove(&id);
                continue;
            };
            if run.status != RunStatus::Running {
                self.running.remove(&id);
                let status = i18n::status_phrase(lang, run.status);
                eprintln!(
                    "{}",
                    tr!(
                        lang,
                        "serve-run-ended",
                        run = run.id,
                        task = run.task_id,
                        status = status,
                        message = &run.message
                    )
                );
            }
        }
        Ok(())
    }
}
