//! Helpers shared by the integration tests: an emulator with one bot, a blocking HTTP
//! client that speaks the API over loopback, and people's acts.
#![allow(dead_code)] // each test file uses its own subset

use std::time::Duration;

use max_emulator::{Act, Emulator, EmulatorConfig, EmulatorHandle};
use reqwest::blocking::Client;
use reqwest::Method;
use serde_json::{json, Value};

/// The test bot's user id.
pub const BOT: i64 = 900;
/// Its name in deep links.
pub const BOT_NAME: &str = "school_bot";
/// Its token: long and distinctive, so a leak is easy to spot.
pub const TOKEN: &str = "max-SECRET-token-of-bot-900";
/// The person who creates chats.
pub const OWNER: i64 = 1001;
/// Every right an admin can hold in a group chat (as the bot gets it by default here).
pub const ALL_RIGHTS: [&str; 7] = [
    "read_all_messages",
    "add_remove_members",
    "add_admins",
    "change_chat_info",
    "pin_message",
    "write",
    "edit_link",
];

/// A running emulator and a client for it.
pub struct Api {
    pub emu: EmulatorHandle,
    pub client: Client,
}

/// An emulator with the test bot and no rate limit.
pub fn start() -> Api {
    start_with(EmulatorConfig {
        rate_limit: None,
        ..config()
    })
}

/// The default config with the test bot.
pub fn config() -> EmulatorConfig {
    EmulatorConfig::default().bot(BOT, BOT_NAME, TOKEN)
}

/// An emulator started from `config`.
pub fn start_with(config: EmulatorConfig) -> Api {
    Api {
        emu: Emulator::start(config).expect("emulator starts"),
        client: Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap(),
    }
}

impl Api {
    /// The URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emu.base_url())
    }

    /// Sends a request with the token in `Authorization`; status and JSON body.
    pub fn call(&self, method: Method, path: &str, body: Option<&Value>) -> (u16, Value) {
        self.call_as(TOKEN, method, path, body)
    }

    /// Sends a request with this `Authorization` value.
    pub fn call_as(
        &self,
        authorization: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .request(method, self.url(path))
            .header("Authorization", authorization);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().expect("request succeeds");
        let status = response.status().as_u16();
        (status, response.json().unwrap_or(Value::Null))
    }

    /// GET that must answer 200.
    pub fn get(&self, path: &str) -> Value {
        let (status, body) = self.call(Method::GET, path, None);
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// POST with a JSON body; status and body.
    pub fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.call(Method::POST, path, Some(body))
    }

    /// PATCH with a JSON body; status and body.
    pub fn patch(&self, path: &str, body: &Value) -> (u16, Value) {
        self.call(Method::PATCH, path, Some(body))
    }

    /// DELETE; status and body.
    pub fn delete(&self, path: &str) -> (u16, Value) {
        self.call(Method::DELETE, path, None)
    }

    /// Plays a person's act given as JSON.
    pub fn act(&self, act: Value) -> Value {
        let act: Act = serde_json::from_value(act).expect("a valid act");
        self.emu.act(act).expect("the act applies")
    }

    /// OWNER creates a chat with `members` and adds the bot with `rights` (a plain member
    /// when `None`); the chat id.
    pub fn chat_with_bot(&self, title: &str, members: &[i64], rights: Option<&[&str]>) -> i64 {
        let chat_id = self
            .act(json!({"action": "create_chat", "by": OWNER, "title": title, "members": members}))
            ["chat_id"]
            .as_i64()
            .unwrap();
        self.act(json!({"action": "add_bot", "chat_id": chat_id, "by": OWNER, "bot_id": BOT, "admin": rights}));
        chat_id
    }

    /// The member ids of a chat, as the bot reads them.
    pub fn members(&self, chat_id: i64) -> Vec<i64> {
        self.get(&format!("/chats/{chat_id}/members?count=100"))["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["user_id"].as_i64().unwrap())
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

    /// POSTs JSON to an `/_emulator/...` endpoint; status and body.
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
