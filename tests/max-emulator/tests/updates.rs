//! `GET /updates`: the updates people's acts produce, markers, types, limits and long
//! polling.

mod common;

use std::thread;
use std::time::{Duration, Instant};

use common::{start, ALL_RIGHTS, BOT, BOT_NAME, OWNER};
use reqwest::Method;
use serde_json::{json, Value};

fn types(updates: &Value) -> Vec<String> {
    updates["updates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["update_type"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_person_creating_a_chat_and_adding_the_bot_is_seen_through_updates() {
    let api = start();
    let first = api.get("/updates?timeout=0&marker=1");
    assert_eq!(first, json!({"updates": [], "marker": 1}));

    let chat = api.chat_with_bot("5 а — родители", &[1002], Some(&ALL_RIGHTS));
    api.act(json!({"action": "add_member", "chat_id": chat, "user_id": 1003, "by": OWNER}));
    api.act(json!({"action": "add_member", "chat_id": chat, "user_id": 1004}));
    api.act(json!({"action": "remove_member", "chat_id": chat, "user_id": 1003, "by": OWNER}));
    api.act(json!({"action": "leave", "chat_id": chat, "user_id": 1004}));
    api.act(json!({"action": "set_title", "chat_id": chat, "by": OWNER, "title": "5 а"}));
    api.act(json!({"action": "remove_bot", "chat_id": chat, "by": OWNER, "bot_id": BOT}));

    let got = api.get("/updates?timeout=0&marker=1");
    assert_eq!(
        types(&got),
        [
            "bot_added",
            "user_added",
            "user_added",
            "user_removed",
            "user_removed",
            "chat_title_changed",
            "bot_removed"
        ]
    );
    let u = &got["updates"];
    assert_eq!(u[0]["chat_id"], chat);
    assert_eq!(u[0]["user"]["user_id"], OWNER);
    assert_eq!(u[0]["is_channel"], false);
    assert!(u[0]["timestamp"].as_i64().unwrap() > 1_700_000_000_000);
    assert_eq!(
        (u[1]["user"]["user_id"].clone(), u[1]["inviter_id"].clone()),
        (json!(1003), json!(OWNER))
    );
    assert_eq!(u[2]["inviter_id"], Value::Null, "joined by the link");
    assert_eq!(u[3]["admin_id"], OWNER);
    assert_eq!(u[4]["admin_id"], Value::Null, "left on their own");
    assert_eq!(u[5]["title"], "5 а");
    assert_eq!(got["marker"], 8);

    // The marker acknowledges everything before it.
    assert_eq!(
        api.get("/updates?timeout=0&marker=8"),
        json!({"updates": [], "marker": 8})
    );
    assert_eq!(api.emu.state().updates[&BOT].pending.len(), 0);
}

#[test]
fn chat_events_reach_the_bot_only_as_an_admin_and_its_own_actions_are_events_too() {
    let api = start();
    let chat = api.chat_with_bot("plain", &[], None);
    api.act(json!({"action": "add_member", "chat_id": chat, "user_id": 1003, "by": OWNER}));
    assert_eq!(
        types(&api.get("/updates?timeout=0&marker=1")),
        ["bot_added"]
    );

    let admin = api.chat_with_bot("admin", &[], Some(&ALL_RIGHTS));
    api.act(json!({"action": "add_person", "user_id": 2001, "first_name": "Анна"}));
    api.post(
        &format!("/chats/{admin}/members"),
        &json!({"user_ids": [2001]}),
    );
    api.delete(&format!("/chats/{admin}/members?user_id=2001"));
    api.patch(&format!("/chats/{admin}"), &json!({"title": "new"}));
    let got = api.get("/updates?timeout=0&marker=2");
    assert_eq!(
        types(&got),
        [
            "bot_added",
            "user_added",
            "user_removed",
            "chat_title_changed"
        ]
    );
    assert_eq!(got["updates"][1]["inviter_id"], BOT);
    assert_eq!(got["updates"][2]["admin_id"], BOT);
}

#[test]
fn without_a_marker_only_the_newest_update_is_served() {
    let api = start();
    for title in ["a", "b", "c"] {
        api.chat_with_bot(title, &[], None);
    }
    let got = api.get("/updates?timeout=0");
    assert_eq!(got["updates"].as_array().unwrap().len(), 1);
    assert_eq!(got["marker"], 4);
    // Passing that marker acknowledges the older ones too.
    assert_eq!(api.get("/updates?timeout=0&marker=4")["updates"], json!([]));
}

#[test]
fn types_limit_and_parameter_ranges() {
    let api = start();
    let chat = api.chat_with_bot("a", &[], Some(&ALL_RIGHTS));
    api.act(json!({"action": "set_title", "chat_id": chat, "by": OWNER, "title": "b"}));
    api.act(json!({"action": "start_bot", "user_id": 1005, "bot_id": BOT, "payload": "bind-1005"}));

    let limited = api.get("/updates?timeout=0&marker=1&limit=2");
    assert_eq!(types(&limited), ["bot_added", "chat_title_changed"]);
    assert_eq!(limited["marker"], 3);
    let started = api.get("/updates?timeout=0&marker=1&types=bot_started,bot_removed");
    assert_eq!(types(&started), ["bot_started"]);
    let update = &started["updates"][0];
    assert_eq!(update["payload"], "bind-1005");
    assert_eq!(update["user"]["user_id"], 1005);
    assert!(update["chat_id"].as_i64().unwrap() > 0, "a dialog id");

    api.act(
        json!({"action": "start_bot", "user_id": 1006, "bot_id": BOT, "payload": "x".repeat(513)}),
    );
    assert_eq!(
        api.get("/updates?timeout=0&marker=4")["updates"][0]["payload"],
        Value::Null
    );

    for (query, message) in [
        (
            "timeout=1500",
            "Field 'timeout' value (1500) must be at most 90",
        ),
        ("limit=0", "Field 'limit' value (0) must be at least 1"),
        (
            "limit=1001",
            "Field 'limit' value (1001) must be at most 1000",
        ),
    ] {
        assert_eq!(
            api.call(Method::GET, &format!("/updates?{query}"), None),
            (400, json!({"code": "proto.payload", "message": message}))
        );
    }
}

#[test]
fn a_long_poll_waits_for_the_next_update_or_its_timeout() {
    let api = start();
    let started = Instant::now();
    let empty = api.get("/updates?timeout=1&marker=1");
    assert_eq!(empty, json!({"updates": [], "marker": 1}));
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );

    let emu_url = api.emu.base_url();
    let waiter = thread::spawn(move || {
        let started = Instant::now();
        let body: Value = reqwest::blocking::Client::new()
            .get(format!("{emu_url}/updates?timeout=30&marker=1"))
            .header("Authorization", common::TOKEN)
            .send()
            .unwrap()
            .json()
            .unwrap();
        (body, started.elapsed())
    });
    thread::sleep(Duration::from_millis(300));
    api.act(json!({"action": "start_bot", "user_id": 1007, "bot_id": BOT, "payload": "p"}));
    let (body, waited) = waiter.join().unwrap();
    assert_eq!(types(&body), ["bot_started"]);
    assert!(
        waited < Duration::from_secs(10),
        "woken by the update, not the timeout: {waited:?}"
    );
    assert_eq!(BOT_NAME, api.get("/me")["username"]);
}
