//! Running a task in a worker child process and recording the run: log lines, progress, the
//! summary, and what happened when the plugin crashed, hung or was cancelled.

use super::liveness::{owner_gone, ProcessId};
use super::protocol::{Event, CANCEL_LINE};
use crate::i18n::{duration_phrase, signal_phrase, Lang};
use crate::tr;
use exchange_sdk::LogLevel;
use exchange_store::runs::{Acquired, NewRun, RunRecord, RunStatus, Trigger, DEFAULT_HISTORY};
use exchange_store::tasks::Task;
use exchange_store::{now_ms, Store};
use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Where the worker binary, the database and the plugins are.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// The `exchange-host` executable (started in its hidden worker mode).
    pub exe: PathBuf,
    pub db: PathBuf,
    pub plugin_dirs: Vec<PathBuf>,
    /// How long a cancelled run may take to stop before it is killed.
    pub grace: Duration,
    /// How many runs per task the history keeps.
    pub history: i64,
    /// The language of the run messages the host writes and the plugin is asked for.
    pub lang: Lang,
}

impl RunnerConfig {
    /// A configuration with the default grace period (30 s) and history (200 runs).
    pub fn new(exe: PathBuf, db: PathBuf, plugin_dirs: Vec<PathBuf>) -> RunnerConfig {
        RunnerConfig {
            exe,
            db,
            plugin_dirs,
            grace: Duration::from_secs(30),
            history: DEFAULT_HISTORY,
            lang: Lang::from_env(),
        }
    }

    fn worker(&self, args: &[String]) -> std::io::Result<Child> {
        let mut command = Command::new(&self.exe);
        command.arg("--db").arg(&self.db);
        for dir in &self.plugin_dirs {
            command.arg("--plugins").arg(dir);
        }
        command
            .arg("__worker")
            .args(args)
            .arg("--locale")
            .arg(self.lang.code())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // The worker dies with the thread that started it (which waits for it until it
        // ends): a killed host leaves no worker behind to overlap the next run. The worker
        // also ends itself when its standard input closes (see `worker`).
        // SAFETY: between fork and exec only async-signal-safe calls are made (prctl,
        // getppid).
        unsafe {
            let parent = libc::getpid();
            command.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0
                    || libc::getppid() != parent
                {
                    return Err(std::io::Error::other(
                        "the host ended as the worker started",
                    ));
                }
                Ok(())
            });
        }
        command.spawn()
    }
}

/// How a run ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub run_id: i64,
    /// Any status but `running`.
    pub status: RunStatus,
    pub message: String,
    pub counters: BTreeMap<String, u64>,
}

impl Outcome {
    /// Whether the run did its job.
    pub fn succeeded(&self) -> bool {
        self.status == RunStatus::Ok
    }
}

/// A started worker and the streams it talks on.
struct Worker {
    child: Child,
    events: mpsc::Receiver<Event>,
    stderr_tail: std::sync::Arc<std::sync::Mutex<VecDeque<String>>>,
}

impl Worker {
    fn start(config: &RunnerConfig, args: &[String]) -> anyhow::Result<Worker> {
        let mut child = config.worker(args).map_err(|e| {
            let exe = config.exe.display().to_string();
            anyhow::anyhow!(tr!(
                config.lang,
                "run-worker-not-started",
                exe = exe,
                error = e.to_string()
            ))
        })?;
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        let (tx, events) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let event = serde_json::from_str(&line).unwrap_or(Event::Log {
                    level: LogLevel::Debug,
                    message: format!("worker: {line}"),
                });
                if tx.send(event).is_err() {
                    break;
                }
            }
        });
        let stderr_tail = std::sync::Arc::new(std::sync::Mutex::new(VecDeque::new()));
        let tail = stderr_tail.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let mut tail = tail.lock().unwrap();
                if tail.len() == 20 {
                    tail.pop_front();
                }
                tail.push_back(line);
            }
        });
        Ok(Worker {
            child,
            events,
            stderr_tail,
        })
    }

    /// The most telling line the worker wrote to stderr (a panic message, an error).
    fn stderr_hint(&self) -> Option<String> {
        let tail = self.stderr_tail.lock().unwrap();
        tail.iter()
            .rev()
            .find(|l| l.contains("panicked") || l.contains("error") || l.contains("fatal"))
            .or(tail.back())
            .cloned()
    }
}

