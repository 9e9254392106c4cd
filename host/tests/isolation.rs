//! Plugins are isolated from each other, with real built libraries: a plugin that crashes or
//! hangs while describing itself or checking parameters fails alone (and is remembered as
//! refused until its file changes), a plugin gets only the Links base keys it declares, and
//! libraries that others could replace are refused however they are reached.

mod common;

use common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The scan timeout the tests give the host (the default is 10 s).
const SCAN_TIMEOUT: Duration = Duration::from_secs(3);

/// Installs the misbehaving fixture as `lib<name>.so` (its name decides how it behaves).
fn install_misbehaving(dir: &Path, name: &str) -> PathBuf {
    install_plugin("misbehaving_plugin", dir, &format!("lib{name}.so"))
}

/// A database (in a folder not created yet) and a plugin folder in one temporary folder.
struct Host(HostDir);

impl std::ops::Deref for Host {
    type Target = HostDir;

    fn deref(&self) -> &HostDir {
        &self.0
    }
}

impl Host {
    fn new() -> Host {
        Host(HostDir::with_db("data/exchange.db"))
    }

    fn cli(&self, args: &[&str]) -> Run {
        let timeout = format!("{}s", SCAN_TIMEOUT.as_secs());
        self.cli_with_env(args, &[("EXCHANGE_PLUGIN_SCAN_TIMEOUT", &timeout)])
    }

    fn add_task(&self, type_id: &str, params: &[&str]) -> String {
        let mut args = vec!["task", "add", "--org", "school", "--type", type_id];
        args.extend_from_slice(params);
        self.cli(&args).ok().stdout.trim().to_string()
    }
}

fn skip_line<'a>(run: &'a Run, file: &str) -> &'a str {
    run.stderr
        .lines()
        .find(|l| l.contains("skipped plugin") && l.contains(file))
        .unwrap_or_else(|| panic!("no skip line for {file} in:\n{}", run.stderr))
}

#[test]
fn plugins_that_crash_or_hang_while_describing_themselves_fail_alone() {
    let h = Host::new();
    h.install("test_plugin");
    h.install("sferum_sync");
    install_misbehaving(&h.plugins, "segfault_in_manifest");
    let hanging = install_misbehaving(&h.plugins, "hang_in_manifest");
    install_misbehaving(&h.plugins, "snoop");

    let started = Instant::now();
    let cold = h.cli(&["plugins", "list"]).ok();
    let cold_time = started.elapsed();
    for type_id in ["test", "sferum-sync", "snoop"] {
        assert!(cold.stdout.contains(type_id), "{type_id}:\n{}", cold.stdout);
    }
    let crashed = skip_line(&cold, "libsegfault_in_manifest.so");
    assert!(
        crashed.contains("crashed while the host read its description"),
        "{crashed}"
    );
    assert!(crashed.contains("SIGSEGV"), "{crashed}");
    let hung = skip_line(&cold, "libhang_in_manifest.so");
    assert!(hung.contains("did not describe itself within 3s"), "{hung}");
    assert!(hung.contains("until the file changes"), "{hung}");
    assert!(
        cold_time >= SCAN_TIMEOUT,
        "the hanging scan ends at the timeout"
    );

    // Remembered: the hanging library is not loaded again while it is unchanged.
    let started = Instant::now();
    let warm = h.cli(&["plugins", "list"]).ok();
    let warm_time = started.elapsed();
    assert!(warm_time < SCAN_TIMEOUT, "warm list took {warm_time:?}");
    assert_eq!(skip_line(&warm, "libhang_in_manifest.so"), hung);
    assert_eq!(warm.stdout, cold.stdout);
    eprintln!("plugins list: cold {cold_time:?} (one plugin hangs until the {SCAN_TIMEOUT:?} timeout), warm {warm_time:?}");

    // The good plugins run while the bad ones sit in the same folder.
    h.cli(&["org", "add", "school", "--name", "Школа"]).ok();
    let task = h.add_task("test", &[]);
    let run = h.cli(&["run", &task]).ok();
    assert!(run.stdout.contains("greeted 1 time(s)"), "{}", run.stdout);
    let snoop = h.add_task("snoop", &[]);
    h.cli(&["run", &snoop]).ok();

    // A changed file is scanned again.
    let file = std::fs::File::options()
        .append(true)
        .open(&hanging)
        .unwrap();
    file.set_modified(std::time::SystemTime::now() + Duration::from_secs(5))
        .unwrap();
    let started = Instant::now();
    let rescanned = h.cli(&["plugins", "list"]).ok();
    assert!(
        started.elapsed() >= SCAN_TIMEOUT,
        "the changed file is scanned again"
    );
    skip_line(&rescanned, "libhang_in_manifest.so");
}

