//! ABI evolution with real built libraries. A plugin built against the frozen SDK 1.0
//! (`tests/fixtures/sdk-1.0`, built here from source) loads, validates, checks and runs in
//! this host, whose SDK has grown, without any capability newer than 1.0; a plugin built
//! against the current SDK gets the new entry points and host service; a plugin that needs a
//! newer host than this one is refused in one line naming both versions.

mod common;

use common::*;
use exchange_sdk::AbiVersion;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The plugin library built against the frozen SDK 1.0, built from source once per test
/// process (the fixture is its own workspace, with its own lock file and target folder).
fn sdk_1_0_plugin() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/sdk-1.0");
        let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sdk-1.0-fixture");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let output = Command::new(cargo)
            .current_dir(&fixture)
            .args(["build", "--locked", "--quiet", "-p", "sdk-1-0-plugin"])
            .arg("--target-dir")
            .arg(&target)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "building {} failed:\n{}",
            fixture.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        let library = target.join("debug").join(format!(
            "libsdk_1_0_plugin.{}",
            std::env::consts::DLL_EXTENSION
        ));
        assert!(library.exists(), "{} was not built", library.display());
        library
    })
}

/// A host with a database, one organization, and the SDK 1.0 plugin and the test plugin
/// (current SDK) in its plugins folder.
struct Host(HostDir);

impl std::ops::Deref for Host {
    type Target = HostDir;

    fn deref(&self) -> &HostDir {
        &self.0
    }
}

impl Host {
    fn new() -> Host {
        let h = Host(HostDir::new());
        install_file(sdk_1_0_plugin(), &h.plugins, "libsdk_1_0_plugin.so");
        h.install("test_plugin");
        h.cli(&["org", "add", "school", "--name", "Школа"]).ok();
        h
    }

    /// The CLI under the locale `LC_ALL=locale`.
    fn cli_in(&self, locale: &str, args: &[&str]) -> Run {
        self.cli_with_env(args, &[("LC_ALL", locale)])
    }

    fn add_task(&self, type_id: &str) -> String {
        let add = ["task", "add", "--org", "school", "--type", type_id];
        self.cli(&add).ok().stdout.trim().to_string()
    }

    fn plugin_json(&self, type_id: &str) -> serde_json::Value {
        let show = self.cli(&["plugins", "show", type_id, "--json"]).ok();
        serde_json::from_str(&show.stdout).unwrap()
    }
}

#[test]
fn a_plugin_built_against_sdk_1_0_loads_checks_and_runs_in_this_host() {
    let h = Host::new();
    let list = h.cli(&["plugins", "list"]).ok();
    assert!(
        list.stderr.is_empty(),
        "a plugin was refused: {}",
        list.stderr
    );

    let frozen = h.plugin_json("sdk-1-0");
    assert_eq!(frozen["abi_version"], "1.0.0");
    assert_eq!(
        frozen["capabilities"],
        serde_json::json!({"min_host_abi": "1.0", "entry_points": []}),
        "a 1.0 plugin has no entry point beyond 1.0"
    );
    let show = h.cli(&["plugins", "show", "sdk-1-0"]).ok();
    assert!(
        show.stdout
            .contains("Extensions:       none (entry points of ABI 1.0 only)"),
        "{}",
        show.stdout
    );

    // Its own check of the parameters answers through the 1.0 entry point, in its own words
    // whatever the person's language.
    for locale in ["C.UTF-8", "ru_RU.UTF-8"] {
        let add = ["task", "add", "--org", "school", "--type", "sdk-1-0"];
        let refused = h.cli_in(locale, &[&add[..], &["word=два слова"]].concat());
        let refused = refused.failed();
        assert!(
            refused
                .stderr
                .contains("  word: is more than one word: write a single word"),
            "{locale}: {}",
            refused.stderr
        );
    }
    let task = h.add_task("sdk-1-0");
    let check = h.cli(&["task", "check", &task]).ok();
    assert_eq!(check.stdout.trim(), "OK: the SDK 1.0 plugin is ready");
    for number in 1..=2 {
        let run = h.cli(&["run", &task]).ok();
        assert!(
            run.stdout.contains("sdk-1.0 plugin says привет"),
            "{}",
            run.stdout
        );
        // The run number comes from the task state the plugin keeps through the host.
        assert!(
            run.stdout
                .contains(&format!(": ok — run number {number} of the SDK 1.0 plugin")),
            "{}",
            run.stdout
        );
    }
    let links = h.cli(&["links", "school"]).ok();
    assert!(
        links.stdout.contains("https://example.invalid/1a"),
        "{}",
        links.stdout
    );
}

#[test]
fn a_plugin_built_against_the_current_sdk_gets_the_new_entry_points_and_host_service() {
    let h = Host::new();
    let current = AbiVersion::current();
    let fixture = h.plugin_json("test");
    assert_eq!(
        fixture["abi_version"],
        exchange_sdk::abi::ABI_VERSION,
        "{fixture}"
    );
    assert_eq!(
        fixture["capabilities"],
        serde_json::json!({"min_host_abi": "1.0", "entry_points": ["capabilities", "validate_in"]})
    );
    // The test plugin's check asks the host for `host_info`, a service newer than ABI 1.0.
    let task = h.add_task("test");
    let check = h.cli(&["task", "check", &task]).ok();
    let expected = format!(
        "(running in exchange-host {}, plugin ABI {current})",
        env!("CARGO_PKG_VERSION")
    );
    assert!(check.stdout.contains(&expected), "{}", check.stdout);
}

#[test]
fn a_plugin_that_needs_a_newer_host_is_refused_naming_both_versions() {
    let h = Host::new();
    let current = AbiVersion::current();
    let next = AbiVersion::new(current.major, current.minor + 1);
    let list = host_with_env(
        &h.plugins,
        &["plugins", "list"],
        &[("TEST_PLUGIN_MIN_HOST_ABI", &next.to_string())],
    )
    .ok();
    assert_eq!(
        list.stderr.lines().count(),
        1,
        "one line for the refused plugin:\n{}",
        list.stderr
    );
    let line = list.stderr.trim();
    assert!(line.contains("libtest_plugin.so"), "{line}");
    assert!(
        line.contains(&format!(
            "needs a host that speaks plugin ABI {next} or newer, but this host speaks ABI {current}"
        )),
        "{line}"
    );
    assert!(list.stdout.contains("sdk-1-0"), "{}", list.stdout);
    assert!(!list.stdout.contains("Тестовая задача"), "{}", list.stdout);

    // A new build declaring this host's own ABI is fine (a refusal is remembered until the
    // file changes).
    install_plugin("test_plugin", &h.plugins, "libtest_plugin.so");
    let list = host_with_env(
        &h.plugins,
        &["plugins", "list"],
        &[("TEST_PLUGIN_MIN_HOST_ABI", &current.to_string())],
    )
    .ok();
    assert!(list.stderr.is_empty(), "{}", list.stderr);
    assert!(list.stdout.contains("Тестовая задача"), "{}", list.stdout);
}
