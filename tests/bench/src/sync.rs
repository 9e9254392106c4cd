//! First and no-op syncs of the sample school through the real host (`exchange-host run`:
//! a worker process loads the plugin, which talks to the in-process emulator over loopback
//! at its 20 requests/s limit), and the naive baseline replayed from them.

use crate::host::{add_org, Build, World, SFERUM_SYNC};
use crate::minimum::Minimum;
use crate::replay::{calls_of, replay, ApiCall, Naive};
use crate::report::{count, ratio, time, Report};
use anyhow::Context as _;
use exchange_sdk::school::SchoolData;
use exchange_store::runs::RunStatus;
use exchange_store::Schedule;
use sferum_emulator::{Emulator, EmulatorConfig, EmulatorHandle};
use sferum_sync::client::{BASE_ENV, BATCH, RATE_PER_SECOND};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The school's community in the emulator.
const COMMUNITY: u64 = 239;
/// Its access token (an obvious fake).
const TOKEN: &str = "bench-community-token-239";
/// The organization in the host.
const ORG: &str = "bench-school";
/// A pause between two runs longer than the emulator's one-second rate-limit window, so
/// that one run's requests never count against the next.
const PAUSE: Duration = Duration::from_millis(1100);
/// The school size the no-op target of issue 8 is set for.
const NO_OP_TARGET_STUDENTS: usize = 2000;
/// The most a no-op sync of that school may take (issue 8).
const NO_OP_TIME: Duration = Duration::from_millis(500);
/// The most a first sync may spend, as a multiple of the minimum (issue 8).
const FIRST_FACTOR: f64 = 1.2;

/// One sync through the host, as the emulator saw it.
struct Run {
    /// Wall time of `exchange-host run`.
    wall: Duration,
    /// HTTP requests the emulator saw.
    requests: u64,
    /// The fewest requests the plan allows.
    minimum: Minimum,
    /// The run's status as recorded (`ok`, or the status and message).
    status: String,
    /// API errors by code the emulator answered.
    errors: BTreeMap<u32, u64>,
    /// The HTTP requests it made by method (`execute` for a batch).
    by_method: BTreeMap<String, u64>,
    /// The API calls it made, in order.
    calls: Vec<ApiCall>,
}

/// The syncs of one school, and their naive baselines.
pub struct Syncs {
    /// Students in the school.
    students: usize,
    /// The first sync (Sferum empty).
    first: Run,
    /// The sync right after it (nothing to change).
    no_op: Run,
    /// The first sync's calls, one per request.
    first_naive: Naive,
    /// The no-op sync's calls, one per request.
    no_op_naive: Naive,
}

