//! Runs started from the console ("run now", "dry run"): each executes in a worker process
//! through [`run_task`] on a thread of its own, its progress is kept for the live view, and
//! all of them are asked to stop when the console stops.

use super::error::ApiError;
use crate::runs::protocol::Event;
use crate::runs::runner::{run_task, RunnerConfig};
use crate::store::{now_ms, Store};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long starting a run may take before the console gives up waiting for its record.
const START_WAIT: Duration = Duration::from_secs(15);

/// A run's latest progress report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub stage: String,
    pub done: u64,
    pub total: u64,
}

struct Live {
    cancel: Arc<AtomicBool>,
    progress: Option<Progress>,
}

/// The runs this console started, by task id.
#[derive(Default)]
pub struct Launcher {
    live: Arc<Mutex<HashMap<i64, Live>>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Launcher {
    /// Starts a run of `task_id` and returns its run id once it is recorded. Refuses a task
    /// that is running already (started here, by the scheduler or by another process).
    pub fn start(
        &self,
        runner: &RunnerConfig,
        task_id: i64,
        dry_run: bool,
    ) -> Result<i64, ApiError> {
        let store = Store::open(&runner.db)?;
        let task = super::views::require_task(&store, task_id)?;
        let last = store.runs(Some(task_id), 1)?.into_iter().next();
        if let Some(run) = last.as_ref().filter(|r| {
            r.status == "running" && now_ms() - r.started_ms < task.max_run_time_s * 1000
        }) {
            return Err(ApiError::conflict(format!(
                "task {task_id} is running now (run {}): wait until it ends, then start it again",
                run.id
            )));
        }
        let before = last.map(|r| r.id).unwrap_or(0);
        let cancel = Arc::new(AtomicBool::new(false));
        {
            let mut live = lock(&self.live);
            if live.contains_key(&task_id) {
                return Err(ApiError::conflict(format!(
                    "task {task_id} is starting now: wait until its run ends, then start it again"
                )));
            }
            live.insert(
                task_id,
                Live {
                    cancel: cancel.clone(),
                    progress: None,
                },
            );
        }
        let (failed_tx, failed) = mpsc::channel::<String>();
        let (runner, live) = (runner.clone(), self.live.clone());
        let thread = std::thread::Builder::new()
            .name(format!("web-run-{task_id}"))
            .spawn(move || {
                let mut observe = |event: &Event| {
                    if let Event::Progress { stage, done, total } = event {
                        if let Some(entry) = lock(&live).get_mut(&task_id) {
                            entry.progress = Some(Progress {
                                stage: stage.clone(),
                                done: *done,
                                total: *total,
                            });
                        }
                    }
                };
                let result = run_task(&runner, task_id, "manual", dry_run, &cancel, &mut observe);
                lock(&live).remove(&task_id);
                if let Err(e) = result {
                    tracing::error!(
                        task = task_id,
                        "a run started from the web console failed: {e:#}"
                    );
                    let _ = failed_tx.send(format!("{e:#}"));
                }
            })
            .map_err(|e| anyhow::anyhow!("cannot start a thread for the run: {e}"))?;
        {
            let mut threads = lock(&self.threads);
            threads.retain(|t| !t.is_finished());
            threads.push(thread);
        }
        let deadline = Instant::now() + START_WAIT;
        loop {
            if let Ok(message) = failed.try_recv() {
                return Err(anyhow::anyhow!("the run could not start: {message}").into());
            }
            if let Some(run) = store.runs(Some(task_id), 1)?.first() {
                if run.id > before {
                    return Ok(run.id);
                }
            }
            if Instant::now() > deadline {
                return Err(anyhow::anyhow!(
                    "the run of task {task_id} was not recorded within {}s: see the run history",
                    START_WAIT.as_secs()
                )
                .into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The latest progress of the task's run started here, while it runs.
    pub fn progress(&self, task_id: i64) -> Option<Progress> {
        lock(&self.live)
            .get(&task_id)
            .and_then(|l| l.progress.clone())
    }

    /// Asks every run started here to stop.
    pub fn cancel_all(&self) {
        for live in lock(&self.live).values() {
            live.cancel.store(true, Ordering::SeqCst);
        }
    }

    /// Waits until every run started here has ended and been recorded.
    pub fn wait_all(&self) {
        let threads = std::mem::take(&mut *lock(&self.threads));
        for thread in threads {
            let _ = thread.join();
        }
    }
}
