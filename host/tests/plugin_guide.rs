//! The vendor's path of docs/plugin-guide.md with the real binary: the guide's plugin (the
//! template `plugins/example`, which `tests/plugin-guide` keeps identical to the guide's code)
//! builds, passes `plugins verify`, and runs under `exchange-host run`, its declared rules
//! checked by the host; `plugins verify` reports an unsound plugin one finding per line, and
//! the host refuses to load it.

mod common;

use common::*;

#[test]
fn the_guides_plugin_builds_passes_verify_and_runs() {
    let h = HostDir::with_db("data/exchange.db");
    let plugins = &h.plugins;
    let file = install_plugin("example_plugin", plugins, "libschool_greeter.so");

    let verify = host(plugins, &["plugins", "verify", file.to_str().unwrap()]).ok();
    assert_eq!(
        verify.stdout.trim(),
        format!(
            "{}: ok: task type example version 0.1.0, plugin ABI {}",
            file.display(),
            exchange_sdk::abi::ABI_VERSION
        ),
        "{}",
        verify.stderr
    );
    let json = host(
        plugins,
        &["plugins", "verify", file.to_str().unwrap(), "--json"],
    )
    .ok();
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["type"], "example");
    assert_eq!(json["findings"], serde_json::json!([]));

    let show = host(plugins, &["plugins", "show", "example"]).ok();
    assert!(
        show.stdout
            .contains("Rules between parameters:\n  signature: required with sign=1\n  signature: only with sign=1"),
        "{}",
        show.stdout
    );

    let cli = |args: &[&str]| h.cli(args);
    cli(&["org", "add", "school-1", "--name", "School 1"]).ok();
    let unsigned = cli(&[
        "task", "add", "--org", "school-1", "--type", "example", "sign=1",
    ])
    .failed();
    assert_eq!(unsigned.status, 2);
    assert!(
        unsigned
            .stderr
            .contains("signature: is required with sign=1"),
        "{}",
        unsigned.stderr
    );
    let id = cli(&[
        "task",
        "add",
        "--org",
        "school-1",
        "--type",
        "example",
        "greeting=Hi",
        "repeat=2",
        "sign=1",
        "signature=The director",
    ])
    .ok()
    .stdout
    .trim()
    .to_string();
    let run = cli(&["run", &id]).ok();
    assert!(
        run.stdout.contains("greeted 2 time(s); run 1 of this task"),
        "{}",
        run.stdout
    );
    let logs = cli(&["logs", "1"]).ok();
    assert_eq!(
        logs.stdout.matches("Hi! — The director").count(),
        2,
        "{}",
        logs.stdout
    );
    let unset = cli(&["task", "unset", &id, "signature"]).failed();
    assert!(
        unset.stderr.contains("signature: is required with sign=1"),
        "{}",
        unset.stderr
    );
}

#[test]
fn verify_reports_each_finding_and_the_host_refuses_an_unsound_manifest() {
    let h = HostDir::new();
    let plugins = &h.plugins;
    let file = h.install("test_plugin");
    let path = file.to_str().unwrap();
    let unsound = [("TEST_PLUGIN_UNSOUND_MANIFEST", "1")];

    let verify = host_with_env(plugins, &["plugins", "verify", path], &unsound);
    assert_eq!(verify.status, 1, "{}{}", verify.stdout, verify.stderr);
    let lines: Vec<&str> = verify.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            format!("{path}: defaults: repeat: its default does not fit its type: expected a whole number 1-100, got \"many\""),
            format!("{path}: secrets-marked: service_token: its name suggests a secret, but its type is text: declare it ParamType::Secret so that it is masked and scrubbed from logs"),
            format!("{path}: dependencies: greting: a rule between parameters names \"greting\", which is not a declared parameter"),
        ],
        "{}",
        verify.stdout
    );
    let json = host_with_env(plugins, &["plugins", "verify", path, "--json"], &unsound);
    assert_eq!(json.status, 1);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["findings"][0]["check"], "defaults");
    assert_eq!(json["findings"][0]["key"], "repeat");

    // The host refuses it at load, naming what is wrong (advice such as a secret's name aside).
    let list = host_with_env(plugins, &["plugins", "list"], &unsound).ok();
    let line = list
        .stderr
        .lines()
        .find(|l| l.contains("libtest_plugin.so"))
        .unwrap_or_else(|| panic!("no skip line in:\n{}", list.stderr));
    assert!(line.contains("its manifest is not sound"), "{line}");
    assert!(line.contains("defaults: repeat"), "{line}");
    assert!(line.contains("dependencies: greting"), "{line}");
    assert!(!line.contains("service_token"), "{line}");

    // A library that others could replace is a finding too; a missing file is a usage error.
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o666)).unwrap();
    let verify = host(plugins, &["plugins", "verify", path]);
    assert_eq!(verify.status, 1, "{}", verify.stdout);
    assert!(
        verify.stdout.contains(": permissions: "),
        "{}",
        verify.stdout
    );
    assert!(
        verify.stdout.contains("world-writable"),
        "{}",
        verify.stdout
    );
    let missing = host(plugins, &["plugins", "verify", "/nonexistent/libx.so"]);
    assert_eq!(missing.status, 2, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("cannot be read"),
        "{}",
        missing.stderr
    );
}
