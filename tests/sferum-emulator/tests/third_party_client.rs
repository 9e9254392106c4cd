//! The third-party `vk_api` Python client (PyPI), pointed at the emulator, works against
//! it, including its own batching into `execute`.
//!
//! Needs `python3` with `vk_api`: `python3 -m pip install vk_api==11.10.1`. The test fails
//! (it does not skip) when they are missing.

mod common;

use std::io::ErrorKind;
use std::process::Command;

use common::{config, start_with, GROUP, TOKEN};
use serde_json::{json, Value};

const INSTALL: &str = "python3 -m pip install vk_api==11.10.1";

#[test]
fn vk_api_python_client_works_against_the_emulator() {
    let api = start_with(config());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vk_api_client.py");
    let output = match Command::new("python3")
        .arg(script)
        .arg(api.emu.base_url())
        .arg(TOKEN)
        .arg(GROUP.to_string())
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            panic!("python3 is not installed: install Python 3, then run `{INSTALL}`")
        }
        Err(e) => panic!("cannot run python3: {e}"),
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() == Some(3) {
        panic!("the vk_api Python package is missing ({stderr}): run `{INSTALL}`");
    }
    assert!(
        output.status.success(),
        "the vk_api script failed:\n{stderr}"
    );
    let out: Value = serde_json::from_slice(&output.stdout).expect("the script prints JSON");

    assert_eq!(out["group_id"], GROUP);
    assert_eq!(out["created"], json!({"chat_id": 1, "peer_ids": [5, 6]}));
    assert_eq!(out["api_error"], 935);
    assert_eq!(out["pool_mixed"][0], 1);
    assert!(out["pool_mixed"][1]
        .as_str()
        .unwrap()
        .starts_with("https://sferum.ru/?p=messages&join="));
    assert_eq!(out["pool_mixed"][2], 935);
    assert_eq!(out["pool_same"], json!([1, 1]));
    assert_eq!(
        out["one_param"],
        json!({"result": {"10": 1, "11": 1}, "errors": {}})
    );
    assert_eq!(
        out["members"],
        json!([-(GROUP as i64), 5, 6, 7, 8, 9, 10, 11])
    );

    let stats = api.emu.stats();
    assert_eq!(
        stats.methods["execute"], 3,
        "the client batched into execute"
    );
    assert_eq!(stats.methods["messages.addChatUser"], 5);
    assert!(api
        .emu
        .log()
        .iter()
        .all(|e| !format!("{e:?}").contains(TOKEN)));
}
