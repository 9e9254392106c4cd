//! The per-token limit of 20 requests per second (error 6), `execute` counting as one.

mod common;

use std::thread::sleep;
use std::time::Duration;

use common::{config, start_with};

fn codes(api: &common::Api, n: usize) -> Vec<i64> {
    (0..n)
        .map(|_| {
            let body = api.call("groups.getById", &[]);
            body["error"]["error_code"].as_i64().unwrap_or(0)
        })
        .collect()
}

#[test]
fn beyond_20_per_second_is_error_6_and_a_second_later_it_passes_again() {
    let api = start_with(config());
    // Up to 100 rapid requests: on any machine, 21 of them fall within one second.
    let mut codes = Vec::new();
    while codes.len() < 100 && !codes.contains(&6) {
        codes.extend(self::codes(&api, 1));
    }
    assert!(codes.iter().all(|&c| c == 0 || c == 6), "{codes:?}");
    assert!(codes.len() > 20, "{codes:?}");
    assert_eq!(codes.last(), Some(&6), "{codes:?}");
    sleep(Duration::from_millis(1100));
    assert!(api.call("groups.getById", &[]).get("response").is_some());
    assert!(api.emu.stats().errors[&6] >= 1);
}

#[test]
fn execute_counts_as_one_request_and_tokens_are_limited_separately() {
    let api = start_with(config().community(202, "token-of-202"));
    let batch = format!("return [{}];", vec!["API.groups.getById()"; 25].join(","));
    for _ in 0..5 {
        assert!(api
            .call("execute", &[("code", &batch)])
            .get("response")
            .is_some());
    }
    assert!(codes(&api, 15).iter().all(|&c| c == 0));
    assert_eq!(api.err("groups.getById", &[]), 6);
    // The other community's token has its own budget.
    let body: serde_json::Value = api
        .client
        .post(api.url("groups.getById"))
        .form(&[("access_token", "token-of-202"), ("v", "5.199")])
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(body["response"]["groups"][0]["id"], 202);
}
