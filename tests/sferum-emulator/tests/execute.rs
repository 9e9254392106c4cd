//! `execute`: batches of up to 25 calls in the spec's code form.

mod common;

use common::start;
use serde_json::json;

#[test]
fn results_with_false_slots_and_execute_errors_in_order() {
    let api = start();
    api.create_chat("t", "5");
    let code = r#"return [
        API.messages.addChatUser({"chat_id":1,"user_id":2}),
        API.messages.removeChatUser({"chat_id":1,"member_id":99}),
        API.messages.getInviteLink({"peer_id":2000000001}),
        API.messages.editChat({"chat_id":"7","title":"x"}),
        API.messages.send({})
    ];"#;
    let body = api.call("execute", &[("code", code)]);
    let response = body["response"].as_array().unwrap();
    assert_eq!(response.len(), 5);
    assert_eq!(response[0], 1);
    assert_eq!(response[1], false);
    assert!(response[2]["link"]
        .as_str()
        .unwrap()
        .starts_with("https://sferum.ru/"));
    assert_eq!(response[3], false);
    assert_eq!(response[4], false);
    assert_eq!(
        body["execute_errors"],
        json!([
            {"method": "messages.removeChatUser", "error_code": 935, "error_msg": "User not found in chat"},
            {"method": "messages.editChat", "error_code": 927, "error_msg": "Chat does not exist"},
            {"method": "messages.send", "error_code": 3, "error_msg": "Unknown method passed"},
        ])
    );
    assert_eq!(api.members(1), vec![-101, 5, 2]);
}

#[test]
fn no_execute_errors_key_when_all_succeed_and_lists_accepted_both_ways() {
    let api = start();
    let code = r#"return [API.messages.createChat({"title":"a","user_ids":[5,6]}),
                         API.messages.createChat({"title":"b","user_ids":"7,8"}),
                         API.groups.getById()];"#;
    let body = api.call("execute", &[("code", code)]);
    assert!(body.get("execute_errors").is_none(), "{body}");
    assert_eq!(
        body["response"][0],
        json!({"chat_id": 1, "peer_ids": [5, 6]})
    );
    assert_eq!(
        body["response"][1],
        json!({"chat_id": 2, "peer_ids": [7, 8]})
    );
    assert_eq!(body["response"][2]["groups"][0]["id"], 101);
}

#[test]
fn twenty_five_calls_pass_and_twenty_six_are_error_13() {
    let api = start();
    let call = r#"API.groups.getById({})"#;
    let code = format!("return [{}];", vec![call; 25].join(","));
    assert_eq!(
        api.ok("execute", &[("code", &code)])
            .as_array()
            .unwrap()
            .len(),
        25
    );
    let code = format!("return [{}];", vec![call; 26].join(","));
    assert_eq!(api.err("execute", &[("code", &code)]), 13);
}

#[test]
fn other_code_is_error_12_and_missing_code_is_100() {
    let api = start();
    for code in [
        "return API.groups.getById();",
        "var x = API.groups.getById(); return x;",
        "return [API.groups.getById()] + 1;",
        r#"return [API.messages.addChatUser({chat_id: 1})];"#,
        "while(true) {}",
    ] {
        assert_eq!(api.err("execute", &[("code", code)]), 12, "{code}");
    }
    assert_eq!(api.err("execute", &[]), 100);
}

#[test]
fn stats_count_inner_calls_per_method_and_execute_once() {
    let api = start();
    let code = r#"return [API.messages.createChat({"title":"a"}),
                         API.messages.addChatUser({"chat_id":1,"user_id":5}),
                         API.messages.addChatUser({"chat_id":1,"user_id":6}),
                         API.messages.addChatUser({"chat_id":9,"user_id":6})];"#;
    api.call("execute", &[("code", code)]);
    let stats = api.emu.stats();
    assert_eq!(stats.http_requests, 1);
    assert_eq!(stats.methods["execute"], 1);
    assert_eq!(stats.methods["messages.createChat"], 1);
    assert_eq!(stats.methods["messages.addChatUser"], 3);
    assert_eq!(stats.errors[&927], 1);
}

#[test]
fn the_loop_form_of_the_vk_api_client_runs() {
    let api = start();
    api.create_chat("t", "");
    let code = "var values = [{\"chat_id\":1,\"user_id\":5},{\"chat_id\":1,\"user_id\":6}],i = 0,result = [];\
                while(i < values.length) {result.push(API.messages.addChatUser(values[i]));i = i + 1;}\
                return result;";
    assert_eq!(api.ok("execute", &[("code", code)]), json!([1, 1]));
    assert_eq!(api.members(1), vec![-101, 5, 6]);
}
