//! The Debian package: built with cargo-deb from the release build, it holds the host, the
//! production plugins only, the configuration, the maintainer scripts (system user, private
//! database folder) and a systemd unit of `Type=notify` with a watchdog and a sandbox that
//! `systemd-analyze verify` accepts; the packaged host runs from the unpacked tree.
//!
//! Needs cargo-deb (`scripts/test` installs it). Without it the test says so and passes,
//! except under CI (`CI` set), where it fails.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(command: &mut Command) -> Run {
    Run::from_output(
        command
            .output()
            .unwrap_or_else(|e| panic!("{command:?}: {e}")),
    )
}

/// Builds the package into `out`; `None` when cargo-deb is missing (outside CI).
fn build_package(out: &Path) -> Option<PathBuf> {
    let cargo = env!("CARGO");
    let have_deb = Command::new(cargo)
        .args(["deb", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_deb {
        assert!(
            std::env::var_os("CI").is_none(),
            "cargo-deb is missing under CI: scripts/test installs it (cargo install cargo-deb --locked)"
        );
        eprintln!("SKIPPED: cargo-deb is not installed (scripts/test installs it: cargo install cargo-deb --locked)");
        return None;
    }
    run(Command::new(cargo).current_dir(workspace()).args([
        "build",
        "--quiet",
        "--release",
        "-p",
        "exchange-host",
        "-p",
        "sferum-sync",
    ]))
    .ok();
    run(Command::new(cargo).current_dir(workspace()).args([
        "deb",
        "-p",
        "exchange-host",
        "--no-build",
        "--fast",
        "-o",
        out.to_str().unwrap(),
    ]))
    .ok();
    let deb = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .expect("cargo deb wrote no .deb");
    Some(deb)
}

#[test]
fn the_debian_package_holds_the_service() {
    let dir = temp_dir();
    let Some(deb) = build_package(dir.path()) else {
        return;
    };

    // Contents: paths and modes.
    let contents = run(Command::new("dpkg-deb").arg("--contents").arg(&deb))
        .ok()
        .stdout;
    let entry = |path: &str| {
        contents
            .lines()
            .find(|l| l.ends_with(&format!(" .{path}")))
            .unwrap_or_else(|| panic!("{path} is not in the package:\n{contents}"))
            .to_string()
    };
    assert!(entry("/usr/bin/exchange-host").starts_with("-rwxr-xr-x 0/0 "));
    assert!(
        entry("/usr/lib/exchange-host/plugins/libsferum_sync.so").starts_with("-rw-r--r-- 0/0 ")
    );
    entry("/etc/exchange-host/exchange-host.env");
    entry("/usr/share/doc/exchange-host/README.md");
    let unit_path = [
        "/lib/systemd/system/exchange-host.service",
        "/usr/lib/systemd/system/exchange-host.service",
    ]
    .into_iter()
    .find(|p| contents.lines().any(|l| l.ends_with(&format!(" .{p}"))))
    .unwrap_or_else(|| panic!("no unit file:\n{contents}"));
    let plugins: Vec<&str> = contents
        .lines()
        .filter(|l| l.contains("/usr/lib/exchange-host/plugins/") && !l.ends_with('/'))
        .collect();
    assert_eq!(plugins.len(), 1, "only the production plugin: {plugins:#?}");
    for test_only in [
        "example",
        "test_plugin",
        "misbehaving",
        "incompatible",
        "emulator",
        "bench",
    ] {
        assert!(
            !contents.contains(test_only),
            "{test_only} is packaged:\n{contents}"
        );
    }

    // Control: dependencies, the configuration file, maintainer scripts.
    let control = run(Command::new("dpkg-deb").args(["--field"]).arg(&deb))
        .ok()
        .stdout;
    assert!(control.contains("Package: exchange-host"), "{control}");
    let depends = control.lines().find(|l| l.starts_with("Depends:")).unwrap();
    assert!(
        depends.contains("adduser") && depends.contains("libc6"),
        "{depends}"
    );
    let unpacked = dir.path().join("root");
    let meta = dir.path().join("DEBIAN");
    run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&unpacked)).ok();
    run(Command::new("dpkg-deb").arg("-e").arg(&deb).arg(&meta)).ok();
    let read = |path: PathBuf| {
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    assert_eq!(
        read(meta.join("conffiles")).trim(),
        "/etc/exchange-host/exchange-host.env"
    );
    let postinst = read(meta.join("postinst"));
    assert!(postinst.contains("adduser --system --group"), "{postinst}");
    assert!(
        postinst.contains(
            "install -d -m 0700 -o exchange-host -g exchange-host /var/lib/exchange-host"
        ),
        "{postinst}"
    );
    assert!(
        postinst.contains("deb-systemd-helper"),
        "the unit is enabled:\n{postinst}"
    );
    assert!(!postinst.contains("#DEBHELPER#"), "{postinst}");
    let env = read(unpacked.join("etc/exchange-host/exchange-host.env"));
    for line in [
        "EXCHANGE_DB=/var/lib/exchange-host/exchange.db",
        "EXCHANGE_PLUGINS=/usr/lib/exchange-host/plugins",
        "EXCHANGE_HTTP=127.0.0.1:8080",
    ] {
        assert!(env.lines().any(|l| l == line), "{line} missing:\n{env}");
    }

    // The unit: notify, watchdog, service user, sandbox.
    let unit_file = unpacked.join(unit_path.trim_start_matches('/'));
    let unit = read(unit_file.clone());
    for line in [
        "Type=notify",
        "WatchdogSec=2min",
        "ExecStart=/usr/bin/exchange-host serve",
        "EnvironmentFile=/etc/exchange-host/exchange-host.env",
        "User=exchange-host",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/exchange-host",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "ProtectHome=yes",
        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
        "SystemCallFilter=@system-service",
        "CapabilityBoundingSet=",
    ] {
        assert!(unit.lines().any(|l| l == line), "{line} missing:\n{unit}");
    }
    // systemd's own checks, where systemd is installed, on a copy that starts the unpacked
    // binary (verify wants the ExecStart binary to exist).
    if Path::new("/usr/bin/systemd-analyze").exists() {
        let copy = dir.path().join("exchange-host.service");
        let packaged = unpacked.join("usr/bin/exchange-host");
        std::fs::write(
            &copy,
            unit.replace("/usr/bin/exchange-host", packaged.to_str().unwrap()),
        )
        .unwrap();
        let verify = run(Command::new("systemd-analyze").arg("verify").arg(&copy));
        assert_eq!(
            verify.status,
            0,
            "systemd-analyze verify:\n{}",
            verify.all()
        );
        assert!(
            !verify.all().contains("exchange-host.service"),
            "systemd-analyze has remarks:\n{}",
            verify.all()
        );
        // The sandbox as systemd rates it (0 = locked down, 10 = exposed; "OK" is below 2).
        let security = run(Command::new("systemd-analyze")
            .args(["security", "--offline=yes", "--no-pager"])
            .arg(&copy));
        let exposure: f64 = security
            .all()
            .lines()
            .find_map(|l| {
                l.split("Overall exposure level for exchange-host.service: ")
                    .nth(1)
            })
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| panic!("no exposure level:\n{}", security.all()));
        assert!(exposure < 2.0, "exposure {exposure}:\n{}", security.all());
    } else {
        eprintln!("systemd-analyze is not installed: the unit file is not verified by systemd");
    }

    // The packaged host finds the packaged plugin.
    let host = unpacked.join("usr/bin/exchange-host");
    let listed = run(Command::new(&host)
        .args(["--db"])
        .arg(dir.path().join("db/exchange.db"))
        .arg("--plugins")
        .arg(unpacked.join("usr/lib/exchange-host/plugins"))
        .args(["plugins", "list"]))
    .ok();
    assert!(listed.stdout.contains("sferum-sync"), "{}", listed.all());
}
