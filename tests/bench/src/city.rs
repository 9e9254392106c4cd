//! City scale (`--city`): one host with every school of a city (St Petersburg has about 700),
//! each with its own community and token in one emulator, under `exchange-host serve`.
//! Measures a whole first-sync cycle (every task due at start) and then a whole no-op cycle
//! (every task made due again, nothing changed): wall time, requests, the host's CPU (serve
//! and its workers) and the emulator's, and peak memory (serve, one worker, all together).

use crate::host::{number, Build};
use crate::process::{children, cpu_ticks_with_children, memory_kib, ticks_per_second, Serving};
use crate::report::{bytes, count, time, Report};
use crate::schools::Schools;
use anyhow::bail;
use exchange_store::Schedule;
use sferum_emulator::EmulatorHandle;
use sferum_sync::client::BASE_ENV;
use std::time::{Duration, Instant};

/// How often the database and the processes are looked at.
const POLL: Duration = Duration::from_millis(50);
/// The longest one cycle may take before the measurement gives up.
const TIMEOUT: Duration = Duration::from_secs(3 * 3600);

/// One cycle: every task ran once.
struct Cycle {
    wall: Duration,
    requests: u64,
    error_6: u64,
    ok: i64,
    /// CPU seconds of serve and its (finished) workers.
    host_cpu: f64,
    /// CPU seconds of this process: the emulator, and the measuring.
    emulator_cpu: f64,
    /// Most resident memory of serve and its workers at one time (KiB, sampled).
    peak_total_kib: u64,
    /// Most resident memory of one worker (KiB, sampled).
    peak_worker_kib: u64,
    /// Most workers at one time (sampled).
    peak_workers: usize,
}

/// The city-scale measurement.
pub struct City {
    orgs: usize,
    students: usize,
    max_concurrent: usize,
    setup: Duration,
    db_bytes: u64,
    first: Cycle,
    no_op: Cycle,
    serve_hwm_kib: u64,
}

/// CPU seconds this process has used.
fn own_cpu() -> f64 {
    // SAFETY: getrusage fills the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// Waits until `target` runs have ended, sampling serve's and its workers' memory.
fn cycle(
    store: &exchange_store::Store,
    serve_pid: u32,
    emu: &EmulatorHandle,
    target: i64,
    since: Instant,
) -> anyhow::Result<Cycle> {
    let requests_before = emu.stats().http_requests;
    let error_6_before = emu.stats().errors.get(&6).copied().unwrap_or(0);
    let ok_before = number(store, "SELECT COUNT(*) FROM runs WHERE status = 'ok'")?;
    let cpu_before = cpu_ticks_with_children(serve_pid)?;
    let own_before = own_cpu();
    let (mut peak_total_kib, mut peak_worker_kib, mut peak_workers) = (0, 0, 0);
    let ended = "SELECT COUNT(*) FROM runs WHERE ended_ms IS NOT NULL";
    let mut last_report = Instant::now();
    loop {
        let done = number(store, ended)?;
        if done >= target {
            break;
        }
        let workers = children(serve_pid);
        let mut total = memory_kib(serve_pid)?.0;
        for pid in &workers {
            if let Ok((rss, hwm)) = memory_kib(*pid) {
                total += rss;
                peak_worker_kib = peak_worker_kib.max(hwm);
            }
        }
        peak_total_kib = peak_total_kib.max(total);
        peak_workers = peak_workers.max(workers.len());
        if last_report.elapsed() > Duration::from_secs(30) {
            eprintln!(
                "exchange-bench:   {done} of {target} runs ended, {} s",
                since.elapsed().as_secs()
            );
            last_report = Instant::now();
        }
        if since.elapsed() > TIMEOUT {
            bail!("the cycle did not end within {TIMEOUT:?} ({done} of {target} runs)");
        }
        std::thread::sleep(POLL);
    }
    let wall = since.elapsed();
    let ticks = ticks_per_second() as f64;
    Ok(Cycle {
        wall,
        requests: emu.stats().http_requests - requests_before,
        error_6: emu.stats().errors.get(&6).copied().unwrap_or(0) - error_6_before,
        ok: number(store, "SELECT COUNT(*) FROM runs WHERE status = 'ok'")? - ok_before,
        host_cpu: (cpu_ticks_with_children(serve_pid)? - cpu_before) as f64 / ticks,
        emulator_cpu: own_cpu() - own_before,
        peak_total_kib,
        peak_worker_kib,
        peak_workers,
    })
}

/// Syncs `orgs` schools of about `students` students each under one `serve`, twice.
pub fn measure(
    build: &Build,
    orgs: usize,
    students: usize,
    max_concurrent: usize,
) -> anyhow::Result<City> {
    let setup_started = Instant::now();
    let Schools {
        emu, world, store, ..
    } = Schools::new(build, orgs, students, Schedule::Every(3600))?;
    let setup = setup_started.elapsed();
    store
        .conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let db_bytes = std::fs::metadata(&world.db)?.len();

    let started = Instant::now();
    let mut command = world.command(&["serve", "--max-concurrent", &max_concurrent.to_string()]);
    command.env(BASE_ENV, emu.base_url());
    let serving = Serving::start(command)?;
    let pid = serving.pid();
    let first = cycle(&store, pid, &emu, orgs as i64, started)?;

    // Every task due again at once, as after a school-data import; nothing changed.
    std::thread::sleep(Duration::from_millis(1100));
    let again = Instant::now();
    store.conn().execute("UPDATE tasks SET due_now = 1", [])?;
    let no_op = cycle(&store, pid, &emu, 2 * orgs as i64, again)?;
    let serve_hwm_kib = memory_kib(pid)?.1;
    drop(serving);
    Ok(City {
        orgs,
        students,
        max_concurrent,
        setup,
        db_bytes,
        first,
        no_op,
        serve_hwm_kib,
    })
}

impl City {
    /// Adds the rows of this measurement.
    pub fn report(&self, report: &mut Report) {
        let name = format!(
            "city: {} schools × {} students",
            count(self.orgs as u64),
            count(self.students as u64)
        );
        report.figure(
            format!("{name}: set-up (not timed below)"),
            format!(
                "{} to add the organizations, import the schools and add the tasks; database {}",
                time(self.setup),
                bytes(self.db_bytes)
            ),
        );
        for (what, c) in [
            ("first-sync cycle", &self.first),
            ("no-op cycle", &self.no_op),
        ] {
            report.figure(
                format!("{name}: {what}"),
                format!(
                    "{} wall (--max-concurrent {}), {} of {} runs ok, {} requests, {} error 6",
                    time(c.wall),
                    self.max_concurrent,
                    count(c.ok as u64),
                    count(self.orgs as u64),
                    count(c.requests),
                    c.error_6
                ),
            );
            report.figure(
                format!("{name}: {what}, CPU"),
                format!(
                    "host {:.1} s (serve + workers, {:.0}% of a core), emulator {:.1} s",
                    c.host_cpu,
                    100.0 * c.host_cpu / c.wall.as_secs_f64().max(0.001),
                    c.emulator_cpu
                ),
            );
            report.figure(
                format!("{name}: {what}, memory"),
                format!(
                    "peak {} resident for serve + {} workers together, {} for one worker",
                    bytes(c.peak_total_kib * 1024),
                    c.peak_workers,
                    bytes(c.peak_worker_kib * 1024)
                ),
            );
        }
        report.figure(
            format!("{name}: serve's own peak"),
            format!("VmHWM {}", bytes(self.serve_hwm_kib * 1024)),
        );
    }
}
