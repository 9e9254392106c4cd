//! Two different plugin libraries loaded into one process each run their own code (the trap
//! of `RootModule::load_from_file`, which would run the first plugin's code for both).

mod common;

use abi_stable::sabi_trait::TD_Opaque;
use abi_stable::std_types::{ROption, RResult, RStr, RString};
use common::*;
use exchange_host::plugins::loader;
use exchange_sdk::abi::{HostServices, HostServices_TO};
use std::sync::Mutex;

#[derive(Default)]
struct RecordingHost {
    lines: Mutex<Vec<String>>,
}

impl HostServices for RecordingHost {
    fn log(&self, _level: u8, message: RStr<'_>) {
        self.lines.lock().unwrap().push(message.to_string());
    }
    fn progress(&self, _stage: RStr<'_>, _done: u64, _total: u64) {}
    fn state_get(&self, _key: RStr<'_>) -> ROption<RString> {
        ROption::RNone
    }
    fn state_set(&self, _key: RStr<'_>, _value: ROption<RStr<'_>>) -> RResult<(), RString> {
        RResult::ROk(())
    }
    fn publish_links(&self, _table_json: RStr<'_>) -> RResult<(), RString> {
        RResult::ROk(())
    }
    fn set_call_link(&self, _call_id: RStr<'_>, _link: RStr<'_>) -> RResult<(), RString> {
        RResult::ROk(())
    }
    fn is_cancelled(&self) -> bool {
        false
    }
}

#[test]
fn each_plugin_runs_its_own_code() {
    let dir = temp_dir();
    let example = loader::load(&install_plugin(
        "example_plugin",
        dir.path(),
        "libexample_plugin.so",
    ))
    .unwrap();
    let sferum = loader::load(&install_plugin(
        "sferum_sync",
        dir.path(),
        "libsferum_sync.so",
    ))
    .unwrap();
    let request = r#"{"task_id":"1","org_id":"school","locale":"en","params":{"greeting":"Привет","repeat":"2"}}"#;

    let example_host = RecordingHost::default();
    let summary = example
        .run(request, HostServices_TO::from_ptr(&example_host, TD_Opaque))
        .unwrap();
    assert!(summary.contains("greeted 2 time(s)"), "{summary}");
    assert_eq!(
        *example_host.lines.lock().unwrap(),
        ["Привет (1 of 2)", "Привет (2 of 2)"]
    );

    let sferum_host = RecordingHost::default();
    let answer = sferum.run(request, HostServices_TO::from_ptr(&sferum_host, TD_Opaque));
    let message = answer.expect_err("no Links base values were given");
    assert!(message.contains("sferum.community_id"), "{message}");
    assert!(sferum_host
        .lines
        .lock()
        .unwrap()
        .iter()
        .all(|l| !l.contains("Привет")));
    assert_eq!(sferum.manifest.type_id, "sferum-sync");
    assert_eq!(example.manifest.type_id, "example");
}

#[test]
fn a_panicking_run_comes_back_as_an_error_with_its_message() {
    let dir = temp_dir();
    let file = install_plugin("example_plugin", dir.path(), "libexample_plugin.so");
    let host = RecordingHost::default();
    let request = r#"{"task_id":"1","org_id":"school","params":{"mode":"panic"}}"#;
    let error = loader::load(&file)
        .unwrap()
        .run(request, HostServices_TO::from_ptr(&host, TD_Opaque))
        .unwrap_err();
    assert_eq!(error, "plugin panicked: panic requested (mode=panic)");
}
