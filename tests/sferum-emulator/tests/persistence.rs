//! The state file (`--state`), and the binary's command line.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{config, peer, start_with, GROUP, TOKEN};
use sferum_emulator::{Emulator, EmulatorConfig};

#[test]
fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let cfg = || EmulatorConfig {
        state_file: Some(file.clone()),
        rate_limit: None,
        ..config()
    };
    let api = start_with(cfg());
    api.create_chat("Учительская", "5,6");
    let link = api.ok("messages.getInviteLink", &[("peer_id", &peer(1))])["link"].clone();
    let before = api.emu.state();
    api.emu.stop();

    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(!saved.contains(TOKEN));
    assert!(saved.contains("Учительская"));
    assert!(!dir.path().join("state.json.tmp").exists());

    let api = start_with(cfg());
    assert_eq!(api.emu.state(), before);
    assert_eq!(
        api.ok("messages.getInviteLink", &[("peer_id", &peer(1))])["link"],
        link
    );
    assert_eq!(api.create_chat("next", ""), 2);
}

#[test]
fn a_corrupt_state_file_is_a_clear_start_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    std::fs::write(&file, "not json").unwrap();
    let error = Emulator::start(EmulatorConfig {
        state_file: Some(file),
        ..config()
    })
    .err()
    .expect("start fails");
    let message = error.to_string();
    assert!(message.contains("not a valid emulator state"), "{message}");
    assert!(message.contains("fix or delete"), "{message}");
}

#[test]
fn no_community_is_a_start_error() {
    let error = Emulator::start(EmulatorConfig::default()).err().unwrap();
    assert!(error.to_string().contains("no community"));
}

#[test]
fn the_binary_prints_its_address_and_serves_with_a_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sferum-emulator"))
        .args(["--listen", "127.0.0.1:0", "--community"])
        .arg(format!("{GROUP}:{TOKEN}"))
        .args(["--community", "202:other", "--state"])
        .arg(&file)
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
    let body: serde_json::Value = reqwest::blocking::Client::new()
        .post(format!("{base}/method/messages.createChat"))
        .form(&[("access_token", TOKEN), ("v", "5.199"), ("title", "demo")])
        .send()
        .unwrap()
        .json()
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(body["response"]["chat_id"], 1);
    assert!(std::fs::read_to_string(&file).unwrap().contains("demo"));
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
}