#[test]
fn a_plugin_gets_only_the_links_base_keys_it_declares() {
    let h = Host::new();
    h.install("sferum_sync");
    install_misbehaving(&h.plugins, "snoop");
    h.cli(&["org", "add", "school", "--name", "Школа"]).ok();
    h.cli(&[
        "org",
        "set",
        "school",
        "sferum.community_id=123",
        "sferum.access_token=vk1.a.another-plugins-secret",
        "snoop.note=hello",
    ])
    .ok();
    let task = h.add_task("snoop", &[]);
    let run = h.cli(&["run", &task]).ok();
    assert!(
        run.stdout
            .contains("Links base keys received: [snoop.note]"),
        "{}",
        run.stdout
    );
    assert!(!run.all().contains("another-plugins-secret"));
}

#[test]
fn checking_parameters_runs_out_of_process() {
    let h = Host::new();
    h.install("test_plugin");
    install_misbehaving(&h.plugins, "crash_in_validate");
    let list = h.cli(&["plugins", "list"]).ok();
    assert!(list.stdout.contains("crash-in-validate"), "{}", list.stdout);
    h.cli(&["org", "add", "school", "--name", "Школа"]).ok();
    let refused = h
        .cli(&[
            "task",
            "add",
            "--org",
            "school",
            "--type",
            "crash-in-validate",
        ])
        .failed();
    assert_eq!(refused.status, 1, "the host itself must not crash");
    assert!(
        refused.stderr.contains(
            "the plugin could not check the parameters: the plugin crashed (signal 11: SIGSEGV"
        ),
        "{}",
        refused.stderr
    );
    // Nothing was saved, and the other plugin's checks still work.
    let tasks = h.cli(&["task", "list", "--json"]).ok();
    assert!(
        !tasks.stdout.contains("crash-in-validate"),
        "{}",
        tasks.stdout
    );
    let problems = h
        .cli(&[
            "task",
            "add",
            "--org",
            "school",
            "--type",
            "test",
            "mode=hang",
            "sleep=5s",
        ])
        .failed();
    assert!(
        problems.stderr.contains("has no effect with mode=hang"),
        "{}",
        problems.stderr
    );
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn symlinks_parents_and_group_writable_libraries_that_others_could_replace_are_refused() {
    let h = Host::new();
    let root = h.plugins.parent().unwrap().to_path_buf();
    // A symlink to a library in a private folder is loaded.
    let private = root.join("private");
    std::fs::create_dir(&private).unwrap();
    let target = install_plugin("test_plugin", &private, "libtest_plugin.so");
    std::os::unix::fs::symlink(&target, h.plugins.join("libtest_link.so")).unwrap();
    // A symlink into a world-writable folder is not.
    let open = root.join("open");
    std::fs::create_dir(&open).unwrap();
    let exposed = install_plugin("sferum_sync", &open, "libsferum_sync.so");
    chmod(&open, 0o777);
    std::os::unix::fs::symlink(&exposed, h.plugins.join("libsferum_link.so")).unwrap();
    // Nor a group-writable library, nor a dangling symlink.
    let group = install_misbehaving(&h.plugins, "snoop");
    chmod(&group, 0o664);
    std::os::unix::fs::symlink(root.join("gone.so"), h.plugins.join("libgone.so")).unwrap();

    let run = h.cli(&["plugins", "list"]).ok();
    assert!(run.stdout.contains("Тестовая задача"), "{}", run.stdout);
    let line = skip_line(&run, "libsferum_link.so");
    assert!(
        line.contains(&format!("its folder {} is world-writable", open.display())),
        "{line}"
    );
    let line = skip_line(&run, "libsnoop.so");
    assert!(line.contains("is group-writable"), "{line}");
    assert!(line.contains("chmod g-w"), "{line}");
    let line = skip_line(&run, "libgone.so");
    assert!(line.contains("gone.so, which cannot be reached"), "{line}");
    assert!(!run.stdout.contains("sferum-sync") && !run.stdout.contains("snoop"));
    chmod(&open, 0o755);
}

#[test]
fn a_plugin_folder_inside_a_world_writable_parent_is_refused() {
    let dir = temp_dir();
    let parent = dir.path().join("shared");
    let plugins = parent.join("plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    install_plugin("test_plugin", &plugins, "libtest_plugin.so");
    chmod(&parent, 0o777);
    let db = dir.path().join("exchange.db");
    let run = host(&plugins, &["--db", db.to_str().unwrap(), "plugins", "list"]).ok();
    let line = skip_line(&run, "libtest_plugin.so");
    assert!(
        line.contains(&format!(
            "the folder {} above it is world-writable",
            parent.display()
        )),
        "{line}"
    );
    chmod(&parent, 0o755);
    let run = host(&plugins, &["--db", db.to_str().unwrap(), "plugins", "list"]).ok();
    assert!(run.stdout.contains("Тестовая задача"), "{}", run.stdout);
}
