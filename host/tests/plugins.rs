//! Plugin discovery with real built libraries: good plugins load, every kind of bad file is
//! skipped with a one-line reason, and two plugins each run their own code.

mod common;

use common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn skipped_line<'a>(run: &'a Run, file: &str) -> &'a str {
    run.stderr
        .lines()
        .find(|l| l.contains("skipped plugin") && l.contains(file))
        .unwrap_or_else(|| panic!("no skip line for {file} in:\n{}", run.stderr))
}

#[test]
fn lists_sferum_sync_and_test() {
    let dir = HostDir::new();
    let plugins = dir.plugins.as_path();
    install_plugin("sferum_sync", plugins, "libsferum_sync.so");
    install_plugin("test_plugin", plugins, "libtest_plugin.so");
    let run = host(plugins, &["plugins", "list"]).ok();
    assert!(run.stdout.contains("sferum-sync"), "{}", run.stdout);
    assert!(run
        .stdout
        .contains("Синхронизация чатов и ВКС с платформой VK Сферум"));
    assert!(run.stdout.contains("Тестовая задача"));
    let types: Vec<&str> = run
        .stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(types, ["sferum-sync", "test"], "{}", run.stdout);
    assert!(run.stderr.is_empty(), "unexpected warnings: {}", run.stderr);
}

#[test]
fn list_as_json() {
    let dir = HostDir::new();
    let plugins = dir.plugins.as_path();
    install_plugin("test_plugin", plugins, "libtest_plugin.so");
    let run = host(plugins, &["plugins", "list", "--json"]).ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["plugins"][0]["type"], "test");
    assert_eq!(
        json["plugins"][0]["abi_version"],
        exchange_sdk::abi::ABI_VERSION
    );
    assert_eq!(json["skipped"].as_array().unwrap().len(), 0);
}

