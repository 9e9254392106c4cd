//! Two different plugin libraries loaded into one process each run their own code (the trap
//! of `RootModule::load_from_file`, which would run the first plugin's code for both).

mod common;

use common::*;
use exchange_core::plugins::loader;
use exchange_sdk::testing::TestHost;

/// The messages of the host's log lines.
fn messages(host: &TestHost) -> Vec<String> {
    host.logs
        .lock()
        .unwrap()
        .iter()
        .map(|(_, m)| m.clone())
        .collect()
}

#[test]
fn each_plugin_runs_its_own_code() {
    let dir = temp_dir();
    let fixture = loader::load(&install_plugin(
        "test_plugin",
        dir.path(),
        "libtest_plugin.so",
    ))
    .unwrap();
    let sferum = loader::load(&install_plugin(
        "sferum_sync",
        dir.path(),
        "libsferum_sync.so",
    ))
    .unwrap();
    let request = r#"{"task_id":"1","org_id":"school","locale":"en","params":{"greeting":"Привет","repeat":"2"}}"#;

    let test_host = TestHost::new();
    let summary = fixture.run(request, test_host.services()).unwrap();
    assert!(summary.contains("greeted 2 time(s)"), "{summary}");
    assert_eq!(messages(&test_host), ["Привет (1 of 2)", "Привет (2 of 2)"]);

    let sferum_host = TestHost::new();
    let answer = sferum.run(request, sferum_host.services());
    let message = answer.expect_err("no Links base values were given");
    assert!(message.contains("sferum.community_id"), "{message}");
    assert!(messages(&sferum_host).iter().all(|l| !l.contains("Привет")));
    assert_eq!(sferum.manifest.type_id, "sferum-sync");
    assert_eq!(fixture.manifest.type_id, "test");
}

#[test]
fn a_panicking_run_comes_back_as_an_error_with_its_message() {
    let dir = temp_dir();
    let file = install_plugin("test_plugin", dir.path(), "libtest_plugin.so");
    let host = TestHost::new();
    let request = r#"{"task_id":"1","org_id":"school","params":{"mode":"panic"}}"#;
    let error = loader::load(&file)
        .unwrap()
        .run(request, host.services())
        .unwrap_err();
    assert_eq!(error, "plugin panicked: panic requested (mode=panic)");
}
