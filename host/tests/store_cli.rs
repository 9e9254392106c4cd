//! The store through the real binary and a real database file: organizations, the Links base,
//! school data, tasks, validation messages, secrets, and concurrent use.

mod common;

use common::*;
use std::path::{Path, PathBuf};

const TOKEN: &str = "vk1.a.FAKE-test-token-0000000000000000000XYZ9";
const PROXY_PASSWORD: &str = "fake-proxy-password-7788";

/// A test session: plugins folder, database, and every output seen (to search for secrets).
struct Session {
    host: HostDir,
    seen: std::cell::RefCell<String>,
}

impl Session {
    fn new() -> Session {
        let host = HostDir::new();
        host.install("sferum_sync");
        host.install("test_plugin");
        Session {
            host,
            seen: Default::default(),
        }
    }

    fn dir(&self) -> &Path {
        self.host.dir.path()
    }

    fn run(&self, args: &[&str]) -> Run {
        let run = self.host.cli(args);
        self.seen.borrow_mut().push_str(&run.all());
        run
    }

    fn with_org(self) -> Session {
        self.run(&["org", "add", "school-239", "--name", "ГБОУ школа № 239"])
            .ok();
        self
    }

    fn sample(&self, students: &str, seed: &str) -> PathBuf {
        let file = self.dir().join(format!("sample-{students}-{seed}.json"));
        self.run(&[
            "school",
            "sample",
            "--students",
            students,
            "--seed",
            seed,
            "-o",
            file.to_str().unwrap(),
        ])
        .ok();
        file
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let seen = self.seen.borrow();
        assert!(!seen.contains(TOKEN), "the access token was printed");
        assert!(
            !seen.contains(&TOKEN[6..20]),
            "part of the access token was printed"
        );
        assert!(
            !seen.contains(PROXY_PASSWORD),
            "the proxy password was printed"
        );
    }
}

#[test]
fn organizations_and_their_links_base() {
    let s = Session::new().with_org();
    let again = s.run(&["org", "add", "school-239", "--name", "x"]).failed();
    assert!(again.stderr.contains("already exists"));

    let set = s
        .run(&[
            "org",
            "set",
            "school-239",
            "sferum.community_id=123456",
            &format!("sferum.access_token={TOKEN}"),
        ])
        .ok();
    assert!(
        set.stdout.contains("sferum.access_token = ••••XYZ9"),
        "{}",
        set.stdout
    );

    let show = s.run(&["org", "show", "school-239"]).ok();
    assert!(show.stdout.contains("sferum.community_id = 123456"));
    assert!(show.stdout.contains("sferum.access_token = ••••XYZ9"));
    let json = s.run(&["org", "show", "school-239", "--json"]).ok();
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(json["links_base"]["sferum.access_token"], "••••XYZ9");

    let list = s.run(&["org", "list"]).ok();
    assert!(list.stdout.contains("school-239") && list.stdout.contains("ГБОУ школа № 239"));

    let bad = s
        .run(&[
            "org",
            "set",
            "school-239",
            "sferum.community_id=12x",
            "sferum.acces_token=abc",
        ])
        .failed();
    assert!(
        bad.stderr
            .contains("sferum.community_id: expected a positive whole number, got \"12x\""),
        "{}",
        bad.stderr
    );
    assert!(bad.stderr.contains("did you mean sferum.access_token?"));
    let show = s.run(&["org", "show", "school-239"]).ok();
    assert!(
        show.stdout.contains("sferum.community_id = 123456"),
        "a refused set must change nothing"
    );

    s.run(&["org", "unset", "school-239", "sferum.access_token"])
        .ok();
    let show = s.run(&["org", "show", "school-239"]).ok();
    assert!(
        show.stdout.contains("sferum.access_token is not set"),
        "{}",
        show.stdout
    );
    let missing = s.run(&["org", "show", "nosuch"]).failed();
    assert!(
        missing.stderr.contains("no organization \"nosuch\"") && missing.stderr.contains("org add")
    );
}

#[test]
fn links_before_any_run_say_how_they_appear() {
    let s = Session::new().with_org();
    let run = s.run(&["links", "school-239"]).ok();
    assert!(run.stdout.contains("no published links yet"));
}