#[test]
fn show_lists_the_five_proxy_parameters() {
    let dir = HostDir::new();
    let plugins = dir.plugins.as_path();
    install_plugin("sferum_sync", plugins, "libsferum_sync.so");
    let run = host(plugins, &["plugins", "show", "sferum-sync"]).ok();
    for key in [
        "proxy_server",
        "proxy_port",
        "proxy_username",
        "proxy_password",
        "proxy_auth",
    ] {
        assert!(
            run.stdout.contains(&format!("\n  {key}\n")),
            "{key} missing:\n{}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("Range:    1-65535"));
    assert!(run.stdout.contains("Secret:   yes"));
    assert!(run.stdout.contains("Default schedule: every 30 minutes"));

    let json = host(plugins, &["plugins", "show", "sferum-sync", "--json"]).ok();
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let params = json["params"].as_array().unwrap();
    let port = params.iter().find(|p| p["key"] == "proxy_port").unwrap();
    assert_eq!(port["type"]["kind"], "port");
    let password = params
        .iter()
        .find(|p| p["key"] == "proxy_password")
        .unwrap();
    assert_eq!(password["type"]["kind"], "secret");
}

#[test]
fn show_unknown_type_says_where_it_looked() {
    let dir = HostDir::new();
    let plugins = dir.plugins.as_path();
    install_plugin("test_plugin", plugins, "libtest_plugin.so");
    let run = host(plugins, &["plugins", "show", "nosuch"]).failed();
    assert!(run.stderr.contains("plugin not found"), "{}", run.stderr);
    assert!(run.stderr.contains("Known types: test"));
    assert!(run.stderr.contains(&plugins.display().to_string()));
}

#[test]
fn a_file_that_is_not_a_library_is_skipped() {
    let dir = HostDir::new();
    let plugins = dir.plugins.as_path();
    install_plugin("test_plugin", plugins, "libtest_plugin.so");
    std::fs::write(plugins.join("notes.so"), "this is text, not a library\n").unwrap();
    let run = host(plugins, &["plugins", "list"]).ok();
    assert!(skipped_line(&run, "notes.so").contains("not a loadable shared library"));
    assert!(run.stdout.contains("Тестовая задача"));
}

#[test]
fn a_library_without_the_plugin_export_is_skipped() {
    let dir = HostDir::new();
    let plugins = dir.plugins.as_path();
    install_plugin("test_plugin", plugins, "libtest_plugin.so");
    // A real shared library of the system that is not a plugin.
    let libc = [
        "/lib/x86_64-linux-gnu/libm.so.6",
        "/usr/lib/x86_64-linux-gnu/libm.so.6",
        "/lib64/libm.so.6",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists())
    .expect("libm not found");
    install_file(Path::new(libc), plugins, "libm.so");
    let run = host(plugins, &["plugins", "list"]).ok();
    assert!(skipped_line(&run, "libm.so").contains("no plugin export"));
    assert!(run.stdout.contains("Тестовая задача"));
}

#[test]
fn an_incompatible_abi_is_skipped_with_only_the_error_lines() {
    let dir = HostDir::new();
    let plugins = dir.plugins.as_path();
    install_plugin("test_plugin", plugins, "libtest_plugin.so");
    install_plugin("incompatible_plugin", plugins, "libincompatible_plugin.so");
    let run = host(plugins, &["plugins", "list"]).ok();
    let line = skipped_line(&run, "libincompatible_plugin.so");
    assert!(line.contains("incompatible plugin ABI"), "{line}");
    assert!(
        line.contains("expected exchange-sdk, found incompatible-plugin"),
        "{line}"
    );
    assert_eq!(
        run.stderr.lines().count(),
        1,
        "the full report must not be shown:\n{}",
        run.stderr
    );
    assert!(run.stdout.contains("Тестовая задача"));
}

#[test]
fn a_plugin_whose_entry_point_panics_is_skipped() {
    let dir = HostDir::new();
    let plugins = dir.plugins.as_path();
    install_plugin("test_plugin", plugins, "libtest_plugin.so");
    install_plugin("sferum_sync", plugins, "libsferum_sync.so");
    let run = host_with_env(
        plugins,
        &["plugins", "list"],
        &[("TEST_PLUGIN_PANIC_IN_MANIFEST", "1")],
    );
    let run = run.ok();
    let line = skipped_line(&run, "libtest_plugin.so");
    assert!(
        line.contains("plugin panicked: manifest failure requested"),
        "{line}"
    );
    assert!(
        run.stdout.contains("sferum-sync"),
        "the good plugin must still load"
    );
}

#[test]
fn two_plugins_with_one_task_type_both_stay_unloaded() {
    let dir = HostDir::new();
    let plugins = dir.plugins.as_path();
    install_plugin("test_plugin", plugins, "libtest_plugin.so");
    install_plugin("test_plugin", plugins, "libtest_copy.so");
    install_plugin("sferum_sync", plugins, "libsferum_sync.so");
    let run = host(plugins, &["plugins", "list"]).ok();
    for file in ["libtest_plugin.so", "libtest_copy.so"] {
        let line = skipped_line(&run, file);
        assert!(line.contains("libtest_plugin.so (version 0.1.0)"), "{line}");
        assert!(line.contains("libtest_copy.so (version 0.1.0)"), "{line}");
        assert!(line.contains("neither is loaded"), "{line}");
        assert!(line.contains("remove one of them"), "{line}");
    }
    assert!(!run.stdout.contains("Тестовая задача"), "{}", run.stdout);
    assert!(run.stdout.contains("sferum-sync"));
}

#[test]
fn world_writable_plugins_and_folders_are_refused() {
    let dir = HostDir::new();
    let plugins = dir.plugins.as_path();
    let file = install_plugin("test_plugin", plugins, "libtest_plugin.so");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
    let run = host(plugins, &["plugins", "list"]).ok();
    assert!(skipped_line(&run, "libtest_plugin.so").contains("world-writable"));

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(plugins, std::fs::Permissions::from_mode(0o777)).unwrap();
    let run = host(plugins, &["plugins", "list"]).ok();
    assert!(skipped_line(&run, "libtest_plugin.so").contains("folder"));
    std::fs::set_permissions(plugins, std::fs::Permissions::from_mode(0o700)).unwrap();
}

#[test]
fn default_folders_apply_only_without_plugins_option_and_environment() {
    let dir = HostDir::new();
    let plugins = dir.plugins.as_path();
    install_plugin("test_plugin", plugins, "libtest_plugin.so");
    let out = host_command()
        .args(["plugins", "list", "--json"])
        .env("EXCHANGE_PLUGINS", plugins)
        // The default database, and the plugin scan cache beside it, in the test's folder.
        .env("XDG_DATA_HOME", dir.dir.path().join("data"))
        .env_remove("EXCHANGE_DB")
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let types: Vec<&str> = json["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ["test"],
        "EXCHANGE_PLUGINS must replace the default folders"
    );
}
