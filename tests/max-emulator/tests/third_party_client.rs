//! The official TypeScript client `@maxhub/max-bot-api` (npm), pointed at the emulator,
//! works against it through every call a chat-keeping bot makes, its long-polling loop
//! included.
//!
//! Needs `node` (20.19 or newer) and the package 0.3.1 installed under
//! `$EXCHANGE_TEST_NODE_MODULES`, which `scripts/test` sets (it installs the package into
//! `target/test-node`); without the variable, `target/test-node/node_modules` is used. The
//! test fails (it does not skip) when either is missing.

mod common;

use std::io::ErrorKind;
use std::path::PathBuf;
use std::process::Command;

use common::{start, BOT, BOT_NAME, TOKEN};
use serde_json::{json, Value};

const INSTALL: &str =
    "scripts/test (it installs @maxhub/max-bot-api 0.3.1 into target/test-node), \
     or set EXCHANGE_TEST_NODE_MODULES to a node_modules folder that has it";

fn node_modules() -> PathBuf {
    std::env::var_os("EXCHANGE_TEST_NODE_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-node/node_modules")
        })
}

#[test]
fn the_official_typescript_client_works_against_the_emulator() {
    let api = start();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/max_bot_api_client.js");
    let modules = node_modules();
    let output = match Command::new("node")
        .arg(script)
        .arg(api.emu.base_url())
        .arg(TOKEN)
        .arg(BOT.to_string())
        .arg(&modules)
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            panic!("node is not installed: install Node.js 20.19 or newer, then run {INSTALL}")
        }
        Err(e) => panic!("cannot run node: {e}"),
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() == Some(3) {
        panic!("@maxhub/max-bot-api is missing ({stderr}): run {INSTALL}");
    }
    assert!(
        output.status.success(),
        "the client script failed:\n{stderr}"
    );
    let out: Value = serde_json::from_slice(&output.stdout).expect("the script prints JSON");

    let chat = api.emu.state().chats.keys().copied().next().unwrap();
    assert_eq!(out["me"], BOT_NAME);
    assert_eq!(out["registered"], json!([["bot_added", chat]]));
    assert_eq!(out["marker"], 2);
    assert_eq!(out["chat"]["status"], "active");
    assert!(out["chat"]["link"]
        .as_str()
        .unwrap()
        .starts_with("https://max.ru/join/"));
    assert_eq!(
        out["membership"].as_array().unwrap().len(),
        6,
        "five rights and can_call"
    );
    assert_eq!(out["edited"], "Учительская 2026");
    assert_eq!(
        out["added"],
        json!({"success": false, "failed_user_ids": [2002], "failed_user_details": [
            {"error_code": "add.participant.privacy", "user_ids": [2002]}]})
    );
    assert_eq!(out["members"], json!([1001, 1002, BOT, 2001]));
    assert_eq!(out["some"], json!([2001]));
    assert_eq!(out["removed"], json!({"success": true}));
    assert_eq!(out["granted"], json!({"success": true}));
    assert_eq!(
        out["admins"][2],
        json!([2001, ["read_all_messages", "pin_message", "can_call"]])
    );
    assert_eq!(out["revoked"], json!({"success": true}));
    assert_eq!(out["chat_list"], json!([404, "not.found"]));
    assert_eq!(out["bound"]["payload"], "bind-person-17");
    assert_eq!(out["bound"]["user"], 3001);
    assert_eq!(out["sent"], chat);

    let state = api.emu.state();
    assert_eq!(state.chats[&chat].title, "Учительская 2026");
    assert_eq!(state.messages.len(), 2);
    let stats = api.emu.stats();
    for op in [
        "getMyInfo",
        "getUpdates",
        "getChat",
        "getMembership",
        "editChat",
        "addMembers",
        "getMembers",
        "removeMember",
        "postAdmins",
        "getAdmins",
        "deleteAdmin",
        "getChats",
        "getSubscriptions",
        "sendMessage",
    ] {
        assert!(
            stats.operations.contains_key(op),
            "{op} was not called: {stats:?}"
        );
    }
    assert!(api.emu.log().iter().all(|e| e.auth == "header"));
    assert!(!format!("{:?}", api.emu.log()).contains(TOKEN));
}
