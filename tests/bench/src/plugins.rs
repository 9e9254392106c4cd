//! The host's start-up and `plugins list` with a full plugins folder: 20 copies of the
//! example plugin under different names (one task type, so all 20 are refused as
//! duplicates after being loaded), and the two distinct plugins of the workspace.

use crate::host::{Build, World, EXAMPLE, SFERUM_SYNC};
use crate::process::Serving;
use crate::report::{median, time, Report};
use anyhow::{ensure, Context as _};
use serde_json::Value;
use std::time::{Duration, Instant};

/// Copies of the example plugin in the full folder.
const COPIES: usize = 20;
/// Repetitions of each command; the median time is reported.
const REPEAT: usize = 5;

/// The timings with one plugins folder.
pub struct Folder {
    /// What the folder holds.
    label: String,
    /// Plugins the host loaded and refused.
    loaded: usize,
    refused: usize,
    /// Median wall time of `exchange-host plugins list`.
    list: Duration,
    /// Median time from starting `exchange-host serve` (empty database) to its banner.
    start_up: Duration,
}

fn measure_folder(world: &World, label: String) -> anyhow::Result<Folder> {
    let output = world.command(&["plugins", "list", "--json"]).output()?;
    ensure!(output.status.success(), "plugins list --json failed");
    let listing: Value = serde_json::from_slice(&output.stdout)?;
    let length = |key: &str| listing[key].as_array().map_or(0, Vec::len);
    let mut list = Vec::new();
    let mut start_up = Vec::new();
    for _ in 0..REPEAT {
        let started = Instant::now();
        let status = world
            .command(&["plugins", "list"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()?;
        list.push(started.elapsed());
        ensure!(status.success(), "plugins list failed");
        start_up.push(Serving::start(world.command(&["serve"]))?.ready);
    }
    Ok(Folder {
        label,
        loaded: length("plugins"),
        refused: length("skipped"),
        list: median(list),
        start_up: median(start_up),
    })
}

/// Measures both folders.
pub fn measure(build: &Build) -> anyhow::Result<Vec<Folder>> {
    let copies = World::new(build)?;
    for i in 1..=COPIES {
        copies.install(build, EXAMPLE, &format!("libexample_{i:02}.so"))?;
    }
    let distinct = World::new(build)?;
    distinct.install(build, EXAMPLE, "libexample_plugin.so")?;
    distinct.install(build, SFERUM_SYNC, "libsferum_sync.so")?;
    let label = format!("{COPIES} copies of libexample_plugin.so");
    let copies = measure_folder(&copies, label).context("20 copies")?;
    let label = "2 distinct plugins (example, sferum-sync)".to_string();
    let distinct = measure_folder(&distinct, label).context("2 plugins")?;
    Ok(vec![copies, distinct])
}

impl Folder {
    /// Adds this folder's rows.
    pub fn report(&self, report: &mut Report) {
        let outcome = format!("{} loaded, {} refused", self.loaded, self.refused);
        report.figure(
            format!("plugins list, {}", self.label),
            format!("{} ({outcome}; median of {REPEAT})", time(self.list)),
        );
        report.figure(
            format!("serve start-up to ready, {}", self.label),
            format!(
                "{} (empty database; median of {REPEAT})",
                time(self.start_up)
            ),
        );
    }
}
