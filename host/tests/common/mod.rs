//! Shared helpers of the host's end-to-end tests: the built binary and plugin libraries,
//! temporary folders, and running commands.
#![allow(dead_code)] // each test file uses a different subset

mod emulated;

#[allow(unused_imports)] // only the emulator-backed test files use it
pub use emulated::EmulatedSchool;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `exchange-host` binary under test.
pub fn host_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_exchange-host"))
}

/// `exchange-host` in an English locale whatever the machine's (`LC_ALL=C.UTF-8`), so that
/// the tests' expectations of English output hold anywhere; a test of another language sets
/// `LC_ALL` again.
pub fn host_command() -> Command {
    let mut command = Command::new(host_bin());
    command.env("LC_ALL", "C.UTF-8");
    command
}

/// The plugin crates that are not default members of the workspace (the template, the test
/// fixture): `cargo test -p exchange-host` does not build them, so they are built on first use.
const BUILT_ON_FIRST_USE: [&str; 3] = ["test_plugin", "example_plugin", "misbehaving_plugin"];

/// Builds the workspace package `package` (once per test process).
pub fn cargo_build(package: &str) {
    static BUILT: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if built.iter().any(|p| p == package) {
        return;
    }
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", package, "--manifest-path"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml"))
        .status()
        .unwrap();
    assert!(status.success(), "building {package} failed");
    built.push(package.to_string());
}

/// A plugin library built in this workspace (`test_plugin`, `sferum_sync`, …).
pub fn built_library(crate_name: &str) -> PathBuf {
    if BUILT_ON_FIRST_USE.contains(&crate_name) {
        cargo_build(&crate_name.replace('_', "-"));
    }
    let dir = host_bin().parent().unwrap().to_path_buf();
    let file = dir.join(format!(
        "lib{crate_name}.{}",
        std::env::consts::DLL_EXTENSION
    ));
    assert!(
        file.exists(),
        "{} is missing: build the workspace first (cargo build --workspace)",
        file.display()
    );
    file
}

/// A fresh folder (mode 0700) for one test.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("exchange-host-test")
        .tempdir()
        .unwrap()
}

/// Copies a built plugin library into `dir` under `file_name`, mode 0644.
pub fn install_plugin(crate_name: &str, dir: &Path, file_name: &str) -> PathBuf {
    install_file(&built_library(crate_name), dir, file_name)
}

/// Copies the library `source` into `dir` under `file_name`, mode 0644 (as the host wants).
pub fn install_file(source: &Path, dir: &Path, file_name: &str) -> PathBuf {
    let target = dir.join(file_name);
    std::fs::copy(source, &target).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    target
}

/// The result of one command, with both streams as text.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The result of a finished process.
    pub fn from_output(output: Output) -> Run {
        Run {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Both streams together, for searching.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// Panics with the output unless the command succeeded.
    pub fn ok(self) -> Run {
        assert_eq!(
            self.status, 0,
            "command failed:\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Panics with the output unless the command failed.
    pub fn failed(self) -> Run {
        assert_ne!(
            self.status, 0,
            "command should have failed:\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Runs `exchange-host` with `args`, plugin folder `plugins`, and no inherited host settings.
pub fn host(plugins: &Path, args: &[&str]) -> Run {
    host_with_env(plugins, args, &[])
}

/// Like [`host`], with extra environment variables.
pub fn host_with_env(plugins: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = host_command_in(plugins);
    command.args(args).envs(env.iter().copied());
    Run::from_output(command.output().unwrap())
}

/// `exchange-host --plugins PLUGINS`, not started yet, with no host setting, log filter or
/// proxy inherited. Without `--db`, the default database folder (and the plugin scan cache
/// in it) is beside the plugins folder, not the user's.
pub fn host_command_in(plugins: &Path) -> Command {
    let mut command = host_command();
    command
        .arg("--plugins")
        .arg(plugins)
        .env_remove("EXCHANGE_PLUGINS")
        .env_remove("EXCHANGE_DB")
        .env_remove("RUST_LOG")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .env(
            "XDG_DATA_HOME",
            plugins.parent().unwrap_or(plugins).join("data"),
        );
    command
}

/// A fresh temporary folder with an empty `plugins` folder and a database path in it: where
/// most end-to-end tests start.
pub struct HostDir {
    pub dir: tempfile::TempDir,
    pub plugins: PathBuf,
    pub db: PathBuf,
}

impl HostDir {
    /// The database is `exchange.db` in the folder.
    pub fn new() -> HostDir {
        HostDir::with_db("exchange.db")
    }

    /// The database is `db`, a path relative to the folder (its folders are not created).
    pub fn with_db(db: &str) -> HostDir {
        let dir = temp_dir();
        let plugins = dir.path().join("plugins");
        std::fs::create_dir(&plugins).unwrap();
        let db = dir.path().join(db);
        HostDir { dir, plugins, db }
    }

    /// Installs the built library of `crate_name` (e.g. `test_plugin`) in the plugins folder
    /// as `lib<crate_name>.so`.
    pub fn install(&self, crate_name: &str) -> PathBuf {
        install_plugin(crate_name, &self.plugins, &format!("lib{crate_name}.so"))
    }

    /// A path in the folder, as text.
    pub fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_owned()
    }

    /// `exchange-host --db DB --plugins PLUGINS`, not started yet (see [`host_command_in`]).
    pub fn command(&self) -> Command {
        let mut command = host_command_in(&self.plugins);
        command.arg("--db").arg(&self.db);
        command
    }

    /// Runs `exchange-host ARGS` on this database and plugins folder to its end.
    pub fn cli(&self, args: &[&str]) -> Run {
        self.cli_with_env(args, &[])
    }

    /// Like [`HostDir::cli`], with extra environment variables.
    pub fn cli_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = self.command();
        command.args(args).envs(env.iter().copied());
        Run::from_output(command.output().unwrap())
    }
}
