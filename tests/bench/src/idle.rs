//! `exchange-host serve` holding many scheduled tasks that are not due: its resident memory
//! and its CPU use over a window.
//!
//! The tasks are of the example type, scheduled `every 1h`, each with an `ok` run recorded
//! just before `serve` starts, so none is due during the window.

use crate::host::{number, Build, World, EXAMPLE};
use crate::process::{cpu_ticks, memory_kib, ticks_per_second, Serving};
use crate::report::{bytes, count, Report};
use exchange_core::runs::liveness::ProcessId;
use exchange_store::runs::{Acquired, NewRun, RunStatus};
use exchange_store::Schedule;
use std::collections::BTreeMap;
use std::time::Duration;

/// The organization the tasks belong to.
const ORG: &str = "bench-idle";
/// Time for `serve` to settle after its banner before the window opens.
const SETTLE: Duration = Duration::from_secs(1);
/// The most resident memory `serve` may hold with 1,000 idle tasks (issue 8: 64 MB, taken
/// strictly as 64,000,000 bytes).
const RSS_LIMIT_BYTES: u64 = 64_000_000;
/// The most CPU it may use, in percent of one core (issue 8).
const CPU_LIMIT_PERCENT: f64 = 1.0;

/// What `serve` used while idle.
pub struct Idle {
    tasks: usize,
    window: Duration,
    rss_kib: u64,
    hwm_kib: u64,
    cpu_percent: f64,
    /// Runs started during the measurement (should be none).
    runs_started: i64,
}

/// Measures `serve` with `tasks` idle tasks over `window`.
pub fn measure(build: &Build, tasks: usize, window: Duration) -> anyhow::Result<Idle> {
    let world = World::new(build)?;
    world.install(build, EXAMPLE, "libexample_plugin.so")?;
    let mut store = world.store()?;
    store.add_org(ORG, ORG)?;
    let owner = ProcessId::current().to_string();
    for _ in 0..tasks {
        let id = store.add_task(
            ORG,
            "example",
            Schedule::Every(3600),
            &Default::default(),
            &Default::default(),
        )?;
        let task = store.require_task(id)?;
        let new = NewRun {
            task: &task,
            trigger: exchange_store::runs::Trigger::Schedule,
            dry_run: false,
            owner: &owner,
            lease_until_ms: 0,
        };
        let Acquired::Started(run) = store.acquire_run(&new, &|_| None)? else {
            anyhow::bail!("task {id} has a run going on");
        };
        store.finish_run(run, RunStatus::Ok, "done", &BTreeMap::new(), 200)?;
    }
    let runs_before = number(&store, "SELECT COUNT(*) FROM runs")?;
    let serving = Serving::start(world.command(&["serve"]))?;
    std::thread::sleep(SETTLE);
    let pid = serving.pid();
    let ticks_before = cpu_ticks(pid)?;
    std::thread::sleep(window);
    let ticks = cpu_ticks(pid)? - ticks_before;
    let (rss_kib, hwm_kib) = memory_kib(pid)?;
    drop(serving);
    let cpu_seconds = ticks as f64 / ticks_per_second() as f64;
    Ok(Idle {
        tasks,
        window,
        rss_kib,
        hwm_kib,
        cpu_percent: 100.0 * cpu_seconds / window.as_secs_f64(),
        runs_started: number(&store, "SELECT COUNT(*) FROM runs")? - runs_before,
    })
}

impl Idle {
    /// Adds the rows of this measurement.
    pub fn report(&self, report: &mut Report) {
        let what = format!("serve, {} idle tasks", count(self.tasks as u64));
        report.target(
            format!("{what}: resident memory"),
            format!(
                "VmRSS {}, VmHWM {}",
                bytes(self.rss_kib * 1024),
                bytes(self.hwm_kib * 1024)
            ),
            "< 64 MB resident",
            self.hwm_kib * 1024 < RSS_LIMIT_BYTES,
        );
        report.target(
            format!("{what}: CPU"),
            format!(
                "{:.2}% of a core over {:.0} s (utime+stime); {} runs started",
                self.cpu_percent,
                self.window.as_secs_f64(),
                self.runs_started
            ),
            "< 1% of a core",
            self.cpu_percent < CPU_LIMIT_PERCENT,
        );
    }
}
