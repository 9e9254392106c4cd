//! A running `exchange-host serve`, and what /proc says about a process's memory and CPU.

use anyhow::{bail, Context as _};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The start of the line `serve` prints on stderr once it is scheduling.
const BANNER: &str = "exchange-host serve:";
/// How long `serve` may take to print its banner.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// A running `serve`, stopped with SIGTERM (and waited for) when dropped.
pub struct Serving {
    child: Child,
    /// From the spawn to the banner: the host's start-up.
    pub ready: Duration,
}

impl Serving {
    /// Spawns `command` (an `exchange-host … serve …` line) and waits for its banner.
    pub fn start(mut command: Command) -> anyhow::Result<Serving> {
        let started = Instant::now();
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot start exchange-host serve")?;
        let stderr = child.stderr.take().context("serve's stderr")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let banner = line.starts_with(BANNER);
                let _ = tx.send((banner, line));
            }
        });
        let mut said = Vec::new();
        loop {
            match rx.recv_timeout(START_TIMEOUT) {
                Ok((true, _)) => {
                    let ready = started.elapsed();
                    return Ok(Serving { child, ready });
                }
                Ok((false, line)) => said.push(line),
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    bail!("serve did not start; it said: {}", said.join(" | "));
                }
            }
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        // SAFETY: a plain kill(2) of our own child, which has not been waited for yet.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

/// Resident memory of a process now and at its peak, in KiB (`VmRSS`, `VmHWM`).
pub fn memory_kib(pid: u32) -> anyhow::Result<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let field = |name: &str| -> anyhow::Result<u64> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .with_context(|| format!("{name} in /proc/{pid}/status"))
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

/// CPU time a process has used so far, user and system, in clock ticks.
pub fn cpu_ticks(pid: u32) -> anyhow::Result<u64> {
    stat_sum(pid, 11..=12)
}

/// CPU time a process and its children that it has waited for have used so far, user and
/// system, in clock ticks (`utime + stime + cutime + cstime`).
pub fn cpu_ticks_with_children(pid: u32) -> anyhow::Result<u64> {
    stat_sum(pid, 11..=14)
}

/// The sum of the fields `fields` of `/proc/PID/stat`, counted from `state` (field 3) as 0:
/// the fields after the command name, which may hold spaces. `utime`, `stime`, `cutime` and
/// `cstime` (fields 14 to 17) are 11 to 14.
fn stat_sum(pid: u32, fields: std::ops::RangeInclusive<usize>) -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let rest = stat.rsplit_once(')').context("/proc/PID/stat")?.1;
    let values: Vec<&str> = rest.split_whitespace().collect();
    fields
        .map(|i| {
            values
                .get(i)
                .and_then(|v| v.parse::<u64>().ok())
                .with_context(|| format!("field {} of /proc/{pid}/stat", i + 3))
        })
        .sum()
}

/// The processes whose parent is `pid` now (read from /proc).
pub fn children(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|child| {
            std::fs::read_to_string(format!("/proc/{child}/stat"))
                .ok()
                .and_then(|stat| {
                    let rest = stat.rsplit_once(')')?.1.to_string();
                    rest.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(pid)
        })
        .collect()
}

/// Clock ticks per second (`_SC_CLK_TCK`).
pub fn ticks_per_second() -> u64 {
    // SAFETY: sysconf reads a constant of the system.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    u64::try_from(ticks).unwrap_or(100).max(1)
}
