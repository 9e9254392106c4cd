//! `serve` under faults for a while: many schools syncing `constantly` against an emulator
//! that fails a share of requests (lost connections, HTTP 500, error 10, writes whose answer
//! is lost). Afterwards every task must have run, no run may be left `running`, no school
//! may have two chats of one title or more calls than its lessons and lost answers explain,
//! and `serve`'s memory must stay flat.

use crate::host::{number, Build};
use crate::process::{cpu_ticks, memory_kib, ticks_per_second, Serving};
use crate::report::{bytes, count, Report};
use crate::schools::Schools;
use exchange_store::Schedule;
use sferum_emulator::{FaultKind, FaultRule};
use sferum_sync::client::BASE_ENV;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// How often `serve`'s memory is sampled.
const SAMPLE_EVERY: Duration = Duration::from_secs(5);

/// What the soak found.
pub struct Soak {
    orgs: usize,
    students: usize,
    window: Duration,
    runs: i64,
    ok: i64,
    tasks_that_ran: i64,
    left_running: i64,
    duplicate_chats: usize,
    extra_calls: u64,
    requests: u64,
    faults: u64,
    /// `serve`'s resident memory at the first sample after a quarter of the window, and at
    /// the end (KiB).
    rss_early_kib: u64,
    rss_end_kib: u64,
    rss_peak_kib: u64,
    cpu_seconds: f64,
}

/// Runs `orgs` schools of `students` under `serve` for `window` with faults on 10% of
/// requests, then checks what they left.
pub fn measure(
    build: &Build,
    orgs: usize,
    students: usize,
    window: Duration,
) -> anyhow::Result<Soak> {
    let Schools {
        emu,
        world,
        store,
        communities,
        calls_to_start,
    } = Schools::new(build, orgs, students, Schedule::Constantly)?;
    emu.set_faults(vec![
        FaultRule::probability(FaultKind::Drop, 0.025),
        FaultRule::probability(FaultKind::Http500, 0.025),
        FaultRule::probability(FaultKind::Error10, 0.025),
        FaultRule::probability(FaultKind::CommitThenDrop, 0.025),
    ])
    .map_err(anyhow::Error::msg)?;
    let mut command = world.command(&["serve", "--constantly-floor", "1s"]);
    command.env(BASE_ENV, emu.base_url());
    let serving = Serving::start(command)?;
    let pid = serving.pid();
    let started = Instant::now();
    let ticks_before = cpu_ticks(pid)?;
    let (mut rss_early_kib, mut rss_peak_kib) = (0, 0);
    while started.elapsed() < window {
        std::thread::sleep(SAMPLE_EVERY.min(window.saturating_sub(started.elapsed())));
        let (rss, _) = memory_kib(pid)?;
        rss_peak_kib = rss_peak_kib.max(rss);
        if rss_early_kib == 0 && started.elapsed() >= window / 4 {
            rss_early_kib = rss;
        }
    }
    let (rss_end_kib, _) = memory_kib(pid)?;
    let cpu_seconds = (cpu_ticks(pid)? - ticks_before) as f64 / ticks_per_second() as f64;
    drop(serving); // SIGTERM: the runs going on are cancelled and recorded.
    let stats = emu.stats();
    let state = emu.state();
    let mut duplicate_chats = 0;
    let mut calls = 0u64;
    for community in &communities {
        let community = &state.communities[community];
        let mut titles = BTreeSet::new();
        duplicate_chats += community
            .chats
            .values()
            .filter(|c| !titles.insert(c.title.as_str()))
            .count();
        calls += community.calls.len() as u64;
    }
    let restarted: i64 = number(
        &store,
        "SELECT COALESCE(SUM(json_extract(counters_json, '$.calls_restarted')), 0) FROM runs",
    )?;
    Ok(Soak {
        orgs,
        students,
        window,
        runs: number(&store, "SELECT COUNT(*) FROM runs")?,
        ok: number(&store, "SELECT COUNT(*) FROM runs WHERE status = 'ok'")?,
        tasks_that_ran: number(
            &store,
            "SELECT COUNT(DISTINCT task_id) FROM runs WHERE status IN ('ok', 'partial')",
        )?,
        left_running: number(&store, "SELECT COUNT(*) FROM runs WHERE status = 'running'")?,
        duplicate_chats,
        extra_calls: calls.saturating_sub(calls_to_start + restarted as u64),
        requests: stats.http_requests,
        faults: stats.faults.values().sum(),
        rss_early_kib,
        rss_end_kib,
        rss_peak_kib,
        cpu_seconds,
    })
}

impl Soak {
    /// Adds the rows of this measurement.
    pub fn report(&self, report: &mut Report) {
        let name = format!(
            "soak: {} schools × {} students, constantly, 10% faults, {} s",
            self.orgs,
            self.students,
            self.window.as_secs()
        );
        report.figure(
            name.clone(),
            format!(
                "{} runs ({} ok), {} of {} tasks ran to the end, {} left running, {} duplicate chats, {} unexplained calls; {} requests, {} faults injected",
                count(self.runs as u64),
                count(self.ok as u64),
                self.tasks_that_ran,
                self.orgs,
                self.left_running,
                self.duplicate_chats,
                self.extra_calls,
                count(self.requests),
                count(self.faults)
            ),
        );
        report.figure(
            format!("{name}: serve"),
            format!(
                "RSS {} after a quarter, {} at the end, {} peak; {:.1} s CPU",
                bytes(self.rss_early_kib * 1024),
                bytes(self.rss_end_kib * 1024),
                bytes(self.rss_peak_kib * 1024),
                self.cpu_seconds
            ),
        );
    }
}