/// Runs the task once and reads what the emulator saw.
fn run(world: &World, emu: &EmulatorHandle, task: i64) -> anyhow::Result<Run> {
    let before: Vec<_> = emu
        .state()
        .communities
        .get(&COMMUNITY)
        .map(|c| {
            c.chats
                .values()
                .filter(|c| c.community_access)
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    emu.reset_stats();
    let started = Instant::now();
    let output = world
        .command(&["run", &task.to_string()])
        .env(BASE_ENV, emu.base_url())
        .output()
        .context("cannot start exchange-host run")?;
    let wall = started.elapsed();
    let stats = emu.stats();
    let log = emu.log();
    let mut by_method = BTreeMap::new();
    for entry in &log {
        *by_method.entry(entry.method.clone()).or_default() += 1;
    }
    let record = world.store()?.runs(Some(task), 1)?.into_iter().next();
    let status = match record {
        Some(r) if r.status == RunStatus::Ok => r.status.to_string(),
        Some(r) => format!("{}: {}", r.status, r.message),
        None => format!(
            "not recorded: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ),
    };
    Ok(Run {
        wall,
        requests: stats.http_requests,
        minimum: Minimum::new(&before, &stats),
        status,
        errors: stats.errors,
        by_method,
        calls: calls_of(&log)?,
    })
}

/// The first and the no-op sync of `school` through the host of `build`, then their
/// calls replayed one per request against a fresh emulator without a rate limit.
pub fn measure(build: &Build, school: &SchoolData) -> anyhow::Result<Syncs> {
    let emu = Emulator::start(EmulatorConfig::default().community(COMMUNITY, TOKEN))?;
    let world = World::new(build)?;
    world.install(build, SFERUM_SYNC, "libsferum_sync.so")?;
    let mut store = world.store()?;
    add_org(&mut store, ORG, COMMUNITY, TOKEN)?;
    store.import_school(ORG, school)?;
    let task = store.add_task(
        ORG,
        "sferum-sync",
        Schedule::Manual,
        &Default::default(),
        &Default::default(),
    )?;
    let first = run(&world, &emu, task)?;
    std::thread::sleep(PAUSE);
    let no_op = run(&world, &emu, task)?;

    let naive = Emulator::start(EmulatorConfig {
        rate_limit: None,
        ..EmulatorConfig::default().community(COMMUNITY, TOKEN)
    })?;
    let first_naive = replay(&naive.base_url(), TOKEN, &first.calls)?;
    let no_op_naive = replay(&naive.base_url(), TOKEN, &no_op.calls)?;
    Ok(Syncs {
        students: school.students.len(),
        first,
        no_op,
        first_naive,
        no_op_naive,
    })
}

/// The time the rate limit imposes on `requests` at the very least.
fn at_rate_limit(requests: u64) -> Duration {
    Duration::from_secs_f64(requests as f64 / RATE_PER_SECOND as f64)
}

impl Run {
    /// `37 requests, 2.31 s (719 calls, 362 writes)`, plus the status and errors if any.
    fn summary(&self) -> String {
        let mut text = format!(
            "{} requests, {} ({} calls, {} writes)",
            count(self.requests),
            time(self.wall),
            count(self.calls.len() as u64),
            count(self.calls.iter().filter(|c| is_write(&c.method)).count() as u64),
        );
        if self.status != "ok" {
            text.push_str(&format!("; status {}", self.status));
        }
        if !self.errors.is_empty() {
            text.push_str(&format!("; API errors by code {:?}", self.errors));
        }
        text
    }

    /// `execute 28, messages.getConversations 2, …`, most first.
    fn requests_by_method(&self) -> String {
        let mut methods: Vec<_> = self.by_method.iter().collect();
        methods.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let parts: Vec<String> = methods.iter().map(|(m, n)| format!("{m} {n}")).collect();
        parts.join(", ")
    }

    fn versus_minimum(&self) -> String {
        format!(
            "{} ÷ {} = {}",
            self.requests,
            self.minimum.requests(),
            ratio(self.requests as f64, self.minimum.requests() as f64),
        )
    }

    fn versus_naive(&self, naive: &Naive) -> String {
        let limited = at_rate_limit(naive.requests);
        let mut text = format!(
            "{} requests = {} batched; {} unthrottled; ≥ {} at {}/s = {} batched wall",
            count(naive.requests),
            ratio(naive.requests as f64, self.requests as f64),
            time(naive.wall),
            time(limited),
            RATE_PER_SECOND,
            ratio(limited.as_secs_f64(), self.wall.as_secs_f64()),
        );
        if naive.failed > 0 {
            text.push_str(&format!("; {} calls failed", naive.failed));
        }
        text
    }
}

/// Whether a method changes Sferum.
fn is_write(method: &str) -> bool {
    matches!(
        method,
        "messages.createChat"
            | "messages.addChatUser"
            | "messages.removeChatUser"
            | "messages.setMemberRole"
            | "messages.editChat"
            | "calls.start"
    )
}

impl Syncs {
    /// Adds the rows of these syncs; `chats` is the school's number of chats. The no-op
    /// target is checked at the size issue 8 sets it for.
    pub fn report(&self, report: &mut Report, chats: usize) {
        let n = count(self.students as u64);
        let first = &self.first;
        report.figure(
            format!("{n} students: first sync (exchange-host run)"),
            first.summary(),
        );
        report.target(
            format!("{n} students: first sync ÷ minimum"),
            first.versus_minimum(),
            &format!("≤ {FIRST_FACTOR} × minimum"),
            first.requests as f64 <= FIRST_FACTOR * first.minimum.requests() as f64,
        );
        report.figure(
            format!("{n} students: first sync requests by method"),
            first.requests_by_method(),
        );
        report.figure(
            format!("{n} students: first sync minimum"),
            first.minimum.spelled(),
        );
        report.figure(
            format!("{n} students: first sync naive, 1 call/request"),
            first.versus_naive(&self.first_naive),
        );
        let no_op = &self.no_op;
        let measure = format!("{n} students: no-op sync (exchange-host run)");
        if self.students == NO_OP_TARGET_STUDENTS {
            let most = (chats as u64).div_ceil(BATCH as u64) + 2;
            report.target(
                measure,
                no_op.summary(),
                &format!(
                    "≤ ceil({chats}/{BATCH})+2 = {most} requests, < {} s",
                    NO_OP_TIME.as_secs_f64()
                ),
                no_op.requests <= most && no_op.wall < NO_OP_TIME,
            );
        } else {
            report.figure(measure, no_op.summary());
        }
        report.figure(
            format!("{n} students: no-op sync ÷ minimum"),
            no_op.versus_minimum(),
        );
        report.figure(
            format!("{n} students: no-op sync minimum"),
            no_op.minimum.spelled(),
        );
        report.figure(
            format!("{n} students: no-op sync naive, 1 call/request"),
            no_op.versus_naive(&self.no_op_naive),
        );
    }
}
