//! Proxy environment variables do not apply: only the task's proxy settings decide. (Its
//! own test binary, as it sets process-wide environment variables.)

use sferum_emulator::{Emulator, EmulatorConfig};
use sferum_sync::client::{Call, Client, RetryPolicy, Settings};
use std::time::Duration;

#[test]
fn proxy_environment_variables_are_ignored() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        std::env::set_var(var, format!("http://127.0.0.1:{dead}"));
    }
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    let emu = Emulator::start(EmulatorConfig::default().community(5, "tok")).unwrap();
    let url = format!("{}/method/groups.getById", emu.base_url());

    let naive = reqwest::blocking::Client::new()
        .post(&url)
        .form(&[("access_token", "tok"), ("v", "5.199")])
        .send();
    assert!(
        naive.is_err(),
        "a client that reads the environment goes to the dead proxy"
    );

    let retry = RetryPolicy {
        attempts: 2,
        backoff: Duration::from_millis(1),
        flood_pause: Duration::ZERO,
        timeout: Duration::from_secs(5),
    };
    let client = Client::new(Settings {
        base: emu.base_url(),
        token: "tok".into(),
        proxy: None,
        retry,
        lang: sferum_sync::texts::Lang::En,
    })
    .unwrap();
    let answer = client
        .call(&Call::new("groups.getById", serde_json::json!({})))
        .unwrap();
    assert_eq!(answer["groups"][0]["id"], 5);
}
