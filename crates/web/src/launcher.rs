//! Runs started from the console ("run now", "dry run"): each executes in a worker process
//! through [`begin_run`] on a thread of its own, its progress is kept for the live view, and
//! all of them are asked to stop when the console stops.

use super::error::ApiError;
use exchange_core::runs::protocol::Event;
use exchange_core::runs::runner::{begin_run, AlreadyRunning, RunOptions, RunnerConfig};
use exchange_core::tr;
use exchange_store::Store;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

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
    /// Starts a run of `task_id` by hand and returns its run id once it is recorded. Refuses
    /// a task whose type runs for its organization already (started here, by the scheduler or
    /// by another process). `force` confirms, for this run only, what a guard holds back.
    pub fn start(
        &self,
        runner: &RunnerConfig,
        task_id: i64,
        dry_run: bool,
        force: bool,
    ) -> Result<i64, ApiError> {
        let lang = runner.lang;
        if dry_run && force {
            return Err(ApiError::bad_request(tr!(lang, "run-dry-and-force")));
        }
        let store = Store::open(&runner.db)?;
        super::error::require_task(&store, task_id, lang)?;
        let cancel = Arc::new(AtomicBool::new(false));
        {
            let mut live = lock(&self.live);
            if live.contains_key(&task_id) {
                let run = store.runs(Some(task_id), 1)?.first().map_or(0, |r| r.id);
                return Err(ApiError::conflict(tr!(
                    lang,
                    "run-already-running",
                    task = task_id,
                    run = run
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
        let options = RunOptions {
            trigger: exchange_store::runs::Trigger::Manual,
            dry_run,
            force,
        };
        // The run is no longer this console's to follow.
        let could_not_start = |error: String| {
            lock(&self.live).remove(&task_id);
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                tr!(lang, "run-could-not-start", error = error),
            )
        };
        let started = match begin_run(runner, task_id, options) {
            Ok(started) => started,
            Err(e) => {
                if let Some(busy) = e.downcast_ref::<AlreadyRunning>() {
                    lock(&self.live).remove(&task_id);
                    return Err(ApiError::conflict(busy.message(lang)));
                }
                return Err(could_not_start(exchange_core::errors::message(lang, &e)));
            }
        };
        let run_id = started.run_id();
        let live = self.live.clone();
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
                let result = started.execute(&cancel, &mut observe);
                lock(&live).remove(&task_id);
                if let Err(e) = result {
                    tracing::error!(
                        task = task_id,
                        run = run_id,
                        "a run started from the web console failed: {e:#}"
                    );
                }
            })
            .map_err(|e| could_not_start(e.to_string()))?;
        {
            let mut threads = lock(&self.threads);
            threads.retain(|t| !t.is_finished());
            threads.push(thread);
        }
        Ok(run_id)
    }

    /// The latest progress of the task's run started here, while it runs.
    pub fn progress(&self, task_id: i64) -> Option<Progress> {
        lock(&self.live)
            .get(&task_id)
            .and_then(|l| l.progress.clone())
    }

    /// Asks a running run to stop, wherever it was started: the host process that owns it
    /// sees the request in the database within a second. 409 when it is not running.
    pub fn stop(&self, runner: &RunnerConfig, run_id: i64) -> Result<(), ApiError> {
        let mut store = Store::open(&runner.db)?;
        super::error::require_run(&store, run_id, runner.lang)?;
        if !store.request_cancel(run_id)? {
            return Err(ApiError::conflict(tr!(
                runner.lang,
                "run-not-running",
                run = run_id
            )));
        }
        Ok(())
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
