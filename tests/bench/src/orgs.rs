//! Many organizations syncing at once: `exchange-host serve` runs one new Sferum sync task
//! per organization, all due at start, each organization with its own community and token
//! in one emulator that enforces the per-token rate limit.

use crate::host::{number, Build};
use crate::process::Serving;
use crate::report::{count, time, Report};
use crate::schools::Schools;
use anyhow::bail;
use exchange_store::now_ms;
use exchange_store::Schedule;
use sferum_sync::client::BASE_ENV;
use std::time::{Duration, Instant};

/// How often the database is polled for finished runs.
const POLL: Duration = Duration::from_millis(100);
/// The longest the syncs may take before the measurement gives up.
const TIMEOUT: Duration = Duration::from_secs(600);

/// What the syncs of many organizations took.
pub struct Orgs {
    orgs: usize,
    students: usize,
    /// From starting `serve` to the end of the last run.
    wall: Duration,
    requests: u64,
    /// Rate-limit refusals (error 6) the emulator answered.
    error_6: u64,
    /// Runs that ended `ok`.
    ok: i64,
}

/// Syncs `orgs` organizations of about `students` students each at once.
pub fn measure(build: &Build, orgs: usize, students: usize) -> anyhow::Result<Orgs> {
    let Schools {
        emu, world, store, ..
    } = Schools::new(build, orgs, students, Schedule::Every(3600))?;
    let start_ms = now_ms();
    let started = Instant::now();
    let mut command = world.command(&["serve", "--max-concurrent", &orgs.to_string()]);
    command.env(BASE_ENV, emu.base_url());
    let serving = Serving::start(command)?;
    let ended = "SELECT COUNT(*) FROM runs WHERE ended_ms IS NOT NULL";
    while number(&store, ended)? < orgs as i64 {
        if started.elapsed() > TIMEOUT {
            bail!("the syncs of {orgs} organizations did not end within {TIMEOUT:?}");
        }
        std::thread::sleep(POLL);
    }
    drop(serving);
    let last_end = number(&store, "SELECT MAX(ended_ms) FROM runs")?;
    let stats = emu.stats();
    Ok(Orgs {
        orgs,
        students,
        wall: Duration::from_millis((last_end - start_ms).max(0) as u64),
        requests: stats.http_requests,
        error_6: stats.errors.get(&6).copied().unwrap_or(0),
        ok: number(&store, "SELECT COUNT(*) FROM runs WHERE status = 'ok'")?,
    })
}

impl Orgs {
    /// Adds the row of this measurement.
    pub fn report(&self, report: &mut Report) {
        report.figure(
            format!(
                "{} organizations × {} students at once (serve)",
                self.orgs, self.students
            ),
            format!(
                "{} wall (--max-concurrent {}), {} requests, {} error 6, {} of {} runs ok",
                time(self.wall),
                self.orgs,
                count(self.requests),
                self.error_6,
                self.ok,
                self.orgs
            ),
        );
    }
}
