//! Every fault mode, method filters, limits, determinism, and the HTTP control of faults.

mod common;

use std::time::{Duration, Instant};

use common::{config, start, start_with, GROUP};
use reqwest::blocking::Client;
use serde_json::json;
use sferum_emulator::{EmulatorConfig, FaultKind, FaultRule};

fn chats(api: &common::Api) -> usize {
    api.emu.state().communities[&GROUP].chats.len()
}

#[test]
fn error_10_every_second_request() {
    let api = start();
    api.emu
        .set_faults(vec![FaultRule::every(FaultKind::Error10, 2)])
        .unwrap();
    assert!(api.call("groups.getById", &[]).get("response").is_some());
    let body = api.call("messages.createChat", &[("title", "t")]);
    assert_eq!(body["error"]["error_code"], 10);
    assert_eq!(body["error"]["error_msg"], "Internal server error");
    assert_eq!(chats(&api), 0, "a failed request applies nothing");
    assert!(api.call("groups.getById", &[]).get("response").is_some());
    assert_eq!(api.emu.stats().faults["error10"], 1);
}

#[test]
fn http_500_with_a_non_json_body() {
    let api = start();
    api.emu
        .set_faults(vec![FaultRule::every(FaultKind::Http500, 1).times(1)])
        .unwrap();
    let response = api.post("messages.createChat", &[("title", "t")]).unwrap();
    assert_eq!(response.status(), 500);
    assert!(response.json::<serde_json::Value>().is_err());
    assert_eq!(chats(&api), 0);
    // `times: 1`: the next request is fine.
    api.create_chat("t", "");
    assert_eq!(chats(&api), 1);
}

#[test]
fn dropped_connection_applies_nothing() {
    let api = start();
    api.emu
        .set_faults(vec![FaultRule::every(FaultKind::Drop, 1).times(1)])
        .unwrap();
    let error = api
        .post("messages.createChat", &[("title", "t")])
        .unwrap_err();
    assert!(!error.is_timeout(), "{error}");
    assert_eq!(chats(&api), 0);
    assert_eq!(api.emu.stats().faults["drop"], 1);
    assert_eq!(api.emu.log()[0].outcome, "fault drop");
}

#[test]
fn commit_then_drop_applies_the_change_and_loses_the_answer() {
    let api = start();
    api.emu
        .set_faults(vec![FaultRule::every(FaultKind::CommitThenDrop, 1).times(1)])
        .unwrap();
    assert!(api.post("messages.createChat", &[("title", "t")]).is_err());
    assert_eq!(chats(&api), 1);
    assert_eq!(api.create_chat("again", ""), 2);
}

#[test]
fn delay_outlasts_a_short_client_timeout_and_answers_a_patient_client() {
    let api = start();
    api.emu
        .set_faults(vec![FaultRule::every(
            FaultKind::Delay { delay_ms: 700 },
            1,
        )
        .times(2)])
        .unwrap();
    let impatient = Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = impatient
        .post(api.url("messages.createChat"))
        .form(&[
            ("access_token", common::TOKEN),
            ("v", common::V),
            ("title", "slow"),
        ])
        .send()
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");

    let started = Instant::now();
    let body = api.call("groups.getById", &[]);
    assert!(started.elapsed() >= Duration::from_millis(700));
    assert_eq!(body["response"]["groups"][0]["id"], GROUP);
    assert_eq!(api.emu.stats().faults["delay"], 2);
    // The first request was applied after its delay although its client had given up.
    assert_eq!(chats(&api), 1);
}

#[test]
fn a_fault_restricted_to_calls_start_leaves_chats_working() {
    let api = start();
    api.emu
        .set_faults(vec![
            FaultRule::every(FaultKind::Error10, 1).for_method("calls.start")
        ])
        .unwrap();
    assert_eq!(api.err("calls.start", &[]), 10);
    api.create_chat("t", "5");
    let code = r#"return [API.messages.addChatUser({"chat_id":1,"user_id":6}),
                         API.calls.start({})];"#;
    let body = api.call("execute", &[("code", code)]);
    assert_eq!(body["response"], json!([1, false]));
    assert_eq!(body["execute_errors"][0]["error_code"], 10);
    assert_eq!(body["execute_errors"][0]["method"], "calls.start");
    assert!(api.emu.state().communities[&GROUP].calls.is_empty());

    api.emu
        .set_faults(vec![
            FaultRule::every(FaultKind::Drop, 1).for_method("calls.start")
        ])
        .unwrap();
    assert!(api.post("calls.start", &[]).is_err());
    assert!(api
        .post("messages.editChat", &[("chat_id", "1"), ("title", "x")])
        .is_ok());
}

