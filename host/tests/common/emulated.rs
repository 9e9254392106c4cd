//! A school in a temporary database whose organization talks to an in-process Sferum
//! emulator: the fixture of the Sferum sync and web console end-to-end tests.

use super::{HostDir, Run};
use sferum_emulator::{Emulator, EmulatorConfig, EmulatorHandle};
use std::process::Command;

/// An organization whose Links base holds the emulator's community and token, with an
/// imported sample school, the given plugins, and the emulator itself.
pub struct EmulatedSchool {
    pub host: HostDir,
    pub emulator: EmulatorHandle,
}

impl std::ops::Deref for EmulatedSchool {
    type Target = HostDir;

    fn deref(&self) -> &HostDir {
        &self.host
    }
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
        let host = HostDir::new();
        for name in crates {
            host.install(name);
        }
        let emulator =
            Emulator::start(EmulatorConfig::default().community(community, token)).unwrap();
        let school = EmulatedSchool { host, emulator };
        school
            .cli(&["org", "add", org, "--name", "ГБОУ школа № 239"])
            .ok();
        let id = format!("sferum.community_id={community}");
        let token = format!("sferum.access_token={token}");
        school.cli(&["org", "set", org, &id, &token]).ok();
        let file = school.path("school.json");
        school
            .cli(&[
                "school",
                "sample",
                "--org",
                org,
                "--students",
                &students.to_string(),
                "-o",
                &file,
            ])
            .ok();
        school.cli(&["school", "import", org, &file]).ok();
        school
    }

    /// `exchange-host` on this school's database and plugins, its API calls going to the
    /// emulator and no proxy or host setting inherited.
    pub fn command(&self) -> Command {
        let mut command = self.host.command();
        command.env("SFERUM_API_BASE", self.emulator.base_url());
        command
    }

    /// Runs `exchange-host` with `args` to its end.
    pub fn cli(&self, args: &[&str]) -> Run {
        Run::from_output(self.command().args(args).output().unwrap())
    }
}
