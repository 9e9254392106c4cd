//! Secrets at rest: the database and everything beside it are owner-only whatever the umask,
//! a database others can read is refused with the fix, and secrets can live in files the host
//! reads when a run starts, so they never enter the database.

mod common;

use common::*;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;

/// The misbehaving fixture library (built on first use: it is not a default member), whose
/// copy named `libsnoop.so` logs its secrets and counts their lengths.
fn install_snoop(dir: &Path) {
    install_plugin("misbehaving_plugin", dir, "libsnoop.so");
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A database in folders that do not exist yet, and a plugin folder.
struct Host(HostDir);

impl std::ops::Deref for Host {
    type Target = HostDir;

    fn deref(&self) -> &HostDir {
        &self.0
    }
}

impl Host {
    fn new() -> Host {
        let h = Host(HostDir::with_db("data/host/exchange.db"));
        install_snoop(&h.plugins);
        h
    }

    /// Runs a command with umask 000, the worst case for files the host creates.
    fn cli(&self, args: &[&str]) -> Run {
        let mut command = self.command();
        command.args(args);
        // SAFETY: umask(2) is async-signal-safe and cannot fail.
        unsafe {
            command.pre_exec(|| {
                libc::umask(0);
                Ok(())
            });
        }
        Run::from_output(command.output().unwrap())
    }

    /// Every file and folder the host keeps is the owner's only.
    fn assert_owner_only(&self, after: &str) {
        for folder in [
            self.dir.path().join("data"),
            self.dir.path().join("data/host"),
        ] {
            assert_eq!(mode(&folder), 0o700, "{} after {after}", folder.display());
        }
        let kept = std::fs::read_dir(self.db.parent().unwrap()).unwrap();
        let mut files = 0;
        for entry in kept {
            let path = entry.unwrap().path();
            assert_eq!(mode(&path), 0o600, "{} after {after}", path.display());
            files += 1;
        }
        assert!(files >= 1, "no plugin scan cache after {after}");
    }
}

#[test]
fn the_database_and_its_files_are_owner_only_after_every_command() {
    let h = Host::new();
    let token = h.dir.path().join("token");
    std::fs::write(&token, "vk1.a.token-kept-in-a-file\n").unwrap();
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    let reference = format!("snoop.token=@file:{}", token.display());
    let commands: Vec<Vec<&str>> = vec![
        vec!["plugins", "list"],
        vec!["org", "add", "school", "--name", "Школа"],
        vec!["org", "set", "school", &reference],
        vec!["task", "add", "--org", "school", "--type", "snoop"],
        vec!["run", "1"],
        vec!["runs", "--task", "1"],
        vec!["logs", "1"],
        vec!["task", "show", "1"],
        vec!["org", "show", "school"],
    ];
    for args in commands {
        h.cli(&args).ok();
        h.assert_owner_only(&args.join(" "));
    }
}

#[test]
fn a_database_others_can_read_is_refused_with_the_fix() {
    let h = Host::new();
    h.cli(&["org", "add", "school", "--name", "Школа"]).ok();
    std::fs::set_permissions(&h.db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let refused = h.cli(&["org", "list"]).failed();
    assert!(
        refused.stderr.contains(&format!(
            "refusing to open the database {}: other users can read or change it",
            h.db.display()
        )),
        "{}",
        refused.stderr
    );
    assert!(refused
        .stderr
        .contains(&format!("chmod 600 {}", h.db.display())));
    std::fs::set_permissions(&h.db, std::fs::Permissions::from_mode(0o600)).unwrap();
    h.cli(&["org", "list"]).ok();
}

#[test]
fn secrets_kept_in_files_reach_the_plugin_but_never_the_database_or_output() {
    let h = Host::new();
    let token = h.dir.path().join("token");
    let secret = "vk1.a.token-kept-in-a-file";
    std::fs::write(&token, format!("{secret}\n")).unwrap();
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    let password = h.dir.path().join("password");
    std::fs::write(&password, "proxy-password-in-a-file").unwrap();
    std::fs::set_permissions(&password, std::fs::Permissions::from_mode(0o640)).unwrap();
    let token_ref = format!("@file:{}", token.display());
    let password_ref = format!("@file:{}", password.display());

    h.cli(&["org", "add", "school", "--name", "Школа"]).ok();
    let set = h
        .cli(&["org", "set", "school", &format!("snoop.token={token_ref}")])
        .ok();
    assert!(
        set.stdout.contains(&token_ref),
        "the reference is shown: {}",
        set.stdout
    );
    let show = h.cli(&["org", "show", "school"]).ok();
    assert!(
        show.stdout.contains(&format!("snoop.token = {token_ref}")),
        "{}",
        show.stdout
    );
    let task = h
        .cli(&[
            "task",
            "add",
            "--org",
            "school",
            "--type",
            "snoop",
            &format!("password={password_ref}"),
        ])
        .ok()
        .stdout
        .trim()
        .to_string();
    let show = h.cli(&["task", "show", &task]).ok();
    assert!(show.stdout.contains(&password_ref), "{}", show.stdout);

    let run = h.cli(&["run", &task]).ok();
    let counter = |name: &str| -> Option<usize> {
        let line = run.stdout.lines().find(|l| l.starts_with(name))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    assert_eq!(counter("token_len"), Some(secret.len()), "{}", run.stdout);
    assert_eq!(counter("password_len"), Some(24), "{}", run.stdout);
    let logs = h.cli(&["logs", "1"]).ok();
    assert!(logs.stdout.contains("the token is ••••"), "{}", logs.stdout);
    for text in [run.all(), logs.all()] {
        assert!(
            !text.contains(secret) && !text.contains("proxy-password-in-a-file"),
            "{text}"
        );
    }
    for file in std::fs::read_dir(h.db.parent().unwrap()).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(secret),
            "a secret kept in a file reached the database"
        );
    }

    // A file every user can read is refused when the run starts, naming key and file only.
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o644)).unwrap();
    let refused = h.cli(&["run", &task]).failed();
    let all = refused.all();
    assert!(
        all.contains(&format!(
            "the Links base key snoop.token refers to the file {}",
            token.display()
        )),
        "{all}"
    );
    assert!(
        all.contains(&format!("chmod o-rwx {}", token.display())),
        "{all}"
    );
    assert!(!all.contains(secret));
}

#[test]
fn file_references_must_be_absolute_and_only_for_secrets() {
    let h = Host::new();
    h.cli(&["org", "add", "school", "--name", "Школа"]).ok();
    let relative = h
        .cli(&["org", "set", "school", "snoop.token=@file:token"])
        .failed();
    assert!(
        relative.stderr.contains("absolute path"),
        "{}",
        relative.stderr
    );
    let plain = h
        .cli(&["org", "set", "school", "snoop.note=@file:/etc/hostname"])
        .failed();
    assert!(
        plain.stderr.contains("only for secret keys"),
        "{}",
        plain.stderr
    );
}
