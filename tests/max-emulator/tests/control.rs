//! The `/_emulator` inspection and control endpoints, masking of tokens, and the state
//! file.

mod common;

use common::{config, start, start_with, BOT, OWNER, TOKEN};
use max_emulator::{Emulator, EmulatorConfig};
use reqwest::Method;
use serde_json::json;

#[test]
fn people_are_played_over_http() {
    let api = start();
    let (status, body) = api.control(
        "act",
        &json!({"action": "create_chat", "by": OWNER, "title": "Учительская", "members": [1002]}),
    );
    assert_eq!(status, 200);
    let chat = body["chat_id"].as_i64().unwrap();
    let (status, body) = api.control("act", &json!({"action": "add_bot", "chat_id": chat, "by": OWNER, "bot_id": BOT, "admin": ["add_remove_members"]}));
    assert_eq!((status, body), (200, json!({"ok": true})));
    let (status, body) = api.control(
        "act",
        &json!({"action": "add_bot", "chat_id": chat, "by": 4242, "bot_id": BOT}),
    );
    assert_eq!(status, 400);
    assert!(
        body["error"].as_str().unwrap().contains("not a member"),
        "{body}"
    );
    assert_eq!(api.control("act", &json!({"action": "fly"})).0, 422);

    let state = api.inspect("state");
    assert_eq!(state["chats"][chat.to_string()]["title"], "Учительская");
    assert_eq!(
        state["chats"][chat.to_string()]["members"][BOT.to_string()]["permissions"],
        json!(["add_remove_members", "can_call"])
    );
    assert!(!state.to_string().contains(TOKEN));
}

#[test]
fn stats_log_and_faults_are_inspected_and_tokens_never_shown() {
    let api = start();
    api.get("/me");
    api.client
        .get(api.url(&format!("/me?access_token={TOKEN}")))
        .send()
        .unwrap();
    api.call_as("wrong", Method::GET, "/me", None);
    let stats = api.inspect("stats");
    assert_eq!(stats["http_requests"], 3);
    assert_eq!(stats["operations"]["getMyInfo"], 1);
    assert_eq!(stats["errors"]["403 deprecated.token"], 1);
    let log = api.inspect("log");
    assert_eq!(log.as_array().unwrap().len(), 3);
    assert_eq!(log[0]["operation"], "getMyInfo");
    assert_eq!(log[0]["outcome"], "ok");
    assert_eq!(log[1]["auth"], "query");
    assert_eq!(log[1]["query"], json!([["access_token", "***"]]));
    assert!(!log.to_string().contains(TOKEN));
    assert!(!format!("{:?}", api.emu.log()).contains(TOKEN));

    assert_eq!(api.control("stats/reset", &json!({})).0, 200);
    assert_eq!(api.inspect("stats")["http_requests"], 0);
    assert_eq!(api.inspect("log"), json!([]));

    let rule =
        json!([{"kind": "delay", "delay_ms": 5, "every": 2, "method": "getMembers", "times": 1}]);
    assert_eq!(api.control("faults", &rule), (200, rule.clone()));
    assert_eq!(api.inspect("faults"), rule);
    assert_eq!(
        api.control("faults", &json!([{"kind": "drop", "every": 0}]))
            .0,
        400
    );
    assert_eq!(api.control("faults", &json!([])).1, json!([]));
}

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
    let chat = api.chat_with_bot("5 а", &[1002], Some(&common::ALL_RIGHTS));
    api.get("/updates?timeout=0&marker=1");
    let before = api.emu.state();
    api.emu.stop();

    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(!saved.contains(TOKEN));
    assert!(saved.contains("5 а"));
    assert!(!dir.path().join("state.json.tmp").exists());

    let api = start_with(cfg());
    assert_eq!(api.emu.state(), before);
    assert_eq!(api.get(&format!("/chats/{chat}"))["title"], "5 а");
    assert_eq!(
        api.get("/updates?timeout=0&marker=2"),
        json!({"updates": [], "marker": 2})
    );
}

#[test]
fn bad_configurations_are_clear_start_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    std::fs::write(&file, "not json").unwrap();
    let message = Emulator::start(EmulatorConfig {
        state_file: Some(file),
        ..config()
    })
    .err()
    .unwrap()
    .to_string();
    assert!(
        message.contains("not a valid emulator state") && message.contains("fix or delete"),
        "{message}"
    );
    assert!(Emulator::start(EmulatorConfig::default())
        .err()
        .unwrap()
        .to_string()
        .contains("no bot"));
    let twice = config().bot(901, "other_bot", TOKEN);
    assert!(Emulator::start(twice)
        .err()
        .unwrap()
        .to_string()
        .contains("share one token"));
}
