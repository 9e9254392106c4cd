//! Operating `serve` as a service: the systemd notifications (`READY=1`, `WATCHDOG=1`,
//! `STOPPING=1`) reach a fake `$NOTIFY_SOCKET`, Prometheus metrics are scraped while runs
//! happen (without a session, even with a password set), `/healthz`, and JSON log lines.

mod common;

use common::*;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixDatagram;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Serve {
    child: Child,
    url: String,
    stderr: mpsc::Receiver<String>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `serve --http 127.0.0.1:0` with `env`, once it prints the console's address.
fn serve(h: &HostDir, env: &[(&str, &str)]) -> Serve {
    let mut child = h
        .command()
        .args(["serve", "--http", "127.0.0.1:0", "--constantly-floor", "0s"])
        .env_remove("EXCHANGE_HTTP")
        .env_remove("EXCHANGE_LOG_FORMAT")
        .env_remove("NOTIFY_SOCKET")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, stderr) = mpsc::channel();
    let pipe = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let Ok(line) = stderr.recv_timeout(deadline.saturating_duration_since(Instant::now()))
        else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve never printed the web console's address");
        };
        if let Some(url) = line.strip_prefix("web console: ") {
            return Serve {
                child,
                url: url.to_string(),
                stderr,
            };
        }
    }
}

fn get(url: &str) -> (u16, String, reqwest::header::HeaderMap) {
    let response = reqwest::blocking::get(url).unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, response.text().unwrap(), headers)
}

/// The value of the sample `series` (the whole line before the value) in a scrape.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// A host with the test plugin and one task that runs constantly, sleeping 1 s each time.
fn setup() -> HostDir {
    let h = HostDir::new();
    h.install("test_plugin");
    h.cli(&["org", "add", "school", "--name", "Школа"]).ok();
    h.cli(&[
        "task",
        "add",
        "--org",
        "school",
        "--type",
        "test",
        "--schedule",
        "constantly",
        "sleep=1s",
    ])
    .ok();
    h
}

#[test]
fn serve_notifies_systemd_ready_watchdog_and_stopping() {
    let h = setup();
    let socket_path = h.dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut serve = serve(
        &h,
        &[
            ("NOTIFY_SOCKET", socket_path.to_str().unwrap()),
            // A 400 ms watchdog: a WATCHDOG=1 at least every 200 ms (the loop's 250 ms tick).
            ("WATCHDOG_USEC", "400000"),
        ],
    );
    let mut messages = Vec::new();
    let mut buf = [0u8; 512];
    let started = Instant::now();
    while messages.iter().filter(|m| *m == "WATCHDOG=1").count() < 3 {
        let n = socket.recv(&mut buf).expect("no notification in 20 s");
        messages.push(String::from_utf8_lossy(&buf[..n]).into_owned());
        assert!(started.elapsed() < Duration::from_secs(20), "{messages:?}");
    }
    assert!(
        messages[0].starts_with("READY=1\nSTATUS=serving 1 task(s)"),
        "{messages:?}"
    );
    unsafe {
        libc::kill(serve.child.id() as i32, libc::SIGTERM);
    }
    loop {
        let n = socket.recv(&mut buf).expect("no STOPPING=1 after SIGTERM");
        if &buf[..n] == b"STOPPING=1" {
            break;
        }
    }
    assert!(serve.child.wait().unwrap().success());
}

#[test]
fn metrics_are_scraped_while_runs_happen_without_a_session() {
    let h = setup();
    // A password makes every console page ask for a login; monitoring still works.
    let mut admin = h
        .command()
        .args(["admin", "password"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(admin.stdin.take().unwrap(), "a long enough password 1").unwrap();
    assert!(admin.wait().unwrap().success());
    let serve = serve(&h, &[("EXCHANGE_LOG_FORMAT", "json"), ("RUST_LOG", "info")]);
    let (status, _, _) = get(&format!("{}/api/orgs", serve.url));
    assert_eq!(status, 401, "the console itself asks for a login");

    let ok_runs = r#"exchange_runs_total{task_type="test",status="ok"}"#;
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut scrapes = 0;
    let text = loop {
        let (status, text, headers) = get(&format!("{}/metrics", serve.url));
        scrapes += 1;
        assert_eq!(status, 200, "{text}");
        assert!(
            headers.get("set-cookie").is_none(),
            "a scrape makes no session"
        );
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/openmetrics-text"),
            "{headers:?}"
        );
        if sample(&text, ok_runs).unwrap_or(0.0) >= 3.0 {
            break text;
        }
        assert!(Instant::now() < deadline, "runs never counted:\n{text}");
        std::thread::sleep(Duration::from_millis(300));
    };
    assert!(scrapes > 1, "scraped before and while the runs happened");
    let runs = sample(&text, ok_runs).unwrap();
    let durations = sample(
        &text,
        r#"exchange_run_duration_seconds_count{task_type="test"}"#,
    )
    .unwrap();
    assert_eq!(durations, runs, "{text}");
    let slow = sample(
        &text,
        r#"exchange_run_duration_seconds_bucket{le="0.8",task_type="test"}"#,
    )
    .unwrap();
    assert_eq!(slow, 0.0, "every run sleeps 1 s:\n{text}");
    // The test plugin's summary counter `runs` (its own run number), summed.
    assert!(
        sample(
            &text,
            r#"exchange_plugin_counter_total{task_type="test",counter="runs"}"#
        )
        .unwrap()
            >= runs,
        "{text}"
    );
    let last = sample(
        &text,
        r#"exchange_task_last_success_timestamp_seconds{task="1",org="school",task_type="test"}"#,
    )
    .expect(&text);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!((now - last).abs() < 60.0, "{last} vs {now}");
    assert!(sample(&text, "exchange_tasks_waiting").is_some(), "{text}");

    let (status, body, _) = get(&format!("{}/healthz", serve.url));
    assert_eq!(status, 200, "{body}");
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["status"], "ok", "{body}");
    assert_eq!(health["tasks"], 1, "{body}");

    // The log lines are JSON objects (one per line) with the run's fields.
    let lines: Vec<String> = serve.stderr.try_iter().collect();
    let starts = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["fields"]["message"] == "run starts")
        .unwrap_or_else(|| panic!("no JSON 'run starts' line in {lines:#?}"));
    assert_eq!(starts["level"], "INFO");
    assert_eq!(starts["fields"]["task"], 1);
}
