//! Inspection and control endpoints: state, stats, log, user marks, manual edits.

mod common;

use common::{peer, start, GROUP};
use serde_json::json;

#[test]
fn state_endpoint_matches_the_library_snapshot() {
    let api = start();
    api.create_chat("t", "5");
    let state = api.inspect("state");
    assert_eq!(state, serde_json::to_value(api.emu.state()).unwrap());
    assert_eq!(
        state["communities"][GROUP.to_string()]["chats"]["1"]["title"],
        "t"
    );
}

#[test]
fn stats_count_requests_methods_and_errors_and_reset() {
    let api = start();
    api.create_chat("t", "");
    api.err("messages.editChat", &[("chat_id", "5"), ("title", "x")]);
    api.err("messages.editChat", &[("chat_id", "5"), ("title", "x")]);
    let stats = api.inspect("stats");
    assert_eq!(stats["http_requests"], 3);
    assert_eq!(stats["methods"]["messages.editChat"], 2);
    assert_eq!(stats["errors"]["927"], 2);
    let (status, _) = api.control("stats/reset", &json!({}));
    assert_eq!(status, 200);
    assert_eq!(api.emu.stats(), Default::default());
    assert!(api.emu.log().is_empty());
}

#[test]
fn log_endpoint_lists_requests_with_outcomes() {
    let api = start();
    api.create_chat("t", "");
    api.err("nope.method", &[]);
    let log = api.inspect("log");
    assert_eq!(log[0]["method"], "messages.createChat");
    assert_eq!(log[0]["outcome"], "ok");
    assert_eq!(log[1]["outcome"], "error 3");
    assert!(log[1]["seq"].as_u64() > log[0]["seq"].as_u64());
}

#[test]
fn users_are_marked_and_unmarked_over_http() {
    let api = start();
    let chat = api.create_chat("t", "").to_string();
    api.control("users", &json!({"user_id": 7, "mark": "privacy"}));
    api.control("users", &json!({"user_id": 8, "mark": "deleted"}));
    assert_eq!(
        api.err(
            "messages.addChatUser",
            &[("chat_id", &chat), ("user_id", "7")]
        ),
        981
    );
    assert_eq!(
        api.err(
            "messages.addChatUser",
            &[("chat_id", &chat), ("user_id", "8")]
        ),
        18
    );
    api.control("users", &json!({"user_id": 8, "mark": null}));
    assert_eq!(
        api.ok(
            "messages.addChatUser",
            &[("chat_id", &chat), ("user_id", "8")]
        ),
        1
    );
    let (status, _) = api.control("users", &json!({"user_id": 8, "mark": "grumpy"}));
    assert!(status >= 400);
}

#[test]
fn manual_edits_over_http_change_what_the_api_shows() {
    let api = start();
    let chat = api.create_chat("t", "5,6");
    let edit = |body: serde_json::Value| api.control("edit", &body);
    assert_eq!(
        edit(json!({"action": "add_member", "group_id": GROUP, "chat_id": chat, "user_id": 9})).0,
        200
    );
    edit(json!({"action": "remove_member", "group_id": GROUP, "chat_id": chat, "member_id": 5}));
    edit(json!({"action": "set_title", "group_id": GROUP, "chat_id": chat, "title": "renamed"}));
    edit(
        json!({"action": "set_admin", "group_id": GROUP, "chat_id": chat, "member_id": 9, "admin": true}),
    );
    edit(json!({"action": "leave", "group_id": GROUP, "chat_id": chat, "user_id": 6}));
    assert_eq!(api.members(chat), vec![-(GROUP as i64), 9]);
    let members = api.ok(
        "messages.getConversationMembers",
        &[("peer_id", &peer(chat))],
    );
    assert_eq!(members["items"][1]["invited_by"], 9, "joined by hand");
    assert_eq!(members["items"][1]["is_admin"], true);
    let conversations = api.ok("messages.getConversations", &[]);
    let settings = &conversations["items"][0]["conversation"]["chat_settings"];
    assert_eq!(settings["title"], "renamed");
    assert_eq!(settings["admin_ids"], json!([9]));
    assert_eq!(
        api.err(
            "messages.addChatUser",
            &[("chat_id", "1"), ("user_id", "6")]
        ),
        15
    );
    // Rejoining by hand clears the "left" mark.
    edit(json!({"action": "add_member", "group_id": GROUP, "chat_id": chat, "user_id": 6}));
    api.ok(
        "messages.removeChatUser",
        &[("chat_id", "1"), ("member_id", "6")],
    );
    assert_eq!(
        api.ok(
            "messages.addChatUser",
            &[("chat_id", "1"), ("user_id", "6")]
        ),
        1
    );

    let (status, body) =
        edit(json!({"action": "set_title", "group_id": GROUP, "chat_id": 77, "title": "x"}));
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("no chat 77"));
    let (status, _) = edit(
        json!({"action": "remove_member", "group_id": GROUP, "chat_id": chat, "member_id": 5}),
    );
    assert_eq!(status, 400);
}
