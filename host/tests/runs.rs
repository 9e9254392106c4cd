//! Runs and the scheduler through the real binary, with the test plugin made to sleep,
//! fail, crash and hang: isolation, no overlap, catch-up, backoff and graceful shutdown.

mod common;

use common::*;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A host folder with the test plugin and organization `school`.
struct Host(HostDir);

impl std::ops::Deref for Host {
    type Target = HostDir;

    fn deref(&self) -> &HostDir {
        &self.0
    }
}

impl Host {
    fn new() -> Host {
        let h = Host(HostDir::new());
        h.install("test_plugin");
        h.cli(&["org", "add", "school", "--name", "Школа"]).ok();
        h
    }

    fn add_task(&self, args: &[&str]) -> i64 {
        self.add_task_for("school", args)
    }

    /// Adds a test task to organization `org` (created if missing).
    fn add_task_for(&self, org: &str, args: &[&str]) -> i64 {
        if self.cli(&["org", "show", org]).status != 0 {
            self.cli(&["org", "add", org, "--name", org]).ok();
        }
        let mut all = vec!["task", "add", "--org", org, "--type", "test"];
        all.extend_from_slice(args);
        self.cli(&all).ok().stdout.trim().parse().unwrap()
    }

    /// `exchange-host ARGS` started in the background.
    fn spawn(&self, args: &[&str]) -> Child {
        self.command()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// The worker process of the task's running run, once it has one.
    fn worker_pid(&self, task: i64) -> i32 {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        let start = Instant::now();
        loop {
            let worker: Option<String> = conn
                .query_row(
                    "SELECT worker FROM runs WHERE task_id = ?1 AND status = 'running' AND worker != ''",
                    [task],
                    |r| r.get(0),
                )
                .ok();
            if let Some(worker) = worker {
                return worker.split('/').nth(1).unwrap().parse().unwrap();
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "task {task} never started a worker"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn serve(&self, extra: &[&str]) -> Child {
        self.command()
            .args([
                "serve",
                "--constantly-floor",
                "1s",
                "--grace",
                "5s",
                // These tests read the English run messages.
                "--lang",
                "en",
            ])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    fn runs(&self, task: i64) -> Vec<serde_json::Value> {
        let run = self
            .cli(&[
                "runs",
                "--task",
                &task.to_string(),
                "--last",
                "200",
                "--json",
            ])
            .ok();
        let mut runs: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
        runs.reverse();
        runs
    }

    /// Polls until `done` holds for the task's runs, or panics after `limit`.
    fn wait_runs(
        &self,
        task: i64,
        limit: Duration,
        done: impl Fn(&[serde_json::Value]) -> bool,
    ) -> Vec<serde_json::Value> {
        let start = Instant::now();
        loop {
            let runs = self.runs(task);
            if done(&runs) {
                return runs;
            }
            assert!(
                start.elapsed() < limit,
                "timed out; runs of task {task}: {runs:#?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Sends SIGTERM and waits for the process to end.
fn stop(mut child: Child) -> String {
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "serve did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut err = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    err
}

fn ended(runs: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    runs.iter().filter(|r| r["status"] != "running").collect()
}

#[test]
fn a_foreground_run_shows_its_log_and_records_the_run() {
    let h = Host::new();
    let task = h.add_task(&["repeat=2", "greeting=Добрый день"]);
    let run = h.cli(&["run", &task.to_string()]).ok();
    assert!(
        run.stdout.contains("Добрый день (2 of 2)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(": ok — greeted 2 time(s)"));
    let runs = h.runs(task);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["trigger"], "manual");
    let logs = h.cli(&["logs", &runs[0]["id"].to_string(), "--json"]).ok();
    let logs: serde_json::Value = serde_json::from_str(&logs.stdout).unwrap();
    assert_eq!(logs["lines"].as_array().unwrap().len(), 2);
    let check = h.cli(&["task", "check", &task.to_string()]).ok();
    assert!(check.stdout.starts_with("OK: "));
}

#[test]
fn crashes_and_hangs_fail_only_their_run() {
    let h = Host::new();
    for (mode, expected) in [
        ("segfault", "plugin crashed: signal 11"),
        ("abort", "plugin crashed: signal 6"),
        ("exit", "exited with code 3"),
        ("panic", "plugin panicked: panic requested"),
        ("fail", "failure requested"),
    ] {
        let task = h.add_task(&[&format!("mode={mode}")]);
        let run = h.cli(&["run", &task.to_string()]).failed();
        assert!(run.stdout.contains(expected), "{mode}: {}", run.stdout);
        assert_eq!(h.runs(task)[0]["status"], "failed");
    }
    let hang = h.add_task(&["mode=hang", "--max-run-time", "2s"]);
    let run = h.cli(&["run", &hang.to_string()]).failed();
    assert!(
        run.stdout
            .contains("killed: took too long — the run took longer than its max run time (2s)"),
        "{}",
        run.stdout
    );
    assert_eq!(h.runs(hang)[0]["status"], "killed");
}

#[test]
fn a_constantly_task_never_overlaps_and_a_crashing_one_does_not_stop_it() {
    let h = Host::new();
    let steady = h.add_task(&["--schedule", "constantly", "sleep=1s"]);
    let crashing = h.add_task(&["--schedule", "constantly", "mode=segfault"]);
    let serve = h.serve(&[]);
    let runs = h.wait_runs(steady, Duration::from_secs(40), |runs| {
        ended(runs).len() >= 3
    });
    stop(serve);
    let runs: Vec<&serde_json::Value> = ended(&runs);
    for pair in runs.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        assert!(
            b["started_ms"].as_i64() >= a["ended_ms"].as_i64(),
            "overlap: {a} {b}"
        );
    }
    assert!(runs.iter().all(|r| r["status"] == "ok"));
    let crashed = h.runs(crashing);
    assert!(!crashed.is_empty());
    assert!(crashed.iter().all(|r| r["status"] != "ok"));
    assert!(crashed[0]["message"]
        .as_str()
        .unwrap()
        .contains("signal 11"));
}

#[test]
fn failures_back_off() {
    let h = Host::new();
    let failing = h.add_task(&["--schedule", "constantly", "mode=fail"]);
    let serve = h.serve(&[]);
    let runs = h.wait_runs(failing, Duration::from_secs(40), |runs| {
        ended(runs).len() >= 3
    });
    stop(serve);
    let starts: Vec<i64> = runs
        .iter()
        .map(|r| r["started_ms"].as_i64().unwrap())
        .collect();
    let gaps: Vec<i64> = starts.windows(2).map(|w| w[1] - w[0]).collect();
    // floor 1s: pauses of 2 s, then 4 s after the first and second failures.
    assert!(gaps[0] >= 1900, "{gaps:?}");
    assert!(gaps[1] >= 3900 && gaps[1] > gaps[0], "{gaps:?}");
}

#[test]
fn missed_runs_collapse_into_one_catch_up_run() {
    let h = Host::new();
    let task = h.add_task(&["--schedule", "every 1m"]);
    h.cli(&["run", &task.to_string()]).ok();
    // Pretend the last run was 10 periods ago (the host was down).
    let conn = rusqlite::Connection::open(&h.db).unwrap();
    conn.execute(
        "UPDATE runs SET started_ms = started_ms - 600000, ended_ms = ended_ms - 600000",
        [],
    )
    .unwrap();
    drop(conn);
    let serve = h.serve(&[]);
    h.wait_runs(task, Duration::from_secs(30), |runs| ended(runs).len() >= 2);
    std::thread::sleep(Duration::from_secs(2));
    stop(serve);
    let runs = h.runs(task);
    assert_eq!(runs.len(), 2, "exactly one catch-up run: {runs:#?}");
    assert_eq!(runs[1]["trigger"], "catch-up");
}

#[test]
fn an_import_makes_enabled_tasks_due_at_once() {
    let h = Host::new();
    let task = h.add_task(&["--schedule", "every 1h"]);
    h.cli(&["run", &task.to_string()]).ok();
    let serve = h.serve(&[]);
    let sample = h.dir.path().join("s.json");
    h.cli(&[
        "school",
        "sample",
        "--org",
        "school",
        "--students",
        "30",
        "-o",
        sample.to_str().unwrap(),
    ])
    .ok();
    h.cli(&["school", "import", "school", sample.to_str().unwrap()])
        .ok();
    let runs = h.wait_runs(task, Duration::from_secs(30), |runs| ended(runs).len() >= 2);
    stop(serve);
    assert_eq!(runs[1]["trigger"], "import");
    assert_eq!(runs[1]["counters"]["students"], 30);
}

#[test]
fn shutdown_interrupts_running_tasks() {
    let h = Host::new();
    let slow = h.add_task(&["--schedule", "constantly", "sleep=60s"]);
    // Runs of one type for one organization never overlap: the hung task is another school's.
    let hung = h.add_task_for("school-2", &["--schedule", "constantly", "mode=hang"]);
    let serve = h.serve(&[]);
    h.wait_runs(slow, Duration::from_secs(30), |runs| !runs.is_empty());
    h.wait_runs(hung, Duration::from_secs(30), |runs| !runs.is_empty());
    let said = stop(serve);
    assert!(said.contains("stopping"), "{said}");
    let slow_run = &h.runs(slow)[0];
    assert_eq!(slow_run["status"], "interrupted", "{slow_run}");
    assert!(slow_run["message"].as_str().unwrap().contains("cancelled"));
    let hung_run = &h.runs(hung)[0];
    assert_eq!(hung_run["status"], "interrupted", "{hung_run}");
    assert!(hung_run["message"]
        .as_str()
        .unwrap()
        .contains("grace period"));
}

#[test]
fn secrets_a_plugin_writes_are_scrubbed_before_they_are_shown_or_stored() {
    let h = Host::new();
    let secret = "fake-example-api-key-31337";
    // The test plugin writes its greeting to the log: make it write the task's secret.
    let task = h.add_task(&[
        &format!("api_key={secret}"),
        &format!("greeting=ключ {secret}"),
    ]);
    let run = h.cli(&["run", &task.to_string()]).ok();
    assert!(run.stdout.contains("ключ ••••"), "{}", run.stdout);
    let logs = h
        .cli(&["logs", &h.runs(task)[0]["id"].to_string(), "--json"])
        .ok();
    for output in [&run, &logs] {
        assert!(
            !output.all().contains(secret),
            "a secret was shown:\n{}",
            output.all()
        );
    }
    let conn = rusqlite::Connection::open(&h.db).unwrap();
    let mut stmt = conn
        .prepare("SELECT message FROM run_logs UNION ALL SELECT message FROM runs")
        .unwrap();
    let stored: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(stored.iter().any(|m| m.contains("ключ ••••")), "{stored:?}");
    assert!(
        stored.iter().all(|m| !m.contains(secret)),
        "a secret was stored: {stored:?}"
    );
}

/// Waits for a background process and returns what it printed.
fn finish(child: Child) -> Run {
    Run::from_output(child.wait_with_output().unwrap())
}

/// Whether process `pid` still runs (and is not a zombie).
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !matches!(
            stat.rsplit(')').next().unwrap().split_whitespace().next(),
            Some("Z" | "X")
        )
    })
}

/// Polls until `done` holds, or panics with `what` after `limit`.
fn wait_for(limit: Duration, what: &str, done: impl Fn() -> bool) -> Duration {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out after {limit:?}: {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
    start.elapsed()
}

#[test]
fn two_runs_of_one_task_started_at_once_never_overlap() {
    let h = Host::new();
    let task = h.add_task(&["sleep=2s"]).to_string();
    for _ in 0..5 {
        let first = h.spawn(&["run", &task]);
        let second = h.spawn(&["run", &task]);
        let (first, second) = (finish(first), finish(second));
        let (ran, refused) = if first.status == 0 {
            (first, second)
        } else {
            (second, first)
        };
        assert_eq!(ran.status, 0, "{}", ran.all());
        assert_eq!(refused.status, 1, "{}", refused.all());
        assert!(
            refused
                .stderr
                .contains(&format!("task {task} is running now"))
                && refused.stderr.contains("wait until it ends"),
            "{}",
            refused.stderr
        );
    }
    let runs = h.runs(task.parse().unwrap());
    assert_eq!(runs.len(), 5, "a refused start leaves no record: {runs:#?}");
    for pair in runs.windows(2) {
        assert!(pair[1]["started_ms"].as_i64() >= pair[0]["ended_ms"].as_i64());
    }
}

#[test]
fn runs_of_one_type_for_one_organization_never_overlap_across_tasks() {
    let h = Host::new();
    let a = h.add_task(&["sleep=3s"]).to_string();
    let b = h.add_task(&["sleep=1s"]).to_string();
    let first = h.spawn(&["run", &a]);
    h.worker_pid(a.parse().unwrap());
    let refused = h.cli(&["run", &b]).failed();
    assert!(
        refused.stderr.contains(&format!(
            "task {a} of the same type for organization school is running now"
        )),
        "{}",
        refused.stderr
    );
    // Another organization's task of the same type runs meanwhile.
    let other = h.add_task_for("school-2", &[]).to_string();
    h.cli(&["run", &other]).ok();
    finish(first).ok();
    h.cli(&["run", &b]).ok();
}

#[test]
fn a_killed_host_takes_its_worker_along_and_the_next_start_is_not_blocked() {
    let h = Host::new();
    let task = h.add_task(&["sleep=30s"]);
    let id = task.to_string();
    let mut run = h.spawn(&["run", &id]);
    let worker = h.worker_pid(task);
    unsafe {
        libc::kill(run.id() as i32, libc::SIGKILL);
    }
    run.wait().unwrap();
    let took = wait_for(
        Duration::from_secs(5),
        "the worker outlived its host",
        || !alive(worker),
    );
    assert!(
        took < Duration::from_secs(1),
        "the worker lived {took:?} after its host"
    );
    // Whoever looks next sees at once that the owner is gone: no wait for a timeout.
    assert_eq!(h.runs(task)[0]["status"], "interrupted");
    h.cli(&["task", "set", &id, "sleep=0s"]).ok();
    h.cli(&["run", &id]).ok();
    let runs = h.runs(task);
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["status"], "interrupted", "{}", runs[0]);
    assert!(
        runs[0]["message"]
            .as_str()
            .unwrap()
            .contains("host process running it stopped"),
        "{}",
        runs[0]
    );
    assert_eq!(runs[1]["status"], "ok");
}

#[test]
fn after_kill_9_of_serve_a_restarted_serve_runs_the_task_again_at_once() {
    let h = Host::new();
    let task = h.add_task(&["--schedule", "constantly", "sleep=30s"]);
    let mut serve = h.serve(&[]);
    let worker = h.worker_pid(task);
    unsafe {
        libc::kill(serve.id() as i32, libc::SIGKILL);
    }
    serve.wait().unwrap();
    wait_for(Duration::from_secs(1), "the worker outlived serve", || {
        !alive(worker)
    });
    h.cli(&["task", "set", &task.to_string(), "sleep=0s"]).ok();
    let serve = h.serve(&[]);
    // The stale record ends `interrupted` and the task runs again within its period.
    let runs = h.wait_runs(task, Duration::from_secs(20), |runs| {
        runs.len() >= 2 && runs[1]["status"] == "ok"
    });
    stop(serve);
    assert_eq!(runs[0]["status"], "interrupted");
    assert!(runs.iter().all(|r| r["status"] != "running"), "{runs:#?}");
}

#[test]
fn two_hundred_constant_tasks_under_the_cap_all_run_within_two_minutes() {
    let h = Host::new();
    {
        let mut store = exchange_store::Store::open(&h.db).unwrap();
        for n in 0..200 {
            let org = format!("school-{n:03}");
            store.add_org(&org, &org).unwrap();
            store
                .add_task(
                    &org,
                    "test",
                    exchange_store::Schedule::Constantly,
                    &Default::default(),
                    &Default::default(),
                )
                .unwrap();
        }
    }
    let serve = h.serve(&["--max-concurrent", "4"]);
    let conn = rusqlite::Connection::open(&h.db).unwrap();
    let ran = || -> i64 {
        conn.query_row(
            "SELECT COUNT(DISTINCT task_id) FROM runs WHERE status = 'ok'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let took = wait_for(Duration::from_secs(120), "every task ran", || ran() == 200);
    stop(serve);
    let most: i64 = conn
        .query_row(
            "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM runs GROUP BY task_id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        most <= 3,
        "some tasks ran {most} times before all had a turn (in {took:?})"
    );
}

#[test]
fn a_running_task_cannot_be_removed_and_removal_says_what_history_goes() {
    let h = Host::new();
    let task = h.add_task(&["sleep=2s"]);
    let id = task.to_string();
    let run = h.spawn(&["run", &id]);
    h.worker_pid(task);
    let refused = h.cli(&["task", "rm", &id]).failed();
    assert!(
        refused
            .stderr
            .contains(&format!("task {id} is running now"))
            && refused.stderr.contains("task disable"),
        "{}",
        refused.stderr
    );
    finish(run).ok();
    let removed = h.cli(&["task", "rm", &id]).ok();
    assert!(
        removed.stdout.contains("its 1 recorded run(s)"),
        "{}",
        removed.stdout
    );
}

#[test]
fn numbers_out_of_range_are_refused_with_the_allowed_range_and_nothing_is_saved() {
    let h = Host::new();
    for (args, expected) in [
        (
            vec!["--schedule", "every 999999999999999999m"],
            "at most 31 days",
        ),
        (vec!["--random-delay", "100000h"], "from 0s to 12h"),
        (vec!["--max-run-time", "0s"], "from 1s to 24h"),
        (vec!["--max-run-time", "30d"], "from 1s to 24h"),
    ] {
        let mut all = vec!["task", "add", "--org", "school", "--type", "test"];
        all.extend_from_slice(&args);
        let refused = h.cli(&all);
        assert_eq!(refused.status, 2, "{args:?}: {}", refused.all());
        assert!(
            refused.all().contains(expected),
            "{args:?}: {}",
            refused.all()
        );
    }
    let refused = h.cli(&["serve", "--max-concurrent", "0"]);
    assert_eq!(refused.status, 2, "{}", refused.all());
    assert!(refused.stderr.contains("1..=1024"), "{}", refused.stderr);
    let refused = h.cli(&["serve", "--grace", "100000h"]).failed();
    assert!(
        refused.stderr.contains("from 0s to 1h"),
        "{}",
        refused.stderr
    );
    let list = h.cli(&["task", "list", "--json"]).ok();
    assert_eq!(list.stdout.trim(), "[]", "nothing was saved");
}
