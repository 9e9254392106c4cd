//! Prometheus metrics of this host process, served by `serve --http` at `/metrics`.
//!
//! Runs are counted when they end in this process (the scheduler's and the console's runs;
//! a `run` command in another process counts in its own process, which nobody scrapes).
//! The last success of each task is read from the database at every scrape, so it covers
//! runs of every host process on the file.
//!
//! What plugins report goes through the run summary's counters (the plugin ABI is frozen,
//! and a summary is what every plugin already returns): `api_requests` and `api_errors.CODE`
//! become [`API_REQUESTS`] and [`API_ERRORS`] series, every other counter a
//! `exchange_plugin_counter_total{task_type, counter}` series; each is a sum over runs.

use crate::runs::runner::Outcome;
use exchange_store::Store;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::{Registry, Unit};
use std::sync::atomic::{AtomicI64, AtomicU64};
use std::sync::OnceLock;
use std::time::Duration;

/// The summary counter of HTTP requests a plugin sent to its API in a run.
pub const API_REQUESTS: &str = "api_requests";
/// The prefix of the summary counters of API errors by code (`api_errors.6` = errors with
/// code 6, retried ones included).
pub const API_ERRORS: &str = "api_errors.";
/// The content type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Label pairs of a series.
type Labels = Vec<(&'static str, String)>;

/// The metrics of this process (one set, see [`global`]).
pub struct Metrics {
    registry: Registry,
    runs: Family<Labels, Counter>,
    durations: Family<Labels, Histogram>,
    api_requests: Family<Labels, Counter>,
    api_errors: Family<Labels, Counter>,
    plugin_counters: Family<Labels, Counter>,
    last_success: Family<Labels, Gauge<f64, AtomicU64>>,
    waiting: Gauge,
    running: Gauge,
    /// When the scheduling loop last went round (ms since the epoch; 0: never).
    heartbeat_ms: AtomicI64,
}

/// Run durations from 0.1 s to about 27 minutes, doubling.
fn duration_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.1, 2.0, 15))
}

/// The metrics of this process.
pub fn global() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(Metrics::new)
}

impl Metrics {
    fn new() -> Metrics {
        let mut registry = Registry::with_prefix("exchange");
        let runs = Family::<Labels, Counter>::default();
        registry.register(
            "runs",
            "Runs ended in this process, by task type and status",
            runs.clone(),
        );
        let durations =
            Family::<Labels, Histogram>::new_with_constructor(duration_histogram as fn() -> _);
        registry.register_with_unit(
            "run_duration",
            "Wall time of the runs ended in this process, by task type",
            Unit::Seconds,
            durations.clone(),
        );
        let api_requests = Family::<Labels, Counter>::default();
        registry.register(
            "api_requests",
            "HTTP requests plugins sent to their APIs (run summaries' api_requests), by task type",
            api_requests.clone(),
        );
        let api_errors = Family::<Labels, Counter>::default();
        registry.register(
            "api_errors",
            "API errors plugins met (run summaries' api_errors.CODE), by task type and code",
            api_errors.clone(),
        );
        let plugin_counters = Family::<Labels, Counter>::default();
        registry.register(
            "plugin_counter",
            "Other counters of run summaries, summed over runs, by task type and counter",
            plugin_counters.clone(),
        );
        let last_success = Family::<Labels, Gauge<f64, AtomicU64>>::default();
        registry.register_with_unit(
            "task_last_success_timestamp",
            "When each task's last successful run (not a dry run) ended, as far as the kept history goes",
            Unit::Seconds,
            last_success.clone(),
        );
        let waiting = Gauge::default();
        registry.register(
            "tasks_waiting",
            "Due tasks the scheduler did not start in its last round (no free run slot, or their start failed)",
            waiting.clone(),
        );
        let running = Gauge::default();
        registry.register(
            "scheduler_runs_in_progress",
            "Runs the scheduler of this process drives now",
            running.clone(),
        );
        Metrics {
            registry,
            runs,
            durations,
            api_requests,
            api_errors,
            plugin_counters,
            last_success,
            waiting,
            running,
            heartbeat_ms: AtomicI64::new(0),
        }
    }

