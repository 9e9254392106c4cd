//! `exchange-bench`: the benchmarks of issue 8. Prints figures; asserts nothing about time.
//!
//! Build the workspace in release mode first (`cargo build --release --workspace`): the
//! benchmark runs the built `exchange-host` and plugin libraries found next to itself.

mod alloc;
mod city;
mod host;
mod idle;
mod machine;
mod minimum;
mod orgs;
mod planning;
mod plugins;
mod process;
mod replay;
mod report;
mod schools;
mod soak;
mod sync;

use clap::Parser;
use report::{bytes, count, time, Report};
use sample_school::{sample_school, SampleOptions};
use std::path::PathBuf;
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

/// How the figures were taken, printed above the table.
const NOTES: &str = "\
How measured:
- Syncs go through the real host: `exchange-host run` (a worker process loads the plugin),
  against the Sferum emulator in this process over loopback, at its limit of 20 requests/s
  per token. Requests = HTTP requests the emulator saw. The no-op sync follows the first
  after a 1.1 s pause.
- Minimum = the fewest requests the plan allows: 1 groups.getById + getConversations pages
  of 200 (at least 1) + member reads of the chats that existed before the run, 25 per
  execute + chat creations, 25 per execute + every other write, role change, invite link
  and calls.start, 25 per execute (after the creations: they need the new chat ids).
- Naive = the same API calls the batched run made (read from the emulator's request log,
  execute split into its calls) sent one call per request to a fresh emulator without a
  rate limit; timed as is, and the time the 20 req/s limit would impose (calls / 20) is
  compared with the batched run's wall time.
- Plan alone = sferum_sync::rules::desired + plan::resolve + plan::plan in this process;
  peak = most bytes allocated at once (a counting global allocator).
- Host: wall time of the binary; serve's memory from /proc/PID/status (VmRSS, VmHWM) and
  CPU from /proc/PID/stat (utime+stime) over the window.";

/// The seed of every sample school (the organizations' schools use 1, 2, …).
const SEED: u64 = 1;

/// Benchmarks of the exchange host and the Sferum sync against the local Sferum emulator.
#[derive(Parser, Debug)]
#[command(name = "exchange-bench")]
struct Args {
    /// A smaller run: 500 students, 100 idle tasks, 10 organizations.
    #[arg(long)]
    quick: bool,
    /// School sizes in students, comma-separated [default: 500,2000,5000; --quick: 500].
    #[arg(long, value_delimiter = ',')]
    sizes: Vec<usize>,
    /// Idle tasks held by `serve` [default: 1000; --quick: 100].
    #[arg(long)]
    tasks: Option<usize>,
    /// Organizations syncing at once [default: 100; --quick: 10].
    #[arg(long)]
    orgs: Option<usize>,
    /// Students in each of those organizations' schools.
    #[arg(long, default_value_t = 50)]
    org_students: usize,
    /// Schools syncing `constantly` under `serve` with 10% faults [default: 200; --quick: 20].
    #[arg(long)]
    soak_orgs: Option<usize>,
    /// Seconds the soak lasts [default: 120; --quick: 20]; 0 skips it.
    #[arg(long)]
    soak_seconds: Option<u64>,
    /// Seconds over which the idle `serve`'s CPU use is measured.
    #[arg(long, default_value_t = 10.0)]
    window: f64,
    /// Only the city-scale scenario: every school of a city (St Petersburg has about 700)
    /// on one host, a first-sync cycle and a no-op cycle under `serve`.
    #[arg(long)]
    city: bool,
    /// Schools of the city scenario.
    #[arg(long, default_value_t = 700)]
    city_orgs: usize,
    /// Students in each school of the city scenario.
    #[arg(long, default_value_t = 1000)]
    city_students: usize,
    /// `serve --max-concurrent` in the city scenario [default: serve's own, CPUs × 4].
    #[arg(long)]
    city_concurrent: Option<usize>,
    /// Where the built exchange-host and plugin libraries are [default: this program's folder].
    #[arg(long)]
    bin_dir: Option<PathBuf>,
}

impl Args {
    fn sizes(&self) -> Vec<usize> {
        match (self.sizes.is_empty(), self.quick) {
            (false, _) => self.sizes.clone(),
            (true, true) => vec![500],
            (true, false) => vec![500, 2000, 5000],
        }
    }
}

fn step(text: &str) {
    eprintln!("exchange-bench: {text}");
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let build = host::Build::locate(args.bin_dir.clone())?;
    let tasks = args.tasks.unwrap_or(if args.quick { 100 } else { 1000 });
    let orgs = args.orgs.unwrap_or(if args.quick { 10 } else { 100 });
    let schools: Vec<_> = args
        .sizes()
        .into_iter()
        .map(|students| {
            sample_school(&SampleOptions {
                students,
                seed: SEED,
            })
        })
        .collect();
    let mut report = Report::new();
    if args.city {
        let concurrent = args
            .city_concurrent
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()) * 4);
        step(&format!(
            "city: {} schools × {} students, serve --max-concurrent {concurrent}",
            args.city_orgs, args.city_students
        ));
        city::measure(&build, args.city_orgs, args.city_students, concurrent)?.report(&mut report);
        println!("{NOTES}");
        report.print(&machine::describe());
        return Ok(());
    }

    let mut plans = Vec::new();
    for school in &schools {
        step(&format!("planning, {} students", school.students.len()));
        plans.push(planning::measure(school)?);
    }
    for (school, plan) in schools.iter().zip(&plans) {
        let n = count(school.students.len() as u64);
        step(&format!("first and no-op sync, {n} students"));
        let syncs = sync::measure(&build, school)?;
        report.figure(
            format!("{n} students: the sample school (seed {SEED})"),
            format!(
                "{} chats, {} memberships, {} video calls to start",
                plan.chats,
                count(plan.memberships as u64),
                school
                    .video_calls
                    .iter()
                    .filter(|c| c.published && c.join_link.is_none())
                    .count()
            ),
        );
        syncs.report(&mut report, plan.chats);
        report.figure(
            format!("{n} students: plan alone (rules + resolve + plan)"),
            format!(
                "first sync {}, peak {}; no-op {}, peak {} (median of {})",
                time(plan.first.time),
                bytes(plan.first.peak),
                time(plan.no_op.time),
                bytes(plan.no_op.peak),
                planning::REPEAT
            ),
        );
    }

    step("plugins list and serve start-up");
    for folder in plugins::measure(&build)? {
        folder.report(&mut report);
    }
    step(&format!("serve with {tasks} idle tasks"));
    idle::measure(&build, tasks, Duration::from_secs_f64(args.window))?.report(&mut report);
    step(&format!("{orgs} organizations syncing at once"));
    orgs::measure(&build, orgs, args.org_students)?.report(&mut report);
    let soak_orgs = args.soak_orgs.unwrap_or(if args.quick { 20 } else { 200 });
    let soak_seconds = args
        .soak_seconds
        .unwrap_or(if args.quick { 20 } else { 120 });
    if soak_seconds > 0 {
        step(&format!(
            "soak: {soak_orgs} schools under serve with faults for {soak_seconds} s"
        ));
        soak::measure(
            &build,
            soak_orgs,
            args.org_students,
            Duration::from_secs(soak_seconds),
        )?
        .report(&mut report);
    }

    println!("{NOTES}");
    report.print(&machine::describe());
    Ok(())
}
