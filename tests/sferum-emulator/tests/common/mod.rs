//! Helpers shared by the integration tests: an emulator with one community and a
//! blocking HTTP client that speaks the API over loopback.
#![allow(dead_code)] // each test file uses its own subset

use std::time::Duration;

use reqwest::blocking::{Client, Response};
use serde_json::Value;
use sferum_emulator::{Emulator, EmulatorConfig, EmulatorHandle};

/// The test community.
pub const GROUP: u64 = 101;
/// Its token: long and distinctive, so a leak is easy to spot.
pub const TOKEN: &str = "vk1.a.SECRET-token-of-community-101";
/// The API version sent.
pub const V: &str = "5.199";

/// A running emulator and a client for it.
pub struct Api {
    pub emu: EmulatorHandle,
    pub client: Client,
}

/// An emulator with the test community and no rate limit.
pub fn start() -> Api {
    start_with(EmulatorConfig {
        rate_limit: None,
        ..config()
    })
}

/// The default config with the test community.
pub fn config() -> EmulatorConfig {
    EmulatorConfig::default().community(GROUP, TOKEN)
}

/// An emulator started from `config`.
pub fn start_with(config: EmulatorConfig) -> Api {
    Api {
        emu: Emulator::start(config).expect("emulator starts"),
        client: Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
    }
}

impl Api {
    /// The URL of a method.
    pub fn url(&self, method: &str) -> String {
        format!("{}/method/{method}", self.emu.base_url())
    }

    /// Posts a form with the token and `v` added.
    pub fn post(&self, method: &str, params: &[(&str, &str)]) -> reqwest::Result<Response> {
        let mut form: Vec<(&str, &str)> = vec![("access_token", TOKEN), ("v", V)];
        form.extend_from_slice(params);
        self.client.post(self.url(method)).form(&form).send()
    }

    /// Calls a method and returns the whole JSON body.
    pub fn call(&self, method: &str, params: &[(&str, &str)]) -> Value {
        let response = self.post(method, params).expect("request succeeds");
        assert_eq!(response.status(), 200);
        response.json().expect("JSON body")
    }

    /// Calls a method that must succeed and returns `response`.
    pub fn ok(&self, method: &str, params: &[(&str, &str)]) -> Value {
        let body = self.call(method, params);
        assert!(body.get("error").is_none(), "{method} failed: {body}");
        body["response"].clone()
    }

    /// Calls a method that must fail and returns the error code.
    pub fn err(&self, method: &str, params: &[(&str, &str)]) -> i64 {
        let body = self.call(method, params);
        body["error"]["error_code"]
            .as_i64()
            .unwrap_or_else(|| panic!("{method} should fail: {body}"))
    }

    /// Creates a chat and returns its id.
    pub fn create_chat(&self, title: &str, user_ids: &str) -> i64 {
        self.ok(
            "messages.createChat",
            &[
                ("title", title),
                ("user_ids", user_ids),
                ("group_id", &GROUP.to_string()),
            ],
        )["chat_id"]
            .as_i64()
            .unwrap()
    }

    /// Member ids of a chat in join order.
    pub fn members(&self, chat_id: i64) -> Vec<i64> {
        let peer = (2_000_000_000 + chat_id).to_string();
        self.ok(
            "messages.getConversationMembers",
            &[("peer_id", &peer), ("count", "1000")],
        )["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["member_id"].as_i64().unwrap())
            .collect()
    }

    /// GETs an `/_emulator/...` endpoint.
    pub fn inspect(&self, path: &str) -> Value {
        self.client
            .get(format!("{}/_emulator/{path}", self.emu.base_url()))
            .send()
            .unwrap()
            .json()
            .unwrap()
    }

    /// POSTs JSON to an `/_emulator/...` endpoint, returning status and body.
    pub fn control(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}/_emulator/{path}", self.emu.base_url()))
            .json(body)
            .send()
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().unwrap_or(Value::Null))
    }
}

/// The chat's peer id as a string.
pub fn peer(chat_id: i64) -> String {
    (2_000_000_000 + chat_id).to_string()
}