/// Describes an exit without a final event, in `lang`; `hint` is the worker's last telling
/// output, quoted as it is.
fn crash_message(lang: Lang, status: ExitStatus, hint: Option<String>) -> String {
    let crashed = match (status.signal(), status.code()) {
        (Some(signal), _) => tr!(
            lang,
            "run-crashed-signal",
            signal = signal,
            meaning = signal_phrase(lang, signal)
        ),
        (None, Some(code)) => tr!(lang, "run-crashed-exit", code = code),
        _ => tr!(lang, "run-crashed"),
    };
    match hint {
        Some(output) => tr!(lang, "run-last-output", crashed = crashed, output = output),
        None => crashed,
    }
}

/// Why the host killed a run's worker.
#[derive(Debug, Clone, Copy)]
enum KilledFor {
    /// The run took longer than its max run time.
    Overtime,
    /// Another host process took the run for abandoned.
    LeaseLost,
    /// The run did not stop within its grace period after a cancel.
    Grace,
}

/// How long a run's lease holds without renewal. Another host process on the same machine
/// does not wait for it: it sees at once that the owner's process is gone.
const LEASE: Duration = Duration::from_secs(30);
/// How often the owner renews the lease.
const RENEW_EVERY: Duration = Duration::from_secs(5);
/// How often the owner of a run looks for a stop asked for through the database.
const STOP_POLL: Duration = Duration::from_secs(1);

fn lease_until(from_ms: i64) -> i64 {
    from_ms + LEASE.as_millis() as i64
}

/// Judges `running` records for [`Store::acquire_run`] and
/// [`Store::interrupt_orphaned_runs`]: a record whose owner is gone (the host process ended,
/// or, on another machine, its lease ran out) gets the message, in `lang`, that ends it. Its
/// worker, should it still run, is killed first, so the next run never overlaps it.
pub fn orphaned(lang: Lang) -> impl Fn(&RunRecord) -> Option<String> {
    move |record| {
        let owner = record.owner.parse::<ProcessId>().ok();
        if !owner_gone(owner.as_ref(), record.lease_until_ms, now_ms()) {
            return None;
        }
        if let Ok(worker) = record.worker.parse::<ProcessId>() {
            worker.kill();
        }
        Some(tr!(lang, "run-owner-gone"))
    }
}

/// A run of the same task type for the same organization is going on, so this one did not
/// start. Its `Display` is English, for logs; people read [`AlreadyRunning::message`].
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub struct AlreadyRunning {
    pub task_id: i64,
    pub run: RunRecord,
}

impl AlreadyRunning {
    /// Which run is going on and what to do, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let run = &self.run;
        let started = exchange_store::show_time(run.started_ms);
        match run.task_id == self.task_id {
            true => tr!(
                lang,
                "run-busy-task",
                task = run.task_id,
                run = run.id,
                started = started
            ),
            false => tr!(
                lang,
                "run-busy-type",
                task = run.task_id,
                org = &run.org_id,
                run = run.id,
                started = started
            ),
        }
    }
}

/// What starts a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// What started it.
    pub trigger: Trigger,
    /// Plan and report only.
    pub dry_run: bool,
    /// The person confirmed, for this run only, the changes a plugin's guard holds back.
    pub force: bool,
}

/// A run that is recorded (status `running`) and about to start in a worker.
pub struct StartedRun {
    config: RunnerConfig,
    store: Store,
    task: Task,
    run_id: i64,
    owner: String,
    dry_run: bool,
    force: bool,
}

/// Records the start of a run of task `task_id`; [`StartedRun::execute`] then runs it. Fails
/// with [`AlreadyRunning`] when a run of the same task type for the same organization is
/// going on in any host process; runs whose host process is gone are ended `interrupted`
/// first.
pub fn begin_run(
    config: &RunnerConfig,
    task_id: i64,
    options: RunOptions,
) -> anyhow::Result<StartedRun> {
    let mut store = Store::open(&config.db)?;
    let task = store.require_task(task_id)?;
    let owner = ProcessId::current().to_string();
    let new = NewRun {
        task: &task,
        trigger: options.trigger,
        dry_run: options.dry_run,
        owner: &owner,
        lease_until_ms: lease_until(now_ms()),
    };
    let run_id = match store.acquire_run(&new, &orphaned(config.lang))? {
        Acquired::Started(id) => id,
        Acquired::Busy(run) => return Err(AlreadyRunning { task_id, run: *run }.into()),
    };
    store.clear_due_now(task_id)?;
    Ok(StartedRun {
        config: config.clone(),
        store,
        task,
        run_id,
        owner,
        dry_run: options.dry_run,
        force: options.force,
    })
}

