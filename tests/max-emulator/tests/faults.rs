//! Fault injection (each kind, every Nth, probability, per operation, limited times) and
//! the rate limit.

mod common;

use std::time::Duration;

use common::{config, start, start_with, ALL_RIGHTS, TOKEN};
use max_emulator::{EmulatorConfig, FaultKind, FaultRule};
use reqwest::Method;
use serde_json::json;

/// A chat where the bot may add people, and the request that adds person 2001.
fn add_2001(api: &common::Api) -> (i64, String) {
    let chat = api.chat_with_bot("5 а", &[], Some(&ALL_RIGHTS));
    api.act(json!({"action": "add_person", "user_id": 2001, "first_name": "Анна"}));
    (chat, format!("/chats/{chat}/members"))
}

fn has_2001(api: &common::Api, chat: i64) -> bool {
    api.emu.state().chats[&chat].members.contains_key(&2001)
}

#[test]
fn http500_success_false_and_429_apply_nothing() {
    let api = start();
    let (chat, path) = add_2001(&api);
    let body = json!({"user_ids": [2001]});
    for (kind, status, answer) in [
        (
            FaultKind::Http500,
            500,
            json!({"code": "internal.error", "message": "Internal error"}),
        ),
        (
            FaultKind::SuccessFalse,
            200,
            json!({"success": false, "code": "internal.error", "message": "Internal error"}),
        ),
        (
            FaultKind::TooManyRequests,
            429,
            json!({"code": "too.many.requests", "message": "Too many requests"}),
        ),
    ] {
        api.emu
            .set_faults(vec![FaultRule::every(kind, 1).for_method("addMembers")])
            .unwrap();
        assert_eq!(api.post(&path, &body), (status, answer));
        assert!(!has_2001(&api, chat));
        // Other operations are untouched.
        assert_eq!(api.get(&format!("/chats/{chat}"))["chat_id"], chat);
    }
    api.emu.set_faults(vec![]).unwrap();
    assert_eq!(api.post(&path, &body).1, json!({"success": true}));
    let faults = api.emu.stats().faults;
    assert_eq!(
        (
            faults["http500"],
            faults["success_false"],
            faults["too_many_requests"]
        ),
        (1, 1, 1)
    );
}

#[test]
fn success_false_never_hits_operations_that_answer_data() {
    let api = start();
    let chat = api.chat_with_bot("5 а", &[], Some(&ALL_RIGHTS));
    api.emu
        .set_faults(vec![FaultRule::every(FaultKind::SuccessFalse, 1)])
        .unwrap();
    assert_eq!(
        api.get(&format!("/chats/{chat}/members"))["members"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        api.delete(&format!("/chats/{chat}/members?user_id=5")).1["success"],
        false
    );
}

#[test]
fn drop_applies_nothing_and_commit_then_drop_applies_without_answering() {
    let api = start();
    let (chat, path) = add_2001(&api);
    let body = json!({"user_ids": [2001]});
    api.emu
        .set_faults(vec![FaultRule::every(FaultKind::Drop, 1)])
        .unwrap();
    let sent = api
        .client
        .post(api.url(&path))
        .header("Authorization", TOKEN)
        .json(&body)
        .send();
    assert!(sent.is_err(), "the connection closes unanswered");
    assert!(!has_2001(&api, chat));

    api.emu
        .set_faults(vec![FaultRule::every(FaultKind::CommitThenDrop, 1)])
        .unwrap();
    let sent = api
        .client
        .post(api.url(&path))
        .header("Authorization", TOKEN)
        .json(&body)
        .send();
    assert!(sent.is_err());
    assert!(has_2001(&api, chat), "applied before the drop");
}

#[test]
fn a_delayed_request_is_applied_after_the_client_gave_up() {
    let api = start();
    let (chat, path) = add_2001(&api);
    api.emu
        .set_faults(vec![FaultRule::every(
            FaultKind::Delay { delay_ms: 700 },
            1,
        )])
        .unwrap();
    let impatient = reqwest::blocking::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let sent = impatient
        .post(api.url(&path))
        .header("Authorization", TOKEN)
        .json(&json!({"user_ids": [2001]}))
        .send();
    assert!(sent.is_err(), "timed out");
    assert!(!has_2001(&api, chat));
    std::thread::sleep(Duration::from_millis(1000));
    assert!(has_2001(&api, chat));
}

#[test]
fn every_nth_times_and_seeded_probability() {
    let api = start();
    api.emu
        .set_faults(vec![FaultRule::every(FaultKind::Http500, 2)
            .for_method("getMyInfo")
            .times(2)])
        .unwrap();
    let statuses: Vec<u16> = (0..6)
        .map(|_| api.call(Method::GET, "/me", None).0)
        .collect();
    assert_eq!(statuses, [200, 500, 200, 500, 200, 200]);

    let picks = |seed| {
        let api = start_with(EmulatorConfig {
            seed,
            rate_limit: None,
            ..config()
        });
        api.emu
            .set_faults(vec![FaultRule::probability(FaultKind::Http500, 0.5)])
            .unwrap();
        (0..40)
            .map(|_| api.call(Method::GET, "/me", None).0)
            .collect::<Vec<_>>()
    };
    let a = picks(7);
    assert_eq!(a, picks(7));
    let failed = a.iter().filter(|&&s| s == 500).count();
    assert!((8..=32).contains(&failed), "{failed}");
}

#[test]
fn over_30_requests_a_second_answer_429() {
    let api = start_with(config());
    let statuses: Vec<u16> = (0..31)
        .map(|_| api.call(Method::GET, "/me", None).0)
        .collect();
    assert!(statuses[..30].iter().all(|&s| s == 200), "{statuses:?}");
    assert_eq!(
        api.call(Method::GET, "/me", None),
        (
            429,
            json!({"code": "too.many.requests", "message": "Too many requests"})
        )
    );
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(api.call(Method::GET, "/me", None).0, 200);
    assert_eq!(api.emu.stats().errors["429 too.many.requests"], 2);
}
