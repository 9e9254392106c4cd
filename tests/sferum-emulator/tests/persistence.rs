//! The state file: saved after each change, loaded at start.

mod common;

use common::{config, peer, start_with, TOKEN};
use sferum_emulator::{Emulator, EmulatorConfig};

#[test]
fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let cfg = || EmulatorConfig {
        state_file: Some(file.clone()),
        rate_limit: None,
        ..config()
    };
    let api = start_with(cfg());
    api.create_chat("Учительская", "5,6");
    let link = api.ok("messages.getInviteLink", &[("peer_id", &peer(1))])["link"].clone();
    let before = api.emu.state();
    api.emu.stop();

    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(!saved.contains(TOKEN));
    assert!(saved.contains("Учительская"));
    assert!(!dir.path().join("state.json.tmp").exists());

    let api = start_with(cfg());
    assert_eq!(api.emu.state(), before);
    assert_eq!(
        api.ok("messages.getInviteLink", &[("peer_id", &peer(1))])["link"],
        link
    );
    assert_eq!(api.create_chat("next", ""), 2);
}

#[test]
fn a_corrupt_state_file_is_a_clear_start_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    std::fs::write(&file, "not json").unwrap();
    let error = Emulator::start(EmulatorConfig {
        state_file: Some(file),
        ..config()
    })
    .err()
    .expect("start fails");
    let message = error.to_string();
    assert!(message.contains("not a valid emulator state"), "{message}");
    assert!(message.contains("fix or delete"), "{message}");
}

#[test]
fn no_community_is_a_start_error() {
    let error = Emulator::start(EmulatorConfig::default()).err().unwrap();
    assert!(error.to_string().contains("no community"));
}
