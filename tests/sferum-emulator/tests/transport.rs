//! The transport rules: form-encoded bodies, `v`, the token, unknown methods and the
//! error envelope.

mod common;

use common::{start, GROUP, TOKEN, V};
use serde_json::{json, Value};

#[test]
fn bearer_header_works_instead_of_the_form_field() {
    let api = start();
    let body: Value = api
        .client
        .post(api.url("groups.getById"))
        .bearer_auth(TOKEN)
        .form(&[("v", V)])
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(body["response"]["groups"][0]["id"], GROUP);
}

#[test]
fn missing_or_wrong_token_is_error_5() {
    let api = start();
    for form in [vec![("v", V)], vec![("v", V), ("access_token", "wrong")]] {
        let body: Value = api
            .client
            .post(api.url("groups.getById"))
            .form(&form)
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert_eq!(body["error"]["error_code"], 5, "{body}");
    }
    let body: Value = api
        .client
        .post(api.url("groups.getById"))
        .bearer_auth("wrong")
        .form(&[("v", V)])
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(body["error"]["error_code"], 5);
}

#[test]
fn missing_v_is_error_8() {
    let api = start();
    let body: Value = api
        .client
        .post(api.url("groups.getById"))
        .form(&[("access_token", TOKEN)])
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(body["error"]["error_code"], 8);
    assert_eq!(body["error"]["error_msg"], "Invalid request: v is required");
}

#[test]
fn a_json_body_is_ignored_like_vk_does() {
    let api = start();
    // Everything in the JSON body is invisible: no token, so error 5.
    let body: Value = api
        .client
        .post(api.url("messages.createChat"))
        .json(&json!({"access_token": TOKEN, "v": V, "title": "x"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(body["error"]["error_code"], 5);
    // With the token in the header and `v` in the query, the method's own parameters
    // are still missing: error 100.
    let body: Value = api
        .client
        .post(format!("{}?v={V}", api.url("messages.createChat")))
        .bearer_auth(TOKEN)
        .json(&json!({"title": "x"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(body["error"]["error_code"], 100, "{body}");
    assert!(api.emu.state().communities[&GROUP].chats.is_empty());
}

#[test]
fn unknown_method_is_error_3() {
    let api = start();
    assert_eq!(api.err("messages.send", &[]), 3);
    assert_eq!(api.err("nonsense", &[]), 3);
}

#[test]
fn error_envelope_lists_request_params_without_the_token() {
    let api = start();
    let body = api.call("messages.editChat", &[("chat_id", "77"), ("title", "x")]);
    let error = &body["error"];
    assert_eq!(error["error_code"], 927);
    assert_eq!(error["error_msg"], "Chat does not exist");
    let params = error["request_params"].as_array().unwrap();
    assert!(params.contains(&json!({"key": "method", "value": "messages.editChat"})));
    assert!(params.contains(&json!({"key": "chat_id", "value": "77"})));
    assert!(params.contains(&json!({"key": "v", "value": V})));
    assert!(!body.to_string().contains(TOKEN));
    assert!(!params.iter().any(|p| p["key"] == "access_token"));
}

#[test]
fn the_token_never_appears_in_log_state_stats_or_errors() {
    let api = start();
    api.create_chat("t", "5");
    // The token pasted into a parameter by mistake is masked too.
    let body = api.call("messages.editChat", &[("chat_id", "9"), ("title", TOKEN)]);
    api.err("messages.editChat", &[("chat_id", "1")]);
    api.client
        .post(api.url("groups.getById"))
        .bearer_auth(TOKEN)
        .send()
        .unwrap();
    let outputs = [
        body.to_string(),
        api.inspect("log").to_string(),
        api.inspect("state").to_string(),
        api.inspect("stats").to_string(),
        api.inspect("faults").to_string(),
        format!("{:?}", api.emu.log()),
    ];
    for output in outputs {
        assert!(!output.contains(TOKEN), "token leaked: {output}");
    }
    let log = api.emu.log();
    assert_eq!(log.len(), 4);
    assert!(log[1].params.contains(&("title".into(), "***".into())));
    assert_eq!(log[3].outcome, "error 8");
}