#[test]
fn import_validates_all_and_reports_changes() {
    let s = Session::new().with_org();
    let first = s.sample("120", "3");
    let run = s
        .run(&["school", "import", "school-239", first.to_str().unwrap()])
        .ok();
    assert!(run.stdout.contains("first import"), "{}", run.stdout);
    assert!(run.stdout.contains("students: +120"), "{}", run.stdout);

    // A broken document: every problem listed by JSON path, nothing imported.
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&first).unwrap()).unwrap();
    doc["staff"][3]["positions"][0]["level"] = "boss".into();
    doc["students"][0]["class"] = "c-nowhere".into();
    doc["students"].as_array_mut().unwrap().truncate(10);
    let bad = s.dir().join("bad.json");
    std::fs::write(&bad, serde_json::to_string(&doc).unwrap()).unwrap();
    let run = s
        .run(&["school", "import", "school-239", bad.to_str().unwrap()])
        .failed();
    assert!(run.stderr.contains("staff[3].positions[0].level: expected one of head_1, head_2, staff, other, got \"boss\""), "{}", run.stderr);
    assert!(run.stderr.contains("students[0].class"), "{}", run.stderr);
    assert!(run.stderr.contains("unchanged"));
    let show = s.run(&["school", "show", "school-239", "--json"]).ok();
    let show: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    assert_eq!(show["students"], 120, "the previous data must be intact");
    assert_eq!(show["imports"], 1);

    // A smaller valid school: the changes are reported.
    doc = serde_json::from_str(&std::fs::read_to_string(&first).unwrap()).unwrap();
    let removed = doc["students"].as_array_mut().unwrap().pop().unwrap();
    let removed_id = removed["id"].as_str().unwrap().to_string();
    for parent in doc["parents"].as_array_mut().unwrap() {
        parent["children"]
            .as_array_mut()
            .unwrap()
            .retain(|c| c != &removed_id);
    }
    for group in doc["subject_groups"].as_array_mut().unwrap() {
        group["students"]
            .as_array_mut()
            .unwrap()
            .retain(|c| c != &removed_id);
    }
    let second = s.dir().join("second.json");
    std::fs::write(&second, serde_json::to_string(&doc).unwrap()).unwrap();
    let run = s
        .run(&["school", "import", "school-239", second.to_str().unwrap()])
        .ok();
    assert!(
        run.stdout.contains("students:") && run.stdout.contains("-1"),
        "{}",
        run.stdout
    );

    let not_json = s.dir().join("nojson.json");
    std::fs::write(&not_json, "{ nope").unwrap();
    let run = s
        .run(&["school", "import", "school-239", not_json.to_str().unwrap()])
        .failed();
    assert!(run.stderr.contains("line 1"), "{}", run.stderr);
}