    /// Counts a run of a task of `type_id` that ended after `elapsed`.
    pub fn run_ended(&self, type_id: &str, outcome: &Outcome, elapsed: Duration) {
        let task_type = || ("task_type", type_id.to_string());
        self.runs
            .get_or_create(&vec![task_type(), ("status", outcome.status.to_string())])
            .inc();
        self.durations
            .get_or_create(&vec![task_type()])
            .observe(elapsed.as_secs_f64());
        for (name, &value) in &outcome.counters {
            if name == API_REQUESTS {
                self.api_requests
                    .get_or_create(&vec![task_type()])
                    .inc_by(value);
            } else if let Some(code) = name.strip_prefix(API_ERRORS) {
                self.api_errors
                    .get_or_create(&vec![task_type(), ("code", code.to_string())])
                    .inc_by(value);
            } else {
                self.plugin_counters
                    .get_or_create(&vec![task_type(), ("counter", name.clone())])
                    .inc_by(value);
            }
        }
    }

    /// The scheduling loop went round: `waiting` tasks are due but not started, `running`
    /// runs are in progress.
    pub fn scheduler_tick(&self, waiting: usize, running: usize) {
        self.waiting.set(waiting as i64);
        self.running.set(running as i64);
        self.heartbeat_ms.store(
            exchange_store::now_ms(),
            std::sync::atomic::Ordering::Relaxed,
        );
    }

    /// How long ago the scheduling loop last went round; `None` before its first round.
    pub fn scheduler_age(&self) -> Option<Duration> {
        match self.heartbeat_ms.load(std::sync::atomic::Ordering::Relaxed) {
            0 => None,
            at => Some(Duration::from_millis(
                (exchange_store::now_ms() - at).max(0) as u64,
            )),
        }
    }

    /// The metrics as OpenMetrics text ([`CONTENT_TYPE`]), with each task's last success
    /// read from `store` now.
    pub fn render(&self, store: &Store) -> anyhow::Result<String> {
        let successes = store.last_successes()?;
        // One scrape at a time refreshes the gauges, so a removed task's series goes away.
        static RENDER: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one = RENDER.lock().unwrap_or_else(|e| e.into_inner());
        self.last_success.clear();
        for s in successes {
            self.last_success
                .get_or_create(&vec![
                    ("task", s.task_id.to_string()),
                    ("org", s.org_id),
                    ("task_type", s.type_id),
                ])
                .set(s.ended_ms as f64 / 1000.0);
        }
        let mut text = String::new();
        encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn summary_counters_become_api_and_plugin_series() {
        let metrics = Metrics::new();
        let outcome = Outcome {
            run_id: 1,
            status: exchange_store::runs::RunStatus::Ok,
            message: String::new(),
            counters: BTreeMap::from([
                ("api_requests".to_string(), 9),
                ("api_errors.6".to_string(), 2),
                ("chats_created".to_string(), 45),
            ]),
        };
        metrics.run_ended("sferum-sync", &outcome, Duration::from_millis(300));
        metrics.run_ended("sferum-sync", &outcome, Duration::from_millis(300));
        metrics.scheduler_tick(3, 1);
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        let text = metrics.render(&store).unwrap();
        for line in [
            r#"exchange_runs_total{task_type="sferum-sync",status="ok"} 2"#,
            r#"exchange_api_requests_total{task_type="sferum-sync"} 18"#,
            r#"exchange_api_errors_total{task_type="sferum-sync",code="6"} 4"#,
            r#"exchange_plugin_counter_total{task_type="sferum-sync",counter="chats_created"} 90"#,
            r#"exchange_run_duration_seconds_count{task_type="sferum-sync"} 2"#,
            r#"exchange_run_duration_seconds_bucket{le="0.4",task_type="sferum-sync"} 2"#,
            "exchange_tasks_waiting 3",
            "exchange_scheduler_runs_in_progress 1",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line} missing in:\n{text}"
            );
        }
        assert!(metrics.scheduler_age().unwrap() < Duration::from_secs(5));
    }
}
