//! The `sferum-emulator` binary: its address line, options, and argument errors.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::{GROUP, TOKEN};
use serde_json::Value;

/// Starts the binary with `args` and returns it with its base URL.
fn spawn(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sferum-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .expect(&line)
        .to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    (child, base)
}

fn post(base: &str, method: &str, form: &[(&str, &str)]) -> Value {
    reqwest::blocking::Client::new()
        .post(format!("{base}/method/{method}"))
        .form(form)
        .send()
        .unwrap()
        .json()
        .unwrap()
}

#[test]
fn the_binary_prints_its_address_and_serves_with_a_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let community = format!("{GROUP}:{TOKEN}");
    let (mut child, base) = spawn(&[
        "--listen",
        "127.0.0.1:0",
        "--community",
        &community,
        "--community",
        "202:other",
        "--state",
        file.to_str().unwrap(),
    ]);
    let body = post(
        &base,
        "messages.createChat",
        &[("access_token", TOKEN), ("v", "5.199"), ("title", "demo")],
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(body["response"]["chat_id"], 1);
    assert!(std::fs::read_to_string(&file).unwrap().contains("demo"));
}

#[test]
fn faults_can_be_given_on_the_command_line() {
    let community = format!("{GROUP}:{TOKEN}");
    let (mut child, base) = spawn(&[
        "--community",
        &community,
        "--fault",
        r#"{"kind":"error10","every":1,"times":1}"#,
    ]);
    let form = [("access_token", TOKEN), ("v", "5.199")];
    let first = post(&base, "groups.getById", &form);
    let second = post(&base, "groups.getById", &form);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(first["error"]["error_code"], 10);
    assert_eq!(second["response"]["groups"][0]["id"], GROUP);
}

#[test]
fn the_binary_rejects_bad_arguments_with_a_reason() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_sferum-emulator"))
            .args(args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    assert!(run(&[]).contains("--community"));
    assert!(run(&["--community", "abc"]).contains("ID:TOKEN"));
    assert!(run(&["--community", "0:t"]).contains("positive integer"));
    assert!(run(&["--community", "1:"]).contains("empty token"));
    assert!(run(&["--community", "1:a", "--community", "2:a"]).contains("share one token"));
    assert!(run(&["--community", "1:a", "--listen", "nowhere"]).contains("--listen"));
    assert!(run(&["--community", "1:a", "--fault", "{}"]).contains("kind"));
    assert!(run(&[
        "--community",
        "1:a",
        "--fault",
        r#"{"kind":"drop","every":0}"#
    ])
    .contains("every"));
}