#[test]
fn school_views() {
    let s = Session::new().with_org();
    let missing = s.run(&["school", "staff", "school-239"]).failed();
    assert!(
        missing.stderr.contains("no school data yet") && missing.stderr.contains("school import")
    );
    let file = s.sample("200", "1");
    s.run(&["school", "import", "school-239", file.to_str().unwrap()])
        .ok();

    let staff = s.run(&["school", "staff", "school-239"]).ok();
    assert!(
        staff.stdout.contains("(head of level 1)"),
        "{}",
        staff.stdout
    );
    assert!(staff.stdout.contains("not linked"), "{}", staff.stdout);
    let staff_json = s.run(&["school", "staff", "school-239", "--json"]).ok();
    let staff_json: serde_json::Value = serde_json::from_str(&staff_json.stdout).unwrap();
    assert!(staff_json
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["acting_head"] == true));

    let coverage = s.run(&["school", "coverage", "school-239"]).ok();
    let classes: Vec<&str> = coverage
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split("  ").next().unwrap())
        .collect();
    assert_eq!(classes.first(), Some(&"1 а"), "{}", coverage.stdout);
    assert!(coverage.stdout.lines().last().unwrap().starts_with("Total"));
    let cov: serde_json::Value = serde_json::from_str(
        &s.run(&["school", "coverage", "school-239", "--json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(cov["students"], 200);
    let linked = cov["students_linked"].as_u64().unwrap();
    assert!(
        (100..=180).contains(&linked),
        "about 70% linked, got {linked}"
    );

    let calls = s.run(&["school", "calls", "school-239"]).ok();
    assert!(
        calls.stdout.contains("waiting for the next run"),
        "{}",
        calls.stdout
    );
}

#[test]
fn sample_is_deterministic() {
    let s = Session::new();
    let a = std::fs::read(s.sample("300", "7")).unwrap();
    let b = std::fs::read(s.sample("300", "7")).unwrap();
    let c = std::fs::read(s.sample("300", "8")).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn tasks_with_validated_parameters() {
    let s = Session::new().with_org();
    let plugins = s.host.plugins.clone();
    let bad = s
        .run(&[
            "task",
            "add",
            "--org",
            "school-239",
            "--type",
            "sferum-sync",
            "proxy_port=80a",
            "proxy_sever=x",
            "oops",
        ])
        .failed();
    assert_eq!(bad.status, 2);
    assert!(
        bad.stderr
            .contains("proxy_port: expected a port 1-65535, got \"80a\""),
        "{}",
        bad.stderr
    );
    assert!(bad
        .stderr
        .contains("proxy_sever: unknown parameter \"proxy_sever\": did you mean proxy_server?"));
    assert!(bad.stderr.contains("\"oops\" is not a key=value setting"));
    let rules = s
        .run(&[
            "task",
            "add",
            "--org",
            "school-239",
            "--type",
            "sferum-sync",
            "proxy_port=3128",
        ])
        .failed();
    assert!(
        rules
            .stderr
            .contains("proxy_port: is set but proxy_server is not"),
        "{}",
        rules.stderr
    );
    let auth = s
        .run(&[
            "task",
            "add",
            "--org",
            "school-239",
            "--type",
            "sferum-sync",
            "proxy_server=p",
            "proxy_port=3128",
            "proxy_auth=1",
        ])
        .failed();
    assert!(
        auth.stderr
            .contains("proxy_username: is required with proxy_auth=1"),
        "{}",
        auth.stderr
    );
    let list = s.run(&["task", "list"]).ok();
    assert!(
        list.stdout.contains("No tasks"),
        "refused tasks must not be saved"
    );

    let added = s
        .run(&[
            "task",
            "add",
            "--org",
            "school-239",
            "--type",
            "sferum-sync",
            "проху_server=proxy.local",
            "проху_port=3128",
            "проху_auth=1",
            "проху_username=school",
            &format!("проху_password={PROXY_PASSWORD}"),
        ])
        .ok();
    let id = added.stdout.trim().to_string();
    assert_eq!(id, "1");
    assert!(
        added
            .stderr
            .contains("saved as the Latin key \"proxy_server\""),
        "{}",
        added.stderr
    );
    let show = s.run(&["task", "show", &id]).ok();
    assert!(
        show.stdout.contains("Schedule:      every 30 minutes"),
        "default schedule of sferum-sync: {}",
        show.stdout
    );
    assert!(show.stdout.contains("proxy_server = proxy.local"));
    assert!(show.stdout.contains("proxy_password = ••••7788"));

    s.run(&[
        "task",
        "set",
        &id,
        "--schedule",
        "каждые 15 минут",
        "proxy_port=8080",
    ])
    .ok();
    let json: serde_json::Value =
        serde_json::from_str(&s.run(&["task", "show", &id, "--json"]).ok().stdout).unwrap();
    assert_eq!(json["schedule"], "every 15m");
    assert_eq!(json["params"]["proxy_port"], "8080");
    let bad_schedule = s
        .run(&["task", "set", &id, "--schedule", "every 10s"])
        .failed();
    assert!(bad_schedule.stderr.contains("at least 1 minute"));
    s.run(&["task", "set", &id, "--schedule", "постоянно"]).ok();

    let unset = s.run(&["task", "unset", &id, "proxy_username"]).failed();
    assert!(
        unset
            .stderr
            .contains("proxy_username: is required with proxy_auth=1"),
        "{}",
        unset.stderr
    );
    s.run(&["task", "set", &id, "proxy_auth=0"]).ok();
    s.run(&["task", "unset", &id, "proxy_username", "proxy_password"])
        .ok();

    s.run(&["task", "disable", &id]).ok();
    let json: serde_json::Value =
        serde_json::from_str(&s.run(&["task", "list", "--json"]).ok().stdout).unwrap();
    assert_eq!(json[0]["enabled"], false);
    assert_eq!(json[0]["schedule"], "constantly");
    s.run(&["task", "enable", &id]).ok();

    // A task whose plugin disappears stays stored and is shown as such.
    std::fs::remove_file(plugins.join("libsferum_sync.so")).unwrap();
    let list = s.run(&["task", "list"]).ok();
    assert!(list.stdout.contains("plugin not found"), "{}", list.stdout);
    let set = s.run(&["task", "set", &id, "proxy_port=1"]).failed();
    assert!(set.stderr.contains("plugin not found"));

    s.run(&["task", "rm", &id]).ok();
    assert!(s
        .run(&["task", "show", &id])
        .failed()
        .stderr
        .contains("no task 1"));
}

#[test]
fn two_processes_share_one_database() {
    let s = Session::new().with_org();
    let file = s.sample("150", "2");
    let spawn = |args: Vec<String>| {
        let mut command = s.host.command();
        command.args(args);
        std::thread::spawn(move || Run::from_output(command.output().unwrap()))
    };
    let mut handles = Vec::new();
    for i in 0..6 {
        handles.push(spawn(vec![
            "school".into(),
            "import".into(),
            "school-239".into(),
            file.to_str().unwrap().into(),
        ]));
        handles.push(spawn(vec![
            "task".into(),
            "add".into(),
            "--org".into(),
            "school-239".into(),
            "--type".into(),
            "test".into(),
            format!("repeat={}", i + 1),
        ]));
        handles.push(spawn(vec![
            "org".into(),
            "set".into(),
            "school-239".into(),
            format!("sferum.community_id={}", i + 1),
        ]));
    }
    for handle in handles {
        handle.join().unwrap().ok();
    }
    let json: serde_json::Value =
        serde_json::from_str(&s.run(&["task", "list", "--json"]).ok().stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 6);
    let show: serde_json::Value = serde_json::from_str(
        &s.run(&["school", "show", "school-239", "--json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(show["imports"], 6);
    let integrity = rusqlite::Connection::open(&s.host.db)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
        .unwrap();
    assert_eq!(integrity, "ok");
}
