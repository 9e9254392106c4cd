//! The third-party `vk_api` Python client (PyPI), pointed at the emulator, works against
//! it, including its own batching into `execute`.
//!
//! Needs a Python with `vk_api` 11.10.1: `$EXCHANGE_TEST_PYTHON`, which `scripts/test` sets to
//! the virtual environment it makes (`target/test-venv`), else `python3`. The test fails (it
//! does not skip) when they are missing.

mod common;

use std::io::ErrorKind;
use std::process::Command;

use common::{config, start_with, GROUP, TOKEN};
use serde_json::{json, Value};

const INSTALL: &str = "scripts/test (it installs vk_api 11.10.1 into target/test-venv), \
     or set EXCHANGE_TEST_PYTHON to a Python that has vk_api==11.10.1";

#[test]
fn vk_api_python_client_works_against_the_emulator() {
    let api = start_with(config());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vk_api_client.py");
    let python = std::env::var_os("EXCHANGE_TEST_PYTHON").unwrap_or_else(|| "python3".into());
    let output = match Command::new(&python)
        .arg(script)
        .arg(api.emu.base_url())
        .arg(TOKEN)
        .arg(GROUP.to_string())
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            panic!(
                "{} is not installed: run {INSTALL}",
                python.to_string_lossy()
            )
        }
        Err(e) => panic!("cannot run {}: {e}", python.to_string_lossy()),
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() == Some(3) {
        panic!(
            "the vk_api Python package is missing from {} ({stderr}): run {INSTALL}",
            python.to_string_lossy()
        );
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
