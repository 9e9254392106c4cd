//! A school in a temporary database whose organization talks to an in-process Sferum
//! emulator: the fixture of the Sferum sync and web console end-to-end tests.

use super::{host_command, install_plugin, temp_dir, Run};
use sferum_emulator::{Emulator, EmulatorConfig, EmulatorHandle};
use std::path::PathBuf;
use std::process::Command;

/// An organization whose Links base holds the emulator's community and token, with an
/// imported sample school, the given plugins, and the emulator itself.
pub struct EmulatedSchool {
    pub dir: tempfile::TempDir,
    pub plugins: PathBuf,
    pub db: PathBuf,
    pub emulator: EmulatorHandle,
}

impl EmulatedSchool {
    /// Organization `org` (community `community`, `token`) with a sample school of
    /// `students`, and the plugin libraries `crates` (e.g. `sferum_sync`).
    pub fn new(
        org: &str,
        community: u64,
        token: &str,
        students: usize,
        crates: &[&str],
    ) -> EmulatedSchool {
        let dir = temp_dir();
        let plugins = dir.path().join("plugins");
        std::fs::create_dir(&plugins).unwrap();
        for name in crates {
            install_plugin(name, &plugins, &format!("lib{name}.so"));
        }
        let db = dir.path().join("exchange.db");
        let emulator =
            Emulator::start(EmulatorConfig::default().community(community, token)).unwrap();
        let school = EmulatedSchool {
            dir,
            plugins,
            db,
            emulator,
        };
        school
            .cli(&["org", "add", org, "--name", "ГБОУ школа № 239"])
            .ok();
        let id = format!("sferum.community_id={community}");
        let token = format!("sferum.access_token={token}");
        school.cli(&["org", "set", org, &id, &token]).ok();
        let file = school.dir.path().join("school.json");
        let file = file.to_str().unwrap();
        school
            .cli(&[
                "school",
                "sample",
                "--org",
                org,
                "--students",
                &students.to_string(),
                "-o",
                file,
            ])
            .ok();
        school.cli(&["school", "import", org, file]).ok();
        school
    }

    /// `exchange-host` on this school's database and plugins, its API calls going to the
    /// emulator and no proxy or host setting inherited.
    pub fn command(&self) -> Command {
        let mut command = host_command();
        command
            .arg("--db")
            .arg(&self.db)
            .arg("--plugins")
            .arg(&self.plugins)
            .env("SFERUM_API_BASE", self.emulator.base_url())
            .env_remove("EXCHANGE_PLUGINS")
            .env_remove("EXCHANGE_DB")
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy")
            .env_remove("ALL_PROXY");
        command
    }

    /// Runs `exchange-host` with `args` to its end.
    pub fn cli(&self, args: &[&str]) -> Run {
        Run::from_output(self.command().args(args).output().unwrap())
    }
}