/// Runs task `task_id` once in a worker and records it. `cancel` may be set from another
/// thread to stop the run; `observe` sees every event as it comes (for live output).
pub fn run_task(
    config: &RunnerConfig,
    task_id: i64,
    options: RunOptions,
    cancel: &AtomicBool,
    observe: &mut dyn FnMut(&Event),
) -> anyhow::Result<Outcome> {
    begin_run(config, task_id, options)?.execute(cancel, observe)
}

impl StartedRun {
    /// The id of the run record.
    pub fn run_id(&self) -> i64 {
        self.run_id
    }

    /// Runs the task in a worker until it ends, and records how it ended (in the database,
    /// and in this process's [`crate::metrics`]).
    pub fn execute(
        self,
        cancel: &AtomicBool,
        observe: &mut dyn FnMut(&Event),
    ) -> anyhow::Result<Outcome> {
        let type_id = self.task.type_id.clone();
        let started = Instant::now();
        let outcome = self.run_in_worker(cancel, observe);
        if let Ok(outcome) = &outcome {
            crate::metrics::global().run_ended(&type_id, outcome, started.elapsed());
        }
        outcome
    }

    fn run_in_worker(
        self,
        cancel: &AtomicBool,
        observe: &mut dyn FnMut(&Event),
    ) -> anyhow::Result<Outcome> {
        let StartedRun {
            config,
            mut store,
            task,
            run_id,
            owner,
            dry_run,
            force,
        } = self;
        let config = &config;
        let task_id = task.id;
        let mut args = vec!["run".to_string(), task_id.to_string()];
        if dry_run {
            args.push("--dry-run".into());
        }
        if force {
            args.push("--force".into());
        }
        let mut logs: Vec<(i64, LogLevel, String)> = Vec::new();
        let mut last_flush = Instant::now();
        let mut worker = match Worker::start(config, &args) {
            Ok(worker) => worker,
            Err(e) => {
                let message = format!("{e:#}");
                store.finish_run(
                    run_id,
                    RunStatus::Failed,
                    &message,
                    &BTreeMap::new(),
                    config.history,
                )?;
                return Ok(Outcome {
                    run_id,
                    status: RunStatus::Failed,
                    message,
                    counters: BTreeMap::new(),
                });
            }
        };
        if let Some(worker) = ProcessId::of(worker.child.id()) {
            store.set_run_worker(run_id, &worker.to_string())?;
        }
        let mut renewed = Instant::now();
        let deadline = Instant::now() + Duration::from_secs(task.max_run_time_s.max(1) as u64);
        let mut cancel_sent: Option<Instant> = None;
        let mut polled = Instant::now();
        // A stop asked for through the database (by the console of another process).
        let mut stop_requested = false;
        let mut killed_for: Option<KilledFor> = None;
        let mut final_event: Option<Event> = None;
        loop {
            match worker.events.recv_timeout(Duration::from_millis(50)) {
                Ok(event) => {
                    observe(&event);
                    match &event {
                        Event::Log { level, message } => {
                            logs.push((now_ms(), *level, message.clone()))
                        }
                        Event::Progress { .. } => {}
                        _ => final_event = Some(event),
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            if logs.len() >= 100
                || (!logs.is_empty() && last_flush.elapsed() > Duration::from_millis(500))
            {
                store.append_logs(run_id, &std::mem::take(&mut logs))?;
                last_flush = Instant::now();
            }
            if renewed.elapsed() >= RENEW_EVERY {
                renewed = Instant::now();
                if !store.renew_lease(run_id, &owner, lease_until(now_ms()))?
                    && killed_for.is_none()
                {
                    // Another host process took this run for abandoned (its lease ran out):
                    // stop at once rather than overlap the run it may start.
                    let _ = worker.child.kill();
                    killed_for = Some(KilledFor::LeaseLost);
                }
            }
            if killed_for.is_none() && Instant::now() > deadline {
                let _ = worker.child.kill();
                killed_for = Some(KilledFor::Overtime);
            }
            if !stop_requested && polled.elapsed() >= STOP_POLL {
                polled = Instant::now();
                stop_requested = store.cancel_requested(run_id)?;
            }
            if (cancel.load(Ordering::Relaxed) || stop_requested) && cancel_sent.is_none() {
                if let Some(stdin) = worker.child.stdin.as_mut() {
                    let _ = writeln!(stdin, "{CANCEL_LINE}");
                    let _ = stdin.flush();
                }
                cancel_sent = Some(Instant::now());
            }
            if killed_for.is_none() && cancel_sent.is_some_and(|at| at.elapsed() > config.grace) {
                let _ = worker.child.kill();
                killed_for = Some(KilledFor::Grace);
            }
        }
        let exit = worker.child.wait()?;
        let cancelled = cancel_sent.is_some();
        let lang = config.lang;
        let (status, message, counters) = match (killed_for, final_event) {
            (Some(KilledFor::Overtime), _) => (
                RunStatus::Killed,
                tr!(
                    lang,
                    "run-killed",
                    limit = duration_phrase(lang, task.max_run_time_s.max(0) as u64)
                ),
                BTreeMap::new(),
            ),
            (Some(KilledFor::LeaseLost), _) => (
                RunStatus::Interrupted,
                tr!(lang, "run-lost"),
                BTreeMap::new(),
            ),
            (Some(KilledFor::Grace), _) => (
                RunStatus::Interrupted,
                match stop_requested {
                    true => tr!(lang, "run-stopped-by-request"),
                    false => tr!(lang, "run-interrupted-grace"),
                },
                BTreeMap::new(),
            ),
            (None, Some(Event::Finished { summary })) => {
                (summary.status.into(), summary.message, summary.counters)
            }
            (None, Some(Event::Failed { message })) if stop_requested => {
                let asked = tr!(lang, "run-stopped-by-request");
                (
                    RunStatus::Interrupted,
                    format!("{asked} ({message})"),
                    BTreeMap::new(),
                )
            }
            (None, Some(Event::Failed { message })) if cancelled => {
                (RunStatus::Interrupted, message, BTreeMap::new())
            }
            (None, Some(Event::Failed { message })) => {
                (RunStatus::Failed, message, BTreeMap::new())
            }
            (None, _) => (
                RunStatus::Failed,
                crash_message(lang, exit, worker.stderr_hint()),
                BTreeMap::new(),
            ),
        };
        if status != RunStatus::Ok {
            logs.push((now_ms(), LogLevel::Error, message.clone()));
        }
        store.append_logs(run_id, &logs)?;
        store.finish_run(run_id, status, &message, &counters, config.history)?;
        Ok(Outcome {
            run_id,
            status,
            message,
            counters,
        })
    }
}

/// Calls the plugin's `check` for a task in a worker; returns the verdict and its message.
pub fn check_task(
    config: &RunnerConfig,
    task_id: i64,
    timeout: Duration,
) -> anyhow::Result<(bool, String)> {
    let store = Store::open(&config.db)?;
    store.require_task(task_id)?;
    let mut worker = Worker::start(config, &["check".to_string(), task_id.to_string()])?;
    let deadline = Instant::now() + timeout;
    let mut verdict = None;
    loop {
        match worker.events.recv_timeout(Duration::from_millis(50)) {
            Ok(Event::Checked { ok, message }) => verdict = Some((ok, message)),
            Ok(Event::Failed { message }) => verdict = Some((false, message)),
            Ok(_) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if Instant::now() > deadline {
            let _ = worker.child.kill();
            let _ = worker.child.wait();
            let limit = duration_phrase(config.lang, timeout.as_secs());
            return Ok((false, tr!(config.lang, "run-check-timeout", limit = limit)));
        }
    }
    let exit = worker.child.wait()?;
    let crashed = || crash_message(config.lang, exit, worker.stderr_hint());
    Ok(verdict.unwrap_or_else(|| (false, crashed())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crash_is_said_in_the_runs_language_with_the_output_as_it_is() {
        let segfault = ExitStatus::from_raw(libc::SIGSEGV);
        let hint = || Some("thread 'main' panicked".to_string());
        assert_eq!(
            crash_message(Lang::En, segfault, hint()),
            "plugin crashed: signal 11 (SIGSEGV, invalid memory access); last output: thread 'main' panicked"
        );
        assert_eq!(
            crash_message(Lang::Ru, segfault, hint()),
            "модуль аварийно завершился: сигнал 11 (SIGSEGV, обращение к недопустимой памяти); последний вывод: thread 'main' panicked"
        );
        let exited = ExitStatus::from_raw(3 << 8);
        assert_eq!(
            crash_message(Lang::En, exited, None),
            "plugin crashed: the worker exited with code 3 before the run finished"
        );
        assert_eq!(
            crash_message(Lang::Ru, exited, None),
            "модуль аварийно завершился: рабочий процесс вышел с кодом 3, не закончив запуск"
        );
    }
}
