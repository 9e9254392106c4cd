//! The `max-emulator` binary: its address line, options, and argument errors.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{BOT, TOKEN};
use serde_json::Value;

#[test]
fn the_binary_prints_its_address_and_serves_with_a_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let bot = format!("{BOT}:school_bot:{TOKEN}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_max-emulator"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--bot",
            &bot,
            "--bot",
            "901:other_bot:a:b",
        ])
        .args(["--state", file.to_str().unwrap(), "--legacy-chat-list"])
        .args([
            "--fault",
            r#"{"kind":"http500","every":1,"method":"getChats","times":1}"#,
        ])
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
    let client = reqwest::blocking::Client::new();
    let get = |token: &str, path: &str| {
        let response = client
            .get(format!("{base}{path}"))
            .header("Authorization", token)
            .send()
            .unwrap();
        (
            response.status().as_u16(),
            response.json::<Value>().unwrap(),
        )
    };
    assert_eq!(get(TOKEN, "/me").1["user_id"], BOT);
    assert_eq!(
        get("a:b", "/me").1["username"],
        "other_bot",
        "tokens may contain colons"
    );
    assert_eq!(get(TOKEN, "/chats").0, 500, "the --fault rule");
    assert_eq!(
        get(TOKEN, "/chats").1["chats"],
        serde_json::json!([]),
        "--legacy-chat-list"
    );
    let act = serde_json::json!({"action": "create_chat", "by": 1001, "title": "Учительская"});
    let created = client
        .post(format!("{base}/_emulator/act"))
        .json(&act)
        .send()
        .unwrap();
    assert_eq!(created.status(), 200);
    Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success(), "SIGTERM stops it cleanly");
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("Учительская"));
}

#[test]
fn bad_arguments_say_what_is_expected() {
    let output = Command::new(env!("CARGO_BIN_EXE_max-emulator"))
        .args(["--bot", "x:y"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ID:USERNAME:TOKEN"), "{stderr}");
    let output = Command::new(env!("CARGO_BIN_EXE_max-emulator"))
        .args(["--bot", "1:b:t", "--fault", r#"{"kind":"boom","every":1}"#])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("success_false"));
}