#[test]
fn probability_faults_repeat_with_the_same_seed() {
    let run = |seed| {
        let api = start_with(EmulatorConfig {
            rate_limit: None,
            seed,
            faults: vec![FaultRule::probability(FaultKind::Error10, 0.5)],
            ..config()
        });
        (0..30)
            .map(|_| api.call("groups.getById", &[]).get("error").is_some())
            .collect::<Vec<_>>()
    };
    let first = run(42);
    assert_eq!(first, run(42));
    let failures = first.iter().filter(|&&f| f).count();
    assert!((5..=25).contains(&failures), "{failures} of 30");
}

#[test]
fn faults_over_http_control_endpoint() {
    let api = start();
    let (status, rules) = api.control(
        "faults",
        &json!([{"kind": "http500", "every": 1, "method": "messages.editChat", "times": 1}]),
    );
    assert_eq!(status, 200);
    assert_eq!(rules[0]["kind"], "http500");
    assert_eq!(api.inspect("faults"), rules);
    assert_eq!(api.post("messages.editChat", &[]).unwrap().status(), 500);
    assert_eq!(api.err("messages.editChat", &[]), 100);

    let (status, body) = api.control("faults", &json!([{"kind": "drop", "every": 0}]));
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("every"));
    let (status, _) = api.control("faults", &json!([{"kind": "explode", "every": 1}]));
    assert!(status >= 400);
    let (status, rules) = api.control("faults", &json!([]));
    assert_eq!((status, rules), (200, json!([])));
}

#[test]
fn any_error_code_can_be_injected_for_one_method_inside_execute() {
    let api = start();
    for code in [9, 14, 27, 29, 982, 113, 901, 932, 935, 936, 947] {
        api.emu
            .set_faults(vec![
                FaultRule::every(FaultKind::Error { code }, 1).for_method("messages.editChat")
            ])
            .unwrap();
        let body = api.call("messages.editChat", &[("chat_id", "1"), ("title", "t")]);
        assert_eq!(body["error"]["error_code"], code);
        let code_text =
            r#"return [API.groups.getById({}),API.messages.editChat({"chat_id":1,"title":"t"})];"#;
        let body = api.call("execute", &[("code", code_text)]);
        assert!(body["response"][0].is_object(), "{body}");
        assert_eq!(body["response"][1], false);
        assert_eq!(body["execute_errors"][0]["error_code"], code);
    }
    let rule: FaultRule =
        serde_json::from_value(json!({"kind": "error", "code": 27, "every": 1})).unwrap();
    assert_eq!(rule, FaultRule::every(FaultKind::Error { code: 27 }, 1));
}

#[test]
fn shift_moves_the_least_recent_conversation_to_the_front_after_a_page() {
    let api = start();
    for i in 1..=3 {
        api.create_chat(&format!("chat {i}"), "");
    }
    api.emu
        .set_faults(vec![FaultRule::every(FaultKind::Shift, 1)
            .for_method("messages.getConversations")
            .times(1)])
        .unwrap();
    let ids = |body: serde_json::Value| -> Vec<i64> {
        body["response"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["conversation"]["peer"]["local_id"].as_i64().unwrap())
            .collect()
    };
    let first = ids(api.call("messages.getConversations", &[("count", "2")]));
    let second = ids(api.call(
        "messages.getConversations",
        &[("offset", "2"), ("count", "2")],
    ));
    assert_eq!(first, [3, 2]);
    assert_eq!(
        second,
        [2],
        "chat 1 moved to the front: the reader sees chat 2 twice and never chat 1"
    );
}
